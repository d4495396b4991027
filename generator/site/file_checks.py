"""What a docs file holds, checked against what its name says, without reading it whole.

A file the portal publishes is served from the portal's own origin with the type its
extension gives. So a ``.png`` that holds HTML, a PDF that runs JavaScript when opened,
or an image that declares billions of pixels (a decompression bomb for every reader's
browser) is refused, whatever its name. Files are read in chunks: a 300 MB PDF costs
a megabyte of memory, not 300.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
_HEAD = 64 * 1024
"""Image dimensions and file signatures are in the first bytes; 64 KB covers JPEG
files whose metadata comes before the frame header."""

_MAGIC: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".ico": (b"\x00\x00\x01\x00",),
    ".pdf": (b"%PDF-",),
}
_TEXT = frozenset({".txt", ".csv", ".json", ".yaml", ".yml"})
_MARKUP = re.compile(
    rb"\s*(?:\xef\xbb\xbf)?\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe)", re.I
)
_PDF_ACTIVE = frozenset(
    {b"JavaScript", b"JS", b"OpenAction", b"AA", b"Launch", b"RichMedia", b"XFA", b"SubmitForm"}
)
_PDF_NAME = re.compile(rb"/((?:[A-Za-z0-9]|#[0-9A-Fa-f]{2}){2,32})")
_STREAM = re.compile(rb">>\s*stream\r?\n")
_OBJSTM = re.compile(rb"/Type\s*/ObjStm\b")
_OVERLAP = 128
"""Bytes kept from one block to the next, so a name or keyword split between two
blocks is still seen whole (a name is at most 32 characters, 96 bytes escaped)."""
MAX_OBJSTM_BYTES = 64 << 20
"""Object streams hold a PDF's dictionaries compressed (where /OpenAction can hide);
they are inflated to look inside, up to this many bytes each."""


def content_problem(path: Path, max_pixels: int) -> str | None:
    """Why the file at ``path`` may not be published as its extension says, or None."""
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        head = handle.read(_HEAD)
        if suffix in _TEXT:
            return _text_problem(head)
        if suffix in (".webp", ".avif"):
            wrong = not _container_matches(suffix, head)
        else:
            wrong = not any(head.startswith(m) for m in _MAGIC.get(suffix, (b"",)))
        if wrong:
            return (
                f"its content is not a {suffix[1:].upper()} file (it starts with "
                f"{head[:12]!r}); a file is served by its extension, so give it the right one"
            )
        if suffix == ".pdf":
            handle.seek(0)
            return _pdf_problem(handle)
    pixels = image_pixels(suffix, head)
    if pixels is not None and pixels > max_pixels:
        return (
            f"the image declares {pixels:,} pixels (at most {max_pixels:,}: "
            "techdocs.max_image_pixels); a browser would need gigabytes to show it"
        )
    return None


def _text_problem(head: bytes) -> str | None:
    if _MARKUP.match(head):
        return "it holds HTML or SVG markup, which a browser may run on the portal's site"
    return None


def _container_matches(suffix: str, head: bytes) -> bool:
    if suffix == ".webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    return head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis", b"mif1", b"msf1")


def image_pixels(suffix: str, head: bytes) -> int | None:
    """Width × height an image's header declares, or None when it cannot be read."""
    readers: dict[str, Callable[[bytes], tuple[int, int] | None]] = {
        ".png": _png_size,
        ".gif": lambda h: struct.unpack("<HH", h[6:10]) if len(h) >= 10 else None,
        ".jpg": _jpeg_size,
        ".jpeg": _jpeg_size,
        ".webp": _webp_size,
        ".avif": _avif_size,
    }
    reader = readers.get(suffix)
    size = reader(head) if reader else None
    return size[0] * size[1] if size else None


def _png_size(head: bytes) -> tuple[int, int] | None:
    if len(head) < 24 or head[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 9 < len(head):
        if head[at] != 0xFF:
            return None
        marker = head[at + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        length = struct.unpack(">H", head[at + 2 : at + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", head[at + 5 : at + 9])
            return width, height
        at += 2 + length
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8X" and len(head) >= 30:
        width = int.from_bytes(head[24:27], "little") + 1
        return width, int.from_bytes(head[27:30], "little") + 1
    if chunk == b"VP8L" and len(head) >= 25:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and len(head) >= 30:
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    return None


def _avif_size(head: bytes) -> tuple[int, int] | None:
    at = head.find(b"ispe")
    if at < 0 or len(head) < at + 16:
        return None
    width, height = struct.unpack(">II", head[at + 8 : at + 16])
    return width, height


def _pdf_problem(handle: BinaryIO) -> str | None:
    """Active content in a PDF: actions that run when it opens, scripts, forms that
    submit, embedded media. Names are looked for in the PDF's dictionaries, outside
    streams (stream data is compressed images and fonts, where any three bytes occur by
    chance), and inside object streams, which hold dictionaries compressed."""
    buf, base, pos, in_stream = b"", 0, 0, False
    while True:
        block = handle.read(CHUNK)
        buf += block
        while True:
            if in_stream:
                end = buf.find(b"endstream", pos)
                if end < 0:
                    pos = max(pos, len(buf) - 9)  # 'endstream' may straddle two blocks
                    break
                in_stream, pos = False, end + 9
                continue
            found = _STREAM.search(buf, pos)
            if found is None:
                stop = len(buf) if not block else max(pos, len(buf) - _OVERLAP)
                if name := _active_name(buf[pos:stop]):
                    return _pdf_message(name)
                pos = stop
                break
            if name := _active_name(buf[pos : found.start() + 2]):
                return _pdf_message(name)
            if _OBJSTM.search(buf[max(pos, found.start() - 4096) : found.start()]):
                resume = handle.tell()
                name = _inflated_active_name(handle, base + found.end())
                handle.seek(resume)
                if name:
                    return _pdf_message(name)
            in_stream, pos = True, found.end()
        if not block:
            return None
        buf, base, pos = buf[pos:], base + pos, 0


def _pdf_message(name: str) -> str:
    return (
        f"the PDF holds /{name}, which can run scripts or actions when it is opened; "
        "export it again without scripts, forms actions or embedded media"
    )


def _active_name(data: bytes) -> str | None:
    for match in _PDF_NAME.finditer(data):
        raw = match.group(1)
        name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), raw)
        if name in _PDF_ACTIVE:
            return name.decode("latin-1")
    return None


def _inflated_active_name(handle: BinaryIO, start: int) -> str | None:
    """Inflate the object stream starting at byte ``start`` and look for active names."""
    handle.seek(start)
    inflate, total, tail = zlib.decompressobj(), 0, b""
    while not inflate.eof and total < MAX_OBJSTM_BYTES:
        block = handle.read(CHUNK)
        if not block:
            break
        try:
            out = inflate.decompress(block, MAX_OBJSTM_BYTES - total)
        except zlib.error:
            return None  # not Flate: nothing we can read, and nothing a viewer would run
        total += len(out)
        if found := _active_name(tail + out):
            return found
        tail = out[-64:]
    return None
