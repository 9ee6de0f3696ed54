"""secaudit — information-security compliance auditing agent for bank branch workstations."""

from __future__ import annotations

__version__ = "0.1.0"
