"""Every real-world sample goes through ``extract_bytes``: text or a contract error, never a crash.

The samples live outside the repository (``../shared/samples``, see its SOURCES.md). Besides the
general property, known samples carry specific expectations (encrypted files, the zip bomb, path
traversal, GBK names, Big5 and GB2312 mail subjects).
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from secaudit.extract.registry import Extraction, extract_bytes
from secaudit.model import ErrorReason, Location

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
SKIP_NAMES = {"README.md", "SOURCES.md"}
CONTRACT_REASONS = {reason.value for reason in ErrorReason}
PER_FILE_SECONDS = 30.0

ENCRYPTED = {
    "7z_encrypted.7z",
    "zip_encrypted_aes.zip",
    "rar4_encrypted_plain_names.rar",
    "doc_encrypted_rc4_cryptoapi_pw-password.doc",
    "doc_encrypted_rc4_pw-tika.doc",
    "doc_password_protected.doc",
    "docx_encrypted_agile_default_pw.docx",
    "docx_encrypted_standard_pw-pass.docx",
    "xlsx_encrypted_sha512.xlsx",
    "xls_encrypted_pw-password.xls",
    "xls_xor_encrypted_pw-abc.xls",
    "ppt_encrypted_pw-hello.ppt",
    "pdf_encrypted_aes256_r6.pdf",
    "pdf_encrypted_rc4_40.pdf",
    "public/encryptAES.xlsx",
    "public/encryptSHA1.xlsx",
}

TEXTLESS = {
    # documents without a single character of text (empty paragraphs and table cells, an
    # empty sheet): the right result is "nothing found, nothing failed"
    "public/BadWorkbook.xlsx",
    "public/sty-having-no-styles-part.docx",
    "public/tbl-having-tables.docx",
}


def _sample_files() -> list[str]:
    if not SAMPLES.is_dir():
        return []
    files = [p for p in SAMPLES.iterdir() if p.is_file()]
    files += [p for p in (SAMPLES / "public").iterdir() if p.is_file()]
    return sorted(str(p.relative_to(SAMPLES)) for p in files if p.name not in SKIP_NAMES)


def extract_sample(relative: str) -> tuple[Extraction, float]:
    path = SAMPLES / relative
    started = time.monotonic()
    result = extract_bytes(path.read_bytes(), path.name, deadline=started + PER_FILE_SECONDS)
    return result, time.monotonic() - started


def subject(result: Extraction) -> str:
    return next(c.text for c in result.chunks if c.location is Location.SUBJECT and not c.member)


pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"shared samples not found at {SAMPLES} (CI lays ../shared)"
)


@pytest.mark.parametrize("relative", _sample_files())
def test_every_sample_yields_text_or_contract_error(relative: str) -> None:
    result, elapsed = extract_sample(relative)
    assert elapsed < PER_FILE_SECONDS
    content = [c for c in result.chunks if c.location is not Location.FILENAME]
    if relative in TEXTLESS:
        assert not content and not result.errors, relative
    else:
        assert content or result.errors, f"{relative}: neither text nor an error"
    for error in result.errors:
        assert error.reason.value in CONTRACT_REASONS
        assert error.detail
        assert "ModuleNotFoundError" not in error.detail, f"{relative}: {error.detail}"
    if relative in ENCRYPTED:
        assert "encrypted" in {e.reason.value for e in result.errors}, relative


def test_sample_list_is_complete() -> None:
    assert len(_sample_files()) >= 100
    assert "zipbomb_zbsm_42KB_to_5GB.zip" in _sample_files()


def test_zip_bomb_is_stopped_quickly_and_in_bounded_memory() -> None:
    tracemalloc.start()
    try:
        result, elapsed = extract_sample("zipbomb_zbsm_42KB_to_5GB.zip")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 10
    assert peak < 64 * 1024 * 1024
    assert [(e.reason.value, e.member) for e in result.errors] == [("limit", None)]
    assert "overlapping zip entries (zip bomb)" in result.errors[0].detail


def test_zip_slip_names_stay_inside() -> None:
    result, _ = extract_sample("zip_slip.zip")
    assert set(result.members) == {"good.txt", "tmp/evil.txt"}
    for chunk in result.chunks:
        if chunk.member:
            assert ".." not in chunk.member.split("/")
            assert not chunk.member.startswith("/")


def test_zip_gbk_names_decoded() -> None:
    result, _ = extract_sample("zip_gbk_names.zip")
    assert result.members == ("中文路径.txt",)
    assert any(c.member == "中文路径.txt" and c.location is Location.BODY for c in result.chunks)


def test_nested_archives_reach_inner_members() -> None:
    result, _ = extract_sample("zip_nested_archives.zip")
    formats = result.member_formats
    inners = ("TestData.7z", "TestData.tar", "TestData.tar.gz", "TestData.tar.bz2", "TestData.zip")
    for inner in inners:
        assert f"TestDataArchives/{inner}/TestData/Lorem.txt" in formats, inner


def test_big5_msg_subject() -> None:
    result, _ = extract_sample("msg_chinese_traditional_big5.msg")
    assert "格式測試" in subject(result)


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("eml_foxmail_gb2312_subject.eml", "回复: [WIP] [PATCH 04/12]"),
        ("eml_qqmail_gb18030.eml", "回复：eros性能问题"),
        ("eml_mutt_gbk_subject.eml", "Re: 撤回: [PATCH 2/2]"),
        ("eml_webmail_gbk_subject.eml", "Re: 回复: [WIP] [PATCH 04/12]"),
        ("eml_thunderbird_utf8_8bit_chinese.eml", "示例邮件"),
        ("eml_big5_spam_empty_cte.eml", "大家說英語"),
    ],
)
def test_chinese_mail_subjects(relative: str, expected: str) -> None:
    result, _ = extract_sample(relative)
    assert expected in subject(result)


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("eml_gb2312_body.eml", "你好，我是程序员"),
        ("eml_gbk_body.eml", "你好，中国"),
        ("eml_big5_body.eml", "圖形碼"),
        ("eml_thunderbird_utf8_subject_gb18030_body.eml", "通过fio测试"),
    ],
)
def test_chinese_mail_bodies(relative: str, expected: str) -> None:
    result, _ = extract_sample(relative)
    assert any(expected in c.text for c in result.chunks if c.location is Location.BODY)


def test_mbox_with_content_length_splits_every_message() -> None:
    result, _ = extract_sample("mbox_content_length.mbox")
    top_level = [m for m in result.members if "/" not in m]
    assert len(top_level) >= 10
    assert all(m.startswith("message-") and m.endswith(".eml") for m in top_level)
