"""When work may be shared with a forked process. Forking copies the parent, catalog
included, at no cost, but it is only safe while the process runs a single thread (a
lock held by another thread would stay locked in the child forever)."""

from __future__ import annotations

import multiprocessing
import os
import threading


def can_fork() -> bool:
    """True when a forked worker is possible, useful and safe here."""
    return (
        (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
        and not os.environ.get("PORTAL_SERIAL")
    )
