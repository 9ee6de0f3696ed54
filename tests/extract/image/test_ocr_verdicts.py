"""The OCR verdict cache: each image without text is judged once across files and scans, and no
OCR'd text ever reaches the disk.

Real SQLite files, real Tesseract, images drawn with Pillow.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

import secaudit.extract.image.ocr as ocr
from secaudit.config import load_config
from secaudit.extract.image import ocr_verdicts, textlike
from secaudit.extract.image.ocr_verdicts import EMPTY, VerdictCache, worth_examining
from secaudit.extract.registry import extract_bytes
from secaudit.limits import Limits
from tests.corpus.numbers import resident_id
from tests.extract.image import photos

RID = resident_id(random.Random(12))
_binary, _problem = ocr._engine_on(os.environ.get("PATH"))
needs_ocr = pytest.mark.skipif(
    bool(_problem) or not photos.font_file(),
    reason=f"needs tesseract-ocr + tesseract-ocr-chi-sim and fonts-wqy-microhei "
    f"(install.sh --dev installs them): {_problem or 'no WenQuanYi Micro Hei'}",
)


def _limits(tmp_path: Path) -> Limits:
    return Limits(ocr="auto", ocr_cache=str(tmp_path / "cache" / "ocr-verdicts.db"))


def _forbid(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """Make the text-likeness test and Tesseract fail if they are called (a cache hit must not)."""
    def boom(*args: object, **kwargs: object) -> str:
        raise AssertionError("called although the verdict is cached")

    if "textlike" in names:
        monkeypatch.setattr(textlike, "why_no_text", boom)
    if "tesseract" in names:
        monkeypatch.setattr(ocr, "_tesseract", boom)


@needs_ocr
def test_blank_image_is_judged_once_across_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = photos.encode(photos.blank_scan())
    first = extract_bytes(data, "a.jpg", limits=_limits(tmp_path))
    _forbid(monkeypatch, "textlike", "tesseract")
    again = extract_bytes(data, "b.jpg", limits=_limits(tmp_path))
    assert [e.detail for e in again.errors] == [e.detail for e in first.errors]
    assert "no text-like content (blank" in again.errors[0].detail


@needs_ocr
def test_image_tesseract_reads_nothing_in_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hatching passes the cheap test; Tesseract reads nothing; the next file skips both."""
    data = photos.encode(photos.hatching(), "PNG")
    assert textlike.why_no_text(data) == ""
    first = extract_bytes(data, "drawing.png", limits=_limits(tmp_path))
    assert first.errors == () and not any(c.ocr for c in first.chunks)
    cache = VerdictCache(tmp_path / "cache" / "ocr-verdicts.db", ocr._verdict_version(_binary))
    assert cache.get(hashlib.sha256(data).digest()) == EMPTY
    _forbid(monkeypatch, "textlike", "tesseract")
    again = extract_bytes(data, "copy.png", limits=_limits(tmp_path))
    assert again.errors == () and [c.key for c in again.chunks if c.key] == ["ocr"]


@needs_ocr
def test_ocrd_text_never_reaches_the_disk(tmp_path: Path) -> None:
    """An image with text is not remembered: no row, and neither its text nor its ID number is in
    any file of the cache folder; it is OCR'd again next time."""
    lines = ["机密★10年", f"客户身份证号码：{RID}"]
    data = photos.encode(photos.text_block(lines, 36, 900), "PNG")
    limits = _limits(tmp_path)
    for name in ("a.png", "b.png"):
        result = extract_bytes(data, name, limits=limits)
        assert any(RID in c.text for c in result.chunks if c.ocr)
    cache = VerdictCache(limits.ocr_cache, ocr._verdict_version(_binary))
    assert len(cache) == 0
    for file in (tmp_path / "cache").iterdir():
        raw = file.read_bytes()
        assert RID.encode() not in raw and "机密".encode() not in raw, file


def test_cache_is_bounded_least_recently_used_first(tmp_path: Path) -> None:
    cache = VerdictCache(tmp_path / "v.db", "1", max_entries=10)
    for n in range(25):
        cache.put(bytes([n]) * 32, "blank")
    cache._db.execute("UPDATE verdict SET used = used - 1000 WHERE digest != ?", (b"\x00" * 32,))
    cache.prune()
    assert len(cache) == 9
    assert cache.get(b"\x00" * 32) == "blank"  # the recently used one survives
    assert cache.get(b"\x01" * 32) is None


def test_other_settings_empty_the_cache(tmp_path: Path) -> None:
    VerdictCache(tmp_path / "v.db", "1").put(b"x" * 32, EMPTY)
    assert VerdictCache(tmp_path / "v.db", "1").get(b"x" * 32) == EMPTY
    assert VerdictCache(tmp_path / "v.db", "2").get(b"x" * 32) is None


def test_unusable_cache_file_means_no_cache(tmp_path: Path) -> None:
    (tmp_path / "v.db").write_bytes(b"not a database" * 100)
    assert ocr_verdicts.verdict_cache(str(tmp_path / "v.db"), "1") is None
    assert ocr_verdicts.verdict_cache("", "1") is None


@pytest.mark.parametrize(("text", "worth"), [
    ("", False), ("。|—", False), ("口", False), ("a", False), ("机密", True), ("12", True),
])
def test_worth_examining(text: str, worth: bool) -> None:
    assert worth_examining(text) is worth


def test_config_puts_the_cache_in_the_home(tmp_path: Path) -> None:
    assert load_config(tmp_path).scan.limits().ocr_cache == str(
        tmp_path / "cache" / "ocr-verdicts.db")
    (tmp_path / "config.toml").write_text('[scan]\nocr_cache = "off"\n', encoding="utf-8")
    assert load_config(tmp_path).scan.limits().ocr_cache == ""


@needs_ocr
def test_verdicts_outlive_no_cache_of_the_scan(tmp_path: Path) -> None:
    """``secaudit scan --no-cache`` reads every file again, yet keeps the verdict of the blank
    scan in DIR/cache/ocr-verdicts.db: the next scan does not judge it again."""
    root = tmp_path / "files"
    root.mkdir()
    blank = photos.encode(photos.blank_scan())
    (root / "空白.jpg").write_bytes(blank)
    cmd = [sys.executable, "-m", "secaudit", "--home", str(tmp_path / "h"), "scan",
           "--no-ledger", "--no-cache", "--format", "json", str(root)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    [file] = json.loads(out.stdout)["files"]
    assert "no text-like content" in file["errors"][0]["detail"]
    db = tmp_path / "h" / "cache" / "ocr-verdicts.db"
    cache = VerdictCache(db, ocr._verdict_version(_binary))
    assert cache.get(hashlib.sha256(blank).digest()) == "blank: one shade all over"
