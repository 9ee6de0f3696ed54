"""What a report says about the ledger itself: its range, head, checkpoints and integrity.

Every hash here is recomputed from the rows' content (``Ledger.recompute``), never read from the
stored ``prev``/``hash`` columns, so an edited row cannot yield a clean-looking range:

- ``ledger_range`` ``{first_seq, last_seq, prev_hash, last_hash}`` — the events the report covers;
- ``ledger_head`` ``{seq, hash}`` — the whole ledger's head when the report was built;
- ``ledger_checkpoints`` ``[{seq, hash}]`` — the recomputed hash at the head of every earlier
  report this ledger remembers (its ``report_issued`` events), so head office can check that a
  later report's ledger extends an earlier one (``verify.chain_breaks``): a ledger restored from an
  old copy, cut back or rebuilt without some events no longer holds the earlier head;
- ``ledger_integrity`` ``{intact, events, first_bad_seq, problem}`` — and when the chain is broken
  a critical violation ``LEDGER-CHAIN`` in the report's violations (shown, counted, never hidden).
"""

from __future__ import annotations

from typing import Any

from secaudit.ledger import ChainState, Event, Ledger

CHAIN_RULE = "LEDGER-CHAIN"
MAX_CHECKPOINTS = 200
"""Most earlier report heads a report carries (monthly reports: 16 years)."""


def ledger_evidence(ledger: Ledger, events: list[Event], first_seq: int) -> dict[str, Any]:
    """The ledger fields of the report model for the run ``events`` starting at ``first_seq``."""
    last_seq = events[-1].seq if events else first_seq - 1
    heads = _earlier_heads(ledger)
    state = ledger.recompute({first_seq - 1, last_seq, *heads})
    out: dict[str, Any] = {
        "ledger_range": {
            "first_seq": first_seq,
            "last_seq": last_seq,
            "prev_hash": state.hash_at(first_seq - 1),
            "last_hash": state.hash_at(last_seq),
        },
        "ledger_head": {"seq": state.head_seq, "hash": state.head_hash},
        "ledger_checkpoints": [
            {"seq": s, "hash": state.hash_at(s)} for s in heads if 0 < s <= state.head_seq
        ],
        "ledger_integrity": state.to_json(),
    }
    return out


def chain_violation(state: dict[str, Any]) -> dict[str, Any] | None:
    """The violation row a broken chain becomes (``None`` when it is intact)."""
    if state.get("intact", True):
        return None
    return {
        "seq": state.get("first_bad_seq"),
        "ts": "",
        "rule": CHAIN_RULE,
        "severity": "critical",
        "title": "证据账本哈希链断裂：记录被删除、插入或修改",
        "path": None,
        "member": None,
        "channel": "local",
        "level": None,
        "basis": f"ledger verify: {state.get('problem')}",
        "remedy": "保全本机账本文件（ledger.db）并报告保密员和总行；"
        "本报告所列证据不完整或已被改动。",
    }


def _earlier_heads(ledger: Ledger) -> list[int]:
    seqs: set[int] = set()
    for e in ledger.events(kinds=["report_issued"]):
        data = e.data if isinstance(e.data, dict) else {}
        for part, key in (("ledger_range", "last_seq"), ("ledger_head", "seq")):
            value = (data.get(part) or {}).get(key)
            if isinstance(value, int) and value > 0:
                seqs.add(value)
    return sorted(seqs)[-MAX_CHECKPOINTS:]


__all__ = ["CHAIN_RULE", "ChainState", "chain_violation", "ledger_evidence"]
