"""One agent per home: an exclusive ``flock`` on ``<run_dir>/agent.lock`` held for the process's
life. A second ``secaudit agent`` on the same home is refused (exit 2) naming the running one;
the lock goes with the process (kill -9 included), so a stale file never blocks a restart."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from secaudit.errors import UsageError

LOCK_NAME = "agent.lock"


class AgentLock:
    """``with AgentLock(run_dir):`` — raises :class:`UsageError` when another agent holds it."""

    def __init__(self, run_dir: Path) -> None:
        self.path = run_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise UsageError(
                f"另一个审计代理已在运行（pid {holder}，{self.path}）："
                f"another secaudit agent already runs on this home"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> AgentLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
