"""``secaudit hq status``: the fleet at a glance, per branch, for one period (default: the month
of the latest report received)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from secaudit.hq.rollup import build_rollup
from secaudit.hq.store import Store
from secaudit.hq.window import Window, choose


@dataclass(frozen=True)
class FleetStatus:
    window: Window
    totals: dict[str, Any]
    rows: list[dict[str, Any]]
    """Per branch: id, name, expected, reported, verified, rejected, gaps, severe."""
    keys: int
    quarantined: int


def latest_mid(store: Store) -> float | None:
    row = store.db.execute("SELECT max(mid) FROM reports").fetchone()
    return float(row[0]) if row and row[0] is not None else None


def fleet_status(store: Store, period: str | None = None) -> FleetStatus:
    window = choose(period, None, None, latest_mid(store))
    model = build_rollup(store, window, issuer={"name": "", "key": ""})
    rejected: dict[str, int] = {}
    for r in model["rejected"]:
        rejected[r["branch"]] = rejected.get(r["branch"], 0) + 1
    gaps: dict[str, int] = {}
    for g in model["gaps"]:
        gaps[g["branch"]] = gaps.get(g["branch"], 0) + 1
    severe = {b["branch"]: b["critical"] + b["high"] for b in model["violations"]["by_branch"]}
    rows = [
        {
            "id": b["id"],
            "name": b["name"],
            "expected": b["expected"],
            "reported": b["reported"],
            "verified": b["verified"],
            "missing": b["missing"],
            "rejected": rejected.get(b["id"], 0),
            "gaps": gaps.get(b["id"], 0),
            "severe": severe.get(b["id"], 0),
            "verdict": b["verdict"],
        }
        for b in model["branches"]
    ]
    keys = store.db.execute("SELECT count(*) FROM keys WHERE retired IS NULL").fetchone()[0]
    quarantined = store.db.execute("SELECT count(*) FROM quarantine").fetchone()[0]
    return FleetStatus(window, model["totals"], rows, int(keys), int(quarantined))
