"""Info-type detector tables: candidates, boundaries, counts, masking and confidence."""

from __future__ import annotations

import random

import pytest

from secaudit.detect.infotypes import InfoTypeDetector
from secaudit.model import Confidence, Location, TextChunk
from tests.corpus import numbers as num

DET = InfoTypeDetector()
RNG = random.Random(11)
ID1, ID2 = num.resident_id(RNG), num.resident_id(RNG)
CARD16, CARD19 = num.bank_card(RNG, "622202", 16), num.bank_card(RNG, "621700", 19)
MOB = "13812345678"
USCC = num.credit_code(RNG)


def counts(text: str) -> dict[str, int]:
    return {f.type: f.count for f in DET.analyze([TextChunk(text)]) if f.type}


POSITIVE = [
    (f"客户 {ID1}", {"cn_resident_id": 1}),
    (f"{ID1}\n{ID2}\n{ID1}", {"cn_resident_id": 2}),  # distinct values
    (f"{ID1.lower()}" if ID1.endswith("X") else ID1, {"cn_resident_id": 1}),
    (f"卡号：{CARD16}", {"bank_card": 1}),
    (f"卡号 {num.grouped(CARD19)}", {"bank_card": 1}),
    (f"卡号 {num.grouped(CARD16, '-')}", {"bank_card": 1}),
    (f"{CARD16} {MOB}", {"bank_card": 1, "cn_mobile": 1}),
    (f"{num.grouped(CARD16)} 150-3694-5033", {"bank_card": 1, "cn_mobile": 1}),
    (f"手机 {MOB}", {"cn_mobile": 1}),
    ("手机 +86 138 1234 5678", {"cn_mobile": 1}),
    ("手机 +8613812345678", {"cn_mobile": 1}),
    ("手机 138-1234-5678；", {"cn_mobile": 1}),
    ("电话：138 1234 5678。", {"cn_mobile": 1}),
    (f"统一社会信用代码：{USCC}", {"cn_uscc": 1}),
    (
        f"姓名,{ID1},{CARD19},{MOB},{USCC}",
        {"cn_resident_id": 1, "bank_card": 1, "cn_mobile": 1, "cn_uscc": 1},
    ),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVE)
def test_found(text: str, expected: dict[str, int]) -> None:
    assert counts(text) == expected


NEGATIVE = [
    f"订单号 2{ID1}9",  # inside a longer digit run
    f"ID{ID1}",  # glued to letters
    f"{ID1}abc",
    num.bad_resident_id(RNG),
    num.bad_bank_card(RNG),
    num.bad_credit_code(RNG),
    "掩码 138****5678",
    "座机 010-12345678 0571-87654321",
    "时间戳 20240315123045 1700000000000",
    "1234 5678 9012 3456 7890",  # spaced 20-digit number
    "13000000000",  # an amount, not a phone
    "12812345678 10012345678",
    "6222222222222222",
    "订单 55567961641014218643",
    f"订单号：{CARD16}",  # Luhn holds by chance, but the label says order number
    f"流水号 {num.grouped(CARD19)}",
    f"265.{ID1[:17]}",  # the fraction of a decimal number
    f"{CARD16}.50",
    f"<27350255.{CARD16}.JavaMail.root@host>",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_not_found(text: str) -> None:
    assert counts(text) == {}


def test_id_with_wrong_check_digit_is_not_a_card_either() -> None:
    rng = random.Random(3)
    bad = [num.bad_resident_id(rng) for _ in range(300)]
    assert counts("\n".join(bad)) == {}


def test_findings_are_masked_and_per_location() -> None:
    chunks = [
        TextChunk(f"身份证号码 {ID1}"),
        TextChunk(f"{ID2}", Location.HEADER),
        TextChunk(f"{ID1}", member="a.zip/b.txt"),
    ]
    found = list(DET.analyze(chunks))
    assert len(found) == 3
    for f in found:
        assert f.kind == "info_type" and f.detector == "info_type" and f.count == 1
        assert f.sample and "*" in f.sample and f.sample not in (ID1, ID2)
        assert f.sample[:4] + f.sample[-4:] in (ID1[:4] + ID1[-4:], ID2[:4] + ID2[-4:])
    by_loc = {(f.location, f.member): f for f in found}
    assert by_loc[(Location.BODY, None)].confidence is Confidence.HIGH
    assert by_loc[(Location.HEADER, None)].confidence is Confidence.MEDIUM


def test_keyword_window_is_300_characters() -> None:
    near = "身份证" + "，" * 250 + ID1
    far = "身份证" + "，" * 400 + ID1
    assert next(DET.analyze([TextChunk(near)])).confidence is Confidence.HIGH
    assert next(DET.analyze([TextChunk(far)])).confidence is Confidence.MEDIUM


def test_sheet_header_keyword_raises_confidence_for_every_row() -> None:
    rows = [TextChunk("姓名\t身份证号\t手机", key="客户", index=0)]
    rows += [
        TextChunk(
            f"客户{i}\t{num.resident_id(RNG)}\t{num.mobile(RNG)}" + "，" * 200,
            key="客户",
            index=i + 1,
        )
        for i in range(10)
    ]
    found = {f.type: f for f in DET.analyze(rows)}
    assert found["cn_resident_id"].count == 10
    assert found["cn_resident_id"].confidence is Confidence.HIGH
    assert found["cn_mobile"].confidence is Confidence.HIGH


def test_filename_chunks_are_not_scanned_for_numbers() -> None:
    assert list(DET.analyze([TextChunk(f"{ID1}.txt", Location.FILENAME)])) == []


def test_detector_versions_known_without_import_match_the_classes() -> None:
    """The cache key is built from DETECTOR_VERSIONS without compiling the detectors."""
    from secaudit.detect.registry import DETECTOR_VERSIONS, build_detectors

    assert tuple((d.id, d.version) for d in build_detectors()) == DETECTOR_VERSIONS
