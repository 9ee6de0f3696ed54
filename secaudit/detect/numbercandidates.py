"""Where a number may stand: the guarded candidate pattern, its quick pre-filters and width folding.

:data:`CANDIDATE` finds every number candidate in one guarded pass — plain runs, 4-digit groups,
``+86``/dashed mobiles, 18-character credit codes — never inside a longer digit run nor glued to
ASCII letters or an amount; :func:`candidates` runs it only around the hits of the cheap
:data:`QUICK` pattern. :data:`RAW_QUICK` and :data:`ANY_DIGIT_RUN` tell before any folding that a
text holds no candidate; :func:`half_width` reads full-width digits and traditional keyword
characters as ASCII and simplified. What a candidate is (validators and label vetoes) is
:mod:`secaudit.detect.infoclass`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

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
