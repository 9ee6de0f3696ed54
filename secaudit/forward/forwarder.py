"""The forwarding loop: ledger events after each output's cursor, in bounded batches, to its sink.

The ledger is the queue. Nothing is held in memory beyond one batch per output: while a collector
is down the events simply stay in the ledger, the output waits (exponential backoff, 2 s doubling
up to ``backoff_max``, ±20 %), and on the next success it resends from its cursor. The cursor
(``forward.db``, :mod:`secaudit.forward.cursor`) moves only to what the sink acknowledged
(``settled``): a file after ``fsync``, a syslog collector per :mod:`secaudit.forward.syslog`.

Example::

    fwd = Forwarder(config)          # the config's [[forward]] outputs
    fwd.pump(budget_s=0.5)           # send what is new, at most ~0.5 s of work
    fwd.flush(); fwd.close()         # graceful: acknowledge everything sent
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol

from secaudit.config import Config
from secaudit.config_forward import ForwardOutput
from secaudit.errors import ForwardError, LedgerError
from secaudit.forward.cursor import CursorStore
from secaudit.forward.ecs import HostInfo, host_info, to_ecs
from secaudit.forward.filesink import FileSink
from secaudit.forward.syslog import SyslogSink, syslog_frame
from secaudit.ledger import Event, Ledger
from secaudit.logs import logger

log = logger(__name__)
MAX_MESSAGE = 60_000
"""Bytes of JSON per event at most (rsyslog: set maxMessageSize to 64k); larger events lose
``event.original`` first, then their ``secaudit.info_types`` / ``email`` detail."""


class Sink(Protocol):
    def ready(self) -> None: ...
    def send(self, frames: list[bytes], last_seq: int) -> None: ...
    def settled(self) -> int | None: ...
    def flush(self) -> int | None: ...
    def close(self) -> None: ...


def make_sink(spec: ForwardOutput) -> Sink:
    return FileSink(spec) if spec.type == "file" else SyslogSink(spec)


def encode(spec: ForwardOutput, ev: Event, host: HostInfo) -> bytes:
    """The bytes one event takes on the output: a JSON line or a syslog frame."""
    doc = to_ecs(ev, host)
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(text) > MAX_MESSAGE:
        text = _shrink(doc)
    if spec.type == "file":
        return text + b"\n"
    return syslog_frame(ev, host, text, spec.facility)


def _shrink(doc: dict[str, Any]) -> bytes:
    doc["event"].pop("original", None)
    doc["secaudit"]["truncated"] = True
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(text) > MAX_MESSAGE:
        doc.pop("email", None)
        doc["secaudit"].pop("info_types", None)
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return text[:MAX_MESSAGE] if len(text) > MAX_MESSAGE else text


@dataclass
class OutputRun:
    """One output's state in this process."""

    spec: ForwardOutput
    sink: Sink
    cursor: int
    sent: int
    failures: int = 0
    retry_at: float = 0.0
    last_error: str | None = None
    delivered: int = field(default=0)


class Forwarder:
    """Forward the ledger of ``config`` to its ``[[forward]]`` outputs (one thread uses it)."""

    def __init__(self, config: Config, outputs: tuple[ForwardOutput, ...] | None = None) -> None:
        self.host = host_info(config)
        self.ledger = Ledger(config.home.ledger)
        self.cursors = CursorStore(config.home.data_dir)
        self.runs: list[OutputRun] = []
        for spec in config.forward if outputs is None else outputs:
            seq = self.cursors.get(spec.id).seq
            self.runs.append(OutputRun(spec, make_sink(spec), seq, seq))

    def close(self) -> None:
        for run in self.runs:
            run.sink.close()
        self.cursors.close()
        self.ledger.close()

    def head_seq(self) -> int:
        head = self.ledger.head()
        return head.seq if head else 0

    def pump(self, budget_s: float = 0.5) -> int:
        """Send new events to every output that is not waiting out a backoff; events sent."""
        deadline = time.monotonic() + budget_s
        return sum(self._pump_one(run, deadline) for run in self.runs)

    def flush(self) -> None:
        """Close every connection gracefully, acknowledging what the collector read."""
        for run in self.runs:
            try:
                self._settle(run, run.sink.flush())
            except ForwardError as exc:
                self._fail(run, exc)

    def _read(self, first: int, limit: int) -> list[Event]:
        events = self.ledger.events(first_seq=first)
        try:
            return list(islice(events, limit))
        finally:
            events.close()  # type: ignore[attr-defined]

    def _pump_one(self, run: OutputRun, deadline: float) -> int:
        if time.monotonic() < run.retry_at:
            return 0
        sent = 0
        try:
            self._settle(run, run.sink.settled())
            head = self.head_seq()  # idle, this one indexed query is all the work
            if run.sent < head:
                run.sink.ready()  # connect before reading and encoding anything
            while run.sent < head and time.monotonic() < deadline:
                batch = self._read(run.sent + 1, run.spec.batch)
                if not batch:
                    break
                run.sink.send([encode(run.spec, ev, self.host) for ev in batch], batch[-1].seq)
                run.sent = batch[-1].seq
                sent += len(batch)
            self._settle(run, run.sink.settled())
        except ForwardError as exc:
            self._fail(run, exc)
            return sent
        run.failures = 0
        return sent

    def _settle(self, run: OutputRun, seq: int | None) -> None:
        if seq is not None and seq > run.cursor:
            self.cursors.advance(run.spec.id, seq, seq - run.cursor)
            run.delivered += seq - run.cursor
            run.cursor = seq
            run.last_error = None

    def _fail(self, run: OutputRun, exc: ForwardError) -> None:
        run.sink.close()
        run.sent = run.cursor  # resend everything not acknowledged
        run.failures += 1
        delay = min(run.spec.backoff_max, 2.0 ** min(run.failures, 16))
        run.retry_at = time.monotonic() + delay * random.uniform(0.8, 1.2)  # noqa: S311
        message = exc.diagnostics()
        if message != run.last_error:
            log.warning("forward %s: %s (retry in %.0f s)", run.spec.id, message, delay)
        run.last_error = message
        try:
            self.cursors.fail(run.spec.id, message)
        except LedgerError:
            log.exception("forward %s: cannot record the error", run.spec.id)
