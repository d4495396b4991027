"""``portal diff`` as text (terminal, CI log) and as Markdown (the pull-request comment).
Every value from the catalog goes through :mod:`generator.gitops.text`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from generator.diagnostics import Finding, Severity
from generator.gitops.diff import CatalogDiff
from generator.gitops.text import code, printable, value_text
from generator.site import paths

MARKER = "<!-- portal:catalog-diff -->"
"""The first line of the pull-request comment: how a later run finds it to update it."""
LIST_LIMIT = 40
"""Items shown per Markdown section; the rest are counted (a comment holds 64 KB)."""
VALUE_LIMIT = 80


def short(sha: str | None) -> str:
    """A commit's short form; the empty tree when there was none."""
    return sha[:12] if sha else "(empty)"


def headline(d: CatalogDiff) -> str:
    """``2 added, 1 removed, 3 changed, 4 impacted``."""
    parts = [f"{len(d.added)} added", f"{len(d.removed)} removed", f"{len(d.changed)} changed"]
    if d.moved:
        parts.append(f"{len(d.moved)} moved")
    parts.append(f"{len(d.impacted)} impacted")
    return ", ".join(parts)


def breaking(d: CatalogDiff) -> list[Finding]:
    """Introduced findings that fail validation."""
    return [f for f in d.introduced if f.severity is Severity.ERROR]


# Text -----------------------------------------------------------------------------------


def text(d: CatalogDiff) -> str:
    """The whole diff for a terminal: one item per line, values escaped and cut."""
    lines = [f"catalog {short(d.base)}..{short(d.head)}: {headline(d)}"]

    def section(title: str, items: Iterable[str]) -> None:
        found = list(items)
        if found:
            lines.append(f"{title}:")
            lines.extend(f"  {item}" for item in found)

    section("added", (f"+ {_where(d, k)}" for k in d.added))
    section("removed", (f"- {_where(d, k)}" for k in d.removed))
    changed = []
    for key, changes in d.changed.items():
        changed.append(f"~ {_where(d, key)}")
        changed += [
            f"    {printable(c.path)}: {value_text(c.old, VALUE_LIMIT)} -> "
            f"{value_text(c.new, VALUE_LIMIT)}"
            for c in changes
        ]
    section("changed", changed)
    section(
        "moved",
        (f"> {printable(k)}: {printable(a)} -> {printable(b)}" for k, (a, b) in d.moved.items()),
    )
    section("relations gained", (f"+ {printable(s)} {t} {printable(g)}" for s, t, g in d.gained))
    section("relations lost", (f"- {printable(s)} {t} {printable(g)}" for s, t, g in d.lost))
    section(
        "owners changed",
        (f"{printable(k)}: {_ref(a)} -> {_ref(b)}" for k, (a, b) in d.owners.items()),
    )
    section(
        "impacted",
        (
            f"! {printable(k)} through {' -> '.join(map(printable, i.via))}; owner {_ref(i.owner)}"
            for k, i in d.impacted.items()
        ),
    )
    section("owners to notify", map(printable, d.owners_to_notify))
    section("findings introduced", map(_finding_text, d.introduced))
    section("findings fixed", map(_finding_text, d.fixed))
    return "\n".join(lines) + "\n"


def _ref(ref: str | None) -> str:
    return printable(ref) if ref else "(none)"


def _where(d: CatalogDiff, key: str) -> str:
    place = d.places.get(key)
    return f"{printable(key)} ({printable(place.file)}:{place.line})" if place else printable(key)


def _finding_text(f: Finding) -> str:
    where = f"{printable(f.file)}:{f.line}:{f.column}"
    return f"{where}: {f.severity.value}[{printable(f.code)}] {printable(f.message)}"


