"""Head office (总行): enrol every PC's key, ingest the branches' signed reports, roll them up.

Modules: ``store`` (SQLite, versioned schema, migrations), ``registry`` / ``roster`` (keys bound
to hosts, the roster of who is expected to report), ``inputs`` (files, folders, zips read
safely), ``ingest`` (verify, store once or quarantine with a reason), ``rows`` (what a report
puts into the store), ``window`` (review periods), ``rollup`` / ``patterns`` (the roll-up
model), ``render`` / ``issue`` (signed HTML, CSV, JSON), ``status`` (the terminal summary).
Nothing here touches a branch PC: it reads reports and its own store only. Kept import-light:
the CLI imports this package at start.
"""

from __future__ import annotations

from enum import Enum


class HqFormat(str, Enum):
    HTML = "html"
    JSON = "json"
    CSV = "csv"
