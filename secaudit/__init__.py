"""secaudit — information-security compliance auditing agent for bank branch workstations."""

from __future__ import annotations

__version__ = "0.1.0"

import logging as _logging

# Library modules log; only the CLI decides what reaches the terminal.
_logging.getLogger("secaudit").addHandler(_logging.NullHandler())
