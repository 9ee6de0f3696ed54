"""HostRoot: no symlink followed anywhere on a path, only regular files, capped reads."""

from __future__ import annotations

import os
from pathlib import Path

from secaudit.sources.hostroot import HostRoot
from tests.sources import artifacts


def test_symlinked_parent_and_file_are_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    artifacts.write(tmp_path, "/outside/etc/passwd", "evil:x:0:0::/:/bin/sh\n")
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "login.defs").symlink_to(tmp_path / "outside/etc/passwd")
    (root / "home").symlink_to(tmp_path / "outside")
    host = HostRoot(root)
    assert host.read_text("/etc/login.defs") is None
    assert host.read_text("/home/etc/passwd") is None
    assert [p.reason for p in host.problems] == ["symlink", "symlink"]
    assert host.listdir("/home") == [] and not host.is_dir("/home")
    assert host.read_text("/../outside/etc/passwd") is None


def test_fifo_and_cap(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    os.mkfifo(root / "etc" / "passwd")
    artifacts.write(root, "/etc/big", "x" * 100)
    host = HostRoot(root)
    assert host.read_text("/etc/passwd") is None  # never blocks on a FIFO
    assert host.read_bytes("/etc/big", cap=10) is None
    assert {p.reason for p in host.problems} == {"not_regular", "too_large"}


def test_homes(tmp_path: Path) -> None:
    root = tmp_path / "root"
    artifacts.passwd(root, {"u": 1000, "li": 1001})
    (root / "home" / "orphan").mkdir()
    assert [h.path for h in HostRoot(root).homes()] == ["/home/li", "/home/orphan", "/home/u"]
