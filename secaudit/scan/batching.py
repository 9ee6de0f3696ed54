"""Which tasks travel to a worker together (:class:`~secaudit.scan.workers.WorkerPool`).

Small files go in batches of up to :data:`MAX_FILES` files and :data:`MAX_BYTES` (their results
come back per batch: little IPC per file). A file goes alone (:func:`alone`) when it is big (a
timeout then costs one file), a picture, or a document that may be a scan: OCR costs ~0.5–1 s a
page, and a batch of scans would leave one worker with a long queue at the end of a scan while
the other idles. For the same reason a picture that may be OCR'd (:func:`may_ocr`) is not
queued behind another one.
"""

from __future__ import annotations

from collections import deque

from secaudit.scan.analyze import Task
from secaudit.scan.walk import is_picture

MAX_FILES = 32
MAX_BYTES = 1024 * 1024
BIG = 256 * 1024
"""A file this large goes alone."""
OCR_SIZE = 16 * 1024
"""A picture this large may be a scan to OCR (~0.5–1 s); smaller ones are icons, judged in a
millisecond."""
SCAN_DOCUMENT_SIZE = 64 * 1024
"""A PDF or OFD this large may hold scanned pages (an A4 page at 200 dpi is ~100 KB of JPEG;
text PDFs this large are rare): a folder of one-page scans is not handed to one worker seven
at a time."""
_DOCUMENT_SUFFIXES = (".pdf", ".ofd")


def may_ocr(task: Task) -> bool:
    """A picture large enough to be a scan to OCR."""
    return task.size >= OCR_SIZE and is_picture(task.path)


def alone(task: Task) -> bool:
    """Whether ``task`` goes in a batch of its own."""
    return (
        task.size >= BIG
        or is_picture(task.path)
        or (task.size >= SCAN_DOCUMENT_SIZE and task.path.lower().endswith(_DOCUMENT_SUFFIXES))
    )


def next_batch(pending: deque[Task]) -> list[Task]:
    """The next batch, taken from the front of ``pending`` (which must not be empty)."""
    batch = [pending.popleft()]
    if alone(batch[0]):
        return batch
    total = batch[0].size
    while (
        pending
        and len(batch) < MAX_FILES
        and total + pending[0].size <= MAX_BYTES
        and not alone(pending[0])
    ):
        total += pending[0].size
        batch.append(pending.popleft())
    return batch
