"""USB storage devices seen in the kernel log, so media used while the agent was down still show.

Sources, first that yields lines wins: the journal's kernel messages of every boot
(``journalctl _TRANSPORT=kernel``), ``/dev/kmsg`` read without blocking (current boot), then
``dmesg``. The parser follows the kernel's USB messages per bus port (``usb 1-1: …``):

    usb 1-1: New USB device found, idVendor=0781, idProduct=5567, bcdDevice= 1.00
    usb 1-1: Product: Cruzer Blade / Manufacturer: SanDisk / SerialNumber: 4C53…
    usb-storage 1-1:1.0: USB Mass Storage device detected      (or ``uas 1-1:1.0: …``)
    usb 1-1: USB disconnect, device number 2

Only devices with a mass-storage line count. Records with the same (vendor id, product id,
serial) are merged into one with the first and last time seen.

To support another log format, write a function yielding ``(iso_time | None, message)`` pairs and
add it to ``_SOURCES``.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import psutil

Line = tuple[str | None, str]

_NEW = re.compile(r"usb (\S+): New USB device found, idVendor=(\w+), idProduct=(\w+)")
_STR = re.compile(r"usb (\S+): (Product|Manufacturer|SerialNumber): (.*)$")
_STORAGE = re.compile(r"(?:usb-storage|uas) (\S+?):\d+\.\d+: ")
_GONE = re.compile(r"usb (\S+): USB disconnect")


@dataclass(frozen=True, slots=True)
class UsbRecord:
    vendor: str
    product: str
    serial: str
    vendor_id: str = ""
    product_id: str = ""
    first_seen: str | None = None
    last_seen: str | None = None
    source: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.vendor_id, self.product_id, self.serial)

    def to_json(self) -> dict[str, Any]:
        """The ledger ``media_seen`` event data."""
        return {
            "vendor": self.vendor,
            "product": self.product,
            "serial": self.serial,
            "vendor_id": self.vendor_id,
            "product_id": self.product_id,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "source": self.source,
        }


@dataclass
class _Session:
    vendor_id: str
    product_id: str
    first: str | None
    strings: dict[str, str] = field(default_factory=dict)
    storage: bool = False
    last: str | None = None


def _close(session: _Session, source: str) -> UsbRecord:
    s = session.strings
    return UsbRecord(
        vendor=s.get("Manufacturer", "").strip(),
        product=s.get("Product", "").strip(),
        serial=s.get("SerialNumber", "").strip(),
        vendor_id=session.vendor_id,
        product_id=session.product_id,
        first_seen=session.first,
        last_seen=session.last or session.first,
        source=source,
    )


def _sessions(lines: Iterable[Line], source: str) -> Iterator[UsbRecord]:
    open_: dict[str, _Session] = {}
    for ts, msg in lines:
        if m := _NEW.search(msg):
            old = open_.pop(m.group(1), None)
            if old and old.storage:
                yield _close(old, source)
            open_[m.group(1)] = _Session(m.group(2), m.group(3), ts)
        elif (m := _STR.search(msg)) and m.group(1) in open_:
            open_[m.group(1)].strings[m.group(2)] = m.group(3)
        elif (m := _STORAGE.search(msg)) and m.group(1) in open_:
            open_[m.group(1)].storage = True
        elif (m := _GONE.search(msg)) and m.group(1) in open_:
            session = open_.pop(m.group(1))
            session.last = ts
            if session.storage:
                yield _close(session, source)
    for session in open_.values():
        if session.storage:
            session.last = None  # still attached: last seen = first seen of this session
            yield _close(session, source)


def parse_kernel_log(lines: Iterable[Line], source: str = "") -> list[UsbRecord]:
    """USB storage devices in kernel log lines, merged by (vendor id, product id, serial)."""
    merged: dict[tuple[str, str, str], UsbRecord] = {}
    for rec in _sessions(lines, source):
        old = merged.get(rec.key)
        if old is None:
            merged[rec.key] = rec
            continue
        firsts = [t for t in (old.first_seen, rec.first_seen) if t]
        lasts = [t for t in (old.last_seen, rec.last_seen) if t]
        merged[rec.key] = replace(
            old, first_seen=min(firsts) if firsts else None, last_seen=max(lasts) if lasts else None
        )
    return list(merged.values())


def _iso_since_boot(seconds: float) -> str:
    boot = datetime.fromtimestamp(psutil.boot_time(), tz=UTC)
    return (boot + timedelta(seconds=seconds)).astimezone().isoformat(timespec="seconds")


_JOURNAL = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)([+-]\d\d):?(\d\d) \S+ kernel: (.*)$")


def journal_lines() -> list[Line]:
    if not shutil.which("journalctl"):
        return []
    try:
        out = subprocess.run(
            ["journalctl", "_TRANSPORT=kernel", "-o", "short-iso", "--no-pager", "-q"],
            capture_output=True, timeout=30, check=False,
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        return []
    matches = (_JOURNAL.match(line) for line in out.splitlines())
    return [(f"{m.group(1)}{m.group(2)}:{m.group(3)}", m.group(4)) for m in matches if m]


def kmsg_lines(path: str = "/dev/kmsg") -> list[Line]:
    """Records of the kernel ring buffer, read without blocking (``pri,seq,usec,flags;text``)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return []
    lines: list[Line] = []
    try:
        while True:
            try:
                rec = os.read(fd, 8192)
            except OSError as exc:
                if exc.errno == errno.EPIPE:  # overwritten records: go on with the next
                    continue
                break
            if not rec:
                break
            head, _, body = rec.decode("utf-8", "replace").partition(";")
            parts = head.split(",")
            ts = _iso_since_boot(int(parts[2]) / 1e6) if len(parts) > 2 and parts[2].isdigit() \
                else None
            lines.append((ts, body.split("\n", 1)[0]))
    finally:
        os.close(fd)
    return lines


_DMESG = re.compile(r"^\[\s*(\d+\.\d+)\]\s(.*)$")


def dmesg_lines() -> list[Line]:
    if not shutil.which("dmesg"):
        return []
    try:
        out = subprocess.run(["dmesg"], capture_output=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    matches = (_DMESG.match(line) for line in out.decode("utf-8", "replace").splitlines())
    return [(_iso_since_boot(float(m.group(1))), m.group(2)) for m in matches if m]


_SOURCES: tuple[tuple[str, Callable[[], list[Line]]], ...] = (
    ("journal", journal_lines),
    ("kmsg", kmsg_lines),
    ("dmesg", dmesg_lines),
)


def usb_history() -> list[UsbRecord]:
    """USB storage devices from the first kernel-log source that has any lines."""
    for name, read in _SOURCES:
        lines = read()
        if lines:
            return parse_kernel_log(lines, name)
    return []
