"""Is this computer connected to an outside network?

Evidence comes from three places:

- default routes (``/proc/net/route``, ``/proc/net/ipv6_route``),
- interfaces that are up with addresses (psutil),
- TCP probes to the ``host:port`` targets listed in ``config.connectivity.probes`` — never a
  hard-coded address. Tests point them at listeners on 127.0.0.1.

Decision: only probes decide. A probe target is *internal* when its host is under the policy's
``internal_domains`` or inside ``[connectivity] intranet_ranges`` (the bank's own network:
reaching it proves nothing about the internet), else *external*. Any external probe that connects
= connected; external probes configured and none connects = not connected; no external probe =
**unknown** (``connected`` is ``None``): a default route only shows a gateway, and an intranet PC
has one too. Routes and interfaces are always recorded as evidence. The configured host role,
not connectivity, decides the channel a host's files are judged on; connectivity decides the
违规外联 rules (``connected: true``).

To add evidence (e.g. DNS), add a field to ``ConnectivityState`` and fill it in
``probe_connectivity``; keep the decision rule in ``_decide``.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import psutil

from secaudit.config import ConnectivityConfig

RTF_UP = 0x0001
RTF_REJECT = 0x0200


@dataclass(frozen=True, slots=True)
class Route:
    family: str
    """``inet`` or ``inet6``."""
    iface: str
    gateway: str

    def to_json(self) -> dict[str, Any]:
        return {"family": self.family, "dest": "default", "iface": self.iface,
                "gateway": self.gateway}


@dataclass(frozen=True, slots=True)
class Interface:
    name: str
    up: bool
    addresses: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "up": self.up, "addresses": list(self.addresses)}


@dataclass(frozen=True, slots=True)
class ProbeResult:
    target: str
    ok: bool
    error: str | None = None
    internal: bool = False
    """The target is in the bank's own network (does not decide internet connectivity)."""

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target, "ok": self.ok, "error": self.error,
                "internal": self.internal}


@dataclass(frozen=True, slots=True)
class ConnectivityState:
    connected: bool | None
    """True/False from external probes; None: unknown (no external probe configured)."""
    decided_by: str
    """``probes``, or ``unknown`` when no external probe is configured."""
    routes: tuple[Route, ...] = ()
    interfaces: tuple[Interface, ...] = ()
    probes: tuple[ProbeResult, ...] = ()
    previous: bool | None = None
    """The state before this one (set by the agent when it records a change)."""

    def to_json(self) -> dict[str, Any]:
        """The ledger ``connectivity`` event data."""
        return {
            "connected": self.connected,
            "previous": self.previous,
            "decided_by": self.decided_by,
            "routes": [r.to_json() for r in self.routes],
            "interfaces": [i.to_json() for i in self.interfaces],
            "probes": [p.to_json() for p in self.probes],
        }


def _hex_ipv4(le_hex: str) -> str:
    raw = bytes.fromhex(le_hex)[::-1]
    return socket.inet_ntop(socket.AF_INET, raw)


def default_routes(proc_net: Path = Path("/proc/net")) -> list[Route]:
    """Default routes that are up, IPv4 and IPv6, loopback and reject routes excluded."""
    routes: list[Route] = []
    try:
        lines = (proc_net / "route").read_text().splitlines()[1:]
    except OSError:
        lines = []
    for line in lines:
        cols = line.split()
        if len(cols) < 8 or cols[1] != "00000000" or cols[7] != "00000000":
            continue
        if int(cols[3], 16) & RTF_UP and cols[0] != "lo":
            routes.append(Route("inet", cols[0], _hex_ipv4(cols[2])))
    try:
        lines6 = (proc_net / "ipv6_route").read_text().splitlines()
    except OSError:
        lines6 = []
    for line in lines6:
        cols = line.split()
        if len(cols) < 10 or cols[0] != "0" * 32 or cols[1] != "00" or cols[9] == "lo":
            continue
        flags = int(cols[8], 16)
        if flags & RTF_UP and not flags & RTF_REJECT:
            gw = socket.inet_ntop(socket.AF_INET6, bytes.fromhex(cols[4]))
            routes.append(Route("inet6", cols[9], gw))
    return routes


def interfaces() -> list[Interface]:
    """Non-loopback interfaces with their state and IP addresses."""
    stats = psutil.net_if_stats()
    out = []
    for name, addrs in sorted(psutil.net_if_addrs().items()):
        st = stats.get(name)
        if name == "lo" or (st is not None and "loopback" in getattr(st, "flags", "")):
            continue
        ips = tuple(a.address for a in addrs if a.family in (socket.AF_INET, socket.AF_INET6))
        out.append(Interface(name, bool(st and st.isup), ips))
    return out


def _split_target(target: str) -> tuple[str, int]:
    host, _, port = target.rpartition(":")
    return host.strip("[]"), int(port)


def tcp_probe(target: str, timeout: float) -> ProbeResult:
    """Try one TCP connect to ``host:port``."""
    try:
        host, port = _split_target(target)
        with socket.create_connection((host, port), timeout=timeout):
            return ProbeResult(target, True)
    except (OSError, ValueError) as exc:
        return ProbeResult(target, False, f"{type(exc).__name__}: {exc}"[:200])


def is_internal_target(
    target: str, internal_domains: tuple[str, ...] | list[str], ranges: tuple[str, ...]
) -> bool:
    """Whether a probe target ``host:port`` is in the bank's own network."""
    try:
        host = _split_target(target)[0].lower().strip(".")
    except ValueError:
        return False
    try:
        addr = ipaddress.ip_address(host)
    except ValueError:
        return any(host == d.lower().strip(".") or host.endswith("." + d.lower().strip("."))
                   for d in internal_domains if d.strip("."))
    for net in ranges:
        with contextlib.suppress(ValueError):
            if addr in ipaddress.ip_network(net, strict=False):
                return True
    return False


def _decide(probes: list[ProbeResult]) -> bool | None:
    external = [p for p in probes if not p.internal]
    if not external:
        return None
    return any(p.ok for p in external)


def probe_connectivity(
    cfg: ConnectivityConfig, *, internal_domains: tuple[str, ...] | list[str] = ()
) -> ConnectivityState:
    """Collect routes, interfaces and probe results and decide whether the host is connected."""
    routes = default_routes()
    ifaces = interfaces()
    probes = [
        replace(tcp_probe(t, cfg.probe_timeout),
                internal=is_internal_target(t, internal_domains, cfg.intranet_ranges))
        for t in cfg.probes
    ]
    connected = _decide(probes)
    return ConnectivityState(
        connected=connected,
        decided_by="unknown" if connected is None else "probes",
        routes=tuple(routes),
        interfaces=tuple(ifaces),
        probes=tuple(probes),
    )
