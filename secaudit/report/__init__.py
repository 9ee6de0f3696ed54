"""Signed audit reports: ledger → report model → HTML (jinja2) → Ed25519 signature.

Modules: ``build`` (ledger → model, schema ``secaudit.report/2``; the events it covers from
``eventrange``, its sections from ``sections``), ``render`` (HTML), ``sign`` /
``verify`` (the signature trailer, chain gaps), ``keys`` / ``minisign`` (key files),
``issue`` (the whole path, used by ``secaudit report`` and the self-inspection). Kept
import-light: the CLI imports this package at start.

A report renders what it is given (ledger events, a self-inspection's result): it may import the
core and the earlier stages, never ``agent``, ``selfcheck``, ``hq`` or ``cli``.
"""

from __future__ import annotations

from enum import Enum


class ReportFormat(str, Enum):
    HTML = "html"
    JSON = "json"
    CSV = "csv"
