"""OCR each distinct image once across files: a cache of images known to hold no text.

Keyed by the SHA-256 of the image bytes as handed to OCR (the image file or picture as stored,
a rendered PDF page), kept in SQLite at ``Limits.ocr_cache`` (the scan uses
``DIR/cache/ocr-verdicts.db`` of the home, see ``[scan] ocr_cache``). Worker processes share the
file (WAL, short writes).

**What is stored — and what never is.** The agent runs on internet-connected PCs where classified
content must not be copied, so OCR'd text is *never* written to disk. The cache holds only
``digest → verdict`` for images without text: the reason of the text-likeness test
(:mod:`.textlike`, e.g. ``blank: one shade all over``) or :data:`EMPTY` for an image Tesseract
read without any characters worth examining (:func:`worth_examining`). An image with text is not
stored at all and is OCR'd again in every scan that reads it.

The cache is not the scan cache: ``secaudit scan --no-cache`` reads every file again but still
skips images already known to be without text (delete the file to forget them). It is bounded:
beyond :data:`MAX_ENTRIES` verdicts the least recently used tenth is dropped. A change of the
test or of the Tesseract settings (:data:`VERSION` given by the caller) empties it. If the file
cannot be opened or written (read-only disk, locked), OCR simply runs without it.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from pathlib import Path

EMPTY = "OCR read no text"
"""Verdict of an image Tesseract read with nothing worth examining."""
MAX_ENTRIES = 200_000
"""About 20 MB of SQLite; pruned to 90 % when passed."""
PRUNE_EVERY = 500
"""Writes of one process between two size checks."""
TOUCH_AFTER = 86_400
"""Seconds before a hit refreshes an entry's last-use time (LRU without a write per hit)."""
_WORTH = re.compile(r"[^\W_]{2}")
"""Two letters, digits or CJK characters in a row: the shortest marking word (``机密``, ``内部``)
or the start of a number. Anything less cannot be a finding."""


def worth_examining(text: str) -> bool:
    """Whether OCR output holds anything a detector could find (two word characters in a row)."""
    return _WORTH.search(text) is not None


class VerdictCache:
    """``digest → verdict`` for images without text, in one SQLite file."""

    def __init__(self, path: str | os.PathLike[str], version: str,
                 max_entries: int = MAX_ENTRIES) -> None:
        self.path = Path(path)
        self.max_entries = max_entries
        self._writes = 0
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        os.close(fd)
        self._db = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        self._db.execute("CREATE TABLE IF NOT EXISTS verdict (digest BLOB PRIMARY KEY, "
                         "verdict TEXT NOT NULL, used INTEGER NOT NULL)")
        self._db.execute("CREATE INDEX IF NOT EXISTS verdict_used ON verdict (used)")
        self._check_version(version)

    def _check_version(self, version: str) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        if row is None or row[0] != version:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute("DELETE FROM verdict")
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (version,))

    def get(self, digest: bytes) -> str | None:
        """The verdict stored for ``digest``, or ``None`` (unknown, or known to hold text)."""
        row = self._db.execute("SELECT verdict, used FROM verdict WHERE digest = ?",
                               (digest,)).fetchone()
        if row is None:
            return None
        now = int(time.time())
        if now - row[1] > TOUCH_AFTER:
            self._db.execute("UPDATE verdict SET used = ? WHERE digest = ?", (now, digest))
        return str(row[0])

    def put(self, digest: bytes, verdict: str) -> None:
        """Remember that ``digest`` holds no text (``verdict`` says why; never OCR'd text)."""
        self._db.execute("INSERT OR REPLACE INTO verdict VALUES (?, ?, ?)",
                         (digest, verdict, int(time.time())))
        self._writes += 1
        if self._writes % PRUNE_EVERY == 1:
            self.prune()

    def prune(self) -> None:
        """Drop the least recently used entries beyond :attr:`max_entries` (down to 90 %)."""
        (count,) = self._db.execute("SELECT count(*) FROM verdict").fetchone()
        if count > self.max_entries:
            drop = count - self.max_entries * 9 // 10
            self._db.execute("DELETE FROM verdict WHERE digest IN (SELECT digest FROM verdict "
                             "ORDER BY used LIMIT ?)", (drop,))

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM verdict").fetchone()[0])

    def close(self) -> None:
        self._db.close()


_OPEN: dict[tuple[str, int], VerdictCache | None] = {}


def verdict_cache(path: str, version: str) -> VerdictCache | None:
    """This process's cache at ``path`` (opened once per process, also after a fork), or
    ``None`` when ``path`` is empty or the file cannot be used."""
    if not path:
        return None
    key = (path, os.getpid())
    if key not in _OPEN:
        try:
            _OPEN[key] = VerdictCache(path, version)
        except (OSError, sqlite3.Error):
            _OPEN[key] = None  # no cache: OCR still runs, only slower
    return _OPEN[key]


def recall(cache: VerdictCache | None, digest: bytes) -> str | None:
    """:meth:`VerdictCache.get` that never fails the extraction (``None`` when unreadable)."""
    if cache is None:
        return None
    try:
        return cache.get(digest)
    except sqlite3.Error:
        return None


def remember(cache: VerdictCache | None, digest: bytes, verdict: str) -> None:
    """:meth:`VerdictCache.put` that never fails the extraction (a locked or full disk)."""
    if cache is None:
        return
    try:
        cache.put(digest, verdict)
    except sqlite3.Error:
        pass
