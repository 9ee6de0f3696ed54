"""File names that are not UTF-8: shown as people read them, safe to encode."""

from __future__ import annotations

import os

from secaudit.textsafe import readable, readable_name


def test_valid_names_are_unchanged() -> None:
    assert readable_name("/media/usb/（机密）计划.docx") == "/media/usb/（机密）计划.docx"


def test_gbk_segment_is_read_as_chinese_and_other_segments_kept() -> None:
    raw = b"/media/usb/\xd0\xc5\xb4\xfb/" + "机密★10年.txt".encode("gbk")
    shown = readable_name(os.fsdecode(raw))
    assert shown == "/media/usb/信贷/机密★10年.txt"
    shown.encode("utf-8")


def test_undecodable_bytes_are_escaped() -> None:
    shown = readable_name(os.fsdecode(b"/tmp/\xff\xfe-a.txt"))
    assert shown == "/tmp/\\xff\\xfe-a.txt"


def test_stray_surrogates_are_escaped_too() -> None:
    assert readable_name("a\ud83db") == "a\\ud83db"


def test_readable_walks_json_values() -> None:
    value = {"paths": [os.fsdecode(b"/x/\xff")], "n": 1, os.fsdecode(b"\xfe"): None}
    assert readable(value) == {"paths": ["/x/\\xff"], "n": 1, "\\xfe": None}
