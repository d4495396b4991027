"""Backstage entity references: ``[kind:][namespace/]name``.

Parsing follows ``@backstage/catalog-model`` ``parseEntityRef`` exactly (see
shared/docs/backstage-catalog.md section 6): a colon after the first slash belongs to
the name, empty parts are errors, and the namespace defaults to the *referencing*
entity's namespace rather than ``default``.
"""

from __future__ import annotations

DEFAULT_NAMESPACE = "default"


class RefError(ValueError):
    """A reference string that cannot be parsed; the message says why."""


class EntityRef:
    """A fully qualified reference. Identity and order use the lowercased canonical form.

    A plain slotted class rather than a frozen dataclass: the catalog builds tens of
    thousands of these and a frozen dataclass's ``__init__`` costs three times as much.
    """

    __slots__ = ("key", "kind", "name", "namespace")

    def __init__(self, kind: str, namespace: str, name: str) -> None:
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.key = f"{kind}:{namespace}/{name}".lower()
        """The canonical lowercase form used for identity, graph nodes and JSON output."""

    def __str__(self) -> str:
        return self.key

    def __repr__(self) -> str:
        return f"EntityRef({self.kind!r}, {self.namespace!r}, {self.name!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EntityRef) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __lt__(self, other: EntityRef) -> bool:
        return self.key < other.key

    @property
    def display(self) -> str:
        """Short human form: ``kind:name``, with the namespace only when not default."""
        if self.namespace.lower() == DEFAULT_NAMESPACE:
            return f"{self.kind.lower()}:{self.name}"
        return f"{self.kind.lower()}:{self.namespace}/{self.name}"


def parse_ref(
    text: str,
    *,
    default_kind: str | None = None,
    default_namespace: str = DEFAULT_NAMESPACE,
) -> EntityRef:
    """Parse ``text`` into an :class:`EntityRef`, applying the field's defaults.

    Raises:
        RefError: the text is empty, has an empty part, or has no kind and the field
            has no default kind (``dependsOn`` and ``dependencyOf``).
    """
    if not text:
        raise RefError("an entity reference must not be empty")
    colon = text.find(":")
    slash = text.find("/")
    if slash != -1 and slash < colon:
        colon = -1
    kind = text[:colon] if colon != -1 else None
    namespace = text[colon + 1 : slash] if slash != -1 else None
    name = text[max(colon + 1, slash + 1) :]
    if kind == "" or namespace == "" or name == "":
        raise RefError(f"'{text}' has an empty kind, namespace or name part")
    kind = kind or default_kind
    if kind is None:
        raise RefError(
            f"'{text}' has no kind and this field has no default kind; "
            f"write it as 'component:{text}' or 'resource:{text}'"
        )
    return EntityRef(kind, namespace or default_namespace, name)


def ref_from_key(key: str) -> EntityRef:
    """Rebuild an :class:`EntityRef` from a canonical key (``kind:namespace/name``)."""
    return parse_ref(key)
