"""Suite-wide guards: no traffic beyond loopback; shared helpers for CLI runs."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _check(address: object) -> None:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        try:
            ip = ipaddress.ip_address(host.split("%")[0])
        except ValueError:
            if host != "localhost":
                raise OSError(f"test tried to reach non-loopback host {host!r}") from None
            return
        if not ip.is_loopback:
            raise OSError(f"test tried to reach non-loopback address {host}")


def _guarded_connect(self: socket.socket, address: object) -> None:
    _check(address)
    return _real_connect(self, address)  # type: ignore[arg-type]


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    _check(address)
    return _real_connect_ex(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    yield


@pytest.fixture(autouse=True, scope="session")
def _own_pattern_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Compiled Hyperscan databases (secaudit.detect.hsdb) kept in a folder of this test run,
    not in the installation's: a run depends on nothing an earlier one left."""
    old = os.environ.get("SECAUDIT_HS_CACHE")
    os.environ["SECAUDIT_HS_CACHE"] = str(tmp_path_factory.mktemp("hyperscan"))
    yield
    if old is None:
        os.environ.pop("SECAUDIT_HS_CACHE", None)
    else:
        os.environ["SECAUDIT_HS_CACHE"] = old


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty secaudit home (config, ledger, cache, keys …) for one test."""
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("SECAUDIT_HOME", str(h))
    return h


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(f"shared samples not found at {SAMPLES} (CI lays ../shared beside the clone)")
    return SAMPLES
