"""The report's host-check section: the last ``host_check`` event of the period.

Each row keeps what the officer needs on paper: the check, its outcome, the value observed,
依据 (basis) and 整改 (remedy). Rows are ordered failures first (most severe first), then not
checked, passed and not applicable, so the page starts with what must be fixed.
"""

from __future__ import annotations

from typing import Any

from secaudit.ledger import Event

_ORDER = {"fail": 0, "not_checked": 1, "pass": 2, "not_applicable": 3}
_SEVERITY = {"critical": 0, "high": 1, "medium": 2, "low": 3}
ROW_KEYS = ("id", "title", "severity", "outcome", "observed_text", "why", "basis", "remedy")


def host_checks_section(events: list[Event]) -> dict[str, Any] | None:
    """``{seq, ts, role, summary, checks: [...]}`` of the last host-check run, or None."""
    last = next((e for e in reversed(events) if e.kind == "host_check"), None)
    if last is None or not isinstance(last.data, dict):
        return None
    rows = [
        {k: str(c.get(k) or "") for k in ROW_KEYS}
        for c in last.data.get("checks") or []
        if isinstance(c, dict)
    ]
    rows.sort(key=lambda r: (_ORDER.get(r["outcome"], 9), _SEVERITY.get(r["severity"], 9)))
    summary = {k: int((last.data.get("summary") or {}).get(k) or 0) for k in _ORDER}
    return {"seq": last.seq, "ts": last.ts, "role": str(last.data.get("role") or ""),
            "summary": summary, "checks": rows}