# Markdown ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    """Where links in the comment go: the published portal and the repository. Both come
    from the configuration of the repository that posts, never from the pull request."""

    site_url: str | None = None
    repo_url: str | None = None


def markdown(d: CatalogDiff, links: Links = Links()) -> str:
    """The pull-request comment: the marker, a summary line, what breaks, then the
    details folded away."""
    out = [MARKER, "### Catalog changes", ""]
    if d.empty and not d.introduced and not d.fixed:
        out.append(f"This pull request does not change the catalog (`{short(d.head)}`).")
        return "\n".join(out) + "\n"
    out.append(f"**{headline(d)}** · `{short(d.base)}` → `{short(d.head)}`")
    broken = breaking(d)
    if broken:
        out += ["", f"#### ⚠️ Breaks ({len(broken)})", ""]
        out += _capped([_finding_md(f) for f in broken])
    if d.owners_to_notify:
        out += ["", "Owners to notify: " + ", ".join(code(o) for o in d.owners_to_notify)]
    out += ["", "<details><summary>Details</summary>", ""]
    out += _details(d, links)
    out += ["", "</details>"]
    return "\n".join(out) + "\n"


def _details(d: CatalogDiff, links: Links) -> list[str]:
    out: list[str] = []

    def section(title: str, items: list[str]) -> None:
        if items:
            out.extend(["", f"#### {title} ({len(items)})", ""])
            out.extend(_capped(items))

    section("Added", [f"- {_entity_md(d, k, links, added=True)}" for k in d.added])
    section("Removed", [f"- {_entity_md(d, k, links, removed=True)}" for k in d.removed])
    changed = []
    for key, changes in d.changed.items():
        fields = [
            f"  - {code(c.path, 60)}: {code(value_text(c.old), VALUE_LIMIT)} → "
            f"{code(value_text(c.new), VALUE_LIMIT)}"
            for c in changes[:8]
        ]
        more = [f"  - and {len(changes) - 8} more fields"] if len(changes) > 8 else []
        changed.append("\n".join([f"- {_entity_md(d, key, links)}", *fields, *more]))
    section("Changed", changed)
    section("Moved", [f"- {code(k)}: {code(a)} → {code(b)}" for k, (a, b) in d.moved.items()])
    section(
        "Owner changed",
        [f"- {code(k)}: {_ref_md(a)} → {_ref_md(b)}" for k, (a, b) in d.owners.items()],
    )
    section(
        "Impacted",
        [
            f"- {_entity_md(d, k, links)} through {' → '.join(code(v) for v in i.via)}"
            f" · owner {_ref_md(i.owner)}"
            for k, i in d.impacted.items()
        ],
    )
    section("Relations gained", [f"- {code(s)} {t} {code(g)}" for s, t, g in d.gained])
    section("Relations lost", [f"- {code(s)} {t} {code(g)}" for s, t, g in d.lost])
    # Errors are listed under Breaks, above.
    others = [f for f in d.introduced if f.severity is not Severity.ERROR]
    section("Other findings introduced", [_finding_md(f) for f in others])
    section("Findings fixed", [_finding_md(f) for f in d.fixed])
    return out


def _capped(items: list[str]) -> list[str]:
    if len(items) <= LIST_LIMIT:
        return items
    return [*items[:LIST_LIMIT], f"- … and {len(items) - LIST_LIMIT} more"]


def _ref_md(ref: str | None) -> str:
    return code(ref) if ref else "(none)"


def _finding_md(f: Finding) -> str:
    where = code(f"{f.file}:{f.line}")
    return f"- {f.severity.value} {code(f.code)} at {where}: {code(f.message, 300)}"


def _entity_md(
    d: CatalogDiff, key: str, links: Links, *, added: bool = False, removed: bool = False
) -> str:
    """The ref, and a link to its page on the portal (not for an entity the pull
    request adds: it has none yet) or to its definition (at the base commit for one it
    removes)."""
    shown = code(key)
    place = d.places.get(key)
    if links.site_url and not added:
        url = f"{links.site_url.rstrip('/')}/{_url_path(paths.entity_url(key))}"
        return f"{shown} ([page]({url}))"
    commit = d.base if removed else d.head
    if links.repo_url and place and commit:
        path = f"{_url_path(place.file)}#L{place.line}"
        return f"{shown} ([definition]({links.repo_url.rstrip('/')}/blob/{commit}/{path}))"
    return shown


def _url_path(path: str) -> str:
    return quote(path, safe="/")
