"""The result of one scan (``ScanRun``): the ``secaudit.scan/1`` JSON and its ledger events."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from secaudit import __version__
from secaudit.context import ScanContext
from secaudit.model import FileResult, Violation

SCHEMA = "secaudit.scan/1"


@dataclass
class ScanRun:
    """Result of one scan."""

    scan_id: str
    paths: list[str]
    context: ScanContext
    policy_identity: dict[str, str]
    started: str
    finished: str = ""
    results: list[FileResult] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    files_scanned: int = 0
    bytes_scanned: int = 0
    cached_files: int = 0
    duration_s: float = 0.0
    list_all: bool = False
    keep_clean: bool = True
    """False (the agent): results without finding or error are counted, not kept in memory."""
    state: str = "running"
    """``complete``, or ``failed``/``interrupted`` with ``failure`` saying why (what was done
    up to then is recorded all the same)."""
    failure: str = ""

    @property
    def files(self) -> list[FileResult]:
        """Files with a finding or an error (every file with ``list_all``)."""
        if self.list_all:
            return self.results
        return [r for r in self.results if r.findings or r.errors]

    @property
    def not_scanned(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for r in self.results:
            for e in r.errors:
                counts[e.reason.value] += 1
        return dict(counts)

    @property
    def summary(self) -> dict[str, int]:
        return {
            "files_scanned": self.files_scanned,
            "bytes_scanned": self.bytes_scanned,
            "files_with_findings": sum(1 for r in self.results if r.findings),
            "violations": len(self.violations),
            "errors": sum(len(r.errors) for r in self.results),
        }

    def to_json(self) -> dict[str, Any]:
        ctx = self.context
        return {
            "schema": SCHEMA,
            "tool": {"name": "secaudit", "version": __version__},
            "started": self.started,
            "finished": self.finished,
            "channel": ctx.channel.value,
            "host": {"hostname": ctx.hostname, "role": ctx.host_role.value},
            "policy": dict(self.policy_identity),
            "files": [r.to_json() for r in self.files],
            "violations": [v.to_json() for v in self.violations],
            "summary": self.summary,
        }


def result_events(run: ScanRun, r: FileResult) -> Iterator[tuple[str, Any]]:
    """Ledger events of one file result (recorded as results arrive, not at the end)."""
    channel = run.context.channel.value
    if r.findings:
        yield (
            "finding",
            {
                "scan_id": run.scan_id,
                "path": r.path,
                "size": r.size,
                "sha256": r.sha256,
                "format": r.format,
                "classification": r.classification.value,
                "channel": channel,
                "findings": [f.to_json() for f in r.findings],
            },
        )
    if r.errors:
        yield (
            "file_error",
            {
                "scan_id": run.scan_id,
                "path": r.path,
                "channel": channel,
                "errors": [e.to_json() for e in r.errors],
            },
        )


def violation_events(run: ScanRun, violations: list[Violation]) -> Iterator[tuple[str, Any]]:
    for v in violations:
        yield "violation", {**v.to_json(), "scan_id": run.scan_id, "detail": v.detail}


def finished_event(run: ScanRun) -> tuple[str, Any]:
    data = {
        "scan_id": run.scan_id,
        "paths": run.paths,
        "channel": run.context.channel.value,
        "summary": run.summary,
        "not_scanned": run.not_scanned,
        "cached_files": run.cached_files,
        "duration_s": run.duration_s,
        "state": run.state,
    }
    if run.failure:
        data["failure"] = run.failure
    return "scan_finished", data


def ledger_events(run: ScanRun) -> Iterator[tuple[str, Any]]:
    """Every event of a finished run at once (for callers that did not record as they went)."""
    for r in run.results:
        yield from result_events(run, r)
    yield from violation_events(run, run.violations)
    yield finished_event(run)
