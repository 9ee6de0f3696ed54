"""Installed packages, running programs and listening sockets of the host.

- :func:`installed_packages` — the dpkg status database (``/var/lib/dpkg/status``: stanzas whose
  ``Status`` ends in ``installed``), plus ``rpm -qa`` when the host is the live one and has rpm.
- :func:`running_programs` — process names and executable base names (psutil), live host only.
- :func:`listening_sockets` — TCP sockets in LISTEN state with address, port and owning program:
  psutil on the live host, else (or when psutil is denied) ``/proc/net/tcp`` and ``tcp6`` under
  the root (the kernel's hex format).

These are plain facts; which programs count as remote-control software is policy data, matched
in the checks stage.
"""

from __future__ import annotations

import ipaddress
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

import psutil

from secaudit.sources.hostroot import HostRoot

DPKG_STATUS = "/var/lib/dpkg/status"
_LISTEN = "0A"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    source: str
    """``dpkg`` or ``rpm``."""


@dataclass(frozen=True)
class Program:
    name: str
    exe: str
    pid: int


@dataclass(frozen=True)
class Listener:
    address: str
    port: int
    program: str = ""
    pid: int | None = None

    @property
    def is_loopback(self) -> bool:
        try:
            return ipaddress.ip_address(self.address.split("%")[0]).is_loopback
        except ValueError:
            return False

    def to_json(self) -> dict[str, Any]:
        return {"address": self.address, "port": self.port, "program": self.program}

    def __str__(self) -> str:
        where = f"[{self.address}]" if ":" in self.address else self.address
        return f"{where}:{self.port}" + (f" ({self.program})" if self.program else "")


def _dpkg(host: HostRoot) -> list[Package]:
    text = host.read_text(DPKG_STATUS, cap=64 * 1024 * 1024) or ""
    out = []
    for stanza in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in stanza.splitlines():
            if line[:1] in (" ", "\t") or ":" not in line:
                continue
            key, _, value = line.partition(":")
            fields[key.strip().lower()] = value.strip()
        if fields.get("package") and fields.get("status", "").endswith(" installed"):
            out.append(Package(fields["package"], fields.get("version", ""), "dpkg"))
    return out


def _rpm() -> list[Package]:
    rpm = shutil.which("rpm")
    if rpm is None:
        return []
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, no shell
            [rpm, "-qa", "--qf", "%{NAME}\t%{VERSION}-%{RELEASE}\n"],
            capture_output=True, text=True, timeout=60, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    rows = (line.split("\t", 1) for line in done.stdout.splitlines() if "\t" in line)
    return [Package(name, version, "rpm") for name, version in rows]


def installed_packages(host: HostRoot, *, live: bool) -> list[Package]:
    """Packages installed on the host (dpkg; rpm too on the live host)."""
    return _dpkg(host) + (_rpm() if live else [])


def running_programs() -> list[Program]:
    """Every process of the live host: name, executable base name, pid."""
    out = []
    for proc in psutil.process_iter(["name", "exe", "pid"]):
        info = proc.info
        exe = (info.get("exe") or "").rsplit("/", 1)[-1]
        out.append(Program(info.get("name") or "", exe, int(info.get("pid") or 0)))
    return out


def _hex_address(text: str) -> str:
    raw = bytes.fromhex(text)
    if len(raw) == 4:
        return str(ipaddress.IPv4Address(raw[::-1]))
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
    return str(ipaddress.IPv6Address(words))


def _proc_net(host: HostRoot) -> list[Listener]:
    out = []
    for name in ("tcp", "tcp6"):
        for line in (host.read_text(f"/proc/net/{name}") or "").splitlines()[1:]:
            cols = line.split()
            if len(cols) < 4 or cols[3] != _LISTEN or ":" not in cols[1]:
                continue
            addr, _, port = cols[1].partition(":")
            try:
                out.append(Listener(_hex_address(addr), int(port, 16)))
            except ValueError:
                continue
    return out


def _psutil_listeners() -> list[Listener] | None:
    try:
        conns = psutil.net_connections(kind="tcp")
    except (psutil.AccessDenied, OSError):
        return None
    out = []
    for conn in conns:
        if conn.status != psutil.CONN_LISTEN or not conn.laddr:
            continue
        program = ""
        if conn.pid:
            try:
                program = psutil.Process(conn.pid).name()
            except psutil.Error:
                program = ""
        out.append(Listener(conn.laddr.ip, conn.laddr.port, program, conn.pid))
    return out


def listening_sockets(host: HostRoot, *, live: bool) -> list[Listener]:
    """TCP listeners, de-duplicated on (address, port)."""
    found = (_psutil_listeners() if live else None) or _proc_net(host)
    unique: dict[tuple[str, int], Listener] = {}
    for item in found:
        unique.setdefault((item.address, item.port), item)
    return sorted(unique.values(), key=lambda x: (x.port, x.address))
