"""Ingest branch reports: verify each, store it once, or keep it in quarantine with the reason.

For every report (see ``inputs`` for where they come from), in order:

1. the same file (sha256) already stored or quarantined → ``duplicate``, nothing changes (one
   refused for ``unknown_key`` is tried again: its key may be enrolled by now);
2. no signature trailer → ``unsigned``; a damaged trailer → ``tampered``;
3. the signing key is not enrolled → ``unknown_key``;
4. the signature does not verify (``secaudit.report.verify``) → ``tampered``;
5. no readable ``secaudit.report/1|2`` data → ``malformed``;
6. the host or branch the report names is not the key's → ``wrong_host`` (a PC's report re-signed
   with another PC's key, or a key moved to another PC);
7. signed with a key retired before the report was made → ``retired_key``;
8. a non-empty ledger range overlapping an accepted report of the same host and key →
   ``conflicting_range`` (two different reports for the same evidence; the first one stays);
9. otherwise accepted: its rows (violations, media, documents) go into the store.

Nothing is dropped: a refused report is kept (compressed) in ``quarantine`` with its reason.
Chains between a host's reports (gaps, overlaps) are judged at roll-up time, so reports may
arrive in any order.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from secaudit.errors import SignatureError
from secaudit.hq.inputs import Item, Skipped
from secaudit.hq.registry import keys_by_fingerprint
from secaudit.hq.rows import store_report
from secaudit.hq.store import Store
from secaudit.ledger import now_iso
from secaudit.report.sign import split_signed
from secaudit.report.verify import embedded_data, verify_report

REASONS = (
    "tampered",
    "unknown_key",
    "wrong_host",
    "conflicting_range",
    "retired_key",
    "unsigned",
    "malformed",
)
RETRIED = frozenset({"unknown_key"})
BATCH = 200


@dataclass(frozen=True)
class Outcome:
    source: str
    status: str
    """``accepted``, ``duplicate``, ``quarantined`` or ``skipped``."""
    reason: str = ""
    detail: str = ""
    branch: str = ""
    host: str = ""


class _Refused(Exception):
    def __init__(self, reason: str, detail: str, conflicts_with: int | None = None) -> None:
        super().__init__(detail)
        self.reason, self.detail, self.conflicts_with = reason, detail, conflicts_with


def ingest(store: Store, items: Iterable[Item | Skipped]) -> Iterator[Outcome]:
    """Ingest every item; one outcome per item. Commits every ``BATCH`` reports."""
    keys = keys_by_fingerprint(store)
    db = store.db
    pending = 0
    db.execute("BEGIN IMMEDIATE")
    try:
        for item in items:
            if isinstance(item, Skipped):
                yield Outcome(item.source, "skipped", detail=item.reason)
                continue
            yield _one(db, keys, item)
            pending += 1
            if pending >= BATCH:
                db.execute("COMMIT")
                db.execute("BEGIN IMMEDIATE")
                pending = 0
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _one(db: sqlite3.Connection, keys: Mapping[str, Any], item: Item) -> Outcome:
    digest = hashlib.sha256(item.data).hexdigest()
    if _seen(db, digest):
        return Outcome(item.source, "duplicate")
    model: dict[str, Any] | None = None
    fp = ""
    try:
        fp = _signer(item.data)
        model = _checked(item.data, fp, keys)
        mid = _mid(model)
        _check_range(db, model, fp)
        _store_or_refuse(db, item, digest, fp, model, mid)
    except _Refused as refused:
        return _quarantine(db, item, digest, fp, model, refused)
    host = model["host"]
    return Outcome(item.source, "accepted", branch=str(host["branch"]), host=str(host["hostname"]))


def _store_or_refuse(
    db: sqlite3.Connection, item: Item, digest: str, fp: str, model: dict[str, Any], mid: float
) -> None:
    """Store the report and its rows, all or nothing (a savepoint inside the batch)."""
    db.execute("SAVEPOINT report")
    try:
        store_report(db, item.source, item.data, digest, fp, model, mid)
    except (sqlite3.Error, TypeError, ValueError, KeyError, AttributeError) as exc:
        db.execute("ROLLBACK TO report")
        raise _Refused(
            "malformed", f"报告数据字段类型错误 (field of the wrong type): {exc}"
        ) from exc
    finally:
        db.execute("RELEASE report")


def _seen(db: sqlite3.Connection, digest: str) -> bool:
    """Stored or quarantined already; a report refused for a key not enrolled then is tried
    again (its key may have been enrolled since)."""
    if db.execute("SELECT 1 FROM reports WHERE sha256 = ?", (digest,)).fetchone():
        return True
    row = db.execute("SELECT reason FROM quarantine WHERE sha256 = ?", (digest,)).fetchone()
    if row and row[0] in RETRIED:
        db.execute("DELETE FROM quarantine WHERE sha256 = ?", (digest,))
        return False
    return row is not None


def _signer(data: bytes) -> str:
    try:
        return split_signed(data)[1].fingerprint
    except SignatureError as exc:
        if b"secaudit-signature" in data[-400:]:
            raise _Refused("tampered", exc.diagnostics()) from exc
        raise _Refused("unsigned", exc.diagnostics()) from exc


def _checked(data: bytes, fp: str, keys: Mapping[str, Any]) -> dict[str, Any]:
    if fp not in keys:
        raise _Refused("unknown_key", f"签名密钥 {fp} 未登记 (key not enrolled)")
    public, branch, host, retired = keys[fp]
    try:
        verify_report(data, {fp: public})
    except SignatureError as exc:
        raise _Refused("tampered", exc.diagnostics()) from exc
    try:
        model = embedded_data(data)
    except SignatureError as exc:
        raise _Refused("malformed", exc.diagnostics()) from exc
    if not str(model.get("schema", "")).startswith("secaudit.report/"):
        raise _Refused("malformed", f"不是网点报告 (not a branch report): {model.get('schema')}")
    named = model.get("host") if isinstance(model.get("host"), dict) else {}
    claimed = (str(named.get("branch") or ""), str(named.get("hostname") or ""))
    if claimed != (branch, host):
        raise _Refused(
            "wrong_host",
            f"报告所称计算机为网点 {claimed[0] or '?'} 的 {claimed[1]}，签名密钥却登记给网点 "
            f"{branch} 的 {host} (signed with another host's key)",
        )
    if retired and _after(model.get("generated"), retired):
        raise _Refused("retired_key", f"密钥 {fp} 已于 {retired} 更换 (key replaced)")
    return model


def _after(generated: Any, retired: str) -> bool:
    """The report was made at or after the key's retirement (unreadable time: after)."""
    try:
        made = datetime.fromisoformat(str(generated)).timestamp()
    except ValueError:
        return True
    return made >= datetime.fromisoformat(retired).timestamp()


