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

from secaudit.checks.base import CheckResult, Observed, Outcome
from secaudit.checks.run import check_host
from secaudit.checks.view import HostView, MarkedIndex

__all__ = ["CheckResult", "HostView", "MarkedIndex", "Observed", "Outcome", "check_host"]
