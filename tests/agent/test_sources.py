"""Sources read from real files: mountinfo text, a sysfs/udev tree laid out as the kernel does,
/proc/net route tables, kernel-log lines (and /dev/kmsg itself), a loopback probe listener."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from secaudit.config import ConnectivityConfig, load_config
from secaudit.sources.connectivity import default_routes, probe_connectivity, tcp_probe
from secaudit.sources.hostfacts import host_facts
from secaudit.sources.removable import (
    MountinfoWatcher,
    identify_medium,
    parse_mountinfo,
    removable_mounts,
)
from secaudit.sources.usbhistory import kmsg_lines, parse_kernel_log
from tests.agent.conftest import closed_port, unmount

MOUNTINFO = (
    "27 1 253:0 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
    "45 27 8:17 / /media/张三/KINGSTON\\040U盘 rw,nosuid shared:20 - vfat /dev/sdb1 rw,uid=1000\n"
    "46 27 7:0 / /tmp/img rw - ext4 /dev/loop0 rw\n"
    "garbage line\n"
)


def _sysfs(tmp: Path) -> tuple[Path, Path]:
    """A /sys and /run/udev/data tree for a USB stick sdb with partition sdb1 (8:17)."""
    sys_root, udev = tmp / "sys", tmp / "udev"
    usb = sys_root / "devices/pci0000:00/0000:00:14.0/usb1/1-1"
    disk = usb / "1-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb"
    part = disk / "sdb1"
    part.mkdir(parents=True)
    (part / "partition").write_text("1\n")
    (part / "size").write_text("30310400\n")
    (disk / "removable").write_text("1\n")
    dev = usb / "1-1:1.0/host6/target6:0:0/6:0:0:0"
    (disk / "device").symlink_to(dev)
    (dev / "vendor").write_text("Kingston\n")
    (dev / "model").write_text("DataTraveler 3.0\n")
    for name, value in (("idVendor", "0951"), ("manufacturer", "Kingston"), ("serial", "E0D55EA5")):
        (usb / name).write_text(value + "\n")
    (sys_root / "dev/block").mkdir(parents=True)
    (sys_root / "dev/block/8:17").symlink_to(part)
    (sys_root / "dev/block/7:0").symlink_to(sys_root / "devices/virtual/block/loop0")
    (sys_root / "devices/virtual/block/loop0").mkdir(parents=True)
    (sys_root / "devices/virtual/block/loop0/removable").write_text("0\n")
    udev.mkdir()
    (udev / "b8:17").write_text("S:disk/by-uuid/1A2B-3C4D\nE:ID_BUS=usb\nE:ID_FS_UUID=1A2B-3C4D\n"
                                "E:ID_FS_LABEL=工作盘\nE:ID_SERIAL_SHORT=E0D55EA5\n")
    return sys_root, udev


def test_mountinfo_and_removable_detection(tmp_path: Path) -> None:
    entries = parse_mountinfo(MOUNTINFO)
    assert [e.mountpoint for e in entries] == ["/", "/media/张三/KINGSTON U盘", "/tmp/img"]
    sys_root, udev = _sysfs(tmp_path)
    found = removable_mounts(entries=entries, sys_root=sys_root, udev_root=udev)
    assert list(found) == ["/media/张三/KINGSTON U盘"]
    with_extra = removable_mounts(["/tmp/im*"], entries=entries, sys_root=sys_root, udev_root=udev)
    assert sorted(with_extra) == ["/media/张三/KINGSTON U盘", "/tmp/img"]

    medium = identify_medium(found["/media/张三/KINGSTON U盘"], sys_root=sys_root, udev_root=udev)
    assert (medium.vendor, medium.model, medium.serial) == ("Kingston", "DataTraveler 3.0",
                                                            "E0D55EA5")
    assert (medium.fs_uuid, medium.label, medium.fstype) == ("1A2B-3C4D", "工作盘", "vfat")
    assert medium.capacity == 30310400 * 512


@pytest.mark.root
@pytest.mark.timeout(60)
def test_mountinfo_watcher_wakes_on_a_real_mount(make_image, tmp_path: Path) -> None:
    watcher = MountinfoWatcher()
    try:
        watcher.read()
        woke: list[bool] = []
        t = threading.Thread(target=lambda: woke.append(watcher.wait(20)))
        t.start()
        mp = make_image("ext4", uuid="3d1f0a52-8c55-4b0b-9d7e-5b0d7c1f2e11")
        t.join(25)
        assert woke == [True]
        entry = removable_mounts([str(mp)], entries=watcher.read())[str(mp)]
        medium = identify_medium(entry)
        assert medium.fs_uuid == "3d1f0a52-8c55-4b0b-9d7e-5b0d7c1f2e11"
        assert medium.capacity == 32 * 1024 * 1024 and medium.device.startswith("/dev/loop")
        unmount(mp)
        assert str(mp) not in removable_mounts([str(mp)], entries=watcher.read())
    finally:
        watcher.close()


def test_routes_from_proc_net(tmp_path: Path) -> None:
    (tmp_path / "route").write_text(
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
        "eth0\t00000000\t0100C80A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
        "eth0\t0002A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"
    )
    (tmp_path / "ipv6_route").write_text(
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
        "fe800000000000000000000000000001 00000400 00000001 00000000 00000003 wlan0\n"
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
        "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200 lo\n"
    )
    routes = default_routes(tmp_path)
    assert [(r.family, r.iface, r.gateway) for r in routes] == [
        ("inet", "eth0", "10.200.0.1"), ("inet6", "wlan0", "fe80::1")]


def test_probes_decide_connectivity() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        target = f"127.0.0.1:{listener.getsockname()[1]}"
        assert tcp_probe(target, 1.0).ok
        state = probe_connectivity(ConnectivityConfig(probes=(target,), probe_timeout=1.0))
        assert state.connected and state.decided_by == "probes"
    refused = f"127.0.0.1:{closed_port()}"
    off = probe_connectivity(ConnectivityConfig(probes=(refused,), probe_timeout=0.5))
    assert not off.connected and off.to_json()["probes"][0]["error"]
    assert not tcp_probe("no-port-here", 0.5).ok


KERNEL_LOG = [
    ("2026-11-01T09:00:00+08:00",
     "usb 1-1: New USB device found, idVendor=0951, idProduct=1666, bcdDevice= 1.10"),
    ("2026-11-01T09:00:00+08:00", "usb 1-1: Product: DataTraveler 3.0"),
    ("2026-11-01T09:00:00+08:00", "usb 1-1: Manufacturer: Kingston"),
    ("2026-11-01T09:00:00+08:00", "usb 1-1: SerialNumber: E0D55EA5"),
    ("2026-11-01T09:00:01+08:00", "usb-storage 1-1:1.0: USB Mass Storage device detected"),
    ("2026-11-01T09:00:02+08:00",
     "usb 1-2: New USB device found, idVendor=046d, idProduct=c31c, bcdDevice=64.02"),
    ("2026-11-01T09:00:02+08:00", "usb 1-2: Product: USB Keyboard"),
    ("2026-11-01T09:30:00+08:00", "usb 1-1: USB disconnect, device number 5"),
    ("2026-11-03T14:00:00+08:00",
     "usb 2-1: New USB device found, idVendor=0951, idProduct=1666, bcdDevice= 1.10"),
    ("2026-11-03T14:00:00+08:00", "usb 2-1: SerialNumber: E0D55EA5"),
    ("2026-11-03T14:00:00+08:00", "usb 2-1: Manufacturer: Kingston"),
    ("2026-11-03T14:00:01+08:00", "uas 2-1:1.0: USB Mass Storage device detected"),
    ("2026-11-03T15:00:00+08:00", "usb 2-1: USB disconnect, device number 2"),
]


def test_usb_history_merges_sessions_and_skips_non_storage() -> None:
    records = parse_kernel_log(KERNEL_LOG, "journal")
    assert len(records) == 1
    rec = records[0].to_json()
    assert (rec["vendor"], rec["product"], rec["serial"]) == ("Kingston", "DataTraveler 3.0",
                                                              "E0D55EA5")
    assert rec["first_seen"] == "2026-11-01T09:00:00+08:00"
    assert rec["last_seen"] == "2026-11-03T15:00:00+08:00"
    assert rec["source"] == "journal"


@pytest.mark.root
def test_kmsg_is_read_without_blocking() -> None:
    """The real /dev/kmsg is read to its end and the call returns (a blocking read would hang the
    agent). Nothing is written to the kernel log: fake USB lines there would show up as devices
    in the USB history of every later report on this machine."""
    if not os.access("/dev/kmsg", os.R_OK):
        pytest.skip("/dev/kmsg is not readable here")
    started = time.monotonic()
    lines = kmsg_lines()
    assert time.monotonic() - started < 5
    # the kernel's own messages, each with its time stamp
    assert lines and all(isinstance(ts, str) and isinstance(text, str) for ts, text in lines)
    parse_kernel_log(lines, "kmsg")  # real lines parse without error


def test_host_facts(tmp_path: Path) -> None:
    facts = host_facts(load_config(tmp_path))
    assert facts["hostname"] and facts["os"] and facts["role"] == "intranet"
