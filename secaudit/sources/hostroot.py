"""A read-only view of a host's filesystem for the trace sources, under a configurable root.

Every trace reader (browser history, recent documents, Wi-Fi profiles, baseline settings…) reads
through :class:`HostRoot`, so tests point it at a fake tree (``HostRoot(tmp_path)``) and the
agent at ``/``. Reads are hostile-input safe: no path component is followed through a symlink
(each directory is opened with ``O_NOFOLLOW`` relative to its parent), only regular files are
read, and every read is capped. A path that cannot be read gives ``None``/``[]`` and a
:class:`Problem` with a reason on the caller's list — never an exception.

SQLite databases that a running program holds (browser history) are read from a private copy
made by :meth:`HostRoot.sqlite_copy`, with their ``-wal`` and ``-journal`` files.
"""

from __future__ import annotations

import errno
import os
import posixpath
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

MAX_TEXT = 4 * 1024 * 1024
"""Cap for configuration and list files (bytes)."""
MAX_DB = 512 * 1024 * 1024
"""Cap for a SQLite database copied for reading (bytes)."""


@dataclass(frozen=True)
class Problem:
    """A trace that could not be read: where and why (``permission``, ``too_large``…)."""

    path: str
    reason: str
    detail: str = ""

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason, "detail": self.detail}


@dataclass(frozen=True)
class Home:
    """A user's home folder on the host (absolute path as seen by the host)."""

    user: str
    uid: int
    path: str


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission"
    if exc.errno == errno.ELOOP:
        return "symlink"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return "vanished"
    return "unreadable"


def _is_link(name: str, dir_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


@dataclass
class HostRoot:
    """The host's filesystem seen from ``root`` (``/`` on a real host)."""

    root: Path = Path("/")
    problems: list[Problem] = field(default_factory=list)

    def real(self, path: str) -> Path:
        """Where the host path ``path`` lives under the root (for messages and copies)."""
        return self.root / path.lstrip("/")

    def _parts(self, path: str) -> list[str]:
        return [p for p in path.split("/") if p not in ("", ".")]

    def _open(self, path: str, flags: int) -> int:
        """An fd of ``path``; every component opened with O_NOFOLLOW from the root down."""
        parts = self._parts(path)
        if ".." in parts:
            raise OSError(errno.EINVAL, "'..' in path")
        fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for i, part in enumerate(parts):
                last = i == len(parts) - 1
                want = flags if last else os.O_RDONLY | os.O_DIRECTORY
                try:
                    nxt = os.open(part, want | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=fd)
                except OSError as exc:
                    # a symlinked folder fails O_DIRECTORY|O_NOFOLLOW with ENOTDIR: say why
                    if exc.errno == errno.ENOTDIR and _is_link(part, fd):
                        raise OSError(errno.ELOOP, "symbolic link not followed") from exc
                    raise
                os.close(fd)
                fd = nxt
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _note(self, path: str, reason: str, detail: str = "") -> None:
        self.problems.append(Problem(path, reason, detail))

    def read_bytes(self, path: str, cap: int = MAX_TEXT, *, quiet: bool = False) -> bytes | None:
        """The bytes of the regular file ``path``, or None (a problem noted unless missing)."""
        try:
            fd = self._open(path, os.O_RDONLY)
        except OSError as exc:
            reason = _reason(exc)
            if reason != "vanished" and not quiet:
                self._note(path, reason, exc.strerror or str(exc))
            return None
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                self._note(path, "not_regular")
                return None
            if st.st_size > cap:
                self._note(path, "too_large", f"{st.st_size} bytes > {cap}")
                return None
            return fh.read(cap + 1)[:cap]

    def read_text(self, path: str, cap: int = MAX_TEXT) -> str | None:
        data = self.read_bytes(path, cap)
        if data is None:
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return data.decode("gb18030", errors="replace")

    def lstat(self, path: str) -> os.stat_result | None:
        """``lstat`` of ``path`` (parents not followed through symlinks), None when absent."""
        parts = self._parts(path)
        if not parts:
            return os.lstat(self.root)
        parent = "/" + "/".join(parts[:-1])
        try:
            fd = self._open(parent, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return None
        try:
            return os.stat(parts[-1], dir_fd=fd, follow_symlinks=False)
        except OSError:
            return None
        finally:
            os.close(fd)

    def readlink(self, path: str) -> str | None:
        """The target of the symlink ``path`` (not followed), None if it is not a symlink."""
        parts = self._parts(path)
        if not parts:
            return None
        try:
            fd = self._open("/" + "/".join(parts[:-1]), os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return None
        try:
            return os.readlink(parts[-1], dir_fd=fd)
        except OSError:
            return None
        finally:
            os.close(fd)

    def kernel_link(self, path: str, within: str = "/sys") -> str:
        """``path``, or where its symlink points when that stays inside ``within`` (sysfs class
        entries are links into ``/sys/devices``; the kernel's own links are trusted there)."""
        target = self.readlink(path)
        if target is None:
            return path
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        return joined if joined.startswith(within.rstrip("/") + "/") else path

    def exists(self, path: str) -> bool:
        return self.lstat(path) is not None

    def is_dir(self, path: str) -> bool:
        st = self.lstat(path)
        return st is not None and stat.S_ISDIR(st.st_mode)

    def is_file(self, path: str) -> bool:
        st = self.lstat(path)
        return st is not None and stat.S_ISREG(st.st_mode)

    def listdir(self, path: str) -> list[str]:
        """Names in the directory ``path`` (sorted), [] when it is absent or not a directory."""
        try:
            fd = self._open(path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            if _reason(exc) not in ("vanished", "symlink"):
                self._note(path, _reason(exc), exc.strerror or str(exc))
            return []
        try:
            return sorted(os.listdir(fd))
        finally:
            os.close(fd)

    def subdirs(self, path: str) -> list[str]:
        """Host paths of the real (non-symlink) subdirectories of ``path``."""
        base = path.rstrip("/")
        return [f"{base}/{n}" for n in self.listdir(path) if self.is_dir(f"{base}/{n}")]

    def homes(self) -> list[Home]:
        """Users' homes: ``/etc/passwd`` entries with uid ≥ 1000 (and root), plus ``/home/*``."""
        out: dict[str, Home] = {}
        for line in (self.read_text("/etc/passwd") or "").splitlines():
            fields = line.split(":")
            if len(fields) < 7 or not fields[2].isdigit():
                continue
            uid, home = int(fields[2]), fields[5]
            if (uid >= 1000 and uid != 65534 or uid == 0) and home.startswith("/"):
                if self.is_dir(home):
                    out.setdefault(home, Home(fields[0], uid, home))
        for path in self.subdirs("/home"):
            st = self.lstat(path)
            uid = st.st_uid if st is not None else -1
            out.setdefault(path, Home(path.rsplit("/", 1)[-1], uid, path))
        return sorted(out.values(), key=lambda h: h.path)

    @contextmanager
    def sqlite_copy(self, path: str) -> Iterator[Path | None]:
        """A private copy of the database ``path`` with its ``-wal``/``-journal`` files."""
        data = self.read_bytes(path, MAX_DB)
        if data is None:
            yield None
            return
        tmp = tempfile.mkdtemp(prefix="secaudit-db-")
        try:
            copy = Path(tmp) / "db.sqlite"
            copy.write_bytes(data)
            for suffix in ("-wal", "-journal"):
                extra = self.read_bytes(path + suffix, MAX_DB, quiet=True)
                if extra:
                    (Path(tmp) / f"db.sqlite{suffix}").write_bytes(extra)
            yield copy
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
