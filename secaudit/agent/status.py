"""The running agent's status file (``<run_dir>/agent.json``), written atomically.

The agent rewrites it every few seconds and on every change (``write_status``);
``secaudit status`` reads it (``read_status``), which returns ``None`` unless the process that
wrote it is still alive. Keys: ``pid``, ``version``, ``started``, ``uptime_s``, ``hostname``,
``role``, ``queue_depth``, ``busy``, ``media``, ``roots``, ``mail_stores``, ``connectivity``,
``last_events``, ``ledger_head``, ``updated``. Add a key in the agent's ``_status`` and show it
in ``secaudit.cli.agent``.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path
from typing import Any

import psutil

from secaudit.config import Home

STATUS_NAME = "agent.json"


def status_path(home: Home) -> Path:
    return home.run_dir / STATUS_NAME


def write_status(home: Home, status: dict[str, Any]) -> None:
    path = status_path(home)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{STATUS_NAME}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(status, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def remove_status(home: Home) -> None:
    with contextlib.suppress(OSError):
        status_path(home).unlink()


def collect_status(agent: Any, identity: dict[str, Any]) -> dict[str, Any]:
    """The status of a running ``secaudit.agent.daemon.Agent`` (called in its main thread)."""
    head = agent.ledger.head()
    last = list(agent.ledger.events(first_seq=max(1, head.seq - 9))) if head else []
    return {
        **identity, "started_epoch": agent.started, "hostname": agent.config.hostname,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(agent.started)),
        "queue_depth": len(agent.queue), "busy": not agent.queue.is_idle(),
        "media": [m.to_json() for m in agent.media.current()],
        "roots": agent.watches.roots(), "mail_stores": agent.watches.mail_stores(),
        "watched": agent.watches.watched(),
        "watch_degraded": agent.watches.observers.degraded(),
        "connectivity": agent.connectivity.to_json() if agent.connectivity else None,
        "last_events": [{"seq": e.seq, "ts": e.ts, "kind": e.kind} for e in last],
        "ledger_head": {"seq": head.seq, "hash": head.hash} if head else None,
        "updated": time.time(),
    }


def _alive(pid: int, started_epoch: float) -> bool:
    try:
        proc = psutil.Process(pid)
        # A recycled pid belongs to a process created after the agent started.
        return proc.create_time() <= started_epoch + 2 and proc.status() != psutil.STATUS_ZOMBIE
    except (psutil.Error, ValueError):
        return False


def read_status(home: Home) -> dict[str, Any] | None:
    """The running agent's status, or ``None`` when no agent of this home is running."""
    try:
        status = json.loads(status_path(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(status, dict):
        return None
    pid, started = status.get("pid"), status.get("started_epoch")
    if not isinstance(pid, int) or not isinstance(started, int | float):
        return None
    if not _alive(pid, float(started)):
        return None
    status["uptime_s"] = round(time.time() - float(started), 1)
    return status
