"""Issue the head-office roll-up: build, write HTML (signed, trailer contract ``v=1``), CSV or
JSON, with a ``.minisig`` beside it, signed with head office's own key (the home's ``keys/``).

If head office has no key yet, one is made on first use (``secaudit keygen`` does the same) and
its fingerprint is returned, so reviewers can publish ``secaudit.pub`` to whoever checks roll-ups.

CSV is for Excel: UTF-8 with BOM, one row per fact (``section`` column), and every cell that a
spreadsheet would read as a formula (``= + - @``, tab, CR) is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from secaudit.config import Config
from secaudit.hq import HqFormat
from secaudit.hq.render import labeller, render_rollup
from secaudit.hq.rollup import build_rollup
from secaudit.hq.store import Store
from secaudit.hq.window import Window
from secaudit.report.issue import write_with_minisig
from secaudit.report.keys import (
    PRIVATE_NAME,
    SigningKey,
    generate_keys,
    load_signing_key,
    passphrase_from,
)
from secaudit.report.sign import sign_report

ISSUER = "总行"


@dataclass(frozen=True)
class IssuedRollup:
    path: Path
    minisig: Path
    sha256: str
    fingerprint: str
    key_created: bool
    model: dict[str, Any]


def head_office_key(config: Config) -> tuple[SigningKey, bool]:
    """Head office's signing key, made on first use; (key, whether it was just made)."""
    passphrase = passphrase_from(config.report)
    created = not (config.home.keys_dir / PRIVATE_NAME).exists()
    if created:
        generate_keys(config.home.keys_dir, passphrase=passphrase)
    return load_signing_key(config.home.keys_dir, passphrase=passphrase), created


def issue_rollup(
    config: Config,
    store: Store,
    window: Window,
    *,
    fmt: HqFormat = HqFormat.HTML,
    out: Path | None = None,
    issuer: str = ISSUER,
) -> IssuedRollup:
    key, created = head_office_key(config)
    model = build_rollup(store, window, issuer={"name": issuer, "key": key.fingerprint})
    data = _BODIES[fmt](model)
    if fmt is HqFormat.HTML:
        data = sign_report(data, key)
    name = f"secaudit-hq-{window.start:%Y%m%d}-{window.end:%Y%m%d}.{fmt.value}"
    path = out or config.home.reports_dir / name
    if path.is_dir():
        path = path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    comment = f"secaudit hq report file:{path.name} period:{window.label} key:{key.fingerprint}"
    minisig = write_with_minisig(path, data, key, comment)
    return IssuedRollup(
        path, minisig, hashlib.sha256(data).hexdigest(), key.fingerprint, created, model
    )


def _html(model: dict[str, Any]) -> bytes:
    return render_rollup(model).encode("utf-8")


def _json(model: dict[str, Any]) -> bytes:
    return (json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


CSV_COLUMNS = (
    "section", "branch", "branch_name", "host", "role", "item", "severity", "count",
    "status", "detail",
)  # fmt: skip


def safe_cell(value: Any) -> str:
    """A cell Excel shows as text, never evaluates (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(model: dict[str, Any]) -> bytes:
    t = labeller()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in _csv_rows(model, t):
        writer.writerow([safe_cell(row.get(c)) for c in CSV_COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _csv_rows(model: dict[str, Any], t: Any) -> Iterator[dict[str, Any]]:
    names = {b["id"]: b["name"] for b in model["branches"]}

    def row(section: str, base: dict[str, Any], **cells: Any) -> dict[str, Any]:
        out = {**base, "section": section, "branch_name": names.get(base.get("branch")), **cells}
        if "role" in base and "role" not in cells:
            out["role"] = t(base["role"])
        return out

    for h in model["hosts"]:
        status = "verified" if h["verified"] else "rejected" if h["reported"] else "missing"
        verdict = t(h["verdict"]) if h["verdict"] else ""
        yield row("coverage", h, count=h["verified"], status=status, item=h["score"],
                  severity=verdict)  # fmt: skip
    for r in model["violations"]["by_rule"]:
        yield row("violation_rule", {}, item=r["rule"], severity=t(r["severity"]),
                  count=r["count"], detail=r["title"])  # fmt: skip
    for r in model["rejected"]:
        yield row("rejected", r, status=r["reason"], item=t(r["reason"]))
    for g in model["gaps"]:
        yield row("gap", g, status=g["kind"], item="–".join(map(str, g["seq"] or [])),
                  detail=f"{g['before']} → {g['after']}")  # fmt: skip
    for c in model["cross_media"]:
        for s in c["sightings"]:
            yield row("cross_media", s, item=c["id"], status=c["by"],
                      detail=f"{s['first']} – {s['last']}")  # fmt: skip
    for d in model["documents"]:
        for s in d["sightings"]:
            yield row("document", s, item=d["sha256"], severity=t(d["classification"]),
                      detail=s["path"])  # fmt: skip
    for v in model["rectification"]["open"]:
        yield row("open_violation", v, item=v["rule"], severity=t(v["severity"]),
                  detail=v["path"])  # fmt: skip


_BODIES = {HqFormat.HTML: _html, HqFormat.JSON: _json, HqFormat.CSV: _csv}
