"""Mail extraction: MIME messages built with the stdlib, mbox files, and real Outlook .msg files."""

from __future__ import annotations

import base64
import email.message
import io
import zipfile
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr
from pathlib import Path

import pytest

from secaudit.extract.mail.mail import mail_meta, split_mbox
from secaudit.extract.registry import Extraction, extract_bytes
from secaudit.limits import Limits
from secaudit.model import Location

MARKED = "机密★10年\n关于2024年信贷计划的通知\n"
GBK_ONLY = "朱镕基"  # 镕 is in GBK/GB18030, not in GB2312


def run(data: bytes, name: str, **limits: int) -> Extraction:
    return extract_bytes(data, name, limits=Limits(**limits))


def chunks_at(result: Extraction, location: Location, member: str | None = None) -> list[str]:
    return [c.text for c in result.chunks if c.location is location and c.member == member]


def props(result: Extraction, member: str | None = None) -> dict[str, str]:
    return {
        c.key or "": c.text
        for c in result.chunks
        if c.location is Location.PROPERTY and c.member == member
    }


def body(result: Extraction, member: str | None = None) -> str:
    return "\n".join(chunks_at(result, Location.BODY, member))


def gb2312_word(text: str) -> str:
    """An encoded-word that claims GB2312 but carries GBK bytes (what Foxmail/Outlook send)."""
    return "=?gb2312?B?" + base64.b64encode(text.encode("gbk")).decode() + "?="


def make_zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def build_message() -> bytes:
    msg = MIMEMultipart("mixed")
    msg["Subject"] = gb2312_word(f"（机密）{GBK_ONLY}讲话稿")
    whole_address = "张三 <zhangsan@bank.example>".encode()  # one encoded-word (sloppy clients)
    msg["From"] = "=?utf-8?b?" + base64.b64encode(whole_address).decode() + "?="
    msg["To"] = "lisi@bank.example"
    msg["Cc"] = formataddr(("王五", "wangwu@bank.example"), charset="gbk")
    msg["Date"] = "Mon, 02 Dec 2024 10:00:00 +0800"
    msg["Message-ID"] = "<test-1@bank.example>"
    alternative = MIMEMultipart("alternative")
    plain = MIMEText("", "plain", "gb2312")
    plain.set_payload(base64.b64encode(f"正文：{GBK_ONLY}\n".encode("gbk")).decode())
    plain.replace_header("Content-Transfer-Encoding", "base64")
    alternative.attach(plain)
    html = "<html><body><p>内部资料</p><div>第二行</div></body></html>"
    alternative.attach(MIMEText(html, "html", "utf-8"))
    msg.attach(alternative)
    attachment = MIMEApplication(make_zip({"（秘密）名单.txt": MARKED.encode("utf-8")}))
    attachment.add_header("Content-Disposition", "attachment", filename=("gbk", "", "资料.zip"))
    msg.attach(attachment)
    inner = MIMEText(MARKED, "plain", "utf-8")
    inner["Subject"] = Header("转发：计划", "utf-8")
    msg.attach(MIMEMessage(inner))
    return msg.as_bytes()


def test_eml_headers_bodies_attachments() -> None:
    result = run(build_message(), "a.eml")
    assert result.format == "eml"
    assert result.errors == ()
    assert chunks_at(result, Location.SUBJECT) == [f"（机密）{GBK_ONLY}讲话稿"]
    p = props(result)
    assert p["From"] == "张三 <zhangsan@bank.example>"
    assert p["Cc"] == "王五 <wangwu@bank.example>"
    assert p["To"] == "lisi@bank.example"
    assert p["Message-ID"] == "<test-1@bank.example>"
    assert p["Date"].startswith("Mon, 02 Dec 2024")
    text = body(result)
    assert f"正文：{GBK_ONLY}" in text
    assert "内部资料\n第二行" in text
    assert body(result, "资料.zip/（秘密）名单.txt").startswith("机密★10年")
    assert chunks_at(result, Location.SUBJECT, "attached-message-4.eml") == ["转发：计划"]
    assert body(result, "attached-message-4.eml").startswith("机密★10年")


