"""The agent's consumer thread: takes jobs off the queue and runs the scanner.

It owns the ``Scanner`` (worker processes, ``agent.workers`` of them) and its own ledger
connection; the scanner records scan/finding/violation events itself. After a reload (the
agent's ``generation`` changed) the scanner is rebuilt with the new config and policy. A job
that fails is recorded as an ``error`` event and the thread carries on.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from secaudit.agent.jobqueue import ScanJob
from secaudit.ledger import Ledger
from secaudit.logs import logger
from secaudit.scan.scanner import Scanner
from secaudit.sources.mailstores import MailState, scan_mail_once

log = logger(__name__)
IDLE_RELEASE_S = 30.0
"""After this long without a job the worker processes are stopped (started again on demand)."""


class Consumer:
    def __init__(self, agent: Any) -> None:
        self.agent = agent
        self.scanner: Scanner | None = None
        self.generation = -1
        self.mail_state: MailState | None = None

    def _scanner(self, ledger: Ledger) -> Scanner:
        if self.scanner is None or self.generation != self.agent.generation:
            if self.scanner is not None:
                self.scanner.close()
            cfg = self.agent.config
            self.scanner = Scanner(cfg, self.agent.policy, ledger=ledger,
                                   workers=max(1, cfg.agent.workers))
            self.generation = self.agent.generation
        return self.scanner

    def run(self, stop: threading.Event) -> None:
        ledger = Ledger(self.agent.config.home.ledger)
        queue = self.agent.queue
        try:
            while not stop.is_set():
                job = queue.get_batch(timeout=IDLE_RELEASE_S)
                if job is None:
                    if self.scanner is not None:
                        self.scanner.release_workers(servers=True)  # idle: memory back
                    continue
                try:
                    if not stop.is_set():
                        self._do(job, ledger)
                except Exception as exc:  # one bad job must not stop the agent
                    log.exception("job %s", job.kind)
                    ledger.append("error", {"where": f"agent.{job.kind}",
                                            "message": f"{type(exc).__name__}: {exc}"[:500]})
                finally:
                    queue.done()
        finally:
            if self.scanner is not None:
                self.scanner.close()
            ledger.close()

    def _do(self, job: ScanJob, ledger: Ledger) -> None:
        scanner = self._scanner(ledger)
        if job.kind == "files" and job.ctx is not None:
            paths = [p for p in job.paths if os.path.lexists(p)]  # a link: refused, recorded
            if paths:
                scanner.scan(paths, job.ctx, trigger=job.trigger, keep_clean=False)
        elif job.kind == "mail":
            if self.mail_state is None:
                self.mail_state = MailState(self.agent.config.home.cache_dir / "mailstores.json")
            scan_mail_once(scanner, self.agent.policy, self.agent.config, ledger,
                           [Path(p) for p in job.paths], connected=self.agent.connected,
                           state=self.mail_state)
