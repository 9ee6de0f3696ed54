"""Facts about this computer shown in the status, the ledger and reports.

``host_facts(config)`` returns hostname, OS name (``/etc/os-release`` PRETTY_NAME, e.g.
"Kylin V10" or "Debian GNU/Linux 12"), kernel, machine id and the configured role. Add a fact by
adding a key; consumers read the keys they know.
"""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any

from secaudit.config import Config


def os_release(path: Path = Path("/etc/os-release")) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return out
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not key.startswith("#"):
            out[key.strip()] = value.strip().strip('"').strip("'")
    return out


def machine_id() -> str:
    for path in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            return Path(path).read_text().strip()
        except OSError:
            continue
    return ""


def host_facts(config: Config) -> dict[str, Any]:
    rel = os_release()
    return {
        "hostname": config.hostname,
        "os": rel.get("PRETTY_NAME") or f"{platform.system()} {platform.release()}",
        "kernel": platform.release(),
        "machine_id": machine_id(),
        "role": config.host.role.value,
        "branch": config.host.branch,
    }
