"""The agent runs the periodic self-inspection itself and files a signed report."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from secaudit.ledger import Ledger
from secaudit.report.keys import generate_keys
from secaudit.selfcheck.schedule import is_due
from tests.agent.conftest import base_config, write_config

ANSWERS = Path(__file__).resolve().parents[2] / "policies" / "checklist-answers.example.yaml"


def test_due_only_after_the_interval_since_the_last_selfcheck(tmp_path: Path) -> None:
    led = Ledger(tmp_path / "ledger.db")
    assert not is_due(led, 30)  # the agent never started here: nothing to count from
    led.append("agent_started", {"pid": 1})
    now = datetime.now().astimezone()
    assert not is_due(led, 30, now)
    assert is_due(led, 30, now + timedelta(days=31))
    led.append("selfcheck", {"score": 95.0, "verdict": "meets"})
    assert not is_due(led, 30, now + timedelta(days=29))
    assert is_due(led, 30, now + timedelta(days=30, minutes=1))


@pytest.mark.timeout(120)
def test_agent_issues_scheduled_selfcheck_report(tmp_path: Path, start_agent) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "h"
    cfg = base_config(agent={"selfcheck_interval_days": 2 / 86400,  # two seconds
                             "selfcheck_answers": str(ANSWERS)})
    write_config(home, cfg)
    generate_keys(home / "keys", passphrase=None)
    agent = start_agent(home)
    event = agent.wait_for(lambda e: True, kinds=["selfcheck"], timeout=60)
    issued = agent.wait_for(lambda e: True, kinds=["report_issued"], timeout=30)
    assert agent.stop() == 0
    report = Path(issued.data["path"])
    assert report.parent == home / "reports" and report.is_file()
    assert report.with_name(report.name + ".minisig").is_file()
    assert event.data["verdict"]
    with Ledger(home / "ledger.db", readonly=True) as led:
        led.verify()