def _mid(model: Mapping[str, Any]) -> float:
    period = model.get("period") or {}
    try:
        since = datetime.fromisoformat(str(period["since"])).timestamp()
        until = datetime.fromisoformat(str(period["until"])).timestamp()
        rng = model["ledger_range"]
        int(rng["first_seq"]), int(rng["last_seq"])
    except (KeyError, TypeError, ValueError) as exc:
        raise _Refused(
            "malformed", f"报告期间或账本范围无法读取 (period or ledger range unreadable): {exc}"
        ) from exc
    return (since + until) / 2


def _check_range(db: sqlite3.Connection, model: Mapping[str, Any], fp: str) -> None:
    rng = model["ledger_range"]
    first, last = int(rng["first_seq"]), int(rng["last_seq"])
    if last < first:
        return
    row = db.execute(
        "SELECT id, first_seq, last_seq, source FROM reports WHERE fingerprint = ? "
        "AND last_seq >= first_seq AND first_seq <= ? AND last_seq >= ? LIMIT 1",
        (fp, last, first),
    ).fetchone()
    if row:
        raise _Refused(
            "conflicting_range",
            f"账本序号 {first}–{last} 与已接收报告 {row[3]} 的 {row[1]}–{row[2]} 重叠 "
            "(ledger range overlaps an accepted report)",
            conflicts_with=int(row[0]),
        )


def _quarantine(
    db: sqlite3.Connection,
    item: Item,
    digest: str,
    fp: str,
    model: dict[str, Any] | None,
    refused: _Refused,
) -> Outcome:
    if model is None:  # the data of a refused report still says who it claims to be
        try:
            model = embedded_data(item.data)
        except SignatureError:
            model = {}
    host = model.get("host") if isinstance(model.get("host"), dict) else {}
    branch, name = str(host.get("branch") or ""), str(host.get("hostname") or "")
    try:
        mid: float | None = _mid(model)
    except _Refused:
        mid = None
    db.execute(
        "INSERT INTO quarantine(sha256, source, reason, detail, fingerprint, branch, host, mid,"
        " ingested, body, conflicts_with) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (digest, item.source, refused.reason, refused.detail, fp or None, branch, name, mid,
         now_iso(), zlib.compress(item.data, 6), refused.conflicts_with),
    )  # fmt: skip
    return Outcome(item.source, "quarantined", refused.reason, refused.detail, branch, name)
