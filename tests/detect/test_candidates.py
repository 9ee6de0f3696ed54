"""The cheap line filter in front of the number-candidate pattern changes nothing but the cost."""

from __future__ import annotations

import random
import re

import pytest

from secaudit.detect import numbercandidates as nc
from secaudit.detect.infoclass import MAYBE_VALID_RUN
from secaudit.detect.infotypes import InfoTypeDetector
from secaudit.detect.numbercandidates import (
    CANDIDATE,
    HALF_WIDTH,
    QUICK,
    RAW_QUICK,
    Candidate,
    candidates,
    half_width,
    locator,
)
from secaudit.model import Location, TextChunk
from tests.corpus import numbers as num

PIECES = [
    "0", "1", "2", "5", "7", "8", "9", "X", "x", "A", "M", "Y", " ", "-", "+86", "0086", "86",
    "\n", "\t", "元", "¥", ".", "。", "卡号", "账号：", "金额", "a", "13", "62", "4", "万", "%",
    "美元", "\u3000", "1234567890123", "12345678901234567890123", "6222021234567890123",
]  # fmt: skip


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
    ]  # fmt: skip


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


SHEET_PIECES = [
    "\t", "\n", "\t", "2026-02-21", "52,551.57", "-45,995.04", "转账支出", "¥", "$", ".", ",",
    " ", "-", "+", "元", " 元", "\t美元", "%", "0086", "86", "X", "A", "Q", "x", "\u3000", "|",
]  # fmt: skip


def _sheet_text(rng: random.Random) -> str:
    """Rows of cells: dates, amounts, words, and digit runs of 3–25 digits with every kind of
    neighbour (a plain run sits between a tab or a line end and another)."""
    pool = SHEET_PIECES + _numbers(rng)
    for _ in range(12):
        n = rng.choice([3, 4, 8, 10, 11, 12, 13, 15, 16, 17, 18, 19, 20, 25])
        head = rng.choice(["", "1", "13", "4", "62", "86", "0086", "35", "95", "81", "0"])
        pool.append((head + "".join(rng.choice("0123456789") for _ in range(n)))[:n])
    return "\n" + "".join(rng.choice(pool) for _ in range(rng.randint(10, 400)))


@pytest.mark.parametrize("block", range(6))
def test_sheet_like_text_matches_the_full_scan(block: int) -> None:
    """Statement rows (the plain-run path of the locator) give what ``CANDIDATE`` finds; with
    ``MAYBE_VALID_RUN`` only ``run`` candidates whose digits it does not match are left out."""
    maybe = re.compile(MAYBE_VALID_RUN)
    dropped = 0
    for seed in range(block * 500, block * 500 + 500):
        rng = random.Random(f"sheet-{seed}")
        text = _sheet_text(rng)
        if rng.random() < 0.1:
            text = text[1:]  # a candidate at the very start
        full = list(candidates(text))
        assert _spans(full) == _spans(CANDIDATE.finditer(text)), (seed, text)
        kept = list(candidates(text, MAYBE_VALID_RUN))
        it = iter(full)
        assert all(any(c == f for f in it) for c in kept), (seed, text)  # a subsequence
        for c in set(full) - set(kept):
            assert c.group == "run" and not maybe.fullmatch(c.raw), (seed, c)
            dropped += 1
    assert dropped > 200


@pytest.mark.parametrize("maybe_valid", [None, MAYBE_VALID_RUN])
def test_locator_lookahead_keeps_every_hit(maybe_valid: str | None) -> None:
    """``_AHEAD`` only turns positions away earlier: the locator's hits (where, how long, which
    shape) are those of the pattern without it, on prose and statement rows."""
    without = re.compile(locator(maybe_valid).pattern.replace(nc._AHEAD, "", 1))
    assert without.pattern != locator(maybe_valid).pattern
    hits = 0
    for seed in range(800):
        rng = random.Random(f"ahead-{seed}")
        if seed % 2:
            text = _sheet_text(rng)
        else:
            text = "\n" + "".join(rng.choice(PIECES + _numbers(rng)) for _ in range(300))
        got = [(m.span(), m.lastgroup) for m in locator(maybe_valid).finditer(text)]
        assert got == [(m.span(), m.lastgroup) for m in without.finditer(text)], (seed, text)
        hits += len(got)
    assert hits > 1500


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
