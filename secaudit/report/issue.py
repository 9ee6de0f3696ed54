"""Issue a report: build from the ledger, render, sign, write beside a ``.minisig``, record it.

This is the one call the CLI (``secaudit report``), the self-inspection and the agent's schedule
use. Output formats are a ``str`` enum mapped to writers in one place (``_BODIES``).

Example::

    >>> issued = issue_report(config, ledger, ReportRequest(lang="zh"), out=None)
    >>> issued.path, issued.fingerprint
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secaudit.config import Config
from secaudit.ledger import Ledger
from secaudit.report import ReportFormat
from secaudit.report.build import ReportRequest, build_report
from secaudit.report.keys import SigningKey, load_signing_key, passphrase_from
from secaudit.report.minisign import minisign_signature
from secaudit.report.render import MAX_ROWS, render_html
from secaudit.report.sign import sign_report
from secaudit.textsafe import csv_cell


@dataclass(frozen=True)
class IssuedReport:
    path: Path
    minisig: Path
    sha256: str
    fingerprint: str
    model: dict[str, Any]


def signing_key_of(config: Config) -> SigningKey:
    """The home's report signing key (clear error telling to run ``secaudit keygen``)."""
    return load_signing_key(config.home.keys_dir, passphrase=passphrase_from(config.report))


def issue_report(
    config: Config,
    ledger: Ledger,
    req: ReportRequest,
    *,
    out: Path | None = None,
    fmt: ReportFormat = ReportFormat.HTML,
    key: SigningKey | None = None,
) -> IssuedReport:
    key = key or signing_key_of(config)
    req.key_fingerprint = key.fingerprint
    model = build_report(ledger, config, req)
    path = out or default_path(config, model, fmt)
    if path.is_dir():
        path = path / default_path(config, model, fmt).name
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt is ReportFormat.HTML and is_truncated(model):
        # the page shows MAX_ROWS rows per table: the complete lists go beside it, signed,
        # and the page (signed too) names the file and its digest
        extra = path.with_name(path.stem + "-完整清单.csv")
        csv_data = _csv(model, req.lang)
        _write_signed(extra, csv_data, key, model)
        model["complete_list"] = {"name": extra.name,
                                  "sha256": hashlib.sha256(csv_data).hexdigest()}
    data = _BODIES[fmt](model, req.lang)
    if fmt is ReportFormat.HTML:
        data = sign_report(data, key)
    minisig = _write_signed(path, data, key, model)
    digest = hashlib.sha256(data).hexdigest()
    ledger.append(
        "report_issued",
        {
            "path": str(path),
            "sha256": digest,
            "format": fmt.value,
            "period": model["period"],
            "ledger_range": model["ledger_range"],
            "ledger_head": model["ledger_head"],
        },
    )
    return IssuedReport(path, minisig, digest, key.fingerprint, model)


def is_truncated(model: dict[str, Any]) -> bool:
    """Whether a table of the HTML page would be cut at ``MAX_ROWS`` rows."""
    lists = (model["violations"], model["findings"], model["coverage"]["not_scanned_files"])
    return any(len(rows) > MAX_ROWS for rows in lists)


def _write_signed(path: Path, data: bytes, key: SigningKey, model: dict[str, Any]) -> Path:
    """Write ``data`` to ``path`` and its minisign signature beside it; returns the latter."""
    host = model["host"]["hostname"]
    comment = " ".join(
        f"secaudit report file:{path.name} host:{host} key:{key.fingerprint}".split()
    )
    return write_with_minisig(path, data, key, comment)


def write_with_minisig(path: Path, data: bytes, key: SigningKey, comment: str) -> Path:
    """Write ``data`` to ``path`` (atomically) and its ``.minisig`` with the trusted ``comment``
    beside it; returns the latter. Branch reports and head-office roll-ups alike."""
    _write(path, data)
    minisig = path.with_name(path.name + ".minisig")
    text = minisign_signature(data, key.private_key, key.key_id, trusted_comment=comment)
    _write(minisig, text.encode("utf-8"))
    return minisig


def default_path(config: Config, model: dict[str, Any], fmt: ReportFormat) -> Path:
    stamp = model["generated"].replace(":", "").replace("-", "")[:15]
    host = "".join(c if c.isalnum() or c in "-_." else "_" for c in model["host"]["hostname"])
    return config.home.reports_dir / f"secaudit-{host}-{stamp}.{fmt.value}"


def _html(model: dict[str, Any], lang: str) -> bytes:
    return render_html(model, lang).encode("utf-8")


def _json(model: dict[str, Any], lang: str) -> bytes:
    return (json.dumps(model, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


CSV_COLUMNS = (
    "section",
    "ts",
    "first_seen",
    "last_seen",
    "count",
    "rule",
    "severity",
    "channel",
    "level",
    "path",
    "member",
    "title",
    "reason",
    "detail",
)


def _csv(model: dict[str, Any], lang: str) -> bytes:
    """Violations and not-scanned files, one row each; UTF-8 with BOM so Excel reads Chinese."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, CSV_COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for v in model["violations"]:
        writer.writerow(_cells({**v, "section": "violation", "detail": v.get("remedy")}))
    for e in model["coverage"]["not_scanned_files"]:
        writer.writerow(_cells({**e, "section": "not_scanned"}))
    for f in model["findings"]:
        infos = "、".join(f"{i.get('type')}×{i.get('count')}" for i in f.get("info_types") or [])
        writer.writerow(_cells({**f, "section": "finding", "level": f.get("classification"),
                                "title": "、".join(f.get("markings") or []), "detail": infos}))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _cells(row: dict[str, Any]) -> dict[str, Any]:
    """No cell may start a formula in Excel/WPS (``=HYPERLINK(…)`` member names)."""
    return {k: csv_cell(v) for k, v in row.items()}


_BODIES = {ReportFormat.HTML: _html, ReportFormat.JSON: _json, ReportFormat.CSV: _csv}


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    tmp.chmod(0o644)
    os.replace(tmp, path)
