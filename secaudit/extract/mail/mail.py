"""E-mail extractors: ``.eml``/``.mht`` (MIME), mbox mailboxes and Outlook ``.msg``.

A message yields its Subject (``subject`` chunk), From/To/Cc/Date/Message-ID (``property`` chunks
keyed by the header name, kept as evidence), its text/plain and text/html bodies (``body``), and
hands every attachment and attached message (``message/rfc822``) to ``ctx.recurse`` so that
marked files sent as attachments are read like any other file; so are files uuencoded into a
plain-text body (:mod:`.mail_uu`). Charsets: see
:mod:`.mail_decode`. ``.msg`` lives in :mod:`.mail_msg` (its
library is slow to import). :func:`mail_meta` gives the agent a message's evidence metadata.

To read another mail container, split it into RFC 822 messages and recurse each as ``.eml``.
"""

from __future__ import annotations

import email
import email.policy
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message

from secaudit.context import MailMeta
from secaudit.extract.base import ExtractContext
from secaudit.extract.mail.mail_decode import (
    addresses,
    body_chunks,
    decode_header_value,
    part_filename,
    raw_header,
    raw_headers,
)
from secaudit.extract.mail.mail_uu import uu_files, without_blocks
from secaudit.extract.members import MemberCounter, safe_member_name
from secaudit.model import ErrorReason, Location, TextChunk

PROPERTY_HEADERS = ("From", "To", "Cc", "Date", "Message-ID")


@dataclass(frozen=True, slots=True)
class _Part:
    """One leaf of a MIME tree, reduced to what the extractor needs."""

    content_type: str
    charset: str | None
    filename: str | None
    payload: bytes
    attached: bool
    """True for attachments and attached messages (recursed), False for body text."""
    sealed: str = ""
    """Why the part cannot be read (S/MIME or PGP encryption), or ``""``."""


# ------------------------------------------------------------------------------------ .eml


def _parse_with_leaves(data: bytes) -> tuple[Message, list[_Part]]:
    """The parsed message and its leaves. The ``compat32`` policy keeps headers as raw strings:
    :mod:`.mail_decode` decodes them itself (GBK in raw 8-bit headers, broken encoded words),
    and the modern policy's header objects cost ~1.5 ms per message for nothing read here."""
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    return msg, _leaves(msg)


