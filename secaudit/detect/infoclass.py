"""What a run of digits is: the candidate pattern and the labels that confirm or veto a type.

:data:`CANDIDATE` finds every number candidate in one guarded pass — plain runs, 4-digit groups,
``+86``/dashed mobiles, 18-character credit codes — never inside a longer digit run nor glued to
ASCII letters or an amount. :func:`classify` confirms a candidate with a validator of
:mod:`secaudit.detect.validators` and applies the vetoes: a label before the value (订单号,
流水号 say it is no card; 账号 says an 11-digit ``1[3-9]…`` value is no phone) or its column
header. :data:`KEYWORDS` are the words that raise a finding's confidence. The detector that
counts findings is :mod:`secaudit.detect.infotypes`.

To add a type: a validator + mask in ``validators.py``, a branch in :func:`_validate`, keywords in
:data:`KEYWORDS`, and table rows in ``tests/detect/test_infotypes.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import NamedTuple

from secaudit.detect import validators as v
from secaudit.detect.traditional import TO_SIMPLIFIED


def _grouped(body: str) -> str:
    """``body`` (using ``{s}`` for the separator) once per separator, guarded on both sides:
    no 1–4 digit group with the same separator right before or after (a longer spaced number);
    a group that starts a number with the other separator (``1717 150-3694-5033``) is fine."""
    alts = []
    for sep in (" ", "-"):
        before = "".join(rf"(?<![^0-9+][0-9]{{{n}}}{sep})" for n in range(1, 5))
        other = "-" if sep == " " else " "
        after = rf"(?!{sep}[0-9]{{1,4}}(?![0-9]|{other}[0-9]))"
        body_sep = body.replace("{s}", sep).replace("{o}", other)
        # every body opens with 3-4 digits and the separator: tested first, it spares the
        # look-behinds at every other digit (amounts, dates)
        shape = rf"(?=[0-9]{{3,4}}{sep})"
        alts.append(shape + before + body_sep + after)
    return "|".join(f"(?:{a})" for a in alts)


_MOBILE_GROUPED = _grouped("1[3-9][0-9]{s}[0-9]{4}{s}[0-9]{4}")
_CARD_GROUPED = (
    _grouped("[0-9]{4}(?:{s}[0-9]{4}){2,3}(?:{s}[0-9]{1,3}(?![0-9]|{o}[0-9]))?")
    + "|"
    + _grouped("[0-9]{4}{s}[0-9]{6}{s}[0-9]{5}")
)
CANDIDATE = re.compile(
    # the first character of every alternative, tested before any of their look-behinds
    r"(?=[0-9+A-HJ-NP-RTUWXY])(?<![0-9A-Za-z¥￥$])(?<![0-9][.])(?:"
    r"(?P<plus>(?:\+|00)86[ -]?1[3-9][0-9](?:[ -]?[0-9]{4}){2})"
    rf"|(?P<mob>(?:\+?86[ -]?)?(?:{_MOBILE_GROUPED}))"
    r"|(?P<idgrp>[0-9]{6}(?P<idsep>[ -])[0-9]{8}(?P=idsep)[0-9]{3}[0-9Xx])"
    rf"|(?P<grp>{_CARD_GROUPED})"
    r"|(?<![0-9][ -])(?P<grp6>[0-9]{6}[ -][0-9]{10,13})(?![ -][0-9])"
    r"|(?P<run>[0-9]{17}[0-9Xx]|[0-9]{11,19})"
    r"|(?P<uscc>[0-9A-HJ-NP-RTUWXY]{18})"
    r")(?![0-9A-Za-z])(?![.][0-9])(?!\s?(?:元|万|亿|美元|港元|%|％|‰))",
)
"""Never inside a longer digit run, glued to ASCII letters, part of a decimal number, or an
amount (``¥…``, ``…元``). ``0086``/``+86`` prefix mobiles; ``grp6`` is the 6-13 grouping of
passbooks (``621226 0145142947723``)."""
QUICK = re.compile(r"(?P<run>[0-9]{11})|[0-9]{3,6}[ -][0-9]{4}|[0-9A-HJ-NP-RTUWXY]{18}")
"""A cheap pattern every :data:`CANDIDATE` match contains: an 11-digit run, a group of 3–6 digits
and a separator before 4 more, or 18 credit-code characters. Amounts, dates and 8-digit serials
never match it, so lines made of them cost one simple scan instead of :data:`CANDIDATE`'s
guarded alternatives at every digit."""


_D = "0-9\uff10-\uff19"  # digits, half- and full-width
RAW_QUICK = re.compile(
    f"[{_D}]{{11}}|[{_D}]{{3,6}}[ \\-\u3000\uff0d][{_D}]{{4}}"
    f"|[{_D}A-HJ-NP-RTUWXY\uff21-\uff28\uff2a-\uff2e\uff30-\uff32\uff34\uff35\uff37-\uff39]{{18}}"
)
""":data:`QUICK` on text before :data:`HALF_WIDTH` folding: every character class widened to the
characters that fold into it. No hit here means no candidate after folding, so the folding (a
copy of the whole text) is skipped too."""


MAX_CANDIDATE = 32
"""Longer than any :data:`CANDIDATE` match (the longest, a grouped 19-digit card, has 23
characters): a candidate holding a :data:`QUICK` hit starts at most this far before it."""


class Candidate(NamedTuple):
    """One number candidate: where it is, which alternative of :data:`CANDIDATE` took it, and
    its characters."""

    start: int
    end: int
    group: str
    raw: str


_DIGITS = re.compile(r"[0-9]+")
_NUMBER_CHARS = frozenset("0123456789+- ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
"""Every character a :data:`CANDIDATE` match can hold."""
_NUMBER_SPAN = re.compile(r"[0-9A-Za-z+ \-]*")
_LOOKAHEAD = 3
"""Characters :data:`CANDIDATE` looks at after a match (a space and a two-character unit)."""
_PLAIN_BEFORE = re.compile(r"[^0-9A-Za-z¥￥$+\- .]")
"""A character before a digit run that no candidate can contain or be vetoed by."""
_PLAIN_AFTER = re.compile(r"[^0-9A-Za-z.\-元万亿美港%％‰]")
_AMOUNT_WORD = "元万亿美港%％‰"


def candidates(text: str) -> Iterator[Candidate]:
    """The matches of :data:`CANDIDATE` in ``text``, the same as ``CANDIDATE.finditer(text)``.

    Every candidate contains a :data:`QUICK` match, so the guarded pattern runs only in a window
    around each hit: the number characters that touch it, at most :data:`MAX_CANDIDATE` on
    either side, and the few it looks ahead at; a plain run of
    digits between characters that cannot belong to a number (a tab, a Chinese character, a line
    end) is taken without it: 11–19 digits are the ``run`` alternative, longer ones no candidate.
    Scanning resumes where the last match ended, as ``finditer`` does."""
    last_end = 0
    size = len(text)
    for hit in QUICK.finditer(text):
        if hit.end() <= last_end:
            continue
        if hit.lastgroup == "run":
            plain = _plain_run(text, hit.start())
            if plain is not None:
                last_end = plain[1]
                if 11 <= plain[1] - plain[0] <= 19:
                    yield Candidate(plain[0], plain[1], "run", text[plain[0] : plain[1]])
                continue
        start, floor = max(last_end, hit.start()), max(last_end, hit.start() - MAX_CANDIDATE)
        while start > floor and text[start - 1] in _NUMBER_CHARS:
            start -= 1  # a candidate holding the hit is made of these characters only
        span = _NUMBER_SPAN.match(text, hit.end(), hit.end() + MAX_CANDIDATE)
        after = span.end() if span else hit.end()
        for m in CANDIDATE.finditer(text, start, min(size, after + _LOOKAHEAD)):
            if m.start() >= hit.end():
                break
            last_end = m.end()
            group = "idgrp" if m.lastgroup == "idsep" else m.lastgroup or ""
            yield Candidate(m.start(), m.end(), group, m.group(group))


def _plain_run(text: str, start: int) -> tuple[int, int] | None:
    """``(start, end)`` of the digit run at ``start`` when nothing around it can change what
    :data:`CANDIDATE` makes of it, else None (the guarded pattern decides)."""
    if start == 0 or not _PLAIN_BEFORE.match(text, start - 1) or text.startswith("0086", start):
        return None
    end = _DIGITS.match(text, start).end()  # type: ignore[union-attr]
    if end < len(text):
        if not _PLAIN_AFTER.match(text, end):
            return None
        if text[end].isspace() and text[end + 1 : end + 2] in tuple(_AMOUNT_WORD):
            return None
    return start, end


KEYWORDS: dict[str, tuple[str, ...]] = {
    "cn_resident_id": ("身份证", "证件号", "身份号码", "公民身份", "证件号码", "ID No"),
    "bank_card": ("卡号", "账号", "帐号", "银行卡", "借记卡", "信用卡", "结算账户", "card"),
    "cn_mobile": ("手机", "联系电话", "电话", "联系方式", "移动电话", "mobile", "tel"),
    "cn_uscc": ("统一社会信用代码", "信用代码", "纳税人识别号", "税号", "USCC"),
}
KEYWORD_RE = re.compile(
    "|".join(re.escape(w) for ws in KEYWORDS.values() for w in sorted(ws, key=len, reverse=True)),
    re.IGNORECASE,
)
TYPE_OF_KEYWORD = {w.lower(): t for t, ws in KEYWORDS.items() for w in ws}
_CASE_FOLDS = {"i": "Iiİı", "k": "KkK", "s": "Ssſ"}
"""The characters besides upper and lower case that ``re.IGNORECASE`` matches with these letters."""
_TO_ASCII_CASE = str.maketrans({"İ": "i", "ı": "i", "K": "k", "ſ": "s"})


def keyword_type(word: str) -> str:
    """The info type a keyword match names (``İD No`` and ``ıd no`` are ``id no``)."""
    return TYPE_OF_KEYWORD[word.translate(_TO_ASCII_CASE).lower()]


def _letter(ch: str) -> str:
    return f"[{_CASE_FOLDS.get(ch.lower(), ch.upper() + ch.lower())}]" if ch.isalpha() else ch


_ORDERED = [w for ws in KEYWORDS.values() for w in sorted(ws, key=len, reverse=True)]
_KEYWORDS_CJK = re.compile("|".join(re.escape(w) for w in _ORDERED if not w.isascii()))
_KEYWORDS_ASCII = re.compile(
    "["
    + "".join(_letter(w[0])[1:-1] for w in _ORDERED if w.isascii())
    + "](?:"
    + "|".join(
        f"(?<={_letter(w[0])})" + "".join(_letter(c) for c in w[1:])
        for w in _ORDERED
        if w.isascii()
    )
    + ")"
)
""":data:`KEYWORD_RE` in two patterns CPython scans fast (each opens with plain characters or one
class, without ``IGNORECASE``): the Chinese words, and the ASCII words spelled with the case
variants ``IGNORECASE`` allows. No ASCII word shares its first letter with another, and no Chinese
word a character with an ASCII one, so together they find what :data:`KEYWORD_RE` finds."""


def keyword_matches(text: str) -> list[tuple[int, str]]:
    """``(start, word)`` of every :data:`KEYWORD_RE` match in ``text``, in order."""
    hits = [(m.start(), m.group()) for m in _KEYWORDS_CJK.finditer(text)]
    more = [(m.start(), m.group()) for m in _KEYWORDS_ASCII.finditer(text)]
    return sorted(hits + more) if more else hits


MASKS: dict[str, Callable[[str], str]] = {
    "cn_resident_id": v.mask_resident_id,
    "bank_card": v.mask_bank_card,
    "cn_mobile": v.mask_cn_mobile,
    "cn_uscc": v.mask_uscc,
}
TYPE_ORDER = tuple(MASKS)
_NOT_CARD_ACCOUNT = (
    r"|信用代码|社会信用|纳税人识别号|税号|组织机构代码|对公账|单位账|企业账|公司账"
    r"|基本户|一般户|基本存款账|一般存款账|结算账户|存款账户|账户账号|内部账"
)
"""Labels of credit codes and corporate/settlement account numbers: such a run is no card."""
_ANTI_CARD = re.compile(
    r"订单|流水|单号|编号|交易号|凭证|合同号|批次|序列号|条码|运单|发票|工单|批号"
    r"|参考号|商户号|终端号|授权号|授权码|检索号" + _NOT_CARD_ACCOUNT
)
_AMOUNT = r"|金额|余额|发生额|本金|利息|合计|总额|总计|借方|贷方|限额|额度|万元|（元）|\(元\)"
"""Labels and headers of amounts: an 11-19-digit amount is neither a phone nor a card."""
_ANTI_MOBILE = re.compile(
    r"账号|帐号|账户|户号|客户号|编号|流水|单号|凭证|合同|工号|批次|序号|代码|卡号|证件|订单|交易号"
    + _AMOUNT
)
"""Labels that make an 11-digit ``1[3-9]…`` value an account or serial number, not a phone."""
_HEADER_ANTI_MOBILE = re.compile(
    r"账号|帐号|账户|户号|客户号|卡号|流水|单号|凭证|合同|工号|证件|交易号" + _AMOUNT
)
_HEADER_ANTI_CARD = re.compile(
    r"流水|订单|单号|交易号|凭证|合同号|批次|序列号|条码|运单|发票|工单|参考号|商户号|终端号"
    + _NOT_CARD_ACCOUNT
    + _AMOUNT
)
"""Column headers that say what a column holds (a bare ``编号`` says nothing)."""
_MOBILE_LABEL = re.compile(r"手机|电话|联系|mobile|tel|phone", re.IGNORECASE)
_ANY_LABEL = re.compile(f"{_ANTI_CARD.pattern}|{_ANTI_MOBILE.pattern}")
CONTEXT_CHARS = 12
ANY_DIGIT_RUN = re.compile(r"[0-9\uff10-\uff19][0-9\uff10-\uff19][0-9\uff10-\uff19]")
"""Every candidate holds at least 3 digits in a row (half- or full-width). Spelled out: CPython's
regex engine scans CJK text 3× faster this way than with ``{3}``."""
# Full-width digits, letters, +, - and the ideographic space read as ASCII, traditional
# characters of the keywords as simplified (same length).
HALF_WIDTH = str.maketrans(
    {
        **{0xFF10 + i: 0x30 + i for i in range(10)},
        **{0xFF21 + i: 0x41 + i for i in range(26)},
        **{0xFF41 + i: 0x61 + i for i in range(26)},
        0xFF0B: 0x2B,
        0xFF0D: 0x2D,
        0x3000: 0x20,
        **TO_SIMPLIFIED,  # 帳號, 身份證號碼 … read as 账号, 身份证号码 (same length)
    }
)
_FOLDED = re.compile("[" + "".join(re.escape(chr(c)) for c in HALF_WIDTH) + "]")
"""Any character :data:`HALF_WIDTH` changes: one C-level class scan (~1 ns a character) instead
of ``str.translate`` (~50 ns a character on CJK text) when there is none."""


def half_width(text: str) -> str:
    """``text.translate(HALF_WIDTH)``, without the copy when no character would change."""
    return text.translate(HALF_WIDTH) if _FOLDED.search(text) else text


def classify(group: str, raw: str, context: str = "", header: str = "") -> tuple[str, str] | None:
    """(type, compact value) of a candidate, or None when no validator accepts it.

    ``context`` is the text just before the candidate on its line, ``header`` its column
    header in a table: a label such as 订单号 or 流水号 says the number is no card even when
    Luhn happens to hold; 账号 says an 11-digit ``1[3-9]…`` number is no mobile."""
    hit = _validate(group, raw)
    return None if hit is None else labelled(hit, context, header)


def validated(group: str, raw: str) -> tuple[str, str] | None:
    """What :func:`classify` returns without context: None here is None whatever the labels
    (the detector asks this first and looks at the line only for a valid number)."""
    return _validate(group, raw)


def labelled(hit: tuple[str, str], context: str, header: str = "") -> tuple[str, str] | None:
    """:func:`classify` of a candidate :func:`validated` found valid: the vetoes applied."""
    if hit[0] not in ("cn_mobile", "bank_card") or not vetoed(hit[0], context, header):
        return hit
    digits = hit[1]
    if len(digits) == 18 and v.is_valid_uscc(digits):
        return "cn_uscc", digits
    return None


def vetoed(typ: str, context: str, header: str = "") -> bool:
    """A label before the value on its line, or its column header, says it is no ``typ``."""
    if context and _ANY_LABEL.search(context):
        if typ == "bank_card" and _ANTI_CARD.search(context):
            return True
        if typ == "cn_mobile" and _last_label_wins(_ANTI_MOBILE, _MOBILE_LABEL, context):
            return True
    return bool(header) and _header_vetoes(typ, header)


@lru_cache(maxsize=1024)
def _header_vetoes(typ: str, header: str) -> bool:
    if typ == "bank_card":
        return _HEADER_ANTI_CARD.search(header) is not None
    return bool(_HEADER_ANTI_MOBILE.search(header) and not _MOBILE_LABEL.search(header))


_VALIDATED: dict[str, tuple[str, str] | None] = {}
"""Memo of :func:`_validate` (emptied when it holds :data:`_MEMO_SIZE` candidates)."""
_MEMO_SIZE = 1 << 16
_UNSEEN = ("", "")


def _validate(group: str, raw: str) -> tuple[str, str] | None:
    """(type, compact value) a validator confirms for a candidate; each distinct candidate is
    validated once (a statement repeats its own and its counterparties' numbers)."""
    key = group + "|" + raw
    hit = _VALIDATED.get(key, _UNSEEN)
    if hit is _UNSEEN:
        if len(_VALIDATED) >= _MEMO_SIZE:
            _VALIDATED.clear()
        hit = _VALIDATED[key] = _validated(group, raw)
    return hit


def _validated(group: str, raw: str) -> tuple[str, str] | None:
    digits = raw if raw.isdigit() else _SEPARATORS.sub("", raw)
    if group in ("mob", "plus"):
        digits = digits[-11:] if len(digits) in (13, 15) else digits
        return ("cn_mobile", digits) if _is_mobile(digits) else None
    if group == "grp":
        return ("bank_card", digits) if v.is_valid_bank_card(digits) else None
    if group == "idgrp":
        return ("cn_resident_id", digits.upper()) if v.is_valid_resident_id(digits) else None
    if group == "uscc":
        return ("cn_uscc", raw) if v.is_valid_uscc(raw) else None
    if len(digits) == 18 and v.is_valid_resident_id(digits):
        return "cn_resident_id", digits.upper()
    if len(digits) == 11 and _is_mobile(digits):
        return "cn_mobile", digits
    if len(digits) == 13 and digits.startswith("86") and _is_mobile(digits[2:]):
        return "cn_mobile", digits[2:]
    if len(digits) == 18 and v.is_resident_id_shaped(digits):
        return None  # an ID with a wrong check digit is a typo, not a card
    if len(digits) == 18 and v.is_valid_uscc(digits.upper()):
        return "cn_uscc", digits.upper()  # an all-digit credit code, whatever Luhn says
    if v.is_valid_bank_card(digits):
        return "bank_card", digits
    return None


_SEPARATORS = re.compile(r"[ +-]")


def _is_mobile(digits: str) -> bool:
    return v.is_valid_cn_mobile(digits) and len(set(digits[3:])) > 2


def _last_label_wins(label: re.Pattern[str], other: re.Pattern[str], context: str) -> bool:
    """``label`` occurs in ``context`` after the last occurrence of ``other`` (nearest wins)."""
    last = None
    for last in label.finditer(context):  # noqa: B007
        pass
    if last is None:
        return False
    return other.search(context, last.end()) is None
