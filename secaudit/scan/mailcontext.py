"""The context an e-mail file is judged in when it is scanned as a file of its own.

An e-mail message scanned as channel ``email`` without known recipients (a ``.eml`` or ``.msg``
file given on the command line) is judged with its own headers (From, To, Cc …), so the rules on
external recipients apply to it as they do in the agent's mail path.
"""

from __future__ import annotations

import os
from dataclasses import replace

from secaudit.context import ScanContext
from secaudit.model import Channel, FileResult

__all__ = ["HEADERS_MAX", "context_for"]

HEADERS_MAX = 1024 * 1024
"""Bytes of a message read in the scanning process for its headers (the rest: the workers)."""


def context_for(ctx: ScanContext, result: FileResult) -> ScanContext:
    """``ctx`` with the message's own headers as its ``mail`` when it is an e-mail file scanned
    as channel ``email`` without known recipients; otherwise ``ctx`` itself."""
    if ctx.channel is not Channel.EMAIL or ctx.mail is not None:
        return ctx
    if result.format not in ("eml", "msg") or not result.sha256:
        return ctx
    from secaudit.extract.mail.mail import mail_meta
    from secaudit.scan.safeopen import open_top, read_capped

    try:
        fd, st = open_top(result.path)  # never through a link; a regular file
        try:
            head = read_capped(fd, HEADERS_MAX, length=min(st.st_size, HEADERS_MAX))
        finally:
            os.close(fd)
        return replace(ctx, mail=mail_meta(head))
    except Exception:  # noqa: BLE001 - unreadable headers: judge without recipients
        return ctx
