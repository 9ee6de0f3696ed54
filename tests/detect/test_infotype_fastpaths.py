"""The info-type fast paths find and confirm exactly what the plain ones do.

``keyword_matches`` (two patterns without IGNORECASE) against ``KEYWORD_RE.finditer``; the card
check with its issuer memo against issuer + Luhn computed afresh; the memoised ``_validate``
against itself uncached. Randomised, with the case variants IGNORECASE allows (ı, İ, ſ, K)."""

from __future__ import annotations

import random
import re
import sys

from stdnum import luhn

from secaudit.detect import infoclass, infokeywords
from secaudit.detect.infokeywords import KEYWORD_RE, KEYWORDS, keyword_matches
from secaudit.sensitive import CARD_NETWORKS, card_issuer, is_valid_bank_card


def test_case_variants_are_all_those_ignorecase_allows() -> None:
    letters = {c for ws in KEYWORDS.values() for w in ws if w.isascii() for c in w if c.isalpha()}
    letters |= set("PINCVDOT")  # the auth-info gate's (PIN, CVN/CVV/CVC, CID, OTP)
    cased = [
        chr(x)
        for x in range(sys.maxunicode + 1)
        if chr(x).lower() != chr(x) or chr(x).upper() != chr(x)
    ]
    for letter in letters:
        allowed = set(infokeywords._letter(letter)[1:-1])
        assert {x for x in cased if re.fullmatch(letter, x, re.IGNORECASE)} == allowed, letter


def _text(rng: random.Random) -> str:
    words = [w for ws in KEYWORDS.values() for w in ws]
    pieces = [*words, *(w.upper() for w in words), *(w.swapcase() for w in words),
              "ıd no", "İD NO", "uſcc", "USCc", "ｃａｒｄ", "Card", "tEl", "mobıle", "卡", "号",
              "证件", "信用", "身份证号码", "账", "ID", " ", "\n", "\t", "6222021234567897",
              "a", "I", "D", "N", "o"]  # fmt: skip
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))


def test_keyword_matches_are_keyword_re_matches() -> None:
    rng = random.Random("keywords")
    for _ in range(3000):
        text = _text(rng)
        expected = [(m.start(), m.group()) for m in KEYWORD_RE.finditer(text)]
        assert keyword_matches(text) == expected, text


def _card_reference(value: str) -> bool:
    if not (13 <= len(value) <= 19) or not value.isascii() or not value.isdigit():
        return False
    if len(set(value)) < 3:
        return False
    return card_issuer(value) is not None and luhn.is_valid(value)


def test_card_check_with_issuer_memo_is_the_plain_check() -> None:
    rng = random.Random("cards")
    known = "62 8100 8171 8172 4 51 55 2221 2720 34 37 3528 3589 6011 644 649 65 9555 9558 9559"
    prefixes = [*known.split(), "0", "1", "7", ""]
    for _ in range(20000):
        body = rng.choice(prefixes) + "".join(
            rng.choice("0123456789") for _ in range(rng.randint(8, 20))
        )
        body = body[: rng.randint(11, 20)]
        for value in (body, body[:-1] + luhn.calc_check_digit(body[:-1]) if len(body) > 1 else ""):
            assert is_valid_bank_card(value) == _card_reference(value), value
    for odd in ("６２２２０２１２３４５６７８９７", "62220212345678９7", "6222 0212 3456 7897", ""):
        assert is_valid_bank_card(odd) == _card_reference(odd)


def test_memoised_validation_is_the_uncached_one() -> None:
    rng = random.Random("validate")
    uncached = infoclass._validated
    groups = ["run", "grp", "mob", "plus", "idgrp", "uscc", "grp6"]
    for _ in range(5000):
        digits = "".join(
            rng.choice("0123456789") for _ in range(rng.choice([11, 13, 16, 17, 18, 19]))
        )
        raw = rng.choice([digits, f"{digits[:4]} {digits[4:]}", f"+86 {digits}", f"{digits[:-1]}X",
                          f"{digits[:6]}-{digits[6:]}"])  # fmt: skip
        group = rng.choice(groups)
        assert infoclass._validate(group, raw) == uncached(group, raw)
        assert infoclass._validate(group, raw) == uncached(group, raw)  # from the memo


