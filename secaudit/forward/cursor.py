"""Per-output delivery cursors, persisted next to the ledger (``<data dir>/forward.db``).

A cursor is the last ledger ``seq`` an output delivered and had acknowledged. It only moves
forward, in one SQLite transaction (an update is atomic: a crash leaves the old or the new value).
The same row keeps the output's last error, so ``secaudit forward status`` can show it while the
agent runs. One instance per thread, as for the ledger.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from secaudit.errors import LedgerError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cursors (
    output     TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL DEFAULT 0,
    updated    REAL,
    error      TEXT,
    error_at   REAL,
    delivered  INTEGER NOT NULL DEFAULT 0
);
"""
FILE_NAME = "forward.db"


@dataclass(frozen=True)
class CursorState:
    output: str
    seq: int = 0
    updated: float | None = None
    error: str | None = None
    error_at: float | None = None
    delivered: int = 0
    """Events delivered since the cursor was created (duplicates after an outage count again)."""


class CursorStore:
    """The ``cursors`` table of ``forward.db`` in a data folder."""

    def __init__(self, data_dir: Path, *, readonly: bool = False) -> None:
        self.path = Path(data_dir) / FILE_NAME
        try:
            if readonly:
                self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10,
                                           isolation_level=None)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.executescript(_SCHEMA)
                self.path.chmod(0o600)
        except sqlite3.Error as exc:
            raise LedgerError(f"cannot open forwarding cursors {self.path}: {exc}") from exc

    def close(self) -> None:
        self._db.close()

    def get(self, output: str) -> CursorState:
        try:
            row = self._db.execute(
                "SELECT output, seq, updated, error, error_at, delivered FROM cursors "
                "WHERE output = ?", (output,)).fetchone()
        except sqlite3.OperationalError:  # read-only open of a file the agent has not made yet
            row = None
        return CursorState(*row) if row else CursorState(output)

    def advance(self, output: str, seq: int, delivered: int) -> None:
        """Move the cursor to ``seq`` (never backwards) and clear the error."""
        self._write(
            "INSERT INTO cursors(output, seq, updated, delivered) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(output) DO UPDATE SET seq = max(seq, excluded.seq), "
            "updated = excluded.updated, error = NULL, error_at = NULL, "
            "delivered = delivered + excluded.delivered",
            (output, seq, time.time(), delivered))

    def fail(self, output: str, error: str) -> None:
        self._write(
            "INSERT INTO cursors(output, error, error_at) VALUES (?, ?, ?) "
            "ON CONFLICT(output) DO UPDATE SET error = excluded.error, "
            "error_at = excluded.error_at", (output, error[:500], time.time()))

    def _write(self, sql: str, args: tuple[object, ...]) -> None:
        try:
            self._db.execute(sql, args)
        except sqlite3.Error as exc:
            raise LedgerError(f"cannot write forwarding cursor {self.path}: {exc}") from exc
