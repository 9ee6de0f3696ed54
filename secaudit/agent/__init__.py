"""Agent stage: the daemon that wires sources to the scan, the policy and the ledger.

Modules: ``daemon`` (:class:`Agent`: main loop, signals, reload, hooks), ``periodic`` (the
schedule of its periodic tasks), ``routines`` (its own periodic work: connectivity, root scans,
mail discovery, status), ``triggers`` (source events → scan jobs and watches), ``jobqueue``
(bounded job queue and debouncer), ``consumer`` (the scan thread), ``media`` (mounts → medium
events and scans), ``watches`` + ``treewatch`` + ``inotify`` (bounded tree watches) and ``watchset``
(which folders are watched), ``status`` (the status file ``secaudit status`` reads).

May import the core and every earlier stage (ledger, extract, detect, policy, scan, sources,
report, forward); never ``selfcheck``, ``hq`` or ``cli``: later stages reach the agent through
the ``hooks`` they are handed. The rest of the code uses the names below (imported lazily, so
``secaudit status`` does not load the daemon).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Agent": "secaudit.agent.daemon",
    "Hook": "secaudit.agent.daemon",
    "read_status": "secaudit.agent.status",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
