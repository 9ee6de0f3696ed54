"""Installed packages (the real dpkg), running programs and listening sockets (real processes)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from secaudit.sources.hostroot import HostRoot
from secaudit.sources.software import installed_packages, listening_sockets, running_programs
from tests.sources import artifacts


@pytest.mark.skipif(not shutil.which("dpkg-deb"), reason="dpkg is not installed")
def test_dpkg_status_written_by_dpkg(tmp_path: Path) -> None:
    root = tmp_path / "root"
    artifacts.dpkg_install(root, tmp_path, "anydesk", "6.3.0")
    artifacts.dpkg_install(root, tmp_path, "hello-office", "1.0")
    packages = {p.name: p for p in installed_packages(HostRoot(root), live=False)}
    assert packages["anydesk"].version == "6.3.0" and packages["anydesk"].source == "dpkg"
    assert set(packages) == {"anydesk", "hello-office"}


def test_running_program_by_executable_name(tmp_path: Path) -> None:
    exe = tmp_path / "ToDesk_Service"
    shutil.copy(shutil.which("sleep") or "/bin/sleep", exe)
    proc = subprocess.Popen([str(exe), "30"])
    try:
        time.sleep(0.2)
        found = [p for p in running_programs() if p.pid == proc.pid]
        assert found and found[0].exe == "ToDesk_Service"
    finally:
        proc.kill()
        proc.wait()


def test_live_listener_found_with_its_program() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    try:
        found = [s for s in listening_sockets(HostRoot(), live=True) if s.port == port]
        assert found and found[0].is_loopback
        assert found[0].program in ("", Path(sys.executable).name, "python", "python3")
    finally:
        server.close()


def test_proc_net_tcp_under_a_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"
    tail = " 00000000:00000000 00:00000000 00000000 0\n"
    artifacts.write(root, "/proc/net/tcp", header
                    + "   0: 00000000:0D3D 00000000:0000 0A" + tail
                    + "   1: 0100007F:0277 00000000:0000 0A" + tail
                    + "   2: 0100007F:9C40 0200A8C0:01BB 01" + tail)
    artifacts.write(root, "/proc/net/tcp6", header +
                    "   0: 00000000000000000000000000000000:1F90 "
                    "00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 0 0\n")
    found = listening_sockets(HostRoot(root), live=False)
    assert [(s.address, s.port, s.is_loopback) for s in found] == [
        ("127.0.0.1", 631, True), ("0.0.0.0", 3389, False), ("::", 8080, False)]
