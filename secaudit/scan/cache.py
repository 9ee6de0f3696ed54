"""Incremental scan cache: a file unchanged since the last scan is not read again.

Rows are keyed by the path as :func:`secaudit.sensitive.mask_text` writes it, so the cache never
holds a full ID or card number from a file name (two names that mask alike only share a row: the
file-identity check then sends the other file to be read again).

A cached result is reused only when path, size, mtime_ns, ctime_ns, inode and device match and it
was produced by the same extractor and detector versions (marking vocabulary included). The
ctime is there because anyone can put an old mtime back (``touch -d``) after rewriting a file;
the ctime only the kernel sets. Results whose errors may
be transient (``timeout``, ``permission``, ``vanished``) are never cached.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from secaudit.model import (
    Confidence,
    ErrorReason,
    ExtractError,
    FileResult,
    Finding,
    Level,
    Location,
)
from secaudit.sensitive import mask_text

_TRANSIENT = {ErrorReason.TIMEOUT, ErrorReason.PERMISSION, ErrorReason.VANISHED}
PREFETCH_MAX = 200_000
"""Most cached rows :meth:`ScanCache.prefetch` holds in memory for one root (~30 MB)."""


def _finding_to_row(f: Finding) -> dict[str, Any]:
    return {
        "kind": f.kind,
        "location": f.location.value,
        "member": f.member,
        "confidence": f.confidence.value,
        "detector": f.detector,
        "level": f.level.value if f.level else None,
        "text": f.text,
        "period": f.period,
        "type": f.type,
        "count": f.count,
        "sample": f.sample,
        "note": f.note,
    }


def _finding_from_row(d: dict[str, Any]) -> Finding:
    return Finding(
        kind=d["kind"],
        location=Location(d["location"]),
        member=d["member"],
        confidence=Confidence(d["confidence"]),
        detector=d["detector"],
        level=Level(d["level"]) if d["level"] else None,
        text=d["text"],
        period=d["period"],
        type=d["type"],
        count=d["count"],
        sample=d["sample"],
        note=d["note"],
    )


_CLEAN = "C|"
"""Prefix of the compact form of a result with no finding, error or member (most files)."""


def encode_result(r: FileResult) -> str:
    if not (r.findings or r.errors or r.members) and "|" not in r.format:
        return f"{_CLEAN}{r.size}|{r.sha256}|{r.format}"
    return json.dumps(
        {
            "size": r.size,
            "sha256": r.sha256,
            "format": r.format,
            "findings": [_finding_to_row(f) for f in r.findings],
            "errors": [e.to_json() for e in r.errors],
            "members": list(r.members),
        },
        ensure_ascii=False,
    )


def decode_result(path: str, mtime_ns: int, text: str) -> FileResult:
    if text.startswith(_CLEAN):
        size, sha256, fmt = text[len(_CLEAN) :].split("|")
        return FileResult(path=path, size=int(size), sha256=sha256, format=fmt, mtime_ns=mtime_ns)
    d = json.loads(text)
    return FileResult(
        path=path,
        size=d["size"],
        sha256=d["sha256"],
        format=d["format"],
        findings=tuple(_finding_from_row(f) for f in d["findings"]),
        errors=tuple(
            ExtractError(ErrorReason(e["reason"]), e["detail"], e["member"]) for e in d["errors"]
        ),
        mtime_ns=mtime_ns,
        members=tuple(d.get("members", ())),
    )


def _storable(path: str) -> bool:
    """SQLite keeps UTF-8 text: a path with undecodable bytes (lone surrogates) is not cached."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_MASKED_KEYS = 1
"""``PRAGMA user_version`` from which rows are keyed by masked paths (issue 12 #9)."""


def _forget_unmasked(db: sqlite3.Connection) -> None:
    """A cache written before paths were masked may hold full ID numbers in its keys and
    results: it is emptied once (it is only a cache)."""
    if db.execute("PRAGMA user_version").fetchone()[0] < _MASKED_KEYS:
        db.execute("PRAGMA secure_delete = ON")  # overwrite the freed pages, not only unlink
        with db:
            db.execute("DELETE FROM files")
        db.execute(f"PRAGMA user_version = {_MASKED_KEYS}")


class ScanCache:
    def __init__(self, path: Path, version_key: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.version_key = version_key
        self._db = sqlite3.connect(path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        columns = {r[1] for r in self._db.execute("PRAGMA table_info(files)")}
        if columns and "ctime_ns" not in columns:
            self._db.execute("PRAGMA secure_delete = ON")  # old rows may name files in full
            with self._db:  # a cache of an older layout: rebuilt (it is only a cache)
                self._db.execute("DROP TABLE files")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, "
            "mtime_ns INTEGER, inode INTEGER, ctime_ns INTEGER, dev INTEGER, version TEXT, "
            "result TEXT)"
        )
        _forget_unmasked(self._db)
        self._pending: list[tuple[Any, ...]] = []
        self._rows: dict[str, tuple[Any, ...]] = {}
        self._covered: tuple[str, ...] = ()
        self._covered_below: tuple[str, ...] = ()  # the same roots, each with "/" after it

    def prefetch(self, roots: list[str]) -> None:
        """Read the rows of every file under ``roots`` in one query per root, so that a rescan
        costs a dictionary lookup per file instead of an SQL statement. A root holding more than
        :data:`PREFETCH_MAX` cached files is left to per-file queries (memory stays bounded)."""
        self._rows, covered = {}, []
        for root in roots:
            top = mask_text(root.rstrip("/") or "/")
            low, high = (top + "/", top + "0") if top != "/" else ("/", "0")  # "0" follows "/"
            rows = self._db.execute(
                "SELECT path, size, mtime_ns, inode, ctime_ns, dev, version, result FROM files "
                "WHERE (path >= ? AND path < ?) OR path = ? LIMIT ?",
                (low, high, top, PREFETCH_MAX + 1),
            ).fetchall()
            if len(rows) > PREFETCH_MAX:
                continue
            self._rows.update((r[0], r[1:]) for r in rows)
            covered.append(top)
        self._covered = tuple(covered)
        self._covered_below = tuple(top.rstrip("/") + "/" for top in covered)

    def get(self, path: str, size: int, mtime_ns: int, inode: int, ctime_ns: int = 0,
            dev: int = 0) -> FileResult | None:
        key = mask_text(path)
        row = self._rows.pop(key, None)
        if row is None and not self._is_covered(key) and _storable(path):
            row = self._db.execute(
                "SELECT size, mtime_ns, inode, ctime_ns, dev, version, result FROM files "
                "WHERE path = ?", (key,)
            ).fetchone()
        identity = (size, mtime_ns, inode, ctime_ns, dev, self.version_key)
        if not row or tuple(row[:6]) != identity:
            return None
        try:
            return decode_result(path, mtime_ns, row[6])
        except (ValueError, KeyError):
            return None

    def _is_covered(self, path: str) -> bool:
        return path.startswith(self._covered_below) or path in self._covered

    def put(self, result: FileResult, inode: int, ctime_ns: int = 0, dev: int = 0) -> None:
        if any(e.reason in _TRANSIENT for e in result.errors) or not result.sha256:
            return
        if not _storable(result.path):
            return  # a file name that is not UTF-8 is read again each time
        self._pending.append(
            (
                mask_text(result.path),  # the key only: a masked name never holds a full number
                result.size,
                result.mtime_ns,
                inode,
                ctime_ns,
                dev,
                self.version_key,
                encode_result(result),
            )
        )
        if len(self._pending) >= 500:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?,?)", self._pending
                )
            self._pending = []

    def close(self) -> None:
        self.flush()
        self._db.close()
