"""The evidence ledger: an append-only SQLite (WAL) table whose rows form a hash chain.

Contract (DESIGN.md)::

    events(seq, ts, kind, data, prev, hash)
    data = canonical JSON (UTF-8, sorted keys, (",", ":") separators, no ASCII escaping)
    hash = sha256(bytes.fromhex(prev) + canonical_json({"seq", "ts", "kind", "data"}))
    genesis prev = "0" * 64

``data`` inside the hashed object is the decoded JSON value, not its string. Every append runs in
one ``BEGIN IMMEDIATE`` transaction that reads the head and inserts the next row, so concurrent
writers (agent + an on-demand scan) never fork the chain, and a kill -9 loses at most the
uncommitted row.

Example::

    >>> led = Ledger(path)
    >>> ev = led.append("scan_started", {"paths": ["/media/usb"]})
    >>> led.verify()          # raises ChainError naming the first bad seq
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from secaudit.errors import ChainError, LedgerError
from secaudit.ledger.chain import GENESIS, KINDS, Event, canonical_json, event_hash, now_iso
from secaudit.ledger.integrity import ChainState, recompute
from secaudit.sensitive import masked
from secaudit.textsafe import readable

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq  INTEGER PRIMARY KEY,
    ts   TEXT NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_kind ON events(kind);
CREATE INDEX IF NOT EXISTS events_ts ON events(ts);
"""


class Ledger:
    """Append-only evidence store. One instance per thread (SQLite connections are not shared)."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        try:
            if readonly:
                if not self.path.exists():
                    raise LedgerError(f"ledger not found: {self.path}")
                uri = f"file:{self.path}?mode=ro"
                self._db = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
                has_table = self._db.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'"
                ).fetchone()
                if not has_table:
                    self._db.close()
                    raise LedgerError(f"{self.path} holds no secaudit ledger (yet)")
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
                _set_up(self._db)
                self.path.chmod(0o600)
        except sqlite3.Error as exc:
            raise LedgerError(f"cannot open ledger {self.path}: {exc}") from exc

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def append(self, kind: str, data: Any, *, ts: str | None = None) -> Event:
        """Append one event; returns it with its seq and hash."""
        return self.append_many([(kind, data)], ts=ts)[-1]

    def append_many(
        self, items: Iterable[tuple[str, Any]], *, ts: str | None = None
    ) -> list[Event]:
        """Append several events in one transaction (all or none)."""
        stamp = ts or now_iso()
        out: list[Event] = []
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1"
                ).fetchone()
                seq, prev = (row[0], row[1]) if row else (0, GENESIS)
                for kind, raw in items:
                    if kind not in KINDS:
                        raise LedgerError(f"unknown event kind {kind!r}")
                    data = masked(raw)  # no full ID/card/mobile number is ever recorded
                    text = canonical_json(data)
                    try:
                        text.encode("utf-8")
                    except UnicodeEncodeError:  # a file name that is not UTF-8
                        text = canonical_json(readable(data))
                    value = json.loads(text)
                    seq += 1
                    digest = event_hash(prev, seq, stamp, kind, value)
                    self._db.execute(
                        "INSERT INTO events(seq, ts, kind, data, prev, hash) VALUES (?,?,?,?,?,?)",
                        (seq, stamp, kind, canonical_json(value), prev, digest),
                    )
                    out.append(Event(seq, stamp, kind, value, prev, digest))
                    prev = digest
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise LedgerError(f"cannot write ledger {self.path}: {exc}") from exc
        return out

    def head(self) -> Event | None:
        row = self._db.execute(
            "SELECT seq, ts, kind, data, prev, hash FROM events ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return _event(row) if row else None

    def get(self, seq: int) -> Event | None:
        row = self._db.execute(
            "SELECT seq, ts, kind, data, prev, hash FROM events WHERE seq = ?", (seq,)
        ).fetchone()
        return _event(row) if row else None

    def events(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        kinds: Iterable[str] | None = None,
        first_seq: int | None = None,
    ) -> Iterator[Event]:
        """Events in seq order, filtered by timestamp (ISO strings compare) and kind."""
        sql = "SELECT seq, ts, kind, data, prev, hash FROM events WHERE 1=1"
        args: list[Any] = []
        if since:
            sql += " AND ts >= ?"
            args.append(since)
        if until:
            sql += " AND ts < ?"
            args.append(until)
        if first_seq is not None:
            sql += " AND seq >= ?"
            args.append(first_seq)
        kind_list = list(kinds or [])
        if kind_list:
            sql += f" AND kind IN ({','.join('?' * len(kind_list))})"
            args.extend(kind_list)
        sql += " ORDER BY seq"
        for row in self._db.execute(sql, args):
            yield _event(row)

    def verify(self) -> int:
        """Recompute the whole chain; return the number of events, raise ChainError if broken."""
        state = self.recompute()
        if state.first_bad_seq is not None:
            raise ChainError(state.problem or "chain broken", state.first_bad_seq)
        return state.count

    def recompute(self, want: Iterable[int] = ()) -> ChainState:
        """The chain rebuilt from the rows' content (``integrity.recompute``), with the
        recomputed hash after each seq of ``want``."""
        rows = self._db.execute("SELECT seq, ts, kind, data, prev, hash FROM events ORDER BY seq")
        return recompute(rows, want)


def _event(row: tuple[Any, ...]) -> Event:
    seq, ts, kind, data, prev, digest = row
    return Event(seq, ts, kind, json.loads(data), prev, digest)


def _set_up(db: sqlite3.Connection, patience: float = 30.0) -> None:
    """WAL mode and the table. Two processes opening a new ledger at once (the agent and an
    on-demand scan, the forwarder) can meet SQLITE_BUSY on the journal-mode switch, which
    SQLite's busy handler does not wait for: retried here for up to ``patience`` seconds."""
    deadline = time.monotonic() + patience
    while True:
        try:
            if str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.executescript(_SCHEMA)
            return
        except sqlite3.OperationalError as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            if not busy or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)
