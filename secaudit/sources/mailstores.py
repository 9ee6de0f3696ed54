"""Mail stores: where sent mail lies on disk, read incrementally, scanned as channel ``email``.

``find_mail_stores(cfg)`` expands ``agent.mail_stores`` (``~`` = every user's home) and finds:

- mbox files of Thunderbird/Icedove profiles named like a sent/outgoing folder
  (``Sent``, ``Outbox``, ``Drafts``, ``Unsent Messages``, ``已发送`` …; ``.msf`` indexes skipped)
  or an inbox-like one (``Inbox``, ``收件箱`` …);
- Maildir folders (``cur``/``new``) with such a name, or a configured path that is a Maildir
  (its INBOX) together with its Maildir++ subfolders (``.Sent``, ``.Sent Items`` …);
- folders holding ``.eml``/``.msg`` files.

Each message is judged as sent or received (:mod:`secaudit.sources.maildirection`): sent mail on
channel ``email`` with its recipients, received mail as a file this host stores.

``MailState`` remembers per store what was already read (mbox: inode + byte offset; Maildir and
.eml folders: the names seen) plus a digest of every message scanned, so a compacted mbox is not
reported twice. ``scan_mail_once`` scans only new messages, each with its ``MailMeta``, and
records ``mail_scanned``. Add a folder name to ``maildirection.SENT_NAMES`` or ``RECEIVED_NAMES``
to read another folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
from collections.abc import Iterator
from dataclasses import dataclass, replace
from email import policy as email_policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from secaudit.config import AgentConfig, Config
from secaudit.ledger import Ledger
from secaudit.model import Level, MailMeta, ScanContext
from secaudit.sources.maildirection import (
    direction,
    folder_kind,
    judged_channel,
    own_addresses,
)

MAIL_SUFFIXES = (".eml", ".msg")
_MAX_DIGESTS = 50000
_MAX_WALK_DEPTH = 8


def user_homes() -> list[Path]:
    homes = {Path(p.pw_dir) for p in pwd.getpwall() if p.pw_dir not in ("", "/")}
    return sorted(h for h in homes if h.is_dir())


def expand_user_globs(patterns: tuple[str, ...] | list[str]) -> list[Path]:
    """``~/x`` becomes ``<home>/x`` for every user's home; other globs expand as they are."""
    out: list[Path] = []
    for pat in patterns:
        if pat.startswith("~"):
            rest = pat[1:].lstrip("/")
            bases = [h / rest if rest else h for h in user_homes()]
        else:
            bases = [Path(pat)]
        for base in bases:
            matches = sorted(Path("/").glob(str(base)[1:])) if any(c in str(base) for c in "*?[") \
                else [base]
            out.extend(m for m in matches if m.exists())
    return list(dict.fromkeys(out))


def _is_sent_name(name: str) -> bool:
    """A sent/outgoing or inbox-like folder name (both are read; the direction is judged)."""
    return folder_kind(name) is not None


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def find_mail_stores(cfg: AgentConfig) -> list[Path]:
    """mbox files, Maildir folders and .eml/.msg folders under the configured mail stores."""
    stores: list[Path] = []
    for root in expand_user_globs(cfg.mail_stores):
        if root.is_file():
            stores.append(root)
            continue
        if _is_maildir(root):  # its INBOX, and its Maildir++ folders (.Sent, .Drafts …)
            stores.append(root)
            stores.extend(sub for sub in sorted(root.iterdir())
                          if sub.name.startswith(".") and _is_maildir(sub))
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath)
            if len(here.relative_to(root).parts) >= _MAX_WALK_DEPTH:
                dirnames.clear()
            if _is_maildir(here):
                if _is_sent_name(here.name):
                    stores.append(here)
                dirnames[:] = [d for d in dirnames if d not in ("cur", "new", "tmp")]
                continue
            stores.extend(here / f for f in filenames if _is_sent_name(f))
            if any(f.lower().endswith(MAIL_SUFFIXES) for f in filenames):
                stores.append(here)
    return list(dict.fromkeys(stores))


@dataclass(frozen=True, slots=True)
class MailItem:
    """One message read from a store."""

    data: bytes
    name: str
    """File name handed to the scanner (``message.eml`` for mbox entries)."""
    display: str
    """Where it lies, for evidence (``…/Sent#offset`` or the file path)."""
    folder: str
    key: str
    """What ``MailState`` remembers once it is done (offset or file name)."""


