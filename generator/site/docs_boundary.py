"""The TechDocs trust boundary: which files of a component's docs may be published.

Docs come from pull requests and are read on a build machine whose checkout also holds
``.git``, files earlier CI steps left untracked (``.env``, cloud credentials) and other
teams' folders. A link in a docs folder can name any of them, and ``docs_dir: ../..``
would make the whole checkout a docs folder. So every place that reads docs files asks
this module first, and a file is published only when all of these hold:

1. its real path, every link resolved, lies inside the docs folder it was found in;
2. no part of that path below the docs folder is hidden (starts with ``.``);
3. it is a regular file with one name (a hard link is another name of a file that may
   live anywhere, ``.git/config`` included);
4. its extension is one the portal publishes, and its content is what the extension
   says (:mod:`generator.site.file_checks`): no HTML in a ``.png``, no scripts in a PDF;
5. it fits the budgets in ``portal.yaml``: ``techdocs.max_file_bytes`` per file, and
   ``techdocs.max_site_bytes`` / ``techdocs.max_total_bytes`` for one site and all.

The folders obey the same rules one level up: the ``techdocs-ref`` folder lies inside
the repository; its ``mkdocs.yml`` is a file of that folder, not a link to another;
``docs_dir`` lies strictly inside the folder holding ``mkdocs.yml``; none has a hidden
part. Each refusal is a :class:`Refusal` with a stable finding code.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from generator.errors import path_error_reason
from generator.site.file_checks import content_problem
from generator.trust import hidden_part, shown

PUBLISHED = re.compile(r"\.(md|png|jpe?g|gif|webp|avif|ico|pdf|txt|csv|json|ya?ml)", re.I)
"""Extensions published. SVG and HTML are not: opened directly, they run scripts on the
portal's origin."""


class Refusal(NamedTuple):
    """Why a path may not be published: a finding code and a message."""

    code: str
    message: str


@dataclass(frozen=True)
class Budgets:
    """Sizes a docs file, one site and all sites may reach (``techdocs:`` in portal.yaml)."""

    max_file_bytes: int
    max_site_bytes: int
    max_total_bytes: int
    max_image_pixels: int


def folder_refusal(
    folder: Path, within: Path, root: Path, what: str, *, below: bool = False
) -> Refusal | None:
    """Why ``folder`` (resolved) may not serve as ``what`` inside ``within`` (strictly
    below it with ``below``), or None."""
    if not folder.is_relative_to(root):
        return Refusal("techdocs.outside-repo", f"{what} leads outside the repository")
    if not folder.is_relative_to(within) or (below and folder == within):
        return Refusal(
            "techdocs.outside-docs",
            f"{what} resolves to '{shown(folder, root)}', outside '{shown(within, root)}'; "
            "keep the docs in a folder below it",
        )
    if hidden := hidden_part(folder, within):
        return Refusal(
            "techdocs.outside-docs",
            f"{what} passes through the hidden folder '{hidden}'; docs are never published "
            "from hidden folders (.git, .github, credentials)",
        )
    return None


def config_refusal(path: Path, folder: Path, root: Path) -> Refusal | None:
    """Why the ``mkdocs.yml`` at ``path`` (in ``folder``, resolved) may not be read."""
    real = path.resolve()
    if real.parent != folder or not real.is_file():
        return Refusal(
            "techdocs.outside-docs",
            f"'{shown(path, root)}' links to '{shown(real, root)}'; mkdocs.yml must be a "
            "file of the folder techdocs-ref names",
        )
    return None


def file_refusal(path: Path, docs: Path, root: Path, budgets: Budgets) -> Refusal | None:
    """Why the file at ``path``, found in the docs folder ``docs`` (resolved), may not
    be published; None when it may. Rules 1 to 5 of this module, in order."""
    try:
        real = path.resolve(strict=True)
        info = real.stat()
    except (OSError, RuntimeError) as exc:
        return Refusal("techdocs.invalid", f"cannot be read ({path_error_reason(exc)})")
    if not real.is_relative_to(root):
        return Refusal("techdocs.outside-repo", "links to a file outside the repository")
    if not real.is_relative_to(docs):
        return Refusal(
            "techdocs.outside-docs",
            f"links to '{shown(real, root)}', outside this docs folder; only files inside "
            "it are published: copy the file in, or link to it in the repository",
        )
    if hidden := hidden_part(real, docs):
        return Refusal(
            "techdocs.outside-docs",
            f"leads into the hidden path part '{hidden}'; hidden files are never published",
        )
    if not stat.S_ISREG(info.st_mode):
        return Refusal("techdocs.skipped-file", "not published: not a regular file")
    if info.st_nlink > 1:
        return Refusal(
            "techdocs.outside-docs",
            f"is a hard link ({info.st_nlink} names for one file), which may be a file "
            "from anywhere on the build machine; commit a copy instead",
        )
    return _content_refusal(real, info.st_size, budgets)


def _content_refusal(real: Path, size: int, budgets: Budgets) -> Refusal | None:
    if not PUBLISHED.fullmatch(real.suffix):
        return Refusal("techdocs.skipped-file", f"not published: {unpublished(real.suffix)}")
    if size > budgets.max_file_bytes:
        return Refusal(
            "techdocs.too-large",
            f"{size:,} bytes, over techdocs.max_file_bytes ({budgets.max_file_bytes:,}); "
            "link to it in the repository or a file store, or raise the budget in portal.yaml",
        )
    try:
        problem = content_problem(real, budgets.max_image_pixels)
    except OSError as exc:
        return Refusal("techdocs.invalid", f"cannot be read ({path_error_reason(exc)})")
    if problem:
        return Refusal("techdocs.unsafe-file", f"not published: {problem}")
    return None


def folder_link_refusal(path: Path, docs: Path, root: Path) -> Refusal:
    """Why a link to a folder inside a docs folder is not followed."""
    real = path.resolve()
    if not real.is_relative_to(root):
        return Refusal("techdocs.outside-repo", "links to a folder outside the repository")
    if not real.is_relative_to(docs) or hidden_part(real, docs):
        return Refusal(
            "techdocs.outside-docs",
            f"links to the folder '{shown(real, root)}', outside this docs folder; "
            "only files inside it are published",
        )
    return Refusal(
        "techdocs.skipped-file",
        "a link to a folder is not followed: move the pages here or link to them",
    )


def unpublished(suffix: str) -> str:
    """Why files with this suffix are not published, and what to do instead."""
    if suffix.lower() in (".svg", ".html", ".htm", ".xhtml"):
        return "SVG and HTML files can run scripts when opened on the portal's site; use PNG"
    if not suffix:
        return "files without an extension are not; link to it in the repository instead"
    return (
        f"'{suffix}' files are not (pages, images, PDF and data files are); "
        "link to it in the repository instead"
    )


def walk(docs: Path) -> tuple[list[Path], list[Path]]:
    """Every file and every link to a folder below ``docs``, sorted, hidden names
    skipped (MkDocs skips them too); links to folders are not followed."""
    files, folder_links = [], []
    for dirpath, dirnames, filenames in os.walk(docs):
        here = Path(dirpath)
        for name in sorted(dirnames):
            if not name.startswith(".") and (here / name).is_symlink():
                folder_links.append(here / name)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        files += [here / n for n in sorted(filenames) if not n.startswith(".")]
    return sorted(files), sorted(folder_links)
