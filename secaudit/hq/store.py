"""The head-office store: one SQLite file (``HOME/hq.db``) with a versioned schema.

Tables: ``branches``, ``hosts`` (the roster: who is expected to report), ``keys`` (each public key
bound to one host; a replaced key keeps its row with ``retired`` set), ``key_log`` (every enrolment
and re-keying), ``reports`` (accepted reports, one row per file digest, the file kept compressed),
the rows the roll-up groups (``violations``, ``media``, ``documents``), and ``quarantine``
(reports refused, with the reason, the file kept too).

Schema changes are migrations: append ``(version, sql)`` to ``MIGRATIONS``; opening a store runs
the ones it has not seen yet in one transaction each and records the version in
``schema_version``. A store written by a newer secaudit is refused, never guessed at.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from secaudit.errors import SecauditError

STORE_NAME = "hq.db"

_V1 = """
CREATE TABLE branches(id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '');
CREATE TABLE hosts(
    branch TEXT NOT NULL, host TEXT NOT NULL, role TEXT NOT NULL,
    expected INTEGER NOT NULL DEFAULT 1, pinned TEXT,
    PRIMARY KEY (branch, host));
CREATE TABLE keys(
    fingerprint TEXT PRIMARY KEY, public_key BLOB NOT NULL,
    branch TEXT NOT NULL, host TEXT NOT NULL, enrolled TEXT NOT NULL, retired TEXT);
CREATE INDEX keys_host ON keys(branch, host);
CREATE TABLE key_log(
    id INTEGER PRIMARY KEY, ts TEXT NOT NULL, action TEXT NOT NULL, fingerprint TEXT,
    branch TEXT, host TEXT, note TEXT);
CREATE TABLE reports(
    id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, fingerprint TEXT NOT NULL,
    branch TEXT NOT NULL, host TEXT NOT NULL, role TEXT, schema TEXT, generated TEXT,
    since TEXT, until TEXT, mid REAL NOT NULL,
    first_seq INTEGER, last_seq INTEGER, prev_hash TEXT, last_hash TEXT,
    score REAL, verdict TEXT, violations INTEGER NOT NULL DEFAULT 0,
    source TEXT, ingested TEXT NOT NULL, body BLOB);
CREATE INDEX reports_mid ON reports(mid);
CREATE INDEX reports_host ON reports(branch, host);
CREATE TABLE violations(
    report_id INTEGER NOT NULL, rule TEXT, severity TEXT, channel TEXT, level TEXT,
    path TEXT, member TEXT, title TEXT, ts TEXT);
CREATE INDEX violations_report ON violations(report_id);
CREATE TABLE media(
    report_id INTEGER NOT NULL, serial TEXT, fs_uuid TEXT, vendor TEXT, model TEXT,
    label TEXT, registered_role TEXT, event TEXT, ts TEXT);
CREATE INDEX media_report ON media(report_id);
CREATE TABLE documents(
    report_id INTEGER NOT NULL, sha256 TEXT NOT NULL, classification TEXT, path TEXT, ts TEXT);
CREATE INDEX documents_report ON documents(report_id);
CREATE TABLE quarantine(
    id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, source TEXT, reason TEXT NOT NULL,
    detail TEXT, fingerprint TEXT, branch TEXT, host TEXT, mid REAL, ingested TEXT NOT NULL,
    body BLOB);
"""

# v2: a conflicting report names the accepted one it collides with; quarantine by period;
# a key's reports by ledger range (the overlap check of every ingest); documents by digest.
_V2 = """
ALTER TABLE quarantine ADD COLUMN conflicts_with INTEGER;
CREATE INDEX quarantine_mid ON quarantine(mid);
CREATE INDEX reports_key_range ON reports(fingerprint, first_seq);
CREATE INDEX documents_digest ON documents(sha256);
"""

MIGRATIONS: tuple[tuple[int, str], ...] = ((1, _V1), (2, _V2))
VERSION = MIGRATIONS[-1][0]


class StoreError(SecauditError):
    """The head-office store cannot be opened or is of an unknown version."""

    exit_code = 3


class Store:
    """The open store. ``with Store(path) as s: s.db.execute(...)``; one per thread."""

    def __init__(self, path: Path, *, migrations: tuple[tuple[int, str], ...] = MIGRATIONS):
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            migrate(self.db, migrations)
            path.chmod(0o600)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open head-office store {path}: {exc}") from exc

    @classmethod
    def of_home(cls, data_dir: Path) -> Store:
        return cls(data_dir / STORE_NAME)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @property
    def version(self) -> int:
        return schema_version(self.db)


def schema_version(db: sqlite3.Connection) -> int:
    has = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
    ).fetchone()
    if not has:
        return 0
    row = db.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(db: sqlite3.Connection, migrations: tuple[tuple[int, str], ...]) -> int:
    """Run the migrations the store has not had yet; return the resulting version."""
    current = schema_version(db)
    known = migrations[-1][0] if migrations else 0
    if current > VERSION or current > known:
        raise StoreError(
            f"head-office store schema version {current} is newer than this secaudit "
            f"knows ({known}); upgrade secaudit"
        )
    for version, sql in migrations:
        if version <= current:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)")
            for statement in (s.strip() for s in sql.split(";")):
                if statement:
                    db.execute(statement)
            db.execute("INSERT INTO schema_version(version) VALUES (?)", (version,))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        current = version
    return current
