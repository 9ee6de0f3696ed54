"""Sent or received? How a message in a mail store is judged.

A marked attachment in the *Sent* folder was sent: it is judged on channel ``email`` with its
recipients (SEC-007/008/009). The same attachment in the *Inbox* was received: this host now
stores it, so it is judged like any file on the host — channel ``internet_host`` on an
internet-role host, else ``local`` (SEC-001…003, SEC-015) — never as "sent" against the
recipient. The direction comes from, in order:

1. the folder: sent/outgoing names (``Sent``, ``Sent Items``, ``已发送``, ``发件箱``, ``草稿箱`` …,
   Maildir++ ``.Sent``/``.Sent Items``) → sent; inbox-like names (``Inbox``, ``INBOX``, ``收件箱``,
   ``Junk``, ``Archives`` …) and the top folder of a Maildir (its INBOX) → received;
2. for ``.eml``/``.msg`` folders and other names: the headers against the host's own addresses
   (Thunderbird ``prefs.js`` identities, Evolution account sources, ``[agent] mail_addresses``):
   From one of them → sent; one of them among To/Cc → received; else a ``Received:`` header (put
   there by a mail server on delivery) → received, none → sent.
"""

from __future__ import annotations

import re
from email.utils import getaddresses
from functools import lru_cache
from pathlib import Path

from secaudit.model import Channel, HostRole, MailMeta

SENT_NAMES = frozenset(
    {"sent", "sent messages", "sent items", "sent mail", "outbox", "drafts", "unsent messages",
     "已发送", "已发送邮件", "发件箱", "草稿", "草稿箱"}
)
RECEIVED_NAMES = frozenset(
    {"inbox", "收件箱", "junk", "spam", "垃圾邮件", "archives", "archive", "归档", "已删除",
     "trash", "deleted items", "deleted messages"}
)
_PREF = re.compile(rb'user_pref\("mail\.identity\.[^"]+\.useremail",\s*"([^"]+)"\)')
_EVOLUTION = re.compile(rb"^Address=(\S+@\S+)\s*$", re.M)


def folder_kind(name: str) -> str | None:
    """``sent``, ``received`` or ``None`` (unknown) from a folder or mbox file name."""
    base = name.lstrip(".").strip().lower()
    if base in SENT_NAMES:
        return "sent"
    if base in RECEIVED_NAMES:
        return "received"
    return None


def _addresses(values: list[str] | tuple[str, ...]) -> set[str]:
    return {addr.lower() for _, addr in getaddresses([str(v) for v in values]) if "@" in addr}


@lru_cache(maxsize=64)
def _profile_addresses(folder: str) -> frozenset[str]:
    """Addresses of the mail accounts whose profile holds ``folder`` (Thunderbird, Evolution)."""
    found: set[str] = set()
    here = Path(folder)
    for parent in [here, *here.parents][:8]:
        prefs = parent / "prefs.js"
        if prefs.is_file():
            try:
                found |= {m.decode("utf-8", "replace").lower()
                          for m in _PREF.findall(prefs.read_bytes()[:4_000_000])}
            except OSError:
                pass
        sources = parent / "sources"
        if parent.name == "evolution" and sources.is_dir():
            for src in list(sources.glob("*.source"))[:200]:
                try:
                    found |= {m.decode("utf-8", "replace").lower()
                              for m in _EVOLUTION.findall(src.read_bytes()[:100_000])}
                except OSError:
                    pass
    return frozenset(found)


def own_addresses(store: Path, configured: tuple[str, ...] = ()) -> frozenset[str]:
    """The host's own mail addresses for a store (profile identities + configured ones)."""
    folder = store if store.is_dir() else store.parent
    evolution = Path(str(folder).split("/evolution/", 1)[0] + "/.config/evolution") \
        if "/evolution/" in str(folder) else None
    found = set(_profile_addresses(str(folder)))
    if evolution is not None:
        found |= _profile_addresses(str(evolution))
    return frozenset(found | _addresses(list(configured)))


def direction(store: Path, folder: str, meta: MailMeta, data: bytes,
              own: frozenset[str]) -> str:
    """``sent`` or ``received`` for one message of ``store`` (see the module docstring)."""
    kind = folder_kind(folder)
    if kind:
        return kind
    if store.is_dir() and (store / "cur").is_dir() and not store.name.startswith("."):
        return "received"  # the top folder of a Maildir is its INBOX
    if own:
        if _addresses([meta.sender]) & own:
            return "sent"
        if _addresses(list(meta.recipients)) & own:
            return "received"
    head = data.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
    return "received" if re.search(rb"(?im)^received:", head) else "sent"


def judged_channel(direction_: str, role: HostRole) -> Channel:
    """Sent mail is judged as sending (``email``); received mail as a file the host stores."""
    if direction_ == "sent":
        return Channel.EMAIL
    return Channel.INTERNET_HOST if role is HostRole.INTERNET else Channel.LOCAL