def test_zip_in_zip_in_eml() -> None:
    inner_zip = make_zip({"（绝密）方案.txt": MARKED.encode("gbk")})
    outer_zip = make_zip({"inner.zip": inner_zip})
    msg = MIMEMultipart()
    msg["Subject"] = "nested"
    msg.attach(MIMEText("see attachment", "plain", "utf-8"))
    part = MIMEApplication(outer_zip)
    part.add_header("Content-Disposition", "attachment", filename="outer.zip")
    msg.attach(part)
    result = run(msg.as_bytes(), "n.eml")
    member = "outer.zip/inner.zip/（绝密）方案.txt"
    assert body(result, member).startswith("机密★10年")
    assert member in result.members


RAW_8BIT = (
    b"From: a@bank.example\r\n"
    b"To: b@bank.example\r\n"
    b"Subject: \xa3\xa8\xc4\xda\xb2\xbf\xa3\xa9\xd6\xdc\xb1\xa8\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="BB"\r\n\r\n'
    b"--BB\r\n"
    b"Content-Type: text/plain; charset=gb2312\r\n"
    b"Content-Transfer-Encoding: \r\n\r\n"
    b"\xd5\xfd\xce\xc4\xa3\xba\xd6\xec\xe9\x46\xbb\xf9\r\n"
    b"--BB\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b'Content-Disposition: attachment; filename="'
    + "（机密）名单.txt".encode("gbk")
    + b'"\r\n'
    b"Content-Transfer-Encoding: base64\r\n\r\n"
    + base64.b64encode("机密★5年\n".encode("gbk"))
    + b"\r\n--BB--\r\n"
)


def test_raw_8bit_gbk_headers_empty_cte_and_filename() -> None:
    result = run(RAW_8BIT, "raw.eml")
    assert chunks_at(result, Location.SUBJECT) == ["（内部）周报"]
    assert "正文：朱镕基" in body(result)
    assert body(result, "（机密）名单.txt").startswith("机密★5年")


def test_rfc2231_and_encoded_word_filenames() -> None:
    msg = MIMEMultipart()
    msg["Subject"] = "names"
    for filename in (("gbk", "", "（机密）甲.txt"), "=?gbk?B?" + base64.b64encode(
        "（机密）乙.txt".encode("gbk")).decode() + "?="):
        part = MIMEBase("application", "octet-stream")
        part.set_payload(b"content")
        part.add_header("Content-Disposition", "attachment", filename=filename)
        msg.attach(part)
    result = run(msg.as_bytes(), "names.eml")
    assert {"（机密）甲.txt", "（机密）乙.txt"} <= set(result.members)


def test_mht_reads_html() -> None:
    mht = (
        b"MIME-Version: 1.0\r\nSubject: page\r\n"
        b'Content-Type: multipart/related; boundary="X"\r\n\r\n--X\r\n'
        b"Content-Type: text/html; charset=gbk\r\nContent-Location: file:///c:/a.htm\r\n\r\n"
        + "<html><body><p>秘密★1年</p></body></html>".encode("gbk")
        + b"\r\n--X--\r\n"
    )
    result = run(mht, "page.mht")
    assert result.format == "mht"
    assert "秘密★1年" in body(result)


def test_attachment_member_limit() -> None:
    msg = MIMEMultipart()
    msg["Subject"] = "many"
    for i in range(4):
        part = MIMEApplication(b"x")
        part.add_header("Content-Disposition", "attachment", filename=f"f{i}.txt")
        msg.attach(part)
    result = run(msg.as_bytes(), "many.eml", max_members=2)
    assert [(e.reason.value, e.member) for e in result.errors] == [("limit", None)]
    assert result.members == ("f0.txt", "f1.txt")


