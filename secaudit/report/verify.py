"""Checking signed reports: signature, trusted key, embedded data, and the ledger chain between
consecutive reports of one host.

``verify_report`` returns nothing and raises :class:`SignatureError` (a caller cannot forget to
check a bool). ``chain_gaps`` compares the ledger ranges of verified reports: for each host the next
report's ``prev_hash`` must be the previous one's ``last_hash``. ``chain_breaks`` takes the reports
in the order they were generated: each later report's ledger must still hold the earlier one's
head ``(seq, hash)`` (its ``ledger_checkpoints``), else the ledger was rolled back or rewritten.
``check_host`` ties the signing key to the host the report names (``trust.py``).

Example::

    >>> trusted = load_trusted_keys([Path("head-office/keys")])
    >>> verify_report(data, trusted)                   # raises SignatureError
    >>> model = embedded_data(data)
    >>> gaps = chain_gaps([model_a, model_b])
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from secaudit.errors import SignatureError
from secaudit.report.sign import split_signed

SCHEMA = "secaudit.report/2"
SCHEMAS = frozenset({"secaudit.report/1", SCHEMA, "secaudit.hqreport/1"})
"""Embedded data ``secaudit verify`` accepts: branch reports (``/1`` still read) and head-office
roll-ups (``secaudit hq report``)."""
_DATA = re.compile(
    rb'<script type="application/json" id="secaudit-data">(?P<json>.*?)</script>', re.DOTALL
)


def verify_report(data: bytes, trusted: Mapping[str, Ed25519PublicKey]) -> str:
    """Check the trailer signature with a trusted key; return the key fingerprint."""
    body, trailer = split_signed(data)
    key = trusted.get(trailer.fingerprint)
    if key is None:
        raise SignatureError(f"report signed by an untrusted key {trailer.fingerprint}")
    try:
        key.verify(trailer.signature, body)
    except InvalidSignature as exc:
        raise SignatureError("signature does not verify: the report was altered") from exc
    return trailer.fingerprint


def embedded_data(data: bytes) -> dict[str, Any]:
    """The data object (a schema of ``SCHEMAS``) embedded in a report's HTML."""
    match = _DATA.search(data)
    if not match:
        raise SignatureError("report has no embedded secaudit-data")
    try:
        model = json.loads(match["json"].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SignatureError(f"embedded report data is not valid JSON: {exc}") from exc
    if not isinstance(model, dict) or model.get("schema") not in SCHEMAS:
        raise SignatureError(f"embedded report data is not one of {', '.join(sorted(SCHEMAS))}")
    return model


@dataclass(frozen=True)
class ChainGap:
    host: str
    before: str
    """Name of the earlier report."""
    after: str
    last_hash: str
    prev_hash: str
    missing_from: int | None
    missing_to: int | None

    def describe(self) -> str:
        span = ""
        if self.missing_from is not None and self.missing_to is not None:
            if self.missing_from <= self.missing_to:
                span = f" (ledger seq {self.missing_from}–{self.missing_to} not covered)"
            else:
                span = f" (ranges overlap or the ledger restarted at seq {self.missing_to + 1})"
        return (
            f"chain gap on host {self.host}: {self.before} ends at {self.last_hash[:16]}…, "
            f"{self.after} starts after {self.prev_hash[:16]}…{span}"
        )


def chain_gaps(reports: Sequence[tuple[str, Mapping[str, Any]]]) -> list[ChainGap]:
    """Every break in the ledger chain between consecutive reports (name, model) per host."""
    by_host: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for name, model in reports:
        if "ledger_range" not in model:  # a head-office roll-up has no ledger of its own
            continue
        by_host.setdefault(str(model["host"]["hostname"]), []).append((name, model))
    gaps: list[ChainGap] = []
    for host, items in sorted(by_host.items()):
        items.sort(key=lambda it: (_range(it[1])["first_seq"], _range(it[1])["last_seq"]))
        for (name_a, a), (name_b, b) in zip(items, items[1:], strict=False):
            ra, rb = _range(a), _range(b)
            if rb["prev_hash"] != ra["last_hash"]:
                gaps.append(
                    ChainGap(
                        host,
                        name_a,
                        name_b,
                        ra["last_hash"],
                        rb["prev_hash"],
                        ra["last_seq"] + 1,
                        rb["first_seq"] - 1,
                    )
                )
    return gaps


@dataclass(frozen=True)
class ChainBreak:
    """A later report (by generation time) whose ledger does not extend an earlier one's."""

    host: str
    before: str
    after: str
    seq: int
    reason: str

    def describe(self) -> str:
        return (
            f"ledger rollback or rewrite on host {self.host}: {self.after} does not extend "
            f"{self.before} (ledger head seq {self.seq}: {self.reason})"
        )


def chain_breaks(reports: Sequence[tuple[str, Mapping[str, Any]]]) -> list[ChainBreak]:
    """Later reports whose ledger no longer holds an earlier report's head ``(seq, hash)``:
    the ledger was restored from an older copy, cut back, or rebuilt without some events.
    Reports are taken per host in the order they were generated; reports without
    ``ledger_head`` (older versions) are left out."""
    by_host: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for name, model in reports:
        if isinstance(model.get("ledger_head"), dict):
            by_host.setdefault(str(model["host"]["hostname"]), []).append((name, model))
    out: list[ChainBreak] = []
    for host, items in sorted(by_host.items()):
        items.sort(key=lambda it: (str(it[1].get("generated") or ""), _range(it[1])["last_seq"]))
        for (name_a, a), (name_b, b) in zip(items, items[1:], strict=False):
            reason = _not_extending(a, b)
            if reason:
                out.append(ChainBreak(host, name_a, name_b, int(a["ledger_head"]["seq"]), reason))
    return out


def _not_extending(a: Mapping[str, Any], b: Mapping[str, Any]) -> str | None:
    seq, digest = int(a["ledger_head"]["seq"]), str(a["ledger_head"]["hash"])
    head_b = b["ledger_head"]
    if int(head_b["seq"]) < seq:
        return f"the later ledger ends at seq {head_b['seq']}, before the earlier head"
    known = {int(c["seq"]): str(c["hash"]) for c in b.get("ledger_checkpoints") or []}
    rb = _range(b)
    known.setdefault(rb["first_seq"] - 1, rb["prev_hash"])
    known.setdefault(rb["last_seq"], rb["last_hash"])
    known.setdefault(int(head_b["seq"]), str(head_b["hash"]))
    if seq not in known:
        return "the later ledger has no record of the earlier report"
    if known[seq] != digest:
        return "the later ledger's hash at that seq differs"
    return None


def describe(model: Mapping[str, Any]) -> str:
    """One human line: host, period, policy (a roll-up: head office, period, branches)."""
    if model.get("schema") == "secaudit.hqreport/1":
        period = model.get("period") or {}
        return (
            f"head-office roll-up {model.get('issuer', {}).get('name') or ''}, "
            f"period {period.get('since')} – {period.get('until')}, "
            f"{len(model.get('branches') or [])} branch(es)"
        )
    pol = model.get("policy") or {}
    period = model.get("period") or {}
    host = model.get("host") or {}
    return (
        f"host {host.get('hostname')} ({host.get('role')}), "
        f"period {period.get('since')} – {period.get('until')}, "
        f"policy {pol.get('id')} {pol.get('version')}"
    )


def _range(model: Mapping[str, Any]) -> dict[str, Any]:
    r = model["ledger_range"]
    return {
        "first_seq": int(r["first_seq"]),
        "last_seq": int(r["last_seq"]),
        "prev_hash": str(r["prev_hash"]),
        "last_hash": str(r["last_hash"]),
    }
