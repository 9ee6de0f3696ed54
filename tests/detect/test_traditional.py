"""Traditional Chinese: 機密★10年 is 机密★10年, 帳號 is 账号, through the detectors and the scan."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from secaudit.config import load_config
from secaudit.detect.registry import build_detectors, detect
from secaudit.detect.traditional import SIMPLIFIED, TO_SIMPLIFIED, TRADITIONAL, simplified
from secaudit.model import Confidence, HostRole, Location, ScanContext, TextChunk
from secaudit.policy import load_policy
from secaudit.scan.scanner import Scanner
from tests.corpus import numbers as num

DETECT = Path(__file__).resolve().parents[2] / "secaudit" / "detect"


def findings(*lines: str, location: Location = Location.BODY) -> list:  # type: ignore[type-arg]
    chunks = [TextChunk(text=t, location=location, index=i, standalone=True)
              for i, t in enumerate(lines)]
    return detect(chunks, build_detectors())


def marks(*lines: str, location: Location = Location.BODY) -> list[tuple[str, str, str | None]]:
    return [(f.level.value, f.text, f.period)
            for f in findings(*lines, location=location) if f.kind == "marking"]


def test_table_covers_every_character_of_the_detectors_words() -> None:
    """Every Chinese character in secaudit/detect/*.py whose traditional form differs (OpenCC,
    character by character, mainland/Taiwan/Hong Kong) is read back as itself."""
    opencc = pytest.importorskip("opencc", reason="opencc-python-reimplemented (dev extra)")
    converters = [opencc.OpenCC(c) for c in ("s2t", "s2tw", "s2hk")]
    chars = set()
    for source in DETECT.glob("*.py"):
        if source.name != "traditional.py":
            chars |= set(re.findall(r"[\u4e00-\u9fff]", source.read_text(encoding="utf-8")))
    missing = {
        (c, t) for c in chars for conv in converters
        if len(t := conv.convert(c)) == 1 and t != c and t.translate(TO_SIMPLIFIED) != c
    }
    assert not missing, f"add to secaudit/detect/traditional.py: {sorted(missing)}"
    assert len(TRADITIONAL) == len(SIMPLIFIED)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["機密★10年", "關於客戶資料的通知"], ("secret", "机密★10年", "10年")),
        (["絕密★長期", "通知"], ("top_secret", "绝密★长期", "长期")),
        (["內部資料  注意保存", "培訓講義"], ("internal", "内部资料  注意保存", None)),
        (["密級：秘密", "會議紀要"], ("confidential", "秘密", None)),
    ],
)
def test_traditional_marks(lines: list[str], expected: tuple[str, str, str | None]) -> None:
    assert marks(*lines) == [expected]


def test_traditional_prose_is_no_mark() -> None:
    prose = ("各部門要加強內部控制制度建設，落實崗位分離。", "本行機密文件管理辦法的學習體會")
    assert marks(*prose) == []


def test_traditional_column_headers_judge_the_values_under_them() -> None:
    rng = random.Random(3)
    values = [num.mobile(rng) for _ in range(4)]
    rows = ["客戶\t帳號", *(f"客戶{i}\t{v}" for i, v in enumerate(values))]
    assert not [f for f in findings("\n".join(rows)) if f.type == "cn_mobile"]
    rows = ["客戶\t手機號碼", *(f"客戶{i}\t{v}" for i, v in enumerate(values))]
    assert [f.count for f in findings("\n".join(rows)) if f.type == "cn_mobile"] == [4]


def test_traditional_keyword_raises_confidence() -> None:
    rid = num.resident_id(random.Random(5))
    [found] = [f for f in findings(f"身份證號碼：{rid}") if f.type == "cn_resident_id"]
    assert found.confidence is Confidence.HIGH


def test_big5_file_marked_in_traditional_is_a_violation_on_an_internet_host(
    tmp_path: Path,
) -> None:
    path = tmp_path / "通知.txt"
    path.write_bytes("機密★10年\n關於客戶資料核對工作的通知\n請各分行按時報送。\n".encode("big5"))
    with Scanner(load_config(tmp_path / "home"), load_policy(), workers=1,
                 use_cache=False) as scanner:
        run = scanner.scan([path], ScanContext(host_role=HostRole.INTERNET))
    [result] = run.files
    assert result.classification.value == "secret"
    assert any(v.rule == "SEC-001" for v in run.violations)


def test_simplified_keeps_length_and_leaves_other_text() -> None:
    text = "機密 ABC 123 中文"
    assert len(simplified(text)) == len(text)
    assert simplified(text) == "机密 ABC 123 中文"
