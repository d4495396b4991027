"""``portal serve``: live preview on localhost.

It builds the site as ``portal build`` does, serves it on 127.0.0.1, and rebuilds when
a catalog or docs file changes, swapping the new site in: a browser refresh shows the
regenerated pages. A failed rebuild (an invalid catalog) keeps serving the last good
site and prints the findings.
"""

from __future__ import annotations

import http.server
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from generator.catalog import default_roots
from generator.config import Config
from generator.errors import ConfigError, PortalError

_WATCHED = (".yaml", ".yml", ".md", ".json")
_CHANGES = frozenset({"created", "modified", "deleted", "moved"})


def serve(config: Config, *, catalogs: Sequence[Path] | None = None, port: int = 8000) -> int:
    """Build, then serve on ``127.0.0.1:port`` until interrupted."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    from generator.commands.build import PREVIEW, build

    if not 0 < port < 65536:
        raise ConfigError(f"--port must be between 1 and 65535, found {port}")
    preview = config.root / ".portal-build" / PREVIEW
    site_dir, build_dir = preview / "site", preview / "build"

    def rebuild() -> int:
        return build(config, catalogs=catalogs, site_dir=site_dir, build_dir=build_dir)

    # A process started in the background by a script inherits SIGINT ignored, and
    # Python then never raises KeyboardInterrupt: 'kill -INT' (what Ctrl+C sends) must
    # stop the preview however it was started.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if rebuild() != 0:
        return 1
    changed = threading.Event()

    class Watch(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            # Reading files is an event too (inotify "opened"/"closed"): the build reads
            # every catalog file, so only changes may trigger a rebuild.
            # Editors save by writing a temporary file and moving it over: the catalog
            # file is then the move's destination.
            names = (str(event.src_path), str(getattr(event, "dest_path", "") or ""))
            if event.event_type in _CHANGES and any(n.endswith(_WATCHED) for n in names):
                changed.set()

    observer = Observer()
    for root in catalogs or default_roots(config):
        observer.schedule(Watch(), str(root), recursive=True)
    observer.start()
    server = _server(site_dir, port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"portal: serving http://127.0.0.1:{port}/ (Ctrl+C stops)", file=sys.stderr)
    try:
        while True:
            # Bounded waits: the kernel may hand Ctrl+C to the watcher's or the server's
            # thread, and a wait with no timeout would then never return to let Python
            # raise KeyboardInterrupt here (seen: a SIGINT ignored for 30 s in CI).
            if not changed.wait(timeout=0.5):
                continue
            time.sleep(0.3)  # editors write in bursts: rebuild once per burst
            changed.clear()
            print("portal: a catalog file changed; rebuilding", file=sys.stderr)
            try:
                rebuild()
            except PortalError as exc:  # MkDocs refused the site, say: keep the last one
                print(f"portal: {exc}\nportal: still serving the last good site", file=sys.stderr)
    finally:
        server.shutdown()
        observer.stop()
        observer.join()


def _server(site_dir: Path, port: int) -> http.server.ThreadingHTTPServer:
    # The site folder is replaced by each build: resolve it per request.
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(site_dir), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
