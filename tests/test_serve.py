"""``portal serve`` as its users run it: a process that builds, serves on localhost,
rebuilds when a catalog file is saved, and keeps the last good site when an edit is
invalid. Waits are bounded polls (a slow machine waits longer), never timing asserts."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.integration
CATALOG = REPO / "tests" / "data" / "site_catalog"
PAGE = "catalog/default/component/ignition/"
PATIENCE = 120  # seconds a build may take on a loaded CI machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def _until(condition: Callable[[], bool], what: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if condition():
            return
        assert proc.poll() is None, f"portal serve exited ({proc.returncode}) before {what}"
        time.sleep(0.2)
    pytest.fail(f"portal serve: no {what} within {PATIENCE} s")


def _sigint_ignored() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.fixture(params=["foreground", "background"])
def served(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[subprocess.Popen[str], str, Path, Path]]:
    """``portal serve`` started as from a terminal, and as a script's background job
    (``portal serve &``), which inherits SIGINT ignored."""
    repo = tmp_path / "repo"
    shutil.copytree(CATALOG, repo / "catalog")
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--port", str(port)],
            cwd=repo,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            preexec_fn=_sigint_ignored if request.param == "background" else None,
        )
    try:
        yield proc, f"http://127.0.0.1:{port}/", repo / "catalog" / "services.yaml", log
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()  # reaped here, not reported as still running by a later test


def test_serve_rebuilds_on_save_and_keeps_the_last_good_site(served):
    proc, url, services, log = served
    _until(lambda: "Ignition Service" in _get(url + PAGE), "first build", proc)

    # A saved edit shows up on the next request.
    services.write_text(services.read_text().replace("Ignition Service", "Ignition Mk II"))
    _until(lambda: "Ignition Mk II" in _get(url + PAGE), "rebuild after an edit", proc)

    # An invalid edit is reported, and the last good site is still served.
    services.write_text(services.read_text().replace("owner: team-rocket", "owner: nobody", 1))
    _until(lambda: "ref.dangling" in log.read_text(), "findings for an invalid edit", proc)
    assert "Ignition Mk II" in _get(url + PAGE)
    assert "services.yaml:18:10: error[ref.dangling]" in log.read_text()

    # Ctrl+C stops it quietly.
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    assert "Traceback" not in log.read_text()


def test_tests_reach_loopback_only():
    """The guard in conftest lets a test talk to the site it serves, and nothing else."""
    with socket.socket() as s, pytest.raises(AssertionError, match="must not use the network"):
        s.connect(("192.0.2.1", 80))  # TEST-NET-1: would leave the machine


def _tgkill(pid: int, tid: int, sig: int) -> None:
    """Send ``sig`` to one thread of another process (Linux's tgkill)."""
    import ctypes

    number = _TGKILL.get(os.uname().machine)
    if number is None:
        pytest.skip(f"tgkill's system call number on {os.uname().machine} is not listed here")
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.syscall(number, pid, tid, sig) == 0, os.strerror(ctypes.get_errno())


_TGKILL = {"x86_64": 234, "aarch64": 131}


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux's /proc")
def test_ctrl_c_stops_serve_whichever_thread_receives_it(served):
    """The kernel delivers a process's SIGINT to any of its threads; the main loop must
    notice it even when the watcher's or the server's thread got it."""
    proc, url, _, log = served
    _until(lambda: "Ignition Service" in _get(url + PAGE), "first build", proc)
    threads = sorted(int(t) for t in os.listdir(f"/proc/{proc.pid}/task") if int(t) != proc.pid)
    assert threads, "portal serve runs its watcher and server in threads"
    _tgkill(proc.pid, threads[-1], signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    assert "Traceback" not in log.read_text()
