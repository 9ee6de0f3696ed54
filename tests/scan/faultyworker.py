"""A worker process whose analysis hangs on files named ``hang*`` and dies on ``crash*``.

The pool's fault tests start it in place of :func:`secaudit.scan.workerproc.worker_main`
(a worker is a separate process: a monkeypatch of the test process does not reach it).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import MutableSequence
from multiprocessing.connection import Connection
from typing import Any

from secaudit.detect.vocabulary import Vocabulary
from secaudit.limits import Limits


def worker_main(
    conn: Connection,
    limits: Limits,
    vocabulary: Vocabulary,
    nice: int,
    progress: MutableSequence[float],
) -> None:
    from secaudit.scan import workerproc

    real = workerproc.analyze

    def analyze(task: Any, *args: Any) -> Any:
        name = os.path.basename(task.path)
        if name.startswith("hang"):
            time.sleep(3600)
        if name.startswith("crash"):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(task, *args)

    workerproc.analyze = analyze  # type: ignore[assignment]
    workerproc.worker_main(conn, limits, vocabulary, nice, progress)
