"""Backstage's field-format rules (FieldFormatEntityPolicy), exact.

The upstream regexes are JavaScript without the ``m`` flag, so ``$`` means end of input.
Python's ``$`` also matches before a trailing newline, hence ``fullmatch`` everywhere.
Each check returns ``None`` when the value is valid, else what was expected. Checks of
values that repeat across a catalog (kinds, keys, tags) are memoised.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

_DNS_LABEL = re.compile(r"[a-z0-9]+(?:-+[a-z0-9]+)*")
_OBJECT_NAME = re.compile(r"(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_KIND = re.compile(r"[a-zA-Z][a-z0-9A-Z]*")
_VERSION_PART = re.compile(r"[a-z0-9A-Z]+")
_TAG = re.compile(r"[a-z0-9:+#]+(?:-[a-z0-9:+#]+)*")

MAX_TITLE = 200
"""Longest ``metadata.title`` shown whole; Backstage sets no limit, but a title is drawn in
maps (Graphviz refuses quoted strings over 16 KB) and printed in every table row."""
DNS_LABEL = "a lowercase DNS label of 1-63 characters: a-z, 0-9 and '-' (e.g. 'my-team')"
OBJECT_NAME = (
    "a name of 1-63 characters: letters, digits, '-', '_' and '.', starting and ending "
    "with a letter or digit (e.g. 'claims-service')"
)
KIND = "a kind of 1-63 letters and digits, starting with a letter (e.g. 'Component')"
API_VERSION = "an apiVersion such as 'backstage.io/v1alpha1'"
KEY = "a key such as 'team' or 'example.com/team': an optional DNS-subdomain prefix and a name"
LABEL_VALUE = "an empty string or a name of 1-63 characters (letters, digits, '-', '_', '.')"
TAG = "a lowercase tag of 1-63 characters: a-z, 0-9, ':', '+', '#', single '-' between parts"


def is_dns_label(value: str) -> bool:
    """True for a valid DNS label (namespaces)."""
    return len(value) <= 63 and _DNS_LABEL.fullmatch(value) is not None


def is_dns_subdomain(value: str) -> bool:
    """True for a valid DNS subdomain (key and apiVersion prefixes)."""
    return 1 <= len(value) <= 253 and all(is_dns_label(p) for p in value.split("."))


def is_object_name(value: str) -> bool:
    """True for a valid ``metadata.name``."""
    return len(value) <= 63 and _OBJECT_NAME.fullmatch(value) is not None


def check_name(value: str) -> str | None:
    """``metadata.name``."""
    return None if is_object_name(value) else OBJECT_NAME


@lru_cache(maxsize=4096)
def check_namespace(value: str) -> str | None:
    """``metadata.namespace``."""
    return None if is_dns_label(value) else DNS_LABEL


@lru_cache(maxsize=4096)
def check_kind(value: str) -> str | None:
    """``kind``."""
    return None if len(value) <= 63 and _KIND.fullmatch(value) else KIND


@lru_cache(maxsize=4096)
def check_api_version(value: str) -> str | None:
    """``apiVersion``: ``[dns-subdomain/]version``."""
    parts = value.split("/")
    if len(parts) > 2:
        return API_VERSION
    if len(parts) == 2 and not is_dns_subdomain(parts[0]):
        return API_VERSION
    last = parts[-1]
    return None if len(last) <= 63 and _VERSION_PART.fullmatch(last) else API_VERSION


@lru_cache(maxsize=4096)
def check_key(value: str) -> str | None:
    """Label and annotation keys: ``[dns-subdomain/]object-name``."""
    parts = value.split("/")
    if len(parts) > 2 or (len(parts) == 2 and not is_dns_subdomain(parts[0])):
        return KEY
    return None if is_object_name(parts[-1]) else KEY


@lru_cache(maxsize=4096)
def check_label_value(value: str) -> str | None:
    """Label values: empty or an object name."""
    return None if value == "" or is_object_name(value) else LABEL_VALUE


@lru_cache(maxsize=4096)
def check_tag(value: str) -> str | None:
    """``metadata.tags[i]``."""
    return None if 1 <= len(value) <= 63 and _TAG.fullmatch(value) else TAG


def check_url(value: str) -> str | None:
    """``metadata.links[i].url``: an absolute URL (scheme and, for web URLs, a host)."""
    expected = "an absolute URL such as 'https://example.com/runbook'"
    try:
        parts = urlsplit(value)
    except ValueError:
        return expected
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme or ""):
        return expected
    if parts.scheme.lower() in ("http", "https") and not parts.hostname:
        return expected
    if any(c.isspace() for c in value):
        return expected
    return None


SAFE_URL_SCHEMES = frozenset({"http", "https", "mailto"})


def is_safe_link(value: str) -> bool:
    """True when a URL may be rendered as a link (http, https, mailto; no script)."""
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return False
    return scheme in SAFE_URL_SCHEMES
