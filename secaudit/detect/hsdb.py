"""Hyperscan databases compiled once per installation and kept, as Python keeps bytecode.

Compiling the prefilter's gates and the marking detector's line pass takes ~0.14 s, in the
workers' fork server before the first file of every scan. :func:`compiled` keeps each database,
serialised, in ``<sys.prefix>/var/cache/secaudit/hyperscan`` (the installation's own folder:
the virtual environment ``install.sh`` makes, written by whoever installed it), keyed by a hash
of the Hyperscan version, the expressions, ids and flags, and loads it from there the next
time (~1 ms).

Nothing there is trusted blindly: the folder is used only when it is a real folder (no link on
the way is followed for the file) owned by this user and writable by no one else; a file is
read only when it is a regular file of this owner, at most :data:`MAX_BYTES`, whose SHA-256
(stored in front of it) matches; and Hyperscan checks its own version and platform when loading.
Anything else — a missing, foreign, corrupt or stale file, a read-only installation — means
compiling as before (and writing the result when the folder allows it): slower, never different.
"""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

MAX_BYTES = 64 * 1024 * 1024
"""Largest serialised database read back (the gates' are ~0.1–2 MB)."""
_log = logging.getLogger(__name__)


def cache_dir() -> Path | None:
    """Where compiled databases are kept (``SECAUDIT_HS_CACHE`` overrides it; empty: nowhere)."""
    override = os.environ.get("SECAUDIT_HS_CACHE")
    if override is not None:
        return Path(override) if override else None
    return Path(sys.prefix) / "var" / "cache" / "secaudit" / "hyperscan"


def compiled(hs: Any, expressions: list[bytes], ids: list[int], flags: list[int]) -> Any:
    """The block-mode database of ``expressions``: loaded from the cache, else compiled (and
    kept when the cache folder allows)."""
    key = _key(hs, expressions, ids, flags)
    folder = cache_dir()
    if folder is not None and _trusted_folder(folder):
        db = _load(hs, folder / f"{key}.hsdb")
        if db is not None:
            return db
    db = hs.Database()
    db.compile(expressions=expressions, ids=ids, flags=flags)
    if folder is not None:
        _store(hs, db, folder, key)
    return db


def _key(hs: Any, expressions: list[bytes], ids: list[int], flags: list[int]) -> str:
    h = hashlib.sha256()
    h.update(repr((getattr(hs, "__version__", "?"), sys.platform, ids, flags)).encode())
    for e in expressions:
        h.update(len(e).to_bytes(8, "big") + e)
    return h.hexdigest()


def _trusted_folder(folder: Path) -> bool:
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    return (
        stat.S_ISDIR(st.st_mode)
        and st.st_uid == os.geteuid()
        and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def _load(hs: Any, path: Path) -> Any:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_size > MAX_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            blob = fh.read(MAX_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    digest, body = blob[:32], blob[32:]
    if len(digest) < 32 or hashlib.sha256(body).digest() != digest:
        _log.debug("compiled pattern database %s is corrupt: compiled again", path.name)
        return None
    try:
        return hs.loadb(body, hs.HS_MODE_BLOCK)
    except Exception as exc:  # noqa: BLE001 - another Hyperscan version or platform
        _log.debug("compiled pattern database %s not loadable (%s): compiled again", path, exc)
        return None


def _store(hs: Any, db: Any, folder: Path, key: str) -> None:
    try:
        if not folder.exists():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _trusted_folder(folder):
            return
        body = hs.dumpb(db)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".hsdb")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(hashlib.sha256(body).digest() + body)
            os.replace(tmp, folder / f"{key}.hsdb")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:  # a read-only installation: compile at every start, as before
        _log.debug("compiled pattern database not kept (%s)", exc)
