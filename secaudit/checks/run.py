"""One run of the host checks on a host: :func:`check_host` (re-exported by the package)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from secaudit.checks.base import CheckResult
from secaudit.checks.evaluate import document, record, run_checks
from secaudit.checks.view import HostView, MarkedIndex
from secaudit.policy.policy import Policy
from secaudit.sources.hostroot import HostRoot


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
