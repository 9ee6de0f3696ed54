"""The cheap line filter in front of the number-candidate pattern changes nothing but the cost."""

from __future__ import annotations

import random

import pytest

from secaudit.detect.infotypes import InfoTypeDetector
from secaudit.detect.numbercandidates import (
    CANDIDATE,
    HALF_WIDTH,
    QUICK,
    RAW_QUICK,
    Candidate,
    candidates,
    half_width,
)
from secaudit.model import Location, TextChunk
from tests.corpus import numbers as num

PIECES = [
    "0", "1", "2", "5", "7", "8", "9", "X", "x", "A", "M", "Y", " ", "-", "+86", "0086", "86",
    "\n", "\t", "元", "¥", ".", "。", "卡号", "账号：", "金额", "a", "13", "62", "4", "万", "%",
    "美元", "\u3000", "1234567890123", "12345678901234567890123", "6222021234567890123",
]


def _numbers(rng: random.Random) -> list[str]:
    card = num.bank_card(rng)
    rid = num.resident_id(rng)
    mobile = num.mobile(rng)
    return [
        card, rid, mobile, num.credit_code(rng),
        " ".join(card[i : i + 4] for i in range(0, len(card), 4)),
        f"{rid[:6]} {rid[6:14]} {rid[14:]}", f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}",
        f"+86 {mobile}", f"+86{mobile[:7]} {mobile[7:]}", f"{card[:6]} {card[6:]}",
        "3782 822463 10005", f"{rng.randrange(10**8):08d}",
    ]


def _spans(matches: object) -> list[tuple[int, int, str]]:
    """(start, end, alternative) of ``CANDIDATE`` matches or :class:`Candidate` tuples."""
    out = []
    for m in matches:  # type: ignore[attr-defined]
        if isinstance(m, Candidate):
            out.append((m.start, m.end, m.group))
        else:
            out.append((m.start(), m.end(), "idgrp" if m.lastgroup == "idsep" else m.lastgroup))
    return out


@pytest.mark.parametrize("block", range(8))
def test_filtered_matches_equal_the_full_scan(block: int) -> None:
    for seed in range(block * 400, block * 400 + 400):
        rng = random.Random(seed)
        pool = PIECES + _numbers(rng)
        text = "\n" + "".join(rng.choice(pool) for _ in range(rng.randint(10, 600)))
        assert _spans(candidates(text)) == _spans(CANDIDATE.finditer(text)), (seed, text)


def test_every_candidate_form_passes_the_filter() -> None:
    rng = random.Random(7)
    for value in _numbers(rng)[:-1]:  # the last one is an 8-digit amount
        assert QUICK.search(value), value
        assert list(candidates("\n" + value)), value


def test_amount_lines_never_reach_the_candidate_pattern() -> None:
    text = "\n".join(
        f"第{i}笔 存款 {i * 7919 % 10**8:08d} 元 2024-01-{i % 28 + 1:02d}" for i in range(500)
    )
    assert QUICK.search(text) is None
    assert list(candidates(text)) == []


FULL_WIDTH = str.maketrans("0123456789 -ABCXY", "０１２３４５６７８９\u3000－ＡＢＣＸＹ")


@pytest.mark.parametrize("seed", range(40))
def test_raw_filter_sees_every_candidate_of_the_folded_text(seed: int) -> None:
    rng = random.Random(1000 + seed)
    pool = PIECES + _numbers(rng)
    pieces = [p.translate(FULL_WIDTH) if rng.random() < 0.3 else p for p in pool]
    raw = "\n" + "".join(rng.choice(pieces) for _ in range(400))
    folded = raw.translate(HALF_WIDTH)
    if QUICK.search(folded):
        assert RAW_QUICK.search(raw)
    if RAW_QUICK.search(raw) is None:
        assert list(CANDIDATE.finditer(folded)) == []


def test_full_width_numbers_are_still_found() -> None:
    rng = random.Random(3)
    rid = num.resident_id(rng)
    chunk = TextChunk(text=f"身份证号：{rid.translate(FULL_WIDTH)}", location=Location.BODY)
    [finding] = InfoTypeDetector().analyze([chunk])
    assert finding.type == "cn_resident_id" and finding.count == 1


def test_half_width_skips_the_copy_only_when_nothing_would_change() -> None:
    rng = random.Random(1812)
    folded = [chr(c) for c in HALF_WIDTH]
    plain = list("0123456789abcXYZ账号机密，。、 \t\n")
    for _ in range(20000):
        pool = plain + (folded if rng.random() < 0.5 else [])
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert half_width(text) == text.translate(HALF_WIDTH), repr(text)
    assert half_width("卡号６２２２　０２１２") == "卡号6222 0212"
    assert half_width("機密") == "机密"
