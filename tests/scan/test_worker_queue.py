"""Which tasks the worker pool queues behind the file a worker has in hand: a picture that may
be a scan to OCR is never queued behind another one, so no worker holds two scans at the end of
a scan while the other one idles. Icons and other files queue as before."""

from __future__ import annotations

from secaudit.scan.analyze import Task
from secaudit.scan.batching import OCR_SIZE
from secaudit.scan.workers import WorkerPool, _Worker


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


def _batches(tasks: list[Task]) -> list[list[str]]:
    from collections import deque

    from secaudit.scan.batching import next_batch

    pending = deque(tasks)
    out = []
    while pending:
        out.append([t.path for t in next_batch(pending)])
    return out


def test_small_files_travel_in_batches_of_32_and_one_mebibyte() -> None:
    small = [Task(f"/t/{n}.txt", 1000) for n in range(70)]
    assert [len(b) for b in _batches(small)] == [32, 32, 6]
    heavy = [Task(f"/t/{n}.docx", 200_000) for n in range(7)]
    assert [len(b) for b in _batches(heavy)] == [5, 2]


def test_big_files_pictures_and_scanned_documents_go_alone() -> None:
    from secaudit.scan.batching import BIG, SCAN_DOCUMENT_SIZE

    tasks = [
        Task("/t/a.txt", 10),
        Task("/t/big.txt", BIG),
        Task("/t/b.txt", 10),
        Task("/t/icon.png", 100),
        Task("/t/c.txt", 10),
        Task("/t/scan1.pdf", SCAN_DOCUMENT_SIZE),
        Task("/t/scan2.OFD", SCAN_DOCUMENT_SIZE),
        Task("/t/text.pdf", SCAN_DOCUMENT_SIZE - 1),
        Task("/t/d.txt", 10),
        Task("/t/sheet.xlsx", SCAN_DOCUMENT_SIZE),
    ]
    assert _batches(tasks) == [
        ["/t/a.txt"],
        ["/t/big.txt"],
        ["/t/b.txt"],
        ["/t/icon.png"],
        ["/t/c.txt"],
        ["/t/scan1.pdf"],
        ["/t/scan2.OFD"],
        ["/t/text.pdf", "/t/d.txt", "/t/sheet.xlsx"],
    ]
