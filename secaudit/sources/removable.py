"""Mounted removable media: which mounts are USB sticks/cards, and who they are.

A mount counts as removable when its block device (or the disk it is a partition of) has sysfs
``removable`` = 1, sits under a USB controller in the sysfs device path, or udev says
``ID_BUS=usb``; or when its mount point or source device matches one of the config's
``agent.removable_extra`` globs (tests use that to treat loop-mounted images as USB sticks).

``identify_medium`` reads vendor/model/serial from sysfs and the udev database
(``/run/udev/data/b<maj>:<min>``), the filesystem UUID/label from udev, ``/dev/disk/by-uuid``
or ``blkid``, the capacity from sysfs. ``MountinfoWatcher`` sleeps in ``poll()`` on
``/proc/self/mountinfo`` until the kernel flags a mount-table change (POLLPRI): no busy loop.

To recognise another kind of medium, extend ``is_removable_device``.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import re
import select
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from secaudit.model import Medium

MOUNTINFO = "/proc/self/mountinfo"
SYS = Path("/sys")
UDEV_DATA = Path("/run/udev/data")
BY_UUID = Path("/dev/disk/by-uuid")
BY_LABEL = Path("/dev/disk/by-label")

POLLING_FSTYPES = frozenset(
    {"fuse", "fuseblk", "nfs", "nfs4", "cifs", "smb3", "9p", "virtiofs", "davfs"}
)
"""Filesystems whose changes inotify may not see (FUSE, network): watched by polling.

