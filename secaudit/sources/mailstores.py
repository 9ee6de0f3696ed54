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
.eml folders: the names seen) plus a digest of every message scanned (its length and headers),
so a compacted mbox is not reported twice. ``scan_mail_once`` scans only new messages, each with
its ``MailMeta``, and records ``mail_scanned``. Add a folder name to ``maildirection.SENT_NAMES``
or ``RECEIVED_NAMES`` to read another folder. Stores are read as any scanned file is
(:mod:`.mailread`): no link followed, only regular files, messages read by the scan workers with
``max_file_size`` and their time limit.
"""

from __future__ import annotations

import json
import os
import pwd
from collections.abc import Iterator
from dataclasses import replace
from email import policy as email_policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from secaudit.config import AgentConfig, Config
from secaudit.ledger import Ledger
from secaudit.model import Level, MailMeta, ScanContext
from secaudit.scan.safeopen import Refused
from secaudit.sources.maildirection import (
    direction,
    folder_kind,
    judged_channel,
    own_addresses,
)
from secaudit.sources.mailread import (
    MAIL_SUFFIXES,
    MailItem,
    file_messages,
    header_digest,
    is_maildir,
    is_regular,
    mbox_messages,
    read_headers,
)

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
            out.extend(m for m in matches if m.exists() or m.is_symlink())
    return list(dict.fromkeys(out))


def _is_sent_name(name: str) -> bool:
    """A sent/outgoing or inbox-like folder name (both are read; the direction is judged)."""
    return folder_kind(name) is not None


_is_maildir = is_maildir


def find_mail_stores(cfg: AgentConfig) -> list[Path]:
    """mbox files, Maildir folders and .eml/.msg folders under the configured mail stores."""
    stores: list[Path] = []
    for root in expand_user_globs(cfg.mail_stores):
        if root.is_symlink():
            continue  # a user's link (~/.thunderbird → /root/…): never a store
        if is_regular(root):
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
            # only regular files: ``Sent`` → /proc/kmsg is no store (never opened)
            stores.extend(here / f for f in filenames if _is_sent_name(f) and is_regular(here / f))
            if any(f.lower().endswith(MAIL_SUFFIXES) for f in filenames):
                stores.append(here)
    return list(dict.fromkeys(stores))


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


def iter_new_messages(store: Path, state: MailState) -> Iterator[MailItem]:
    """Messages of ``store`` not read before; ``state`` is advanced by ``commit``."""
    st = state.store(store)
    if is_regular(store):
        yield from mbox_messages(store, st)
    elif store.is_dir() and not store.is_symlink():
        yield from file_messages(store, st)


def commit(store: Path, state: MailState, item: MailItem) -> None:
    st = state.store(store)
    if is_regular(store):
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
    """Scan every new message of ``stores`` as channel email; record ``mail_scanned`` each.

    Each message is read by a scan worker (``Scanner.scan_slice``), never here; a store that
    cannot be opened safely (a link, a special file) gets a ``file_error`` record once."""
    state = state or MailState(config.home.cache_dir / "mailstores.json")
    results: list[dict[str, Any]] = []
    for store in stores:
        try:
            for item in iter_new_messages(store, state):
                results.extend(_scan_item(scanner, config, ledger, store, item, state, connected))
                commit(store, state, item)
                state.save()
        except Refused as exc:
            _refused(ledger, state, store, exc)
        except OSError:
            continue  # vanished or unreadable store: tried again next time
    state.save()
    return results


def _refused(ledger: Ledger, state: MailState, store: Path, exc: Refused) -> None:
    st = state.store(store)
    if st.get("refused") == exc.detail:
        return  # recorded already
    st["refused"] = exc.detail
    error = {"reason": exc.reason.value, "detail": exc.detail, "member": None}
    ledger.append("file_error", {"scan_id": None, "path": str(store), "channel": "email",
                                 "errors": [error]})


def _scan_item(
    scanner: Any, config: Config, ledger: Ledger, store: Path, item: MailItem,
    state: MailState, connected: bool | None,
) -> list[dict[str, Any]]:
    head = read_headers(item)
    digest = header_digest(item, head)
    if item.length == 0 or (item.length <= len(head) and not head.strip()):
        return []
    if state.is_seen(digest):
        return []
    meta = message_meta(head, item.folder)
    way = direction(store, item.folder, meta, head,
                    own_addresses(store, config.agent.mail_addresses))
    meta = replace(meta, direction=way)
    ctx = ScanContext(channel=judged_channel(way, config.host.role), host_role=config.host.role,
                      hostname=config.hostname, connected=connected, mail=meta)
    run = scanner.scan_slice(item.name, item.file, item.offset, item.length, item.ident, ctx,
                             trigger="mail", display_path=item.display)
    level = Level.highest(f.classification for f in run.files)
    attachments = [m for r in run.results for m in r.members if "/" not in m]
    summary = {
        "mail": meta.to_json(),
        "store": str(store),
        "path": item.display,
        "direction": way,
        "attachments": attachments,
        "classification": level.value,
        "violations": len(run.violations),
        "scan_id": run.scan_id,
    }
    ledger.append("mail_scanned", summary)
    state.mark(digest)
    return [summary]
