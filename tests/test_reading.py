"""Reading files in two processes gives exactly what reading them in one does."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator import load_catalog, load_config, reading
from tests.conftest import REPO

DATA = Path(__file__).parent / "data" / "catalog"


def _load(monkeypatch, folder: Path, *, parallel: bool):
    monkeypatch.setattr(reading, "PARALLEL_MIN_FILES", 2 if parallel else 10**9)
    catalog = load_catalog([folder], load_config(REPO))
    relations = {key: e.relations for key, e in catalog.entities.items()}
    return catalog.findings, relations, catalog.files


@pytest.mark.parametrize("folder", ["valid", "invalid"])
def test_parallel_reading_matches_serial(monkeypatch, folder):
    serial = _load(monkeypatch, DATA / folder, parallel=False)
    # One file per chunk, and a worker even on one core: the worker must deliver some
    # files, or this would compare serial reading with itself.
    monkeypatch.setattr(reading, "CHUNK_FILES", 1)
    monkeypatch.setattr(reading, "can_fork", lambda: True)
    delivered: dict[int, object] = {}
    receive = reading._receive

    def counting(receiving, into, *, wait):
        receive(receiving, into, wait=wait)
        delivered.update(into)

    monkeypatch.setattr(reading, "_receive", counting)
    # The parent waits for the worker's first claim: on a loaded machine the worker may
    # start only after the parent has read everything, and this would test nothing.
    front = reading._Split.front

    def after_the_worker(self):
        deadline = time.monotonic() + 30
        while (
            reading._ENDS.unpack_from(self._ends)[1] == self.count and time.monotonic() < deadline
        ):
            time.sleep(0.001)
        return front(self)

    monkeypatch.setattr(reading._Split, "front", after_the_worker)
    parallel = _load(monkeypatch, DATA / folder, parallel=True)
    assert delivered, "the worker delivered nothing"
    assert parallel == serial


def test_a_failing_worker_costs_time_not_files(monkeypatch):
    """The parent reads every chunk the worker claimed but did not deliver."""

    def deliver_one_then_fail(self, sending):
        index = self.split.back()
        sending.send((index, self._portable_chunk(index)))
        self.split.back()  # claimed, never delivered
        raise SystemExit(1)

    paths = sorted((DATA / "invalid").rglob("*.yaml"))
    limits = load_config(REPO).limits
    monkeypatch.setattr(reading, "PARALLEL_MIN_FILES", 2)
    monkeypatch.setattr(reading, "CHUNK_FILES", 4)
    monkeypatch.setattr(reading._SharedRead, "_work", deliver_one_then_fail)
    shared = reading.read_files(paths, limits, 1 << 20)
    assert list(shared) == paths
    serial = [reading.read_file(path, limits, 1 << 20) for path in paths]
    assert [(r.text, [d.data for d in r.docs], r.problems) for r in shared.values()] == [
        (r.text, [d.data for d in r.docs], r.problems) for r in serial
    ]


def test_parallel_reading_is_used_only_without_threads(monkeypatch):
    import threading

    monkeypatch.setattr(reading, "PARALLEL_MIN_FILES", 2)
    assert reading._parallel(10)
    started = threading.Event()
    stop = threading.Event()
    worker = threading.Thread(target=lambda: (started.set(), stop.wait()))
    worker.start()
    started.wait()
    try:
        assert not reading._parallel(10)
    finally:
        stop.set()
        worker.join()
