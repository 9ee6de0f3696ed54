"""The agent's queue (bounded, de-duplicating, batching) and debouncer."""

from __future__ import annotations

import threading
import time

from secaudit.agent.jobqueue import Debouncer, JobQueue, ScanJob
from secaudit.context import ScanContext
from secaudit.model import Channel

MEDIA = ScanContext(channel=Channel.REMOVABLE_MEDIA)
HOST = ScanContext(channel=Channel.INTERNET_HOST)


def test_dedup_batching_and_idle() -> None:
    q = JobQueue(100)
    for name in ("a", "b", "a", "c"):
        q.put(ScanJob("files", (f"/m/{name}",), MEDIA))
    q.put(ScanJob("files", ("/h/x",), HOST))
    q.put(ScanJob("mail", ("/mail/Sent",), None, "mail"))
    assert len(q) == 5  # the second /m/a was dropped
    batch = q.get_batch(0)
    assert batch is not None and batch.paths == ("/m/a", "/m/b", "/m/c") and batch.ctx == MEDIA
    assert not q.is_idle()
    q.done()
    assert q.get_batch(0).paths == ("/h/x",)  # type: ignore[union-attr]
    q.done()
    assert q.get_batch(0).kind == "mail"  # type: ignore[union-attr]
    q.done()
    assert q.is_idle() and q.get_batch(0.01) is None


def test_back_pressure_blocks_until_space() -> None:
    q = JobQueue(2)
    assert q.put(ScanJob("files", ("/1",), MEDIA))
    assert q.put(ScanJob("files", ("/2",), HOST))
    assert q.put(ScanJob("files", ("/3",), MEDIA), timeout=0.1) is False
    done: list[bool] = []
    t = threading.Thread(target=lambda: done.append(q.put(ScanJob("files", ("/3",), MEDIA))))
    t.start()
    time.sleep(0.1)
    assert not done  # still blocked
    q.get_batch(0)
    t.join(2)
    assert done == [True]
    q.close()
    assert q.put(ScanJob("files", ("/4",), MEDIA), timeout=0.1) is False


def test_debouncer_emits_once_after_quiet() -> None:
    got: list[tuple[object, object]] = []
    d = Debouncer(lambda k, p: got.append((k, p)), quiet=0.1, max_wait=1.0)
    try:
        for _ in range(5):
            d.touch("/m/a", "tag1")
            time.sleep(0.02)
        d.touch("/m/b", "tag2")
        deadline = time.monotonic() + 2
        while len(got) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert sorted(got) == [("/m/a", "tag1"), ("/m/b", "tag2")]
        assert d.pending() == 0
    finally:
        d.close()


def test_debouncer_max_wait_bounds_a_busy_path() -> None:
    got: list[object] = []
    d = Debouncer(lambda k, p: got.append(k), quiet=0.2, max_wait=0.3)
    try:
        t0 = time.monotonic()
        while not got and time.monotonic() - t0 < 2:
            d.touch("/busy", None)
            time.sleep(0.05)
        assert got == ["/busy"] and time.monotonic() - t0 < 1.0
    finally:
        d.close()