def test_mail_meta() -> None:
    meta = mail_meta(build_message())
    assert meta.subject == f"（机密）{GBK_ONLY}讲话稿"
    assert meta.sender == "张三 <zhangsan@bank.example>"
    assert meta.recipients == ("lisi@bank.example", "王五 <wangwu@bank.example>")
    assert meta.message_id == "<test-1@bank.example>"
    assert meta.date.startswith("Mon, 02 Dec 2024")


# ------------------------------------------------------------------------------------ mbox

MBOX = (
    b"From alice@bank.example Mon Dec  2 10:00:00 2024\n"
    b"Subject: =?gbk?B?" + base64.b64encode("（机密）季度报告".encode("gbk")) + b"?=\n"
    b"Content-Length: 51\n\n"
    b"first body\nFrom the start this line is not a split\n"
    b"\n"
    b"From bob@bank.example Mon Dec  2 11:00:00 2024\n"
    b"Subject: second/../../evil\n\n"
    b"second body\n"
    b"\n"
    b"From carol@bank.example Mon Dec  2 12:00:00 2024\n"
    b"Subject: third\n\n"
    b"third body\n"
)


def test_split_mbox_honours_content_length() -> None:
    messages = list(split_mbox(MBOX))
    assert len(messages) == 3
    assert messages[0].endswith(b"From the start this line is not a split\n")


def test_mbox_members() -> None:
    result = run(MBOX, "inbox.mbox")
    assert result.format == "mbox"
    assert result.members == (
        "message-1-机密_季度报告.eml",
        "message-2-second_evil.eml",
        "message-3-third.eml",
    )
    assert "From the start" in body(result, "message-1-机密_季度报告.eml")
    limited = run(MBOX, "inbox.mbox", max_members=1)
    assert len(limited.members) == 1
    assert [(e.reason.value, e.member) for e in limited.errors] == [("limit", None)]


# ------------------------------------------------------------------------------------- msg


def test_msg_big5_code_page(samples: Path) -> None:
    result = run((samples / "msg_chinese_traditional_big5.msg").read_bytes(), "b.msg")
    assert "格式測試" in chunks_at(result, Location.SUBJECT)[0]
    assert "中文測試" in body(result)
    assert "張毓倫" in props(result)["From"]


def test_msg_cyrillic_and_meta(samples: Path) -> None:
    data = (samples / "msg_cyrillic_cp1251.msg").read_bytes()
    result = run(data, "c.msg")
    assert "Почта России" in chunks_at(result, Location.SUBJECT)[0]
    meta = mail_meta(data)
    assert "Почта России" in meta.subject
    assert meta.recipients == ("sviridov@niips.ru", "sviridov@niips.ru")


def test_msg_attachments_recursed(samples: Path) -> None:
    result = run((samples / "msg_with_pdf_attachment.msg").read_bytes(), "p.msg")
    assert "Test Attachment.msg" in result.members
    assert result.member_formats["Test Attachment.msg"] == "msg"
    assert "Blah blah" in body(result, "Test Attachment.msg")
    assert result.member_formats["smbprn.00009008.KdcPjl.pdf"] == "pdf"
    eml = run((samples / "msg_contains_eml.msg").read_bytes(), "e.msg")
    assert eml.member_formats["message.eml"] == "eml"
    assert chunks_at(eml, Location.SUBJECT, "message.eml") == ["test - inner attachment eml"]


def test_msg_appointment(samples: Path) -> None:
    result = run((samples / "msg_appointment.msg").read_bytes(), "a.msg")
    assert props(result)["Location"] == "under lazy dog"
    assert "meeting to discuss" in body(result)


def test_msg_corrupt(samples: Path) -> None:
    data = (samples / "msg_with_pdf_attachment.msg").read_bytes()
    result = run(data[:1536], "cut.msg")
    assert [e.reason.value for e in result.errors] == ["corrupt"]


@pytest.mark.parametrize("name", ["eml_foxmail_gb2312_subject.eml", "eml_mutt_gbk_subject.eml"])
def test_real_gb_subjects(samples: Path, name: str) -> None:
    result = run((samples / name).read_bytes(), name)
    subject = chunks_at(result, Location.SUBJECT)[0]
    assert "回复" in subject or "撤回" in subject


