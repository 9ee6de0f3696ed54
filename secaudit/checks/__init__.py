"""The check stage: the policy's host checks (检查项) judged on this computer.

Sources (``secaudit.sources``: browser history, recent documents, recycle bin, network profiles
and radios, installed/running software, desktop and system settings) are read through a
:class:`~secaudit.sources.hostroot.HostRoot`; each policy check names one observation and an
expectation (``secaudit.policy.hostcheck``)::

    from secaudit.checks import check_host
    doc, results = check_host(policy, role="intranet", ledger=led)   # root "/" = this host
    doc["checks"][0]["observed_text"]                                 # always the value seen

Modules: ``view`` (the host as checks see it, the ledger's marked documents), ``observe_traces``
and ``observe_settings`` (one function per observation), ``evaluate`` (outcomes, ledger event),
``tests_runner`` (``check_cases`` of ``secaudit policy test``), ``agent_hook`` (scheduled runs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from secaudit.checks.base import CheckResult, Observed, Outcome
from secaudit.checks.evaluate import document, record, run_checks
from secaudit.checks.view import HostView, MarkedIndex
from secaudit.policy.policy import Policy
from secaudit.sources.hostroot import HostRoot

__all__ = ["CheckResult", "HostView", "MarkedIndex", "Observed", "Outcome", "check_host"]


def check_host(
    policy: Policy,
    *,
    role: str,
    root: Path = Path("/"),
    ledger: Any = None,
    write: bool = True,
) -> tuple[dict[str, Any], list[CheckResult]]:
    """Run the policy's checks on the host at ``root`` (the live host when ``/``).

    Marked documents are looked up in ``ledger`` (its ``finding`` events); with ``write`` the
    results are appended to it as one ``host_check`` event.
    """
    live = Path(root).resolve() == Path("/")
    view = HostView(policy, HostRoot(Path(root)), live=live,
                    marked=MarkedIndex.from_ledger(ledger), role=role)
    results = run_checks(policy, view)
    if ledger is not None and write:
        record(ledger, policy, view, results)
    return document(policy, view, results), results
