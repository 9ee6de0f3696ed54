"""Judging the policy's host checks on one host, and recording the results in the ledger.

::

    view = HostView(policy, HostRoot(Path("/")), live=True, marked=MarkedIndex.from_ledger(led),
                    role="intranet")
    results = run_checks(policy, view)        # one CheckResult per enabled check
    record(led, results, view)                # one ``host_check`` ledger event

Outcomes: ``not_applicable`` when the host's role is not among the check's roles; ``not_checked``
with why when the observation could not be made (or failed unexpectedly: a source bug never
stops the other checks); otherwise ``pass``/``fail`` by the check's expectation — always with the
value observed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import secaudit.checks.observe_settings as s
import secaudit.checks.observe_traces as t
from secaudit.checks.base import SCHEMA, CheckResult, Observed, Outcome
from secaudit.checks.view import HostView
from secaudit.policy.hostcheck import HostCheck
from secaudit.policy.policy import Policy

Observer = Callable[[HostView], Observed]

OBSERVERS: dict[str, Observer] = {
    "browser_external_hosts": t.browser_external_hosts,
    "recent_docs_removable": t.recent_docs_removable,
    "recent_docs_vanished": t.recent_docs_vanished,
    "recent_docs_marked": t.recent_docs_marked,
    "recent_docs_state_secret": t.recent_docs_state_secret,
    "trash_items": t.trash_items,
    "trash_marked_items": t.trash_marked_items,
    "wifi_profiles": t.wifi_profiles,
    "mobile_broadband_profiles": t.mobile_broadband_profiles,
    "vpn_profiles": t.vpn_profiles,
    "wireless_radios": t.wireless_radios,
    "active_interfaces": t.active_interfaces,
    "remote_control_installed": t.remote_control_installed,
    "remote_control_running": t.remote_control_running,
    "remote_control_listening": t.remote_control_listening,
    "screen_lock_enabled": s.screen_lock_enabled,
    "screen_lock_idle_seconds": s.screen_lock_idle_seconds,
    "password_min_length": s.password_min_length,
    "password_min_classes": s.password_min_classes,
    "password_max_days": s.password_max_days,
    "auto_login": s.auto_login,
    "guest_account": s.guest_account,
    "usb_storage_blocked": s.usb_storage_blocked,
    "listening_services": s.listening_services,
    "samba_shares": s.samba_shares,
}
"""Observation id (policy ``observe:``) → function; the ids are those of hostcheck.OBSERVATIONS."""


_ROLE_ZH = {"internet": "互联网计算机", "intranet": "内网计算机", "classified": "涉密计算机"}


def observe(view: HostView, name: str, cache: dict[str, Observed]) -> Observed:
    if name not in cache:
        try:
            cache[name] = OBSERVERS[name](view)
        except Exception as exc:  # noqa: BLE001 - one broken source must not stop the others
            cache[name] = Observed(None, why=f"读取失败：{type(exc).__name__}: {exc}")
    return cache[name]


def judge(check: HostCheck, view: HostView, cache: dict[str, Observed]) -> CheckResult:
    if view.role not in check.roles:
        roles = "、".join(_ROLE_ZH.get(r, r) for r in sorted(check.roles))
        why = f"仅适用于{roles}，本机为{_ROLE_ZH.get(view.role, view.role)}"
        return CheckResult(check, Outcome.NOT_APPLICABLE, why=why)
    observed = observe(view, check.observe, cache)
    if observed.value is None:
        return CheckResult(check, Outcome.NOT_CHECKED, observed, why=observed.why)
    outcome = Outcome.PASS if check.expect.holds(observed.value) else Outcome.FAIL
    return CheckResult(check, outcome, observed, why=observed.why)


def run_checks(policy: Policy, view: HostView) -> list[CheckResult]:
    """Every enabled check of the policy, in policy order."""
    cache: dict[str, Observed] = {}
    return [judge(c, view, cache) for c in policy.checks if c.enabled]


def summary(results: list[CheckResult]) -> dict[str, int]:
    counts = {o.value: 0 for o in Outcome}
    for r in results:
        counts[r.outcome.value] += 1
    return counts


def document(policy: Policy, view: HostView, results: list[CheckResult]) -> dict[str, Any]:
    """The ``secaudit check --format json`` object and the ledger event's data."""
    return {
        "schema": SCHEMA,
        "role": view.role,
        "root": str(view.host.root),
        "policy": policy.identity(),
        "summary": summary(results),
        "checks": [r.to_json() for r in results],
        "problems": [p.to_json() for p in view.host.problems],
    }


def record(ledger: Any, policy: Policy, view: HostView, results: list[CheckResult]) -> None:
    """Append one ``host_check`` event holding every result."""
    ledger.append("host_check", document(policy, view, results))
