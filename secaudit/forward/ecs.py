"""A ledger event as an ECS-shaped JSON document (Elastic Common Schema field names).

Every document carries:

- ``@timestamp`` (the ledger ``ts``), ``event.id`` (stable: ``<host id>-<seq>-<hash[:16]>``, the
  same on every resend, so a receiver drops duplicates), ``event.kind/category/type/action/
  outcome`` (``action`` = the ledger kind), ``event.severity`` for violations (low 21, medium 47,
  high 73, critical 99, Elastic's risk scores), ``event.sequence`` = ``seq``;
- ``event.original``: the exact bytes the ledger hashed (canonical JSON of seq, ts, kind, data),
  so a collector can recompute ``sha256(prev + original)`` and check the chain itself;
- ``host.name/hostname/id``, ``observer`` (secaudit and its version);
- when the event names them: ``file.*``, ``volume.*`` (removable media), ``email.*``, ``rule.*``;
- secaudit's own under ``secaudit.*``: ``level``, ``marking``, ``info_types`` (type + count),
  ``channel``, ``role``, ``branch``, ``policy`` (id, version), ``ledger`` (seq, hash, prev, kind).

Only what the ledger holds goes out, and the ledger holds masked samples only.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secaudit import __version__
from secaudit.config import Config
from secaudit.ledger import Event, canonical_json

_KINDS: dict[str, tuple[str, str, str]] = {
    # ledger kind: (event.kind, event.category, event.type)
    "agent_started": ("event", "process", "start"),
    "agent_stopped": ("event", "process", "end"),
    "agent_reloaded": ("event", "configuration", "change"),
    "scan_started": ("event", "file", "start"),
    "scan_finished": ("event", "file", "end"),
    "finding": ("event", "file", "info"),
    "file_error": ("event", "file", "error"),
    "violation": ("alert", "file", "info"),
    "violation_repeated": ("event", "file", "info"),  # seen again in the period (keys only)
    "media_inserted": ("event", "host", "connection"),
    "media_removed": ("event", "host", "end"),
    "media_seen": ("event", "host", "info"),
    "media_seen_again": ("event", "host", "info"),  # still mounted across an agent restart
    "connectivity": ("state", "network", "change"),
    "mail_scanned": ("event", "email", "info"),
    "selfcheck": ("state", "configuration", "info"),
    "host_check": ("state", "configuration", "info"),
    "report_issued": ("event", "file", "creation"),
    "heartbeat": ("state", "host", "info"),
    "watch_degraded": ("state", "file", "info"),  # a tree partly polled (issue 12, harden-fs)
    "error": ("event", "host", "error"),
    "forward_test": ("event", "host", "info"),
}
_CHANNEL_CATEGORY = {"email": "email", "internet_host": "network", "removable_media": "file"}
SEVERITY = {"low": 21, "medium": 47, "high": 73, "critical": 99}


@dataclass(frozen=True)
class HostInfo:
    """Who sends: ECS ``host.*`` plus the branch and role from config."""

    name: str
    id: str
    role: str = ""
    branch: str = ""


def host_info(config: Config) -> HostInfo:
    """This host: config name (or system host name), machine id, role and branch."""
    host_id = ""
    for path in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            host_id = Path(path).read_text(encoding="ascii", errors="replace").strip()[:64]
        except OSError:
            continue
        if host_id:
            break
    name = config.hostname
    if not host_id:  # no machine id (containers, Windows): stable from the name and home
        seed = f"{name}\0{config.home.data_dir}".encode("utf-8", "replace")
        host_id = hashlib.sha256(seed).hexdigest()[:32]
    return HostInfo(name, host_id, config.host.role.value, config.host.branch)


def event_id(host: HostInfo, ev: Event) -> str:
    return f"{host.id}-{ev.seq}-{ev.hash[:16]}"


def to_ecs(ev: Event, host: HostInfo) -> dict[str, Any]:
    """The ECS document of one ledger event."""
    data: dict[str, Any] = ev.data if isinstance(ev.data, dict) else {"value": ev.data}
    kind, category, etype = _KINDS.get(ev.kind, ("event", "host", "info"))
    if ev.kind == "violation":
        category = _CHANNEL_CATEGORY.get(str(data.get("channel")), "host")
    event: dict[str, Any] = {
        "id": event_id(host, ev), "kind": kind, "category": [category], "type": [etype],
        "action": ev.kind, "sequence": ev.seq, "dataset": "secaudit.ledger",
        "module": "secaudit",
        "outcome": "failure" if ev.kind in ("error", "file_error") else "success",
        "original": canonical_json({"seq": ev.seq, "ts": ev.ts, "kind": ev.kind, "data": ev.data}),
    }
    if data.get("severity") in SEVERITY:
        event["severity"] = SEVERITY[data["severity"]]
    doc: dict[str, Any] = {
        "@timestamp": ev.ts,
        "ecs": {"version": "8.11.0"},
        "event": event,
        "host": {"name": host.name, "hostname": host.name, "id": host.id},
        "observer": {"product": "secaudit", "vendor": "secaudit", "type": "agent",
                     "version": __version__, "hostname": host.name},
        "message": _message(ev.kind, data),
        "secaudit": _secaudit(ev, data, host),
    }
    parts = {"file": _file(data), "volume": _volume(ev.kind, data), "email": _email(data),
             "rule": _rule(data)}
    doc.update({key: part for key, part in parts.items() if part})
    return doc


def _message(kind: str, data: dict[str, Any]) -> str:
    """A one-line human summary (paths and rule titles only)."""
    parts = [kind]
    for key in ("rule", "title", "classification", "path", "store"):
        value = data.get(key)
        if value and value != "none":
            parts.append(str(value))
    return " ".join(parts)[:300]


def _secaudit(ev: Event, data: dict[str, Any], host: HostInfo) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ledger": {"seq": ev.seq, "hash": ev.hash, "prev": ev.prev, "kind": ev.kind},
        "role": host.role,
    }
    if host.branch:
        out["branch"] = host.branch
    level = data.get("level") or data.get("classification")
    if level:
        out["level"] = level
    findings = data.get("findings") if isinstance(data.get("findings"), list) else []
    markings = [f for f in findings if isinstance(f, dict) and f.get("kind") == "marking"]
    if markings:
        out["marking"] = markings[0].get("text")
    counts: dict[str, int] = {}
    for f in findings:
        if isinstance(f, dict) and f.get("kind") == "info_type":
            name = str(f.get("type"))
            counts[name] = counts.get(name, 0) + int(f.get("count") or 0)
    if counts:
        out["info_types"] = [{"type": t, "count": n} for t, n in sorted(counts.items())]
    for key in ("channel", "scan_id", "trigger", "member"):
        if data.get(key):
            out[key] = data[key]
    policy = data.get("policy")
    if isinstance(policy, dict) and policy.get("id"):
        out["policy"] = {"id": policy.get("id"), "version": policy.get("version")}
    return out


def _file(data: dict[str, Any]) -> dict[str, Any]:
    path = data.get("path")
    if not isinstance(path, str) or not path:
        return {}
    out: dict[str, Any] = {"path": path, "name": os.path.basename(path)}
    if isinstance(data.get("size"), int):
        out["size"] = data["size"]
    if data.get("sha256"):
        out["hash"] = {"sha256": data["sha256"]}
    return out


def _volume(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    detail = data.get("detail") if isinstance(data.get("detail"), dict) else {}
    medium = data.get("medium") or detail.get("medium")
    if kind == "media_seen":
        return {"bus_type": "USB", "removable": True, "vendor_id": data.get("vendor_id"),
                "product_id": data.get("product_id"), "vendor_name": data.get("vendor"),
                "product_name": data.get("product"), "serial_number": data.get("serial")}
    if not isinstance(medium, dict):
        return {}
    return {"removable": True, "device_name": medium.get("device"),
            "mount_name": medium.get("mountpoint"), "file_system_type": medium.get("fstype"),
            "vendor_name": medium.get("vendor"), "product_name": medium.get("model"),
            "serial_number": medium.get("serial") or None, "size": medium.get("capacity")}


def _email(data: dict[str, Any]) -> dict[str, Any]:
    detail = data.get("detail") if isinstance(data.get("detail"), dict) else {}
    mail = data.get("mail") or detail.get("mail")
    if not isinstance(mail, dict):
        return {}
    out: dict[str, Any] = {
        "message_id": mail.get("message_id"), "subject": mail.get("subject"),
        "from": {"address": [mail["from"]] if mail.get("from") else []},
        "to": {"address": list(mail.get("to") or [])},
    }
    names = data.get("attachments")
    if isinstance(names, list):
        out["attachments"] = [{"file": {"name": str(n)}} for n in names]
    return out


def _rule(data: dict[str, Any]) -> dict[str, Any]:
    if not data.get("rule"):
        return {}
    policy = data.get("policy") if isinstance(data.get("policy"), dict) else {}
    return {"id": data["rule"], "name": data.get("title"),
            "ruleset": policy.get("id") or "secaudit", "reference": data.get("basis")}