def extract_eml(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    """Headers, bodies and attachments of one MIME message (``.eml`` and ``.mht``)."""
    msg, parts = _parse_with_leaves(data)
    yield from header_chunks(msg, ctx)
    counter = MemberCounter(ctx)
    body_index = 0
    for number, part in enumerate(parts, start=1):
        if part.sealed:
            reason = ErrorReason.UNSUPPORTED if "signed" in part.sealed else ErrorReason.ENCRYPTED
            ctx.error(reason, f"{part.sealed}; content not examined")
            continue
        if not part.attached and _PGP_BLOCK in part.payload:
            ctx.error(ErrorReason.ENCRYPTED, "PGP-encrypted text in the message body; not examined")
        if part.attached:
            if counter.admit():
                yield from ctx.recurse(_attachment_name(part, number), part.payload)
            continue
        payload = part.payload
        if part.content_type == "text/plain" and b"begin" in payload:
            files = uu_files(payload)
            for found in files:
                if counter.admit():
                    name = safe_member_name(found.name)[0].replace("/", "_")
                    yield from ctx.recurse(name, found.data)
            payload = without_blocks(payload, files)
        for chunk in body_chunks(payload, part.content_type, part.charset, ctx, body_index):
            body_index = chunk.index + 1
            yield chunk


def header_chunks(msg: Message, ctx: ExtractContext) -> Iterator[TextChunk]:
    subject = decode_header_value(raw_header(msg, "Subject"))
    if subject:
        yield ctx.chunk(subject, Location.SUBJECT, standalone=True)
    for name in PROPERTY_HEADERS:
        values = raw_headers(msg, name)
        if name in ("From", "To", "Cc"):
            text = ", ".join(addresses(values))
        else:
            text = decode_header_value(values[0]) if values else ""
        if text:
            yield ctx.chunk(text, Location.PROPERTY, key=name)


def _leaves(msg: Message) -> list[_Part]:
    out: list[_Part] = []
    _collect(msg, out)
    return out


def _collect(part: Message, out: list[_Part]) -> None:
    ctype = part.get_content_type()
    sealed = _sealed(part, ctype)
    if sealed:
        out.append(_Part(ctype, None, part_filename(part), b"", True, sealed))
        return
    if part.is_multipart() and ctype != "message/rfc822":
        for sub in part.get_payload():
            if isinstance(sub, Message):
                _collect(sub, out)
        return
    filename = part_filename(part)
    if ctype.startswith("multipart/"):  # defective: no boundary found, read it as text
        ctype = "text/plain"
    if ctype == "message/rfc822":
        out.append(_Part(ctype, None, filename, _attached_message_bytes(part), True))
        return
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        payload = str(part.get_payload()).encode("utf-8", "surrogateescape")
    disposition = (part.get_content_disposition() or "").lower()
    is_body = ctype.startswith("text/") and not filename and disposition != "attachment"
    out.append(_Part(ctype, part.get_content_charset(), filename, payload, not is_body))


_PGP_BLOCK = b"-----BEGIN PGP MESSAGE-----"
_SMIME_TYPES = ("application/pkcs7-mime", "application/x-pkcs7-mime")


def _sealed(part: Message, ctype: str) -> str:
    """Why an encrypted part (S/MIME enveloped data, PGP/MIME) cannot be read, or ``""``."""
    if ctype == "multipart/encrypted":
        return f"{part.get_param('protocol') or 'PGP'}-encrypted message (multipart/encrypted)"
    if ctype in _SMIME_TYPES:
        kind = str(part.get_param("smime-type") or "").lower()
        if kind == "signed-data":
            return "S/MIME opaque-signed message (smime.p7m): its content is inside the signature"
        return "S/MIME-encrypted message (smime.p7m)"
    return ""


def _attached_message_bytes(part: Message) -> bytes:
    inner = part.get_payload()
    message = inner[0] if isinstance(inner, list) and inner else inner
    if isinstance(message, Message):
        try:
            return message.as_bytes(policy=email.policy.compat32)
        except Exception:  # noqa: BLE001 - re-serialising a defective message
            return str(message).encode("utf-8", "surrogateescape")
    return str(message or "").encode("utf-8", "surrogateescape")


def _attachment_name(part: _Part, number: int) -> str:
    if part.filename:
        return safe_member_name(part.filename)[0].replace("/", "_")
    if part.content_type == "message/rfc822":
        return f"attached-message-{number}.eml"
    extension = mimetypes.guess_extension(part.content_type) or ".bin"
    return f"part-{number}{extension}"


# ------------------------------------------------------------------------------------ meta


def mail_meta(msg_bytes: bytes) -> MailMeta:
    """Evidence metadata of one message (``.eml`` bytes, or ``.msg`` bytes)."""
    if msg_bytes.startswith(b"\xd0\xcf\x11\xe0"):
        from secaudit.extract.mail.mail_msg import msg_meta

        return msg_meta(msg_bytes)
    msg = email.message_from_bytes(msg_bytes, policy=email.policy.compat32)
    return MailMeta(
        message_id=decode_header_value(raw_header(msg, "Message-ID")),
        date=decode_header_value(raw_header(msg, "Date")),
        sender=", ".join(addresses(raw_headers(msg, "From"))),
        recipients=tuple(addresses(raw_headers(msg, "To") + raw_headers(msg, "Cc"))),
        subject=decode_header_value(raw_header(msg, "Subject")),
    )


# ------------------------------------------------------------------------------------ mbox

_FROM_LINE = re.compile(rb"^From ", re.M)
_CONTENT_LENGTH = re.compile(rb"^Content-Length:[ \t]*(\d+)[ \t]*\r?$", re.M | re.I)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_UNSAFE_NAME = re.compile(r"[^\w\u4e00-\u9fff-]+")


def split_mbox(data: bytes) -> Iterator[bytes]:
    """Messages of an mbox (From_ lines; ``Content-Length`` honoured when it fits)."""
    pos = _FROM_LINE.search(data)
    start = pos.start() if pos else 0
    while start < len(data):
        line_end = data.find(b"\n", start)
        if line_end < 0:
            return
        body_from = line_end + 1
        end = _message_end(data, body_from)
        yield data[body_from:end]
        start = end
        while data.startswith((b"\n", b"\r\n"), start):
            start += 1 if data[start] == 0x0A else 2


def _message_end(data: bytes, msg_start: int) -> int:
    headers_end = _HEADER_END.search(data, msg_start)
    if headers_end:
        length = _CONTENT_LENGTH.search(data, msg_start, headers_end.start())
        if length:
            end = headers_end.end() + int(length.group(1))
            rest = data[end : end + 7].lstrip(b"\r\n")
            if end <= len(data) and (end == len(data) or rest.startswith(b"From ")):
                return end
    search_from = headers_end.end() if headers_end else msg_start
    nxt = _FROM_LINE.search(data, search_from)
    return nxt.start() if nxt else len(data)


def extract_mbox(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    """Each message of an mbox is recursed as ``message-<n>-<subject>.eml``."""
    counter = MemberCounter(ctx)
    for number, message in enumerate(split_mbox(data), start=1):
        if not message.strip():
            continue
        if not counter.admit():
            return
        ctx.check_time()
        yield from ctx.recurse(_message_member_name(message, number), message)


def _message_member_name(message: bytes, number: int) -> str:
    headers = email.message_from_bytes(
        message[:65536].split(b"\n\n", 1)[0], policy=email.policy.compat32
    )
    subject = decode_header_value(raw_header(headers, "Subject"))
    slug = _UNSAFE_NAME.sub("_", subject).strip("_.")[:40]
    return f"message-{number}-{slug}.eml" if slug else f"message-{number}.eml"


def extract_msg(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    """Outlook ``.msg`` (see :mod:`secaudit.extract.mail.mail_msg`; imported lazily)."""
    from secaudit.extract.mail.mail_msg import extract_msg_file

    yield from extract_msg_file(data, ctx)
