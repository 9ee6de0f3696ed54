"""Output ``type = "file"``: ECS JSON lines appended to a file, rotated by size.

A batch is written with one ``write`` and made durable with ``fsync`` before the cursor moves;
a crash in between resends the batch (same ``event.id``). When the next batch would take the file
past ``max_mb``, it is renamed ``.1`` (``.1`` to ``.2`` …, the oldest past ``keep`` removed) and a
new file begins, as logrotate does, so Filebeat / Fluent Bit / Wazuh follow it by inode.
The file is opened without following a symlink and must be a regular file.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from secaudit.config_forward import ForwardOutput
from secaudit.errors import ForwardError

MiB = 1024 * 1024


class FileSink:
    def __init__(self, spec: ForwardOutput) -> None:
        self.path = Path(spec.path)
        self.max_bytes = spec.max_mb * MiB
        self.keep = spec.keep
        self._fd: int | None = None
        self._size = 0
        self._settled: int | None = None

    def _open(self) -> int:
        if self._fd is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
                flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
                fd = os.open(self.path, flags | getattr(os, "O_CLOEXEC", 0), 0o640)
            except OSError as exc:
                raise ForwardError(f"无法打开 cannot open {self.path}: "
                                   f"{exc.strerror or exc}") from exc
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                os.close(fd)
                raise ForwardError(f"不是普通文件 {self.path} is not a regular file")
            self._fd, self._size = fd, info.st_size
        return self._fd

    def _rotate(self) -> None:
        self.close()
        try:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.path}.{self.keep}")
            for i in range(self.keep - 1, 0, -1):
                with contextlib.suppress(FileNotFoundError):
                    os.replace(f"{self.path}.{i}", f"{self.path}.{i + 1}")
            os.replace(self.path, f"{self.path}.1")
        except OSError as exc:
            raise ForwardError(f"无法轮转 cannot rotate {self.path}: "
                               f"{exc.strerror or exc}") from exc

    def ready(self) -> None:
        self._open()

    def send(self, frames: list[bytes], last_seq: int) -> None:
        data = b"".join(frames)
        fd = self._open()
        if self._size and self._size + len(data) > self.max_bytes:
            self._rotate()
            fd = self._open()
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except OSError as exc:
            self.close()
            raise ForwardError(f"无法写入 cannot write {self.path}: {exc.strerror or exc}") from exc
        self._size += len(data)
        self._settled = last_seq

    def settled(self) -> int | None:
        return self._settled

    def flush(self) -> int | None:
        return self._settled

    def close(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
