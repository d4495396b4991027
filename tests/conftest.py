"""Shared fixtures. Tests never touch the network; conformance data is optional."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CONFORMANCE = SHARED / "conformance"


@pytest.fixture
def conformance() -> Path:
    """../shared/conformance, or a skip that says why (never a silent pass)."""
    if not CONFORMANCE.is_dir():
        pytest.skip(f"conformance corpus not found at {CONFORMANCE} (../shared is absent)")
    return CONFORMANCE


_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections go to this machine's loopback (a site the test serves) or nowhere."""
    connect = socket.socket.connect

    def loopback_only(self: socket.socket, address: object) -> None:
        host = address[0] if isinstance(address, tuple) else None
        if host not in _LOOPBACK:
            raise AssertionError(f"tests must not use the network (connect to {address!r})")
        connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", loopback_only)


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example organisation's portal (catalog/), built once for the tests that only
    read it (browser, accessibility and search tests)."""
    from generator.commands.build import build
    from generator.config import load_config

    tmp = tmp_path_factory.mktemp("example")
    site = tmp / "site"
    assert build(load_config(REPO), site_dir=site, build_dir=tmp / "build") == 0
    return site


@pytest.fixture(scope="session")
def prefix_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The portal of a generated catalog of names sharing prefixes (prefix_catalog.py),
    and its entities' kinds by name."""
    from generator.commands.build import build
    from generator.config import load_config
    from tests import prefix_catalog

    tmp = tmp_path_factory.mktemp("prefixes")
    kinds = prefix_catalog.write(tmp / "catalog")
    site = tmp / "site"
    config = load_config(REPO)
    assert build(config, catalogs=[tmp / "catalog"], site_dir=site, build_dir=tmp / "build") == 0
    return site, kinds
