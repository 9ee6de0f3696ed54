"""Agent hook: the periodic self-inspection (自查), by default monthly, into the reports folder.

The CLI hands :func:`register` to the agent as a start hook (``Agent(hooks=...)``). Once an
hour the hook asks the ledger when the last ``selfcheck`` ran (or, if never, when the agent first
started on this host); when ``agent.selfcheck_interval_days`` have passed it runs
:func:`.run.run_selfcheck` in a thread of its own, so media, mail and connectivity keep being
watched meanwhile. Checklist answers come from
``agent.selfcheck_answers`` when set; otherwise the manual items stay unanswered in the report.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from secaudit.errors import SecauditError
from secaudit.ledger import Ledger
from secaudit.logs import logger

if TYPE_CHECKING:
    from secaudit.agent.daemon import Agent
    from secaudit.config import Config

log = logger(__name__)
CHECK_EVERY_S = 3600.0
"""How often the hook looks whether a self-inspection is due (cheap: one ledger query)."""

_running: dict[str, threading.Thread] = {}


def register(agent: Agent) -> None:
    days = agent.config.agent.selfcheck_interval_days
    if days > 0:
        agent.every("selfcheck", min(CHECK_EVERY_S, days * 86400 / 4), _maybe_run)


def last_selfcheck(ledger: Ledger) -> datetime | None:
    """When the last self-inspection ran, else when the agent first started, else None."""
    for kinds in (["selfcheck"], ["agent_started"]):
        events = list(ledger.events(kinds=kinds))
        if events:
            stamp = events[-1].ts if kinds == ["selfcheck"] else events[0].ts
            return datetime.fromisoformat(stamp)
    return None


def is_due(ledger: Ledger, interval_days: float, now: datetime | None = None) -> bool:
    last = last_selfcheck(ledger)
    if last is None:
        return False
    now = now or datetime.now().astimezone()
    return now - last >= timedelta(days=interval_days)


def _maybe_run(agent: Agent) -> None:
    thread = _running.get("selfcheck")
    if thread is not None and thread.is_alive():
        return
    if not is_due(agent.ledger, agent.config.agent.selfcheck_interval_days):
        return
    thread = threading.Thread(
        target=_run, args=(agent.config,), name="selfcheck", daemon=True
    )
    _running["selfcheck"] = thread
    thread.start()


def _run(config: Config) -> None:
    from secaudit.selfcheck.run import run_selfcheck

    answers = Path(config.agent.selfcheck_answers) if config.agent.selfcheck_answers else None
    try:
        result = run_selfcheck(config, answers_file=answers, lang=config.report.lang)
        log.info("scheduled self-inspection issued %s", result.report.path)
    except SecauditError as exc:
        with Ledger(config.home.ledger) as ledger:
            ledger.append("error", {"where": "selfcheck", "message": exc.diagnostics()})
    except Exception as exc:  # noqa: BLE001 - the agent must survive a failed self-inspection
        with Ledger(config.home.ledger) as ledger:
            message = f"{type(exc).__name__}: {exc}"
            ledger.append("error", {"where": "selfcheck", "message": message})
