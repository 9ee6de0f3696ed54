"""Self-inspection stage (自查): automatic checks and the manual checklist → score, verdict, report.

Modules: ``run`` (:func:`run_selfcheck`: the checks, the ledger event, the signed report),
``score`` (answers, grading, verdict), ``schedule`` (the agent hook that runs it periodically).

May import the core and every earlier stage (it runs scans, reads the agent's status and has the
report stage issue its report); never ``hq`` or ``cli``. The rest of the code uses the names
below (imported lazily).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "SelfcheckResult": "secaudit.selfcheck.run",
    "run_selfcheck": "secaudit.selfcheck.run",
    "register": "secaudit.selfcheck.schedule",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