class MailState:
    """What was already read from each store, kept as JSON in the cache folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}
        self.data.setdefault("stores", {})
        self.data.setdefault("digests", [])
        self._digests = set(self.data["digests"])

    def store(self, path: Path) -> dict[str, Any]:
        return self.data["stores"].setdefault(str(path), {})

    def is_seen(self, digest: str) -> bool:
        return digest in self._digests

    def mark(self, digest: str) -> None:
        if digest not in self._digests:
            self._digests.add(digest)
            self.data["digests"].append(digest)
            del self.data["digests"][:-_MAX_DIGESTS]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)


def _mbox_messages(path: Path, st: dict[str, Any]) -> Iterator[MailItem]:
    info = path.stat()
    offset = st.get("offset", 0)
    if st.get("inode") != info.st_ino or info.st_size < offset:
        offset = 0  # rewritten (compacted) or new: digests keep old messages from counting twice
    st["inode"] = info.st_ino
    with path.open("rb") as fh:
        fh.seek(offset)
        data = fh.read()
    if not data.endswith(b"\n\n"):  # mbox entries end with a blank line; else still being written
        cut = data.rfind(b"\nFrom ")
        data = data[: cut + 1] if cut >= 0 else b""
    starts = [0] if data.startswith(b"From ") else []
    pos = data.find(b"\nFrom ")
    while pos >= 0:
        starts.append(pos + 1)
        pos = data.find(b"\nFrom ", pos + 1)
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(data)
        raw = data[start:end]
        body = raw.split(b"\n", 1)[1] if b"\n" in raw else b""
        yield MailItem(body, "message.eml", f"{path}#{offset + start}", path.name,
                       str(offset + end))
    if not starts:
        st["offset"] = offset + len(data) if not data.strip() else offset


def _file_messages(store: Path, st: dict[str, Any]) -> Iterator[MailItem]:
    seen = set(st.get("seen", []))
    if _is_maildir(store):
        files = [f for sub in ("new", "cur") for f in sorted((store / sub).glob("*"))]
    else:
        files = sorted(f for f in store.iterdir() if f.name.lower().endswith(MAIL_SUFFIXES))
    for f in files:
        try:
            info = f.stat()
        except OSError:
            continue
        base = f.name.split(":2,", 1)[0]
        key = base if _is_maildir(store) else f"{f.name}:{info.st_size}:{info.st_mtime_ns}"
        if key in seen or not f.is_file():
            continue
        try:
            data = f.read_bytes()
        except OSError:
            continue
        name = f.name if f.name.lower().endswith(".msg") else "message.eml"
        yield MailItem(data, name, str(f), store.name, key)


def iter_new_messages(store: Path, state: MailState) -> Iterator[MailItem]:
    """Messages of ``store`` not read before; ``state`` is advanced by ``commit``."""
    st = state.store(store)
    if store.is_file():
        yield from _mbox_messages(store, st)
    elif store.is_dir():
        yield from _file_messages(store, st)


def commit(store: Path, state: MailState, item: MailItem) -> None:
    st = state.store(store)
    if store.is_file():
        st["offset"] = int(item.key)
    else:
        st.setdefault("seen", []).append(item.key)


def message_meta(data: bytes, folder: str) -> MailMeta:
    """Message metadata via the mail extractor (``secaudit.extract.mail.mail.mail_meta``)."""
    try:
        from secaudit.extract.mail.mail import mail_meta

        meta = mail_meta(data)
    except Exception:  # the extractor may be absent or the message odd: headers parsed here
        meta = _header_meta(data)
    return replace(meta, folder=folder)


def _header_meta(data: bytes) -> MailMeta:
    try:
        msg = BytesParser(policy=email_policy.default).parsebytes(data, headersonly=True)
        to = [str(a) for h in ("to", "cc", "bcc") for a in (msg.get_all(h) or [])]
        return MailMeta(
            message_id=str(msg.get("message-id", "")).strip(),
            date=str(msg.get("date", "")),
            sender=str(msg.get("from", "")),
            recipients=tuple(to),
            subject=str(msg.get("subject", "")),
        )
    except Exception:
        return MailMeta()


def attachment_names(data: bytes) -> list[str]:
    """Attachment file names of one message (``.eml`` or Outlook ``.msg`` bytes)."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        from secaudit.extract.mail.mail_msg import msg_attachment_names

        return msg_attachment_names(data)
    try:
        msg = BytesParser(policy=email_policy.default).parsebytes(data)
        return [part.get_filename() or "" for part in msg.iter_attachments()]  # type: ignore[attr-defined]
    except Exception:
        return []


def scan_mail_once(
    scanner: Any, policy: Any, config: Config, ledger: Ledger, stores: list[Path],
    *, connected: bool | None = None, state: MailState | None = None,
) -> list[dict[str, Any]]:
    """Scan every new message of ``stores`` as channel email; record ``mail_scanned`` each."""
    state = state or MailState(config.home.cache_dir / "mailstores.json")
    results: list[dict[str, Any]] = []
    for store in stores:
        try:
            for item in iter_new_messages(store, state):
                results.extend(_scan_item(scanner, config, ledger, store, item, state, connected))
                commit(store, state, item)
                state.save()
        except OSError:
            continue  # vanished or unreadable store: tried again next time
    state.save()
    return results


def _scan_item(
    scanner: Any, config: Config, ledger: Ledger, store: Path, item: MailItem,
    state: MailState, connected: bool | None,
) -> list[dict[str, Any]]:
    digest = hashlib.sha256(item.data).hexdigest()
    if not item.data.strip() or state.is_seen(digest):
        return []
    meta = message_meta(item.data, item.folder)
    way = direction(store, item.folder, meta, item.data,
                    own_addresses(store, config.agent.mail_addresses))
    meta = replace(meta, direction=way)
    ctx = ScanContext(channel=judged_channel(way, config.host.role), host_role=config.host.role,
                      hostname=config.hostname, connected=connected, mail=meta)
    run = scanner.scan_blob(item.name, item.data, ctx, trigger="mail", display_path=item.display)
    level = Level.highest(f.classification for f in run.files)
    summary = {
        "mail": meta.to_json(),
        "store": str(store),
        "path": item.display,
        "direction": way,
        "attachments": attachment_names(item.data),
        "classification": level.value,
        "violations": len(run.violations),
        "scan_id": run.scan_id,
    }
    ledger.append("mail_scanned", summary)
    state.mark(digest)
    return [summary]
