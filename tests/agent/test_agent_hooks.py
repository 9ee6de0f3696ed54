"""``Agent.every``: the hook the self-check schedule registers on (runs in the main thread)."""

from __future__ import annotations

import pytest

from secaudit.agent.daemon import Agent
from secaudit.config import load_config
from secaudit.ledger import Ledger
from tests.agent.conftest import base_config, write_config


@pytest.mark.timeout(60)
def test_periodic_hook_runs_and_once_mode_stops(tmp_path) -> None:
    home = tmp_path / "h"
    write_config(home, base_config())
    agent = Agent(load_config(home), once=True)
    calls: list[int] = []
    agent.every("selfcheck", 30 * 86400, lambda a: calls.append(a.ledger.head().seq))
    assert agent.run() == 0
    assert len(calls) == 1 and calls[0] >= 1
    with Ledger(home / "ledger.db", readonly=True) as led:
        kinds = [e.kind for e in led.events()]
        assert kinds[0] == "agent_started" and kinds[-1] == "agent_stopped"
        assert "connectivity" in kinds
        led.verify()
