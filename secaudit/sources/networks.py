"""Networks and radios: NetworkManager profiles, wireless/Bluetooth hardware, rfkill, interfaces.

- :func:`network_profiles` reads NetworkManager keyfiles
  (``/etc/NetworkManager/system-connections/*.nmconnection``, also the old extension-less files)
  and the last-used times in ``/var/lib/NetworkManager/timestamps``: id, type (``wifi``, ``gsm``
  / ``cdma`` mobile broadband, ``vpn``, ``wireguard``, ``ethernet``…), Wi-Fi SSID, VPN service,
  last used. Secrets (PSKs, passwords) are never read into the result.
- :func:`radios` reads sysfs: network interfaces with a ``wireless`` folder (Wi-Fi cards),
  ``/sys/class/bluetooth/hci*``, and ``/sys/class/rfkill/rfkill*`` (type, soft/hard block).
- :func:`active_interfaces` lists non-loopback interfaces whose ``operstate`` is ``up``.

Class entries in sysfs are the kernel's symlinks into ``/sys/devices``; they are resolved only
while they stay inside ``/sys`` (:meth:`HostRoot.kernel_link`).
"""

from __future__ import annotations

import configparser
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from secaudit.sources.hostroot import HostRoot, Problem

NM_DIRS = ("/etc/NetworkManager/system-connections", "/run/NetworkManager/system-connections")
NM_TIMESTAMPS = "/var/lib/NetworkManager/timestamps"
_TYPES = {
    "802-11-wireless": "wifi",
    "802-3-ethernet": "ethernet",
    "gsm": "gsm",
    "cdma": "cdma",
    "vpn": "vpn",
    "wireguard": "wireguard",
    "bluetooth": "bluetooth",
}
MOBILE_TYPES = frozenset({"gsm", "cdma"})
VPN_TYPES = frozenset({"vpn", "wireguard"})


@dataclass(frozen=True)
class NetProfile:
    """A NetworkManager connection profile (no secrets)."""

    id: str
    type: str
    uuid: str = ""
    ssid: str = ""
    vpn_service: str = ""
    last_used: str = ""
    file: str = ""

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v}


@dataclass(frozen=True)
class Radio:
    """Wireless or Bluetooth hardware, with whether it is blocked (rfkill)."""

    kind: str
    """``wlan`` or ``bluetooth`` (also ``wwan`` from rfkill)."""
    name: str
    blocked: bool | None = None
    """True soft- or hard-blocked, False free, None no rfkill entry."""

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "blocked": self.blocked}


def _stamp(value: str) -> str:
    try:
        seconds = int(value)
    except ValueError:
        return ""
    if seconds <= 0:
        return ""
    return datetime.fromtimestamp(seconds, UTC).astimezone().isoformat(timespec="seconds")


def _keyfile(host: HostRoot, path: str) -> configparser.ConfigParser | None:
    text = host.read_text(path, cap=256 * 1024)
    if text is None:
        return None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(text, source=path)
    except configparser.Error as exc:
        host.problems.append(Problem(path, "corrupt", str(exc).splitlines()[0]))
        return None
    return parser


def _profile(parser: configparser.ConfigParser, path: str, stamps: dict[str, str]) -> NetProfile:
    get = parser.get
    kind = get("connection", "type", fallback="")
    kind = _TYPES.get(kind, kind)
    uuid = get("connection", "uuid", fallback="")
    ssid = get("wifi", "ssid", fallback="") or get("802-11-wireless", "ssid", fallback="")
    last = stamps.get(uuid) or get("connection", "timestamp", fallback="")
    return NetProfile(
        id=get("connection", "id", fallback=path.rsplit("/", 1)[-1]),
        type=kind,
        uuid=uuid,
        ssid=ssid.strip().rstrip(";"),
        vpn_service=get("vpn", "service-type", fallback=""),
        last_used=_stamp(last) if last else "",
        file=path,
    )


def network_profiles(host: HostRoot) -> list[NetProfile]:
    """Every NetworkManager connection profile on the host."""
    stamps: dict[str, str] = {}
    times = _keyfile(host, NM_TIMESTAMPS)
    if times is not None and times.has_section("timestamps"):
        stamps = dict(times.items("timestamps"))
    out = []
    for folder in NM_DIRS:
        for name in host.listdir(folder):
            path = f"{folder}/{name}"
            if not host.is_file(path) or name.endswith((".swp", "~")):
                continue
            parser = _keyfile(host, path)
            if parser is not None and parser.has_section("connection"):
                out.append(_profile(parser, path, stamps))
    return out


def _rfkill(host: HostRoot) -> list[tuple[str, str, bool]]:
    out = []
    for name in host.listdir("/sys/class/rfkill"):
        entry = host.kernel_link(f"/sys/class/rfkill/{name}")
        kind = (host.read_text(f"{entry}/type") or "").strip()
        label = (host.read_text(f"{entry}/name") or name).strip()
        soft = (host.read_text(f"{entry}/soft") or "0").strip()
        hard = (host.read_text(f"{entry}/hard") or "0").strip()
        out.append((kind, label, soft == "1" or hard == "1"))
    return out


def radios(host: HostRoot) -> list[Radio]:
    """Wi-Fi interfaces, Bluetooth adapters and rfkill switches, with their block state."""
    switches = _rfkill(host)
    found: list[Radio] = []
    for name in host.listdir("/sys/class/net"):
        entry = host.kernel_link(f"/sys/class/net/{name}")
        if host.is_dir(f"{entry}/wireless") or host.is_dir(f"{entry}/phy80211"):
            found.append(Radio("wlan", name, _blocked(switches, "wlan")))
    found.extend(
        Radio("bluetooth", name, _blocked(switches, "bluetooth", name))
        for name in host.listdir("/sys/class/bluetooth")
        if ":" not in name
    )
    named = {r.name for r in found}
    for kind, label, blocked in switches:
        if label not in named and not any(r.kind == kind for r in found):
            found.append(Radio(kind, label, blocked))
    return found


def _blocked(switches: list[tuple[str, str, bool]], kind: str, name: str = "") -> bool | None:
    matching = [b for k, n, b in switches if k == kind and (not name or n == name)]
    matching = matching or [b for k, _, b in switches if k == kind]
    return all(matching) if matching else None


def active_interfaces(host: HostRoot) -> list[str]:
    """Non-loopback interfaces whose operstate is ``up`` (sysfs)."""
    out = []
    for name in host.listdir("/sys/class/net"):
        if name == "lo":
            continue
        entry = host.kernel_link(f"/sys/class/net/{name}")
        if (host.read_text(f"{entry}/operstate") or "").strip() == "up":
            out.append(name)
    return out
