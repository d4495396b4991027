"""What the portal may read from a checkout. A build machine's checkout holds more than
the repository's tracked files: git's own folder (``.git/config`` may hold a token),
and whatever earlier CI steps left (``.env``, cloud credentials), all under hidden
names. Catalog files come from pull requests and can name any path, so no reader of
catalog-named paths (placeholders, Location targets, TechDocs) follows one into a
hidden file or folder. Pure path logic: callers resolve links first."""

from __future__ import annotations

from pathlib import Path


def hidden_part(path: Path, folder: Path) -> str | None:
    """The first hidden name (starting with ``.``) on ``path`` below ``folder``, or None.
    Both are resolved; ``path`` lies inside ``folder``."""
    return next((p for p in path.relative_to(folder).parts if p.startswith(".")), None)


def shown(path: Path, root: Path) -> str:
    """``path`` as a finding may name it: relative to the repository, or not at all (a
    finding must not print the build machine's folders)."""
    if path.is_relative_to(root):
        return path.relative_to(root).as_posix() or "."
    return "a path outside the repository"
