"""Secrecy periods as a mark's evidence keeps them (``机密★10年``, ``保密期限：5年``).

A term or a date is kept whole; free text (a decryption condition running into the document's
words) is cut short, and a run of digits in it is masked, so a finding never carries a sentence
or a number copied from the document. :mod:`.markforms` reads the period of each mark form here.
"""

from __future__ import annotations

import re
import unicodedata

FIELD_PERIOD = re.compile(r"(?:保密期限|保密期)\s*[:：]\s*(?P<period>[^\s/／|｜丨]{1,20})")
"""A period given in a field of its own beside the mark (``密级：秘密    保密期限：5年``)."""


def compact(text: str) -> str:
    """``text`` in NFKC form without white space (``机 密`` → ``机密``, ``１０年`` → ``10年``)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


MAX_FREE_PERIOD = 10
"""Most characters of free text a period keeps (a decryption condition, an odd term)."""
_LABEL = re.compile(r"^(?:解密时间|解密日期|解密条件|保密期限):")
_LONG_DIGITS = re.compile(r"[0-9]{9,}")
_CN = "[0-9〇零一二三四五六七八九十两]"
_TERM = re.compile(
    rf"{_CN}{{2,4}}年{_CN}{{1,3}}月(?:{_CN}{{1,3}}日)?(?:之前|前|止)?"
    rf"|{_CN}{{1,4}}(?:年|个月|個月|月|日|天|周)(?:以内|内)?|长期|永久|半年"
)
"""A term or a date, kept whole however long."""


def short_period(raw: str) -> str:
    """A period as the evidence keeps it: a term or a date whole (``10年``,
    ``解密时间:2028年1月1日``); free text — a decryption condition that runs into the document's
    words — cut to
    :data:`MAX_FREE_PERIOD` characters with ``…``, so a finding never carries a sentence (or a
    number) copied from the document. Any number left in it is masked later
    (:func:`secaudit.sensitive.mask_text`)."""
    period = compact(raw)
    label = _LABEL.match(period)
    head = label.group() if label else ""
    rest = period[len(head) :]
    if _TERM.fullmatch(rest):
        return period
    if len(rest) > MAX_FREE_PERIOD:
        rest = rest[:MAX_FREE_PERIOD] + "…"
    # no term or date holds 9 digits in a row: that is the start of a number, not a period
    return head + _LONG_DIGITS.sub(lambda d: d.group()[:4] + "*" * (len(d.group()) - 4), rest)
