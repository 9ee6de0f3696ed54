"""Which tasks the worker pool queues behind the file a worker has in hand: a picture that may
be a scan to OCR is never queued behind another one, so no worker holds two scans at the end of
a scan while the other one idles. Icons and other files queue as before."""

from __future__ import annotations

from secaudit.scan.analyze import Task
from secaudit.scan.workers import OCR_SIZE, WorkerPool, _Worker


def _worker(*tasks: Task, done: int = 0) -> _Worker:
    return _Worker(proc=None, conn=None, progress=None, batch=list(tasks), done=done)  # type: ignore[arg-type]


SCAN = Task("/s/scan1.jpg", OCR_SIZE)
SCAN2 = Task("/s/scan2.PNG", 400_000)
ICON = Task("/s/icon.png", OCR_SIZE - 1)
DOC = Task("/s/big.pdf", 400_000)


def test_a_scan_waits_for_a_worker_without_one() -> None:
    assert not WorkerPool._takes(_worker(SCAN), SCAN2)
    assert not WorkerPool._takes(_worker(DOC, SCAN2), SCAN)
    assert WorkerPool._takes(_worker(), SCAN)
    assert WorkerPool._takes(_worker(DOC), SCAN)
    assert WorkerPool._takes(_worker(ICON, ICON), SCAN)


def test_a_scan_read_already_does_not_count() -> None:
    assert WorkerPool._takes(_worker(SCAN, DOC, done=1), SCAN2)
    assert not WorkerPool._takes(_worker(DOC, SCAN, done=1), SCAN2)


def test_icons_and_documents_queue_behind_scans() -> None:
    for task in (ICON, DOC):
        assert WorkerPool._takes(_worker(SCAN), task)
