"""OCR output made readable for the detectors: spacing of Chinese text, the ★ of a marking.

Tesseract's ``chi_sim`` model sets single spaces between Chinese characters and letter-spaced
digits, and has no glyph for ★, which it reads as some other character (``机密女10年``).
Kept apart from :mod:`.ocr` so that the scan command, which only asks whether OCR is installed,
does not compile these patterns.
"""

from __future__ import annotations

import re

_WIDE = (
    r"\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
    r"\uff00-\uffef\u2605\u2606\u00b7\u2014\u2026\u201c\u201d\u2018\u2019"
)
_SPACE_BETWEEN_WIDE = re.compile(
    rf"(?<=[{_WIDE}]) (?=[{_WIDE}0-9])|(?<=[{_WIDE}0-9]) (?=[{_WIDE}])"
)
_SPACED_DIGITS = re.compile(r"(?<![0-9A-Za-z])[0-9](?: [0-9Xx](?![0-9A-Za-z]))+")
"""A run of single digits set apart by single spaces (``1 0``): letter-spacing, one number."""
_SPLIT_NUMBER = re.compile(r"(?<![0-9A-Za-z])([0-9]{1,17}) ([0-9]{0,16}[0-9Xx])(?![0-9A-Za-z])")
"""Two digit runs set apart by one space: OCR of a photographed or skewed page splits an
18-character ID number at a gap between glyphs (``3401021 96307154041``)."""
_LEVEL_WORDS = "绝密|机密|秘密|核心商密|普通商密|商密"
_MARK_HEAD = rf"(?P<head>(?:密级[:：]\s*)?[(（]?(?:{_LEVEL_WORDS}))"
_MARK_TAIL = r"(?P<period>[0-9]{1,2}(?:年|个月)|长期)(?P<tail>[)）]?)$"
_MISREAD_STAR = re.compile(rf"^{_MARK_HEAD}[^\s0-9★☆*·]{_MARK_TAIL}")
"""A line that is a marking whose ★ came out as another character (``机密女10年``)."""
_NO_SEPARATOR = re.compile(rf"^{_MARK_HEAD}{_MARK_TAIL}")
"""A marking line whose separator was a space (or lost): ``机密 10年`` once spaces are gone."""


def normalise_ocr_text(text: str) -> str:
    """OCR output as lines a detector can read: Chinese spacing removed, ★ of a marking restored.

    ``机 密 ★ 1 0 年`` becomes ``机密★10年``; ``机密女10年`` (the star misread) becomes
    ``机密★10年``; line breaks are kept, blank lines dropped.
    """
    out: list[str] = []
    for raw in text.replace("\f", "\n").splitlines():
        line = " ".join(raw.split())
        line = _SPACE_BETWEEN_WIDE.sub("", line)
        line = _SPACED_DIGITS.sub(lambda m: m.group().replace(" ", ""), line)
        line = _SPLIT_NUMBER.sub(_join_id_number, line)
        line = _MISREAD_STAR.sub(r"\g<head>★\g<period>\g<tail>", line)
        line = _NO_SEPARATOR.sub(r"\g<head> \g<period>\g<tail>", line)
        if line:
            out.append(line)
    return "\n".join(out)


def _join_id_number(match: re.Match[str]) -> str:
    """The two runs joined when together they have the 18 characters of a resident ID number
    (the detector's check digit decides whether it is one); other numbers are left as read."""
    joined = match.group(1) + match.group(2)
    return joined if len(joined) == 18 else match.group()


def tsv_text(tsv: str) -> tuple[str, float]:
    """``(text, confidence)`` of Tesseract's ``tsv`` output: the words joined by spaces into
    their lines, one line per row, and the mean word confidence (0–100) weighted by word length
    (0 when no word was read). A page read the wrong way round reads as confident garbage no
    more: its confidence drops to ~20 where an upright page gives ~90."""
    lines: dict[tuple[str, str, str, str], list[str]] = {}
    weighted = chars = 0.0
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        word = cols[11].strip()
        lines.setdefault((cols[1], cols[2], cols[3], cols[4]), []).append(word)
        try:
            conf = float(cols[10])
        except ValueError:
            continue
        if conf >= 0:
            weighted += conf * len(word)
            chars += len(word)
    text = "\n".join(" ".join(words) for words in lines.values())
    return text, (weighted / chars if chars else 0.0)
