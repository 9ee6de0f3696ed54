"""What an accepted report puts into the store: its row (with the file, compressed) and the rows
the roll-up groups — violations, media (inserted/removed and USB history) and documents (files
with a digest, ``secaudit.report/2``). Values come from signed but still untrusted data: a field
of the wrong type makes SQLite refuse the row, and ``ingest`` then quarantines the report.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Mapping
from typing import Any

from secaudit.ledger import now_iso


def store_report(
    db: sqlite3.Connection,
    source: str,
    data: bytes,
    digest: str,
    fp: str,
    model: dict[str, Any],
    mid: float,
) -> None:
    rng, period = model["ledger_range"], model["period"]
    selfcheck = model.get("selfcheck") or {}
    cur = db.execute(
        "INSERT INTO reports(sha256, fingerprint, branch, host, role, schema, generated, since,"
        " until, mid, first_seq, last_seq, prev_hash, last_hash, score, verdict, violations,"
        " source, ingested, body) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            digest, fp, model["host"]["branch"], model["host"]["hostname"],
            model["host"].get("role"), model["schema"], model.get("generated"),
            period.get("since"), period.get("until"), mid,
            int(rng["first_seq"]), int(rng["last_seq"]), rng.get("prev_hash"),
            rng.get("last_hash"), selfcheck.get("score"), selfcheck.get("verdict"),
            len(model.get("violations") or []), source, now_iso(),
            zlib.compress(data, 6),
        ),
    )  # fmt: skip
    rid = cur.lastrowid
    db.executemany(
        "INSERT INTO violations VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (rid, v.get("rule"), v.get("severity"), v.get("channel"), v.get("level"),
             v.get("path"), v.get("member"), v.get("title"), v.get("ts"))
            for v in _rows(model, "violations")
        ],
    )  # fmt: skip
    db.executemany("INSERT INTO media VALUES (?,?,?,?,?,?,?,?,?)", _media_rows(rid, model))
    db.executemany(
        "INSERT INTO documents VALUES (?,?,?,?,?)",
        [
            (rid, f["sha256"], f.get("classification"), f.get("path"), f.get("ts"))
            for f in _rows(model, "findings")
            if f.get("sha256")
        ],
    )


def _media_rows(rid: int | None, model: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    rows = []
    for m in _rows(model, "media"):
        med = m.get("medium") if isinstance(m.get("medium"), dict) else {}
        if med.get("serial") or med.get("fs_uuid"):
            rows.append(
                (rid, med.get("serial") or None, med.get("fs_uuid") or None, med.get("vendor"),
                 med.get("model"), med.get("label"), med.get("registered_role"),
                 m.get("event"), m.get("ts"))
            )  # fmt: skip
    rows.extend(
        (rid, u["serial"], None, u.get("vendor"), u.get("product"), None, None, "history",
         u.get("last_seen") or u.get("first_seen"))
        for u in _rows(model, "usb_history")
        if u.get("serial")
    )  # fmt: skip
    return rows


def _rows(model: Mapping[str, Any], section: str) -> list[dict[str, Any]]:
    rows = model.get(section)
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