def _mime(ctype: str, payload: bytes, **params: str) -> bytes:
    msg = email.message.EmailMessage()
    msg["Subject"] = "加密邮件"
    msg["From"] = "a@rcb.example"
    msg["To"] = "b@example.org"
    maintype, subtype = ctype.split("/")
    msg.set_content(payload, maintype=maintype, subtype=subtype, params=params,
                    filename="smime.p7m" if "pkcs7" in ctype else None)
    return bytes(msg)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (_mime("application/pkcs7-mime", b"\x30\x82\x01\x00" + b"\x00" * 64,
               **{"smime-type": "enveloped-data"}), "encrypted"),
        (_mime("application/pkcs7-mime", b"\x30\x82\x01\x00" + b"\x00" * 64,
               **{"smime-type": "signed-data"}), "unsupported"),
        (b"From: a@rcb.example\r\nTo: b@example.org\r\nSubject: pgp\r\nMIME-Version: 1.0\r\n"
         b'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; '
         b'boundary="b"\r\n\r\n--b\r\nContent-Type: application/pgp-encrypted\r\n\r\n'
         b"Version: 1\r\n--b\r\nContent-Type: application/octet-stream\r\n\r\n"
         b"-----BEGIN PGP MESSAGE-----\r\nhQEMA\r\n-----END PGP MESSAGE-----\r\n--b--\r\n",
         "encrypted"),
        (b"From: a@rcb.example\r\nTo: b@example.org\r\nSubject: inline\r\n\r\n"
         b"-----BEGIN PGP MESSAGE-----\r\nhQEMA\r\n-----END PGP MESSAGE-----\r\n", "encrypted"),
    ],
    ids=["smime-enveloped", "smime-opaque-signed", "pgp-mime", "pgp-inline"],
)
def test_encrypted_mail_is_reported_not_silently_passed(raw: bytes, reason: str) -> None:
    result = extract_bytes(raw, "m.eml")
    assert [e.reason.value for e in result.errors] == [reason]
    assert "not examined" in result.errors[0].detail


def _uu_lines(data: bytes) -> bytes:
    import binascii

    return b"".join(binascii.b2a_uu(data[i : i + 45]) for i in range(0, len(data), 45))


def test_uuencoded_files_in_a_plain_body_are_read_as_attachments() -> None:
    """``uuencode`` output pasted into the body (classic and ``-m`` base64), GBK file name."""
    zipped = make_zip({"名单.txt": "秘密★5年\n客户名单".encode()})
    plan = "内部资料\n存款营销方案".encode()
    raw = (
        "请查收附件。\n\n".encode("gbk")
        + b"begin 644 " + "方案.zip".encode("gbk") + b"\n" + _uu_lines(zipped) + b"`\nend\n"
        + b"\nbegin-base64 600 plan.txt\n" + base64.encodebytes(plan) + b"====\n"
        + "此致".encode("gbk")
    )
    msg = (
        b"From: a@example.com\nTo: b@example.org\nSubject: uu\n"
        b"Content-Type: text/plain; charset=gbk\n\n" + raw
    )
    result = run(msg, "邮件.eml")
    assert result.errors == ()
    assert {"方案.zip", "方案.zip/名单.txt", "plan.txt"} <= set(result.members)
    assert body_of_member(result, "方案.zip/名单.txt").startswith("秘密★5年")
    assert body_of_member(result, "plan.txt").startswith("内部资料")
    text = body(result)
    assert "请查收附件。" in text and "此致" in text and "begin 644" not in text


def test_unterminated_uu_block_stays_body_text() -> None:
    msg = b"Subject: x\nContent-Type: text/plain\n\nbegin 644 a.txt\nM9&%T80``\n"
    result = run(msg, "a.eml")
    assert result.members == ()
    assert "begin 644 a.txt" in body(result)


def body_of_member(result: Extraction, member: str) -> str:
    return "\n".join(c.text for c in result.chunks
                     if c.member == member and c.location is Location.BODY)
