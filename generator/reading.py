"""Reading catalog files: the size limit, UTF-8 (with or without BOM), then YAML, then
an optional pure precheck of each document.

Large catalogs are read in two processes: reading, parsing and checking documents are
most of what ``portal validate`` costs, and every file is independent. The worker is
forked, so it shares the parent's imported code; it is used only when the process runs
no other thread, where fork is safe.
"""

from __future__ import annotations

import contextlib
import mmap
import multiprocessing
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from generator.parallel import can_fork
from generator.yaml12 import Limits, YamlDoc, YamlProblem, read_yaml

PARALLEL_MIN_FILES = 1_000
"""Below this, starting a worker costs more than it saves."""
CHUNK_FILES = 32
"""Files per unit of shared work: small enough to balance well, large enough that
claiming and sending one costs little beside reading it."""

Precheck = Callable[[Any], bool]
"""A pure check of one document's value, run where the document is read, so that the
forked worker takes its share of the checking too."""


@dataclass
class FileRead:
    """One file's text and documents, or why it could not be read."""

    text: str = ""
    docs: list[YamlDoc] = field(default_factory=list)
    problems: list[YamlProblem] = field(default_factory=list)
    passed: list[bool] = field(default_factory=list)
    """Per document, what the precheck said (empty without a precheck)."""
    too_large: int | None = None
    """The file's size, when over the limit."""
    unreadable: str | None = None
    """Why the file could not be read."""


def read_file(
    path: Path, limits: Limits, max_bytes: int, precheck: Precheck | None = None
) -> FileRead:
    """Read and parse one file, then precheck its documents; never raises for the
    file's content or absence."""
    try:
        with open(path, "rb") as handle:  # noqa: PTH123 - one open and fstat per file
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                return FileRead(too_large=size)
            # read(n) would allocate n bytes up front: read what fstat promised.
            text = handle.read(size + 1).decode("utf-8-sig")
    except UnicodeDecodeError:
        return FileRead(unreadable="it is not UTF-8 text")
    except OSError as exc:
        return FileRead(unreadable=exc.strerror or str(exc))
    docs, problems = read_yaml(text, limits, marks=False)
    passed = [precheck(doc.data) for doc in docs] if precheck is not None else []
    return FileRead(text, docs, problems, passed)


def read_files(
    paths: list[Path], limits: Limits, max_bytes: int, precheck: Precheck | None = None
) -> dict[Path, FileRead]:
    """Read every file, sharing the work with a forked worker when that pays off."""
    if not _parallel(len(paths)):
        return {path: read_file(path, limits, max_bytes, precheck) for path in paths}
    return _SharedRead(paths, limits, max_bytes, precheck).run()


def _parallel(count: int) -> bool:
    return count >= PARALLEL_MIN_FILES and can_fork()


class _Split:
    """Chunks of the file list, claimed from both ends: the parent takes them from the
    front, the worker from the back, until the two meet. Whichever process runs faster
    reads more, so a core slowed by other work does not leave the other one waiting.

    The two ends live in an anonymous shared mapping (a RawArray costs 12 ms to set up,
    for a temporary file), guarded by a lock both processes inherit."""

    def __init__(self, count: int, context: Any) -> None:
        self._ends = mmap.mmap(-1, _ENDS.size)
        self.count = count
        _ENDS.pack_into(self._ends, 0, 0, count)
        self._lock = context.Lock()

    def front(self) -> int | None:
        with self._lock:
            first, end = _ENDS.unpack_from(self._ends)
            if first >= end:
                return None
            _ENDS.pack_into(self._ends, 0, first + 1, end)
            return int(first)

    def back(self) -> int | None:
        with self._lock:
            first, end = _ENDS.unpack_from(self._ends)
            if first >= end:
                return None
            _ENDS.pack_into(self._ends, 0, first, end - 1)
            return int(end - 1)


_ENDS = struct.Struct("=ii")


class _SharedRead:
    """One forked worker and the parent read the chunks together. The worker sends each
    chunk as soon as it is read, and the parent takes delivery between chunks of its
    own, so little is left in transit at the end. If the worker fails, the parent reads
    whatever it did not deliver: a failure costs time, never a file."""

    def __init__(
        self, paths: list[Path], limits: Limits, max_bytes: int, precheck: Precheck | None
    ) -> None:
        self.chunks = [paths[i : i + CHUNK_FILES] for i in range(0, len(paths), CHUNK_FILES)]
        self.args = (limits, max_bytes, precheck)
        self.context = multiprocessing.get_context("fork")
        self.split = _Split(len(self.chunks), self.context)

    def run(self) -> dict[Path, FileRead]:
        receiving, sending = self.context.Pipe(duplex=False)
        _widen(sending)
        worker = self.context.Process(target=self._work, args=(sending,), daemon=True)
        worker.start()
        sending.close()  # the worker holds the only writing end: its exit ends the stream
        mine: dict[int, list[FileRead]] = {}
        theirs: dict[int, list[FileRead]] = {}
        while (index := self.split.front()) is not None:
            mine[index] = [read_file(path, *self.args) for path in self.chunks[index]]
            _receive(receiving, theirs, wait=False)
        _receive(receiving, theirs, wait=True)
        worker.join()
        receiving.close()
        out: dict[Path, FileRead] = {}
        for index, chunk in enumerate(self.chunks):
            reads = mine.get(index, theirs.get(index))
            if reads is None:
                reads = [read_file(path, *self.args) for path in chunk]
            out.update(zip(chunk, reads, strict=True))
        return out

    def _work(self, sending: Connection) -> None:
        """Worker side: read chunks from the back and send each one."""
        try:
            while (index := self.split.back()) is not None:
                sending.send((index, self._portable_chunk(index)))
        except BaseException:  # whatever is missing, the parent reads
            pass
        finally:
            sending.close()

    def _portable_chunk(self, index: int) -> list[FileRead]:
        """Marks are keyed by object identity and do not survive pickling, so documents
        travel without them and are re-read for positions on demand."""
        reads = [read_file(path, *self.args) for path in self.chunks[index]]
        for read in reads:
            read.docs = [doc.portable(read.text, self.args[0]) for doc in read.docs]
        return reads


def _widen(connection: Connection) -> None:
    """Let the pipe hold several chunks (Linux allows 1 MiB unprivileged), so the
    worker seldom waits for the parent to take delivery."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl  # POSIX only; F_SETPIPE_SZ is Linux only

        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)


def _receive(receiving: Connection, into: dict[int, list[FileRead]], *, wait: bool) -> None:
    """Take the chunks the worker has sent: those already there, or (``wait``) all of
    them, up to the end of the stream."""
    try:
        while wait or receiving.poll():
            index, reads = receiving.recv()
            into[index] = reads
    except (EOFError, OSError):  # the worker is done (or gone)
        pass
