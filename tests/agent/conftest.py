"""Fixtures for agent tests: loop-mounted images as USB sticks, config homes, a real agent process.

Images are made with ``truncate`` + ``mkfs`` and mounted with ``mount -o loop`` (the loop device
is released on unmount); every finalizer unmounts even when the test failed. Tests skip with the
reason when the machine forbids mounting (not root, no mkfs, filesystem not in the kernel).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from secaudit.errors import LedgerError
from secaudit.ledger import Event, Ledger

REPO = Path(__file__).resolve().parents[2]
MKFS = {"ext4": ["mkfs.ext4", "-q", "-F"], "vfat": ["mkfs.vfat"]}


def mount_skip_reason(fstype: str) -> str | None:
    """Why loop-mounting a ``fstype`` image is impossible here (None: it is possible)."""
    if os.geteuid() != 0:
        return "loop-mounting images needs root"
    tool = MKFS[fstype][0]
    if not shutil.which(tool):
        return f"{tool} is not installed (install.sh --dev installs dosfstools/e2fsprogs)"
    try:
        known = Path("/proc/filesystems").read_text()
    except OSError:
        return "cannot read /proc/filesystems"
    if not any(line.split()[-1] == fstype for line in known.splitlines() if line.strip()):
        return f"this kernel has no {fstype} filesystem (not in /proc/filesystems, no modules)"
    return None


def _unmount(mountpoint: Path) -> None:
    for args in (["umount", str(mountpoint)], ["umount", "-l", str(mountpoint)]):
        for _ in range(20):
            if subprocess.run(args, capture_output=True, check=False).returncode == 0:
                return
            if not os.path.ismount(mountpoint):
                return
            time.sleep(0.2)


@pytest.fixture
def make_image(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    """``make_image(fstype, uuid=None, files={name: bytes}) -> mount point`` (unmounted at end)."""
    mounted: list[Path] = []

    def make(fstype: str = "ext4", *, uuid: str | None = None, size_mb: int = 32,
             files: dict[str, bytes] | None = None, name: str = "usb") -> Path:
        reason = mount_skip_reason(fstype)
        if reason:
            pytest.skip(reason)
        image, mountpoint = tmp_path / f"{name}.img", tmp_path / f"mnt-{name}"
        mountpoint.mkdir()
        subprocess.run(["truncate", "-s", f"{size_mb}M", str(image)], check=True)
        cmd = list(MKFS[fstype])
        if uuid:
            cmd += ["-U", uuid] if fstype == "ext4" else ["-i", uuid.replace("-", "")]
        subprocess.run([*cmd, str(image)], check=True, capture_output=True)
        res = subprocess.run(["mount", "-o", "loop", str(image), str(mountpoint)],
                             capture_output=True, text=True, check=False)
        if res.returncode != 0:
            pytest.skip(f"mount -o loop is forbidden here: {res.stderr.strip()}")
        mounted.append(mountpoint)
        for rel, data in (files or {}).items():
            (mountpoint / rel).parent.mkdir(parents=True, exist_ok=True)
            (mountpoint / rel).write_bytes(data)
        return mountpoint

    yield make
    for mp in reversed(mounted):
        _unmount(mp)


def unmount(mountpoint: Path) -> None:
    _unmount(mountpoint)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_config(home: Path, sections: dict[str, dict[str, Any]]) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    lines = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in values.items()]
    path = home / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def closed_port() -> int:
    """A loopback port nobody listens on (bound and released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_config(**over: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A test config: no real homes, mail stores or routes involved unless a test adds them."""
    cfg: dict[str, dict[str, Any]] = {
        "host": {"role": "intranet", "name": "test-pc"},
        "agent": {"roots": [], "mail_stores": [], "removable_extra": [], "workers": 1,
                  "media_poll_interval": 2.0},
        "connectivity": {"probes": [f"127.0.0.1:{closed_port()}"], "probe_timeout": 0.5,
                         "interval": 1.0},
    }
    for section, values in over.items():
        cfg.setdefault(section, {}).update(values)
    return cfg


class AgentProcess:
    """``python -m secaudit --home H agent`` as a real child process."""

    def __init__(self, home: Path, *args: str) -> None:
        self.home = home
        self.log = home / f"agent-{time.monotonic_ns()}.log"
        self._out = self.log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "secaudit", "--home", str(home), "agent", *args],
            stdout=self._out, stderr=subprocess.STDOUT, cwd=REPO,
        )

    def events(self, kinds: list[str] | None = None) -> list[Event]:
        path = self.home / "ledger.db"
        if not path.exists():
            return []
        try:
            with Ledger(path, readonly=True) as led:
                return list(led.events(kinds=kinds))
        except LedgerError:  # the agent is still creating the ledger
            return []

    def wait_for(self, pred: Callable[[Event], bool], *, kinds: list[str] | None = None,
                 timeout: float = 30.0) -> Event:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for ev in self.events(kinds):
                if pred(ev):
                    return ev
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"event not seen within {timeout}s; agent log:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def stop(self, timeout: float = 20.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._out.close()
        return int(self.proc.returncode)

    def kill9(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self._out.close()


@pytest.fixture
def start_agent() -> Iterator[Callable[..., AgentProcess]]:
    procs: list[AgentProcess] = []

    def start(home: Path, *args: str) -> AgentProcess:
        p = AgentProcess(home, *args)
        procs.append(p)
        return p

    yield start
    for p in procs:
        if p.proc.poll() is None:
            p.stop()
