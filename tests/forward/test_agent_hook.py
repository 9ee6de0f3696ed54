"""The agent hook through its Protocol: ``every`` registrations, forwarding thread, heartbeat."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from secaudit.config import Config
from secaudit.forward import agent_hook
from secaudit.ledger import Ledger
from tests.forward.conftest import config_with, fill


@dataclass
class FakeAgent:
    """Just what the hook may use: ``every``, ``config``, ``ledger`` (+ optional ``health``)."""

    config: Config
    ledger: Ledger
    tasks: dict[str, tuple[float, Callable[[Any], None]]] = field(default_factory=dict)

    def every(self, name: str, interval_s: float, fn: Callable[[Any], None]) -> None:
        self.tasks[name] = (interval_s, fn)

    def health(self) -> dict[str, Any]:
        return {"queue_depth": 0, "media": []}


def test_register_forward_and_heartbeat(tmp_path: Path) -> None:
    out = tmp_path / "events.ndjson"
    cfg = config_with(tmp_path / "home", [{"type": "file", "path": str(out)}])
    fill(cfg, 4)
    agent = FakeAgent(cfg, Ledger(cfg.home.ledger))
    agent_hook.register(agent)
    assert agent.tasks["forward"][0] == agent_hook.POLL_S
    assert agent.tasks["heartbeat"][0] == cfg.agent.heartbeat_minutes * 60
    try:
        agent.tasks["heartbeat"][1](agent)  # at start: nothing (agent_started says it)
        agent.tasks["heartbeat"][1](agent)
        agent.tasks["forward"][1](agent)
        deadline = time.monotonic() + 10
        while (not out.exists() or len(out.read_text().splitlines()) < 5) \
                and time.monotonic() < deadline:
            agent.tasks["forward"][1](agent)
            time.sleep(0.1)
    finally:
        agent_hook.stop(agent)
        agent.ledger.close()
    docs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [d["event"]["sequence"] for d in docs] == [1, 2, 3, 4, 5]
    beat = docs[-1]
    assert beat["event"]["action"] == "heartbeat"
    original = json.loads(beat["event"]["original"])
    assert original["data"]["head"]["seq"] == 4
    health = original["data"]["health"]
    assert health["queue_depth"] == 0 and "uptime_s" in health


def test_no_outputs_no_thread(tmp_path: Path) -> None:
    cfg = config_with(tmp_path / "home", [])
    agent = FakeAgent(cfg, Ledger(cfg.home.ledger))
    agent_hook.register(agent)
    agent.tasks["forward"][1](agent)
    assert id(agent) not in agent_hook._services
    agent.ledger.close()
