"""The words that raise an info-type finding's confidence, and how they are found fast.

:data:`KEYWORDS` per info type; :data:`KEYWORD_RE` matches any of them (ignoring case);
:func:`keyword_matches` finds what it finds with two patterns CPython scans faster;
:func:`keyword_type` names the type a match belongs to. Used by
:mod:`secaudit.detect.infotypes`.
"""

from __future__ import annotations

import re

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
IGNORECASE_FOLDS = {"İ": "i", "ı": "i", "K": "k", "ſ": "s"}
"""The non-ASCII letters ``re.IGNORECASE`` matches with an ASCII one, and that letter."""
_TO_ASCII_CASE = str.maketrans(IGNORECASE_FOLDS)


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
