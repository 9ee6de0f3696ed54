"""Scan stage: one scan run over files and folders — walk, worker processes, limits, cache.

Modules: ``walk`` (the tree walk), ``analyze`` (one file read safely, extracted and
detected), ``workers`` (the worker processes that run it, with timeouts; ``workerproc`` is
their side, ``prewarm`` what their fork server builds ahead), ``cache``
(incremental results keyed by file identity and detector version),
``feed`` (the walk's files from the cache or through the workers, pictures last), ``run`` (a
run's results, the ``secaudit.scan/1`` JSON and its ledger events), ``record`` (a run's events
appended to the ledger as it goes), ``mailcontext`` (an e-mail file judged with its own headers),
``scanner`` (:class:`Scanner`: the whole run, with the policy's verdicts, recorded in the ledger).

May import the core, ``ledger``, ``extract``, ``detect`` and ``policy``; never ``sources`` or a
later stage. The rest of the code uses the names below (imported lazily: worker processes load
only what they run).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Scanner": "secaudit.scan.scanner",
    "ScanRun": "secaudit.scan.run",
    "ScanCache": "secaudit.scan.cache",
    "walk": "secaudit.scan.walk",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