Kernel filesystems of USB sticks (vfat, exfat, ntfs3, ext4) report through inotify like any
local filesystem, so they are watched with it; polling them would cost CPU on a full stick."""


@dataclass(frozen=True, slots=True)
class MountEntry:
    """One line of /proc/self/mountinfo."""

    mount_id: int
    devno: str
    """``major:minor`` of the mounted device."""
    root: str
    mountpoint: str
    fstype: str
    source: str
    options: str


_OCTAL = re.compile(r"\\([0-7]{3})")
_UDEV_HEX = re.compile(r"\\x([0-9a-fA-F]{2})")


def _unescape(field: str) -> str:
    # The kernel escapes only space, tab, newline and backslash (as \\ooo); other bytes are raw.
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), field)


def parse_mountinfo(text: str) -> list[MountEntry]:
    """Parse the text of /proc/<pid>/mountinfo (bad lines are skipped)."""
    entries = []
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        parts, rparts = left.split(), right.split()
        if not sep or len(parts) < 6 or len(rparts) < 2:
            continue
        try:
            entries.append(
                MountEntry(
                    mount_id=int(parts[0]),
                    devno=parts[2],
                    root=_unescape(parts[3]),
                    mountpoint=_unescape(parts[4]),
                    fstype=rparts[0],
                    source=_unescape(rparts[1]),
                    options=parts[5],
                )
            )
        except ValueError:
            continue
    return entries


def read_mountinfo(path: str = MOUNTINFO) -> list[MountEntry]:
    with open(path, "rb") as fh:
        return parse_mountinfo(fh.read().decode("utf-8", "surrogateescape"))


def udev_properties(devno: str, udev_root: Path = UDEV_DATA) -> dict[str, str]:
    """``E:`` properties of a block device from the udev database (empty when absent)."""
    try:
        text = (udev_root / f"b{devno}").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    props = {}
    for line in text.splitlines():
        if line.startswith("E:") and "=" in line:
            key, _, value = line[2:].partition("=")
            props[key] = value
    return props


def _sysfs_device(devno: str, sys_root: Path) -> Path | None:
    link = sys_root / "dev" / "block" / devno
    try:
        return link.resolve(strict=True)
    except OSError:
        return None


def _disk_of(dev: Path) -> Path:
    """The whole-disk sysfs dir of a partition (the device itself otherwise)."""
    return dev.parent if (dev / "partition").exists() else dev


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def is_removable_device(devno: str, *, sys_root: Path = SYS, udev_root: Path = UDEV_DATA) -> bool:
    dev = _sysfs_device(devno, sys_root)
    if dev is None:
        return False
    disk = _disk_of(dev)
    if _read(disk / "removable") == "1":
        return True
    if "/usb" in str(dev):
        return True
    return udev_properties(devno, udev_root).get("ID_BUS") == "usb"


def _matches_extra(entry: MountEntry, extra: Sequence[str]) -> bool:
    return any(
        fnmatch.fnmatchcase(entry.mountpoint, pat) or fnmatch.fnmatchcase(entry.source, pat)
        for pat in extra
    )


def removable_mounts(
    extra: Sequence[str] = (),
    *,
    entries: list[MountEntry] | None = None,
    sys_root: Path = SYS,
    udev_root: Path = UDEV_DATA,
) -> dict[str, MountEntry]:
    """Removable mounts by mount point (the first mount of a mount point wins)."""
    out: dict[str, MountEntry] = {}
    for entry in read_mountinfo() if entries is None else entries:
        if entry.mountpoint in out:
            continue
        if _matches_extra(entry, extra) or (
            entry.source.startswith("/dev/")
            and is_removable_device(entry.devno, sys_root=sys_root, udev_root=udev_root)
        ):
            out[entry.mountpoint] = entry
    return out


def _usb_serial(dev: Path) -> tuple[str, str, str]:
    """(manufacturer, product, serial) of the USB device above a block device in sysfs."""
    for parent in [dev, *dev.parents]:
        if (parent / "idVendor").exists():
            return (_read(parent / "manufacturer"), _read(parent / "product"),
                    _read(parent / "serial"))
        if parent == parent.parent or str(parent) == "/sys/devices":
            break
    return "", "", ""


def _link_name_to(dir_: Path, device: str) -> str:
    """The name of the symlink in ``dir_`` that points at ``device`` (by-uuid, by-label)."""
    try:
        target = os.path.realpath(device)
        for link in dir_.iterdir():
            if os.path.realpath(link) == target:
                return _UDEV_HEX.sub(lambda m: chr(int(m.group(1), 16)), link.name)
    except OSError:
        pass
    return ""


def _blkid(device: str) -> dict[str, str]:
    try:
        out = subprocess.run(
            ["blkid", "-p", "-o", "export", device], capture_output=True, timeout=5, check=False
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        return {}
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def identify_medium(
    entry: MountEntry, *, sys_root: Path = SYS, udev_root: Path = UDEV_DATA
) -> Medium:
    """Vendor, model, serial, fs UUID, label and capacity of a mounted medium (best effort)."""
    props = udev_properties(entry.devno, udev_root)
    dev = _sysfs_device(entry.devno, sys_root)
    vendor = props.get("ID_VENDOR", "").replace("_", " ")
    model = props.get("ID_MODEL", "").replace("_", " ")
    serial = props.get("ID_SERIAL_SHORT", "")
    capacity = 0
    if dev is not None:
        disk = _disk_of(dev)
        usb_vendor, usb_product, usb_serial = _usb_serial(dev)
        vendor = vendor or _read(disk / "device" / "vendor") or usb_vendor
        model = model or _read(disk / "device" / "model") or usb_product
        serial = serial or usb_serial
        with contextlib.suppress(ValueError):
            capacity = int(_read(dev / "size") or 0) * 512
    fs_uuid, label = props.get("ID_FS_UUID", ""), props.get("ID_FS_LABEL", "")
    if entry.source.startswith("/dev/") and not fs_uuid:
        fs_uuid = _link_name_to(BY_UUID, entry.source)
        if not fs_uuid:
            info = _blkid(entry.source)
            fs_uuid, label = info.get("UUID", ""), label or info.get("LABEL", "")
    return Medium(
        device=entry.source,
        mountpoint=entry.mountpoint,
        fstype=entry.fstype,
        vendor=vendor.strip(),
        model=model.strip(),
        serial=serial.strip(),
        fs_uuid=fs_uuid,
        label=label,
        capacity=capacity,
    )


def needs_polling(fstype: str) -> bool:
    return fstype in POLLING_FSTYPES


class MountinfoWatcher:
    """Sleeps until the mount table changes (POLLPRI on /proc/self/mountinfo) or ``wake()``."""

    def __init__(self, path: str = MOUNTINFO) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._rpipe, self._wpipe = os.pipe()
        os.set_blocking(self._wpipe, False)
        self._poll = select.poll()
        self._poll.register(self._fd, select.POLLPRI | select.POLLERR)
        self._poll.register(self._rpipe, select.POLLIN)

    def read(self) -> list[MountEntry]:
        """The current mount table (reading also re-arms the change notification)."""
        os.lseek(self._fd, 0, os.SEEK_SET)
        chunks = []
        while chunk := os.read(self._fd, 65536):
            chunks.append(chunk)
        return parse_mountinfo(b"".join(chunks).decode("utf-8", "surrogateescape"))

    def wait(self, timeout: float | None) -> bool:
        """Block until a change, ``wake()`` or the timeout; True when something happened."""
        events = self._poll.poll(None if timeout is None else int(timeout * 1000))
        for fd, _ in events:
            if fd == self._rpipe:
                with contextlib.suppress(BlockingIOError):
                    os.read(self._rpipe, 4096)
        return bool(events)

    def wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self._wpipe, b"x")

    def close(self) -> None:
        for fd in (self._fd, self._rpipe, self._wpipe):
            with contextlib.suppress(OSError):
                os.close(fd)
