"""Key registry: which public key belongs to which PC (branch + host), and re-keying.

A key is bound to exactly one host; enrolling it for another host is refused. A host has one
active key; giving it another is explicit (``replace=True``) and recorded in ``key_log``: the old
key is retired (reports it signed before stay valid), the new one becomes active. A roster row may
pin a host's key by fingerprint before the key file itself arrives; the key enrolled later must
then match the pin.

Example::

    >>> with Store(home / "hq.db") as store:
    ...     enroll(store, Path("pc01.pub"), branch="0101", host="PC-01", role="internet")
"""

from __future__ import annotations

import base64
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from secaudit.errors import SecauditError, UsageError
from secaudit.hq.store import Store
from secaudit.ids import HostRole
from secaudit.ledger import now_iso
from secaudit.report.keys import fingerprint, load_public_key
from secaudit.report.minisign import parse_public_key, raw_public

FINGERPRINT = re.compile(r"[0-9a-f]{32}")
ROLE_NAMES = {
    "internet": "internet",
    "互联网": "internet",
    "互联网计算机": "internet",
    "intranet": "intranet",
    "内网": "intranet",
    "内网计算机": "intranet",
    "非涉密": "intranet",
    "classified": "classified",
    "涉密": "classified",
    "涉密计算机": "classified",
}


@dataclass(frozen=True)
class Enrolled:
    fingerprint: str
    branch: str
    host: str
    action: str
    """``enrolled``, ``already`` (same key, same host: nothing to do), ``replaced``, ``pinned``."""


def role_id(text: str) -> str:
    role = ROLE_NAMES.get(text.strip().lower()) or ROLE_NAMES.get(text.strip())
    if role is None:
        allowed = ", ".join(r.value for r in HostRole)
        raise UsageError(f"unknown computer role {text!r} (one of {allowed}, or 互联网/内网/涉密)")
    return role


def key_from_text(text: str) -> Ed25519PublicKey | None:
    """A public key written in a cell: a minisign public key line (``RWQ…``); else None."""
    text = text.strip()
    if len(text) != 56 or not text.startswith("RW"):
        return None
    try:
        base64.b64decode(text, validate=True)
        return parse_public_key(text).public_key
    except (ValueError, SecauditError):
        return None


def enroll(
    store: Store,
    key: Path | Ed25519PublicKey,
    *,
    branch: str,
    host: str,
    role: str,
    branch_name: str = "",
    replace: bool = False,
) -> Enrolled:
    """Bind ``key`` to ``branch``/``host`` (creating the host in the roster)."""
    public = load_public_key(key) if isinstance(key, Path) else key
    fp = fingerprint(public)
    branch, host, role = _required(branch, "branch"), _required(host, "host"), role_id(role)
    with store.transaction() as db:
        upsert_host(db, branch, host, role, branch_name)
        owner = db.execute(
            "SELECT branch, host, retired FROM keys WHERE fingerprint = ?", (fp,)
        ).fetchone()
        if owner and (owner[0], owner[1]) != (branch, host):
            raise UsageError(
                f"key {fp} is already enrolled for host {owner[1]} of branch {owner[0]}; "
                "a key is bound to one host"
            )
        active = _active_key(db, branch, host)
        if owner and owner[2] is None:
            return Enrolled(fp, branch, host, "already")
        if owner:
            raise UsageError(f"key {fp} was retired from host {host}; it cannot come back")
        pinned = db.execute(
            "SELECT pinned FROM hosts WHERE branch = ? AND host = ?", (branch, host)
        ).fetchone()[0]
        if (active or (pinned and pinned != fp)) and not replace:
            current = active or pinned
            raise UsageError(
                f"host {host} of branch {branch} already has key {current}; "
                "re-keying must be explicit: enroll again with --replace"
            )
        now = now_iso()
        action = "replaced" if active or pinned and pinned != fp else "enrolled"
        if active:
            db.execute("UPDATE keys SET retired = ? WHERE fingerprint = ?", (now, active))
        db.execute(
            "INSERT INTO keys(fingerprint, public_key, branch, host, enrolled) VALUES (?,?,?,?,?)",
            (fp, raw_public(public), branch, host, now),
        )
        db.execute("UPDATE hosts SET pinned = NULL WHERE branch = ? AND host = ?", (branch, host))
        note = f"replaces {active or pinned}" if action == "replaced" else None
        _log(db, action, fp, branch, host, note)
    return Enrolled(fp, branch, host, action)


def pin(
    store: Store, fp: str, *, branch: str, host: str, role: str, branch_name: str = ""
) -> Enrolled:
    """Expect ``host`` to sign with the key of fingerprint ``fp`` (its file comes later)."""
    fp = fp.strip().lower()
    if not FINGERPRINT.fullmatch(fp):
        raise UsageError(f"not a key fingerprint (32 hex digits): {fp!r}")
    branch, host, role = _required(branch, "branch"), _required(host, "host"), role_id(role)
    with store.transaction() as db:
        upsert_host(db, branch, host, role, branch_name)
        owner = db.execute("SELECT branch, host FROM keys WHERE fingerprint = ?", (fp,)).fetchone()
        if owner and tuple(owner) != (branch, host):
            raise UsageError(f"key {fp} is already enrolled for host {owner[1]} of {owner[0]}")
        active = _active_key(db, branch, host)
        if owner or active == fp:
            return Enrolled(fp, branch, host, "already")
        if active:
            raise UsageError(f"host {host} of branch {branch} already has key {active}")
        db.execute("UPDATE hosts SET pinned = ? WHERE branch = ? AND host = ?", (fp, branch, host))
        _log(db, "pinned", fp, branch, host, None)
    return Enrolled(fp, branch, host, "pinned")


def keys_by_fingerprint(store: Store) -> dict[str, tuple[Ed25519PublicKey, str, str, str | None]]:
    """Every enrolled key: fingerprint → (public key, branch, host, retired)."""
    return {
        fp: (Ed25519PublicKey.from_public_bytes(raw), branch, host, retired)
        for fp, raw, branch, host, retired in store.db.execute(
            "SELECT fingerprint, public_key, branch, host, retired FROM keys"
        )
    }


def _required(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise UsageError(f"{what} must not be empty")
    return value


def upsert_host(
    db: sqlite3.Connection, branch: str, host: str, role: str, branch_name: str
) -> None:
    execute = db.execute
    execute("INSERT OR IGNORE INTO branches(id, name) VALUES (?, ?)", (branch, branch_name))
    if branch_name:
        execute("UPDATE branches SET name = ? WHERE id = ?", (branch_name, branch))
    execute(
        "INSERT INTO hosts(branch, host, role, expected) VALUES (?,?,?,1) "
        "ON CONFLICT(branch, host) DO UPDATE SET role = excluded.role, expected = 1",
        (branch, host, role),
    )


def _active_key(db: sqlite3.Connection, branch: str, host: str) -> str | None:
    row = db.execute(
        "SELECT fingerprint FROM keys WHERE branch = ? AND host = ? AND retired IS NULL",
        (branch, host),
    ).fetchone()
    return row[0] if row else None


def _log(
    db: sqlite3.Connection, action: str, fp: str, branch: str, host: str, note: str | None
) -> None:
    db.execute(
        "INSERT INTO key_log(ts, action, fingerprint, branch, host, note) VALUES (?,?,?,?,?,?)",
        (now_iso(), action, fp, branch, host, note),
    )
