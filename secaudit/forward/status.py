"""``secaudit forward status`` and ``secaudit forward test`` as library calls.

:func:`output_status` reads each output's cursor and last error from ``forward.db`` (the agent
keeps them current) and the ledger head, without writing anything. :func:`send_test` sends one
``forward_test`` event (seq 0, not in the ledger, cursor untouched) to every output on a fresh
connection and closes it gracefully: a syslog output passes only when the collector read the
event and closed cleanly.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from secaudit import __version__
from secaudit.config import Config
from secaudit.errors import ForwardError, LedgerError
from secaudit.forward.cursor import CursorState, CursorStore
from secaudit.forward.ecs import host_info
from secaudit.forward.forwarder import encode, make_sink
from secaudit.ledger import GENESIS, Event, Ledger, canonical_json, now_iso


@dataclass(frozen=True)
class OutputStatus:
    output: str
    type: str
    target: str
    cursor: CursorState
    head: int

    @property
    def backlog(self) -> int:
        return max(0, self.head - self.cursor.seq)

    def to_json(self) -> dict[str, Any]:
        c = self.cursor
        return {"output": self.output, "type": self.type, "target": self.target,
                "cursor": c.seq, "head": self.head, "backlog": self.backlog,
                "delivered": c.delivered, "updated": _iso(c.updated), "error": c.error,
                "error_at": _iso(c.error_at)}


def _iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(epoch))


def _head(config: Config) -> int:
    try:
        with Ledger(config.home.ledger, readonly=True) as led:
            head = led.head()
    except LedgerError:
        return 0
    return head.seq if head else 0


def output_status(config: Config) -> list[OutputStatus]:
    head = _head(config)
    store: CursorStore | None = None
    if (config.home.data_dir / "forward.db").exists():
        store = CursorStore(config.home.data_dir, readonly=True)
    try:
        return [OutputStatus(o.id, o.type, o.path or o.address,
                             store.get(o.id) if store else CursorState(o.id), head)
                for o in config.forward]
    finally:
        if store:
            store.close()


def test_event(config: Config) -> Event:
    data = {"message": "secaudit forward test 转发测试", "version": __version__,
            "hostname": config.hostname}
    ts = now_iso()
    digest = hashlib.sha256(canonical_json({"ts": ts, "data": data}).encode()).hexdigest()
    return Event(0, ts, "forward_test", data, GENESIS, digest)


def send_test(config: Config) -> list[tuple[str, bool, str]]:
    """``(output, ok, message)`` per output after sending it one test event."""
    host, ev = host_info(config), test_event(config)
    results: list[tuple[str, bool, str]] = []
    for spec in config.forward:
        sink = make_sink(spec)
        started = time.monotonic()
        try:
            sink.send([encode(spec, ev, host)], 0)
            sink.flush()
        except ForwardError as exc:
            results.append((spec.id, False, exc.diagnostics()))
            continue
        finally:
            sink.close()
        ms = (time.monotonic() - started) * 1000
        results.append((spec.id, True, f"delivered id {host.id}-0-{ev.hash[:16]} in {ms:.0f} ms"))
    return results
