"""``portal serve``: live preview on localhost. MkDocs serves and live-reloads the build
folder; a watcher regenerates that folder when a catalog file changes. The build folder
is synchronised, not recreated (see :func:`generator.writing.write_tree`), so only the
pages whose content changed are touched and reloaded."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from generator.config import Config
from generator.errors import ConfigError


def serve(config: Config, *, catalogs: Sequence[Path] | None = None, port: int = 8000) -> int:
    """Build once, then serve on ``127.0.0.1:port`` until interrupted."""
    from mkdocs.commands.serve import serve as mkdocs_serve
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    from generator.commands.build import build

    if not 0 < port < 65536:
        raise ConfigError(f"--port must be between 1 and 65535, found {port}")
    site_dir = config.root / ".portal-build" / "preview-site"
    if build(config, catalogs=catalogs, site_dir=site_dir) != 0:
        return 1
    lock = threading.Lock()

    class Rebuild(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if str(event.src_path).endswith((".yaml", ".yml", ".md")) and lock.acquire(False):
                try:
                    print(f"portal: {event.src_path!s} changed; regenerating", file=sys.stderr)
                    build(config, catalogs=catalogs, site_dir=site_dir)
                finally:
                    lock.release()

    observer = Observer()
    for root in catalogs or [config.root / r for r in config.catalog.roots]:
        observer.schedule(Rebuild(), str(root), recursive=True)
    observer.start()
    try:
        mkdocs_serve(
            str(config.root / ".portal-build" / "mkdocs.yml"),
            open_in_browser=False,
            dev_addr=f"127.0.0.1:{port}",
            livereload=True,
        )
    finally:
        observer.stop()
        observer.join()
    return 0
