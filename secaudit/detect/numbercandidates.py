"""Where a number may stand: the guarded candidate pattern, its quick pre-filters and width folding.

:data:`CANDIDATE` finds every number candidate in one guarded pass — plain runs, 4-digit groups,
``+86``/dashed mobiles, 18-character credit codes — never inside a longer digit run nor glued to
ASCII letters or an amount; :func:`candidates` runs it only on the segments of number characters
where :func:`locator` finds a digit run that can start one, and takes a plain run between
tabs or line ends (a statement's account number) without it. :data:`QUICK` is the cheap pattern
every candidate contains; :data:`RAW_QUICK` and :data:`ANY_DIGIT_RUN` tell before any folding
that a text holds no candidate; :func:`half_width` reads full-width digits and traditional keyword
characters as ASCII and simplified. What a candidate is (validators and label vetoes) is
:mod:`secaudit.detect.infoclass`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
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
never match it. (:func:`locator` is the same idea anchored at the start of digit runs.)"""


_D = "0-9\uff10-\uff19"  # digits, half- and full-width
RAW_QUICK = re.compile(
    f"[{_D}]{{11}}|[{_D}]{{3,6}}[ \\-\u3000\uff0d][{_D}]{{4}}"
    f"|[{_D}A-HJ-NP-RTUWXY\uff21-\uff28\uff2a-\uff2e\uff30-\uff32\uff34\uff35\uff37-\uff39]{{18}}"
)
""":data:`QUICK` on text before :data:`HALF_WIDTH` folding: every character class widened to the
characters that fold into it. No hit here means no candidate after folding, so the folding (a
copy of the whole text) is skipped too."""


class Candidate(NamedTuple):
    """One number candidate: where it is, which alternative of :data:`CANDIDATE` took it, and
    its characters."""

    start: int
    end: int
    group: str
    raw: str


_NUMBER = "0-9A-Za-z+ \\-"
"""Every character a :data:`CANDIDATE` match can hold. A *segment* is a maximal run of them: no
candidate crosses one, and :data:`CANDIDATE` looks at most 3 characters past a segment's end
(a line end or a space, then a two-character unit such as 美元)."""
_LOOKAHEAD = 3
_OUTSIDE = f"[^{_NUMBER}¥￥$.]"
_END = f"(?![{_NUMBER}.元万亿美港%％‰])"
_PLAIN = (
    f"(?:(?<={_OUTSIDE}[0-9])|(?<={_OUTSIDE} [0-9]))(?!(?<=0)086)[0-9]{{10,18}}+"
    f"(?:{_END}|(?= {_END}))(?!\\s[元万亿美港%％‰])"
)
"""After a digit run's first digit: the run of 11–19 digits is its segment but for a space on
either side, with no sign, currency, decimal point or unit around it (a statement's account
number in its cell, ``| 6217…`` in a log): exactly one ``run`` candidate (a space starts no
candidate), taken without :data:`CANDIDATE`."""
_START = "[0-9A-HJ-NP-RTUWXY](?<![0-9].)"
"""The first character of a digit run or of credit-code characters (a character class first:
the regex engine skips other characters in C)."""
_SHAPES = (
    f"(?:{_PLAIN}(?P<plain>)"
    "|(?<=[0-9])(?:[0-9]{10}|[0-9]{2,9}+[ -][0-9]{4})"
    "|(?<![A-Za-z].)[0-9A-HJ-NP-RTUWXY]{17})"
)
"""A plain run, or a run of 11 digits, or of 3–10 digits before a space or dash and 4 more
digits, or 18 credit-code characters not after a letter: a candidate's digits come in groups of
3 or more before each separator and 11 or more in all, so every candidate's segment holds one
of these at the start of a digit run (or of its credit code)."""


_AHEAD = "(?=[0-9A-HJ-NP-RTUWXY]{10}|[0-9]{2,9}+[ -][0-9]{4})"
"""What every alternative of :data:`_SHAPES` needs after a run's first character, with no
look-behind: 10 more digits or credit-code characters, or 2–9 digits, a separator and 4 digits.
Tested first, it turns away the short runs of dates and amounts (most run starts of a statement)
before the costlier look-arounds; it takes no character, so the matches are the same."""


@lru_cache(maxsize=4)
def locator(maybe_valid: str | None = None) -> re.Pattern[str]:
    """The pattern that finds where candidates may stand; with ``maybe_valid`` (a pattern for
    the digits of a whole run) it passes over plain runs that do not match it."""
    if maybe_valid is None:
        return re.compile(_START + _AHEAD + _SHAPES)
    unwanted = f"(?!(?={_PLAIN})(?<!(?=(?:{maybe_valid})(?![0-9]))[0-9]))"
    return re.compile(_START + _AHEAD + unwanted + _SHAPES)


_LAST_BREAK = re.compile(f".*[^{_NUMBER}]", re.S)
_SEGMENT_REST = re.compile(f"[{_NUMBER}]*")


def candidates(text: str, maybe_valid: str | None = None) -> Iterator[Candidate]:
    """The matches of :data:`CANDIDATE` in ``text``, the same as ``CANDIDATE.finditer(text)``;
    with ``maybe_valid``, without the plain runs (:data:`_PLAIN`) whose digits do not match it.

    Only the segments :func:`locator` finds something in are read, each once and whole:
    :data:`CANDIDATE` runs from the segment's start to 3 characters past its end (its matches
    and look-arounds stay inside that); a plain segment is its one ``run`` candidate."""
    done = 0  # the text before this is read
    size = len(text)
    for hit in locator(maybe_valid).finditer(text):
        start = hit.start()
        if start < done:
            continue  # in a segment already read
        if hit.lastgroup == "plain":
            done = hit.end()
            yield Candidate(start, done, "run", hit.group())
            continue
        cut = _LAST_BREAK.match(text, done, start)  # the segment starts after its last break
        first = cut.end() if cut else done
        done = _SEGMENT_REST.match(text, hit.end()).end()  # type: ignore[union-attr]
        for m in CANDIDATE.finditer(text, first, min(size, done + _LOOKAHEAD)):
            group = "idgrp" if m.lastgroup == "idsep" else m.lastgroup or ""
            yield Candidate(m.start(), m.end(), group, m.group(group))


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
