"""Builders of real test material: marked .docx files and e-mail messages with attachments."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

import docx


def marked_docx(marking: str = "机密★10年", title: str = "关于2025年信贷投放计划的通知") -> bytes:
    doc = docx.Document()
    doc.add_paragraph(marking)
    doc.add_paragraph(title)
    doc.add_paragraph("各支行：现将2025年信贷投放计划印发给你们，请认真贯彻执行。")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def marked_txt(marking: str = "机密★10年") -> bytes:
    return f"{marking}\n关于调整网点营业时间的通知\n各网点：请按新时间执行。\n".encode()


def message_with_attachment(
    attachment: bytes, filename: str, *, to: str = "partner@example.com",
    subject: str = "计划材料", msg_id: str = "<t1@rcb.example>",
) -> bytes:
    msg = EmailMessage()
    msg["From"] = "张三 <zhangsan@rcb.example>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = msg_id
    msg["Date"] = format_datetime(datetime(2026, 11, 29, 10, 0, tzinfo=UTC))
    msg.set_content("请查收附件。")
    msg.add_attachment(
        attachment, maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document", filename=filename,
    )
    return bytes(msg)


def mbox_entry(message: bytes) -> bytes:
    """One mbox (mboxo, as Thunderbird writes) entry: envelope line, message, blank line."""
    body = message.replace(b"\r\n", b"\n")
    body = b"\n".join(b">" + ln if ln.startswith(b"From ") else ln for ln in body.split(b"\n"))
    return b"From - Sat Nov 29 10:00:00 2026\n" + body.rstrip(b"\n") + b"\n\n"
