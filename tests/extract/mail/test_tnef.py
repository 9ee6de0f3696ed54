"""TNEF (winmail.dat) envelopes, written attribute by attribute as Outlook lays them out."""

from __future__ import annotations

import email.message
import struct

from secaudit.detect.registry import build_detectors, detect
from secaudit.extract.registry import extract_bytes
from secaudit.extract.sniff import sniff
from secaudit.model import ErrorReason, Location

LVL_MESSAGE, LVL_ATTACHMENT = 1, 2


def attribute(level: int, name: int, kind: int, data: bytes) -> bytes:
    """level, attribute id (name, type), length, data, checksum (sum of the data bytes)."""
    return (struct.pack("<BHHI", level, name, kind, len(data)) + data
            + struct.pack("<H", sum(data) & 0xFFFF))


def winmail(attachments: list[tuple[bytes, bytes]], subject: bytes = b"") -> bytes:
    """A TNEF stream: version, OEM code page 936 (GBK), subject, then each attachment's
    rendering data, title (file name in GBK) and data."""
    out = struct.pack("<IH", 0x223E9F78, 0x0101)
    out += attribute(LVL_MESSAGE, 0x9006, 0x0008, struct.pack("<I", 0x00010000))
    out += attribute(LVL_MESSAGE, 0x9007, 0x0006, struct.pack("<II", 936, 0))
    if subject:
        out += attribute(LVL_MESSAGE, 0x8004, 0x0001, subject + b"\x00")
    for name, data in attachments:
        out += attribute(LVL_ATTACHMENT, 0x9002, 0x0006, b"\x01\x00" + b"\xff" * 12)
        out += attribute(LVL_ATTACHMENT, 0x8010, 0x0001, name + b"\x00")
        out += attribute(LVL_ATTACHMENT, 0x800F, 0x0006, data)
    return out


MARKED = "秘密★5年\n关于调整存款利率的方案".encode()


def test_attachments_inside_winmail_dat_are_read() -> None:
    data = winmail([("利率方案.txt".encode("gbk"), MARKED), (b"readme.txt", b"hello")],
                   subject="方案请审阅".encode("gbk"))
    assert sniff(data, "winmail.dat") == "tnef"
    result = extract_bytes(data, "winmail.dat")
    assert result.errors == ()
    assert result.members == ("利率方案.txt", "readme.txt")
    marks = [f for f in detect(list(result.chunks), build_detectors()) if f.kind == "marking"]
    assert [(f.member, f.level.value) for f in marks] == [("利率方案.txt", "confidential")]


def test_winmail_dat_sent_as_a_mail_attachment() -> None:
    """The way it reaches a mail store: an application/ms-tnef part of an RFC 822 message."""
    msg = email.message.EmailMessage()
    msg["Subject"] = "方案"
    msg["From"] = "a@rcb.example"
    msg["To"] = "b@example.org"
    msg.set_content("见附件。")
    msg.add_attachment(winmail([("利率方案.txt".encode("gbk"), MARKED)]),
                       maintype="application", subtype="ms-tnef", filename="winmail.dat")
    result = extract_bytes(bytes(msg), "m.eml")
    assert result.errors == ()
    assert "winmail.dat/利率方案.txt" in result.members
    assert any(c.member == "winmail.dat/利率方案.txt" and c.text.startswith("秘密★5年")
               for c in result.chunks)


def test_damaged_winmail_dat_is_reported_and_what_is_whole_is_read() -> None:
    data = winmail([(b"a.txt", MARKED), (b"b.txt", b"tail")])
    cut = extract_bytes(data[:-3], "winmail.dat")  # the last attribute lost its end
    assert [e.reason for e in cut.errors] == [ErrorReason.CORRUPT]
    assert "claims" in cut.errors[0].detail and "a.txt" in cut.members
    padded = extract_bytes(data + b"\x00" * 4, "winmail.dat")
    assert [e.reason for e in padded.errors] == [ErrorReason.CORRUPT]
    garbage = extract_bytes(b"\x78\x9f\x3e\x22\x01\x00" + b"\x02" * 60, "winmail.dat")
    assert [e.reason for e in garbage.errors] == [ErrorReason.CORRUPT]
    assert not any(c.location is Location.BODY for c in garbage.chunks)
