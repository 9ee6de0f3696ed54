"""Outlook ``.msg`` files (mails, appointments, posts) with extract-msg.

8-bit (PT_STRING8) properties are decoded with the message's own code page
(PR_MESSAGE_CODEPAGE, else PR_INTERNET_CPID; 936/GB2312 widened to GB18030); when neither is set
the code page is guessed from the subject/body bytes. Body: plain text, else HTML, else RTF.
Attachments (embedded ``.msg`` included, re-exported as bytes) go to ``ctx.recurse``.
extract-msg is imported only inside these functions (it is slow to import).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from secaudit.context import MailMeta
from secaudit.errors import CorruptError, EncryptedError
from secaudit.extract.base import ExtractContext
from secaudit.extract.mail.mail_decode import body_chunks
from secaudit.extract.members import MemberCounter, safe_member_name
from secaudit.extract.text.text import best_encoding, normalize_encoding
from secaudit.model import ErrorReason, Location, TextChunk

_CODEPAGE_PROPS = ("3FFD0003", "3FDE0003")
_RAW_TEXT_STREAMS = ("__substg1.0_0037001E", "__substg1.0_1000001E", "__substg1.0_0C1A001E")
_CODEPAGE_ALIASES = {936: "gb18030", 54936: "gb18030", 20936: "gb18030", 950: "cp950",
                     65001: "utf-8", 1200: None, 1201: None}


def open_msg(data: bytes) -> Any:
    """An extract-msg object with the right code page for 8-bit strings."""
    import extract_msg

    try:
        msg = extract_msg.openMsg(data, strict=False, delayAttachments=True)
    except Exception as exc:  # noqa: BLE001 - extract-msg raises many unrelated types
        if "encrypt" in str(exc).lower():
            raise EncryptedError(f"encrypted .msg: {exc}"[:300]) from exc
        detail = f"not a readable Outlook .msg: {type(exc).__name__}: {exc}"[:300]
        raise CorruptError(detail) from exc
    if msg.areStringsUnicode:
        return msg
    codec = _message_codec(msg)
    if codec and codec != msg.stringEncoding:
        msg.close()
        msg = extract_msg.openMsg(data, strict=False, delayAttachments=True, overrideEncoding=codec)
    return msg


def _message_codec(msg: Any) -> str | None:
    for prop_id in _CODEPAGE_PROPS:
        prop = msg.props.get(prop_id)
        value = getattr(prop, "value", None)
        if isinstance(value, int) and value > 0:
            if value in _CODEPAGE_ALIASES:
                return _CODEPAGE_ALIASES[value]
            codec = normalize_encoding(f"cp{value}")
            if codec:
                return codec
    sample = b"".join(msg.getStream(name) or b"" for name in _RAW_TEXT_STREAMS)
    return best_encoding(sample) if any(b > 0x7F for b in sample) else None


def _field(msg: Any, name: str) -> Any:
    try:
        return getattr(msg, name, None)
    except Exception:  # noqa: BLE001 - a damaged property must not lose the rest
        return None


def msg_meta(data: bytes) -> MailMeta:
    msg = open_msg(data)
    try:
        date = _field(msg, "date")
        recipients = [r for r in (_field(msg, "to"), _field(msg, "cc")) if r]
        return MailMeta(
            message_id=str(_field(msg, "messageId") or ""),
            date=date.isoformat() if hasattr(date, "isoformat") else str(date or ""),
            sender=str(_field(msg, "sender") or ""),
            recipients=tuple(a.strip() for r in recipients for a in str(r).split(";") if a.strip()),
            subject=str(_field(msg, "subject") or ""),
        )
    finally:
        msg.close()


def extract_msg_file(data: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    msg = open_msg(data)
    try:
        yield from _header_chunks(msg, ctx)
        yield from _body(msg, ctx)
        yield from _attachments(msg, ctx)
    finally:
        msg.close()


def _header_chunks(msg: Any, ctx: ExtractContext) -> Iterator[TextChunk]:
    subject = _field(msg, "subject")
    if subject:
        yield ctx.chunk(str(subject), Location.SUBJECT, standalone=True)
    date = _field(msg, "date")
    fields = (
        ("From", _field(msg, "sender")),
        ("To", _field(msg, "to")),
        ("Cc", _field(msg, "cc")),
        ("Date", date.isoformat() if hasattr(date, "isoformat") else date),
        ("Message-ID", _field(msg, "messageId")),
        ("Location", _field(msg, "location")),  # appointments
    )
    for key, value in fields:
        if value and isinstance(value, str):
            yield ctx.chunk(value.replace("\t", " "), Location.PROPERTY, key=key)


def _body(msg: Any, ctx: ExtractContext) -> Iterator[TextChunk]:
    readers: tuple[tuple[str, Callable[[Any], Iterator[TextChunk]]], ...] = (
        ("body", lambda v: body_chunks(v.encode("utf-8"), "text/plain", "utf-8", ctx)),
        ("htmlBody", lambda v: body_chunks(v, "text/html", None, ctx)),
        ("rtfBody", lambda v: _rtf_chunks(v, ctx)),
    )
    failures = []
    for name, reader in readers:
        try:
            value = getattr(msg, name)
            if not value or (isinstance(value, str) and not value.strip()):
                continue
            yield from reader(value)
            return
        except Exception as exc:  # noqa: BLE001 - try the next body representation
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
    if failures:
        ctx.error(ErrorReason.CORRUPT, ("message body unreadable: " + "; ".join(failures))[:300])


def _rtf_chunks(rtf: bytes, ctx: ExtractContext) -> Iterator[TextChunk]:
    from secaudit.extract.office.rtf import extract_rtf

    for chunk in extract_rtf(rtf, ctx):
        if chunk.location is Location.BODY:
            yield chunk


def _attachments(msg: Any, ctx: ExtractContext) -> Iterator[TextChunk]:
    try:
        attachments = list(msg.attachments)
    except Exception as exc:  # noqa: BLE001 - damaged attachment storage
        ctx.error(ErrorReason.CORRUPT, f"attachments unreadable: {type(exc).__name__}: {exc}"[:300])
        return
    counter = MemberCounter(ctx)
    for number, attachment in enumerate(attachments, start=1):
        if not counter.admit():
            return
        name = _attachment_name(attachment, number)
        try:
            payload = _attachment_bytes(attachment)
        except Exception as exc:  # noqa: BLE001 - one bad attachment, go on with the next
            ctx.error(ErrorReason.CORRUPT, f"attachment unreadable: {exc}"[:300],
                      member=ctx.member_path(name))
            continue
        if payload is None:
            ctx.error(ErrorReason.UNSUPPORTED, "attachment kind without data (link or OLE object)",
                      member=ctx.member_path(name))
            continue
        yield from ctx.recurse(name, payload)


def msg_attachment_names(data: bytes) -> list[str]:
    """Names of a ``.msg``'s attachments as the extractor names its members; ``[]`` when the
    message cannot be opened (the scan of it records why)."""
    try:
        msg = open_msg(data)
    except (CorruptError, EncryptedError):
        return []
    try:
        return [_attachment_name(a, n) for n, a in enumerate(msg.attachments, start=1)]
    except Exception:  # noqa: BLE001 - damaged attachment storage: the scan reports it
        return []
    finally:
        msg.close()


def _attachment_name(attachment: Any, number: int) -> str:
    name = None
    for attr in ("name", "longFilename", "shortFilename", "displayName"):
        name = _field(attachment, attr)
        if name:
            break
    if not name:
        return f"attachment-{number}.bin"
    return safe_member_name(str(name))[0].replace("/", "_")


def _attachment_bytes(attachment: Any) -> bytes | None:
    data = attachment.data
    if isinstance(data, bytes):
        return data
    if hasattr(data, "exportBytes"):
        return bytes(data.exportBytes())
    return None
