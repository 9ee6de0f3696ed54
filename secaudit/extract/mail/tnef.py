"""TNEF (``winmail.dat``): the envelope Outlook and Exchange wrap rich-text mail in.

When Outlook sends a rich-text message to another mail system, the real attachments travel
inside one ``application/ms-tnef`` part named ``winmail.dat``; a marked file sent that way is
invisible unless the envelope is opened. tnefparse reads it; the subject and plain body become
``subject``/``body`` chunks, an HTML body and every attachment are recursed as members
(``winmail.dat/方案.docx``) under the usual member limits. Names written in the sender's OEM
code page (GBK on Chinese Windows) are decoded as zip member names are.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any

from secaudit.errors import CorruptError
from secaudit.extract.base import ExtractContext
from secaudit.extract.members import (
    MemberCounter,
    admit_member,
    decode_legacy_name,
    flag_unsafe_name,
    safe_member_name,
)
from secaudit.extract.text.text import decode_text
from secaudit.model import ErrorReason, Location, TextChunk

TNEF_MAGIC = b"\x78\x9f\x3e\x22"
_SUBJECT = 0x8004


def extract_tnef(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    import tnefparse

    damage = structure_damage(data)
    try:
        tnef = tnefparse.TNEF(data, do_checksum=False)
    except Exception as exc:  # noqa: BLE001 - tnefparse raises many types on a damaged stream
        raise CorruptError(f"damaged TNEF envelope (winmail.dat): {damage or exc}"[:300]) from exc
    if damage:
        ctx.error(ErrorReason.CORRUPT, f"damaged TNEF envelope (winmail.dat): {damage}")
    for prop in tnef.msgprops:
        if prop.name == _SUBJECT and isinstance(prop.data, str) and prop.data.strip():
            yield ctx.chunk(prop.data.strip(), Location.SUBJECT)
    body = _text(tnef.body)
    for index, line in enumerate(ln.strip() for ln in body.splitlines() if ln.strip()):
        yield ctx.chunk(line, index=index, standalone=True)
    if tnef.htmlbody:
        html = tnef.htmlbody if isinstance(tnef.htmlbody, bytes) else tnef.htmlbody.encode()
        yield from ctx.recurse("message.html", html)
    counter = MemberCounter(ctx)
    for number, attachment in enumerate(tnef.attachments, start=1):
        if not counter.admit():
            return
        yield from _attachment(attachment, number, ctx)


def structure_damage(data: bytes) -> str:
    """Why the attribute chain of a TNEF stream does not add up (tnefparse reads a cut or
    padded stream without complaint), or ``""``."""
    pos = 6
    while pos < len(data):
        if pos + 11 > len(data):
            return f"{len(data) - pos} stray bytes after the last attribute"
        (length,) = struct.unpack_from("<I", data, pos + 5)
        if pos + 11 + length > len(data):
            return f"attribute at byte {pos} claims {length} bytes, {len(data) - pos - 11} left"
        pos += 11 + length
    return ""


def _attachment(attachment: Any, number: int, ctx: ExtractContext) -> Iterator[TextChunk]:
    raw = _name(attachment) or f"attachment-{number}.bin"
    display, unsafe = safe_member_name(raw)
    if unsafe:
        flag_unsafe_name(ctx, raw, display)
    payload = attachment.data if isinstance(attachment.data, bytes) else b""
    if admit_member(ctx, display, len(payload)):
        ctx.charge(len(payload))
        yield from ctx.recurse(display, payload)


def _name(attachment: Any) -> str:
    """The long (Unicode) file name, else the short one in the sender's code page."""
    try:
        long_name = attachment.long_filename()
    except (UnicodeDecodeError, AttributeError):
        long_name = ""
    if isinstance(long_name, str) and long_name.strip("\x00").strip():
        return long_name.strip("\x00").strip()
    short = getattr(attachment, "_name", b"")
    if isinstance(short, bytes):
        return decode_legacy_name(short.rstrip(b"\x00")).strip()
    return str(short).strip("\x00").strip()


def _text(value: bytes | str | None) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        return value
    return decode_text(value.rstrip(b"\x00"))