def test_auth_info_gate_is_the_ignorecase_gate() -> None:
    from secaudit.detect.authinfo import _GATE, gated

    rng = random.Random("gate")
    words = (
        "密码 密碼 口令 验证 驗證 驗证 安全码 安全碼 安全 PIN pın PİN cvv CvC cvn CID cıd OTP otp"
    )
    words += " = ^ 密 口 验 P I N C V O T ı İ ſ K 卡号 6222 D d Ｄ ｄ ＝ ０ 5 ９"
    pieces = [*words.split(" "), " ", "\n"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert gated(text) == (_GATE.search(text) is not None), text


def test_keywords_in_every_case_variant_ignorecase_allows_name_their_type() -> None:
    """``İD No`` / ``ıd no`` match the keyword pattern (IGNORECASE): they must name a type, not
    raise (a KeyError here cost the file its findings), inline and as a sheet column header."""
    from secaudit.detect.infotypes import InfoTypeDetector
    from secaudit.model import Location, TextChunk
    from tests.detect.heldout_cases import rid

    for word in ("İD No", "ıd no", "ID NO", "id no"):
        inline = [TextChunk(f"{word}: {rid(3)}", Location.BODY)]
        sheet = [
            TextChunk(f"姓名\t{word}", Location.BODY, key="客户"),
            TextChunk(f"张三\t{rid(4)}", Location.BODY, key="客户"),
        ]
        for chunks in (inline, sheet):
            found = list(InfoTypeDetector().analyze(chunks))
            assert [(f.type, f.confidence.value) for f in found] == [("cn_resident_id", "high")]


def _luhn_valid(body: str) -> str:
    return body + luhn.calc_check_digit(body)


def test_runs_a_validator_accepts_match_maybe_valid_run() -> None:
    """Every 11–19-digit run :func:`infoclass._validated` accepts matches ``MAYBE_VALID_RUN``:
    each length with every 4-digit prefix (Luhn-valid, so any network's card), every mobile
    range, ``86`` mobiles, IDs and all-digit credit codes."""
    from tests.corpus import numbers as num

    rng = random.Random("maybe-valid")
    maybe = re.compile(infoclass.MAYBE_VALID_RUN)
    networks = set()
    for n in range(11, 20):
        for w in range(10000):
            middle = "".join(rng.choice("0123456789") for _ in range(n - 5))
            value = _luhn_valid(f"{w:04d}{middle}")
            if infoclass._validated("run", value) is not None:
                networks.add(card_issuer(value))
                assert maybe.fullmatch(value), value
    for p in range(100, 1000):
        tail = "".join(rng.choice("0123456789") for _ in range(8))
        for value in (f"{p}{tail}", f"86{p}{tail}"):
            if infoclass._validated("run", value) is not None:
                assert maybe.fullmatch(value), value
    for _ in range(300):
        values = (num.resident_id(rng), num.bank_card(rng), num.mobile(rng), num.credit_code(rng))
        for value in values:
            if value.isdigit():  # a plain run holds digits only (an ID ending in X is no run)
                assert maybe.fullmatch(value), value
    assert networks >= {name for name, _, _ in CARD_NETWORKS}  # cards of every network met
    assert not maybe.fullmatch("61050009869860934")  # a 17-digit account of no network


def test_join_offsets_and_sheet_headers_are_those_of_the_plain_loops() -> None:
    """``_join``'s chunk offsets (accumulated lengths) and ``_sheet_header_types`` (which stops
    counting a sheet's rows after the header rows) against the loops they replace."""
    from secaudit.detect import infotypes
    from secaudit.detect.numbercandidates import half_width
    from secaudit.model import Location, TextChunk

    def starts_reference(chunks: list[TextChunk]) -> list[int]:
        starts, pos = [], 1
        for c in chunks:
            starts.append(pos)
            pos += len(c.text) + 1
        return starts

    def headers_reference(chunks: list[TextChunk]) -> dict[str | None, set[str]]:
        out: dict[str | None, set[str]] = {}
        rows: dict[str, int] = {}
        for c in chunks:
            if c.key is None or c.location is not Location.BODY:
                continue
            rows[c.key] = rows.get(c.key, 0) + 1
            if rows[c.key] <= infotypes.SHEET_HEADER_ROWS:
                for m in KEYWORD_RE.finditer(half_width(c.text)):
                    out.setdefault(c.key, set()).add(infokeywords.keyword_type(m.group()))
        return out

    rng = random.Random("join")
    words = ["账号", "卡号", "身份证号", "手机", "", "6222021234567890", "交易日期\t摘要", "電話"]
    for _ in range(2000):
        chunks = [
            TextChunk(
                "\t".join(rng.choice(words) for _ in range(rng.randint(0, 3))),
                rng.choice([Location.BODY, Location.BODY, Location.HEADER]),
                key=rng.choice([None, "表1", "表2"]),
            )
            for _ in range(rng.randint(0, 12))
        ]
        text, starts = infotypes._join(chunks)
        assert starts == starts_reference(chunks)
        pairs = zip(starts, chunks, strict=True)
        assert not text or all(text[s : s + len(c.text)] == half_width(c.text) for s, c in pairs)
        assert infotypes._sheet_header_types(chunks) == headers_reference(chunks)
