"""Authentication-information detector (id ``auth_info``): JR/T 0171-2020 class C3 values.

C3 personal financial information is what lets someone act as the customer: it must never sit
in an office file. Four info types, each confirmed by its layout, never by a bare number:

- ``card_cvn`` — a card verification code (CVN2/CVV2/CVC2/安全码, 3 digits, 4 for Amex)
  labelled as such, with a valid card number or an expiry date (有效期, ``MM/YY``) within
  :data:`CARD_WINDOW` characters;
- ``card_track`` — magnetic-stripe track data: track 1 (``%B<PAN>^NAME^YYMM…``) or track 2
  (``;<PAN>=YYMM<service code>…``) whose PAN passes the card check of
  :func:`secaudit.detect.validators.is_valid_bank_card` and whose expiry month is real;
- ``auth_secret`` — a password or PIN written down: a label (``密码``, ``交易密码``,
  ``查询密码``, ``PIN``, ``口令``) then ``：``/``=``/``为``/a cell boundary, then a value of
  4–32 password characters holding at least one digit (``******``, ``____`` and prose fail);
- ``otp_code`` — one-time or SMS codes (``短信验证码：483920``, a ``验证码`` column of 4–8-digit
  values).

An inline value announced as an example (``例如``, ``示例``, ``弱口令`` shortly before) is none.
Labels work inline and as column headers of tab-separated rows (sheets, word-processor tables)
and of comma-separated rows (CSV exports; :func:`.tables.row_separator`).
A finding counts distinct values per (member, location, type); its sample is always ``***``
(nothing of a C3 value is kept). To add a label, extend the patterns below and the tables of
``tests/detect/test_authinfo.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import ClassVar

from secaudit.detect import validators as v
from secaudit.detect.numbercandidates import half_width
from secaudit.detect.tables import row_separator, split_rows
from secaudit.model import Confidence, Finding, Location, TextChunk

CARD_WINDOW = 120
"""Characters around a verification code where a card number or expiry date must stand."""
MASK = "***"
_SEP = r"[ \t]*(?:[:：=\t]|为|是)[ \t]*"
_CVN_LABEL = r"CVN2|CVV2|CVC2|CVN|CVV|CVC|CID|安全码|卡验证码|卡片验证码|卡校验码|验证值"
_PASS_LABEL = (
    r"(?:交易|查询|取款|登录|登陆|支付|网银|手机银行|电话银行|初始|银行卡|账户|卡|服务|U盾|Ukey)?"
    r"(?:密码|PIN码?|口令)"
)
_OTP_LABEL = r"(?:短信)?验证码|动态(?:验证)?码|动态口令|一次性(?:密码|口令|验证码)|OTP"
_PASSWORD = r"[A-Za-z0-9!@#$%^&._+\-]{4,32}"
_CODE_END = r"(?=[\s,，。;；、)）]|$)"
"""A verification or one-time code may follow its label after one space (``安全码 473``), the
value then ending at white space, punctuation or the line's end (``验证码 2024年`` is prose)."""
INLINE = re.compile(
    rf"(?<![A-Za-z])(?:(?P<cvn_l>{_CVN_LABEL})(?:{_SEP}(?P<cvn>[0-9]{{3,4}})(?![0-9])"
    rf"| (?P<cvn_s>[0-9]{{3,4}}){_CODE_END})"
    rf"|(?P<otp_l>{_OTP_LABEL})(?:{_SEP}(?P<otp>[0-9]{{4,8}})(?![0-9A-Za-z])"
    rf"| (?P<otp_s>[0-9]{{4,8}}){_CODE_END})"
    rf"|(?P<pass_l>{_PASS_LABEL}){_SEP}(?P<pass>{_PASSWORD})(?![A-Za-z0-9!@#$%^&._+\-]))",
    re.IGNORECASE,
)
_HEADERS = {
    "card_cvn": re.compile(rf"^\s*(?:{_CVN_LABEL})\s*$", re.IGNORECASE),
    "otp_code": re.compile(rf"^\s*(?:{_OTP_LABEL})\s*$", re.IGNORECASE),
    "auth_secret": re.compile(rf"^\s*(?:{_PASS_LABEL})\s*$", re.IGNORECASE),
}
_VALUES = {
    "card_cvn": re.compile(r"[0-9]{3,4}"),
    "otp_code": re.compile(r"[0-9]{4,8}"),
    "auth_secret": re.compile(_PASSWORD),
}
TRACK = re.compile(
    r"%?B(?P<pan1>[0-9]{13,19})\^[^^\n]{2,26}\^(?P<exp1>[0-9]{4})[0-9]{3}"
    r"|(?<![0-9=])[;；]?(?P<pan2>[0-9]{13,19})[=D](?P<exp2>[0-9]{4})[0-9]{3}[0-9]{4,}\??"
)
_CARD_NEAR = re.compile(r"(?<![0-9])(?:[0-9][ -]?){12,18}[0-9](?![0-9])")
_EXPIRY = re.compile(r"有效期|(?<![0-9/])(?:0[1-9]|1[0-2])/[0-9]{2}(?![0-9/])|EXP", re.IGNORECASE)
_GATE = re.compile(
    r"密[码碼]|口令|[验驗][证證]|安全[码碼]|PIN|CV[NVC]|CID|OTP|[0-9０-９](?:[=^]|[DＤ])",
    re.IGNORECASE,
)
"""Every C3 value needs one of these: a label (also traditional) or a track's digit before its
separator (``^`` of track 1, ``=``/``D`` of track 2; full-width digits fold before matching)."""
_GATE_CJK = re.compile("[密口验驗安](?:(?<=密)[码碼]|(?<=口)令|(?<=[验驗])[证證]|(?<=安)全[码碼])")
_GATE_TRACK = re.compile("[0-9０-９][=^DdＤｄ]")
"""A track's digit before its separator: its own pattern of two classes, so a digit that is not
one costs one class test (statements are mostly digits)."""
_GATE_ASCII = re.compile(
    "[PpCcOo](?:(?<=[Pp])[Iiİı][Nn]|(?<=[Cc])(?:[Vv][NnVvCc]|[Iiİı][Dd])|(?<=[Oo])[Tt][Pp])"
)
""":data:`_GATE` as three patterns that open with one character class and use no ``IGNORECASE``
(CPython then skips to the characters of that class: ~8× faster on a statement): the letters
are spelled with every case variant ``IGNORECASE`` allows (``ı``, ``İ`` for ``i``)."""
PREFILTER_GATE = (
    "密[码碼]|口令|[验驗][证證]|安全[码碼]|P[IiİıI]N|CV[NVC]|C[IiİıI]D|OTP"
    "|[0-9０-９](?:[=^]|[DdＤｄ])"
)
""":data:`_GATE` for the native prefilter (caseless for ASCII only: ``İ``/``ı`` spelled out)."""


def gated(text: str) -> bool:
    """``_GATE.search(text)`` is not None."""
    return (
        _GATE_CJK.search(text) is not None
        or _GATE_ASCII.search(text) is not None
        or _GATE_TRACK.search(text) is not None
    )


_EXAMPLE = re.compile(r"示例|例如|比如|举例|样例|模板|如[:：]|弱口令|弱密码|简单密码")
_TYPES = ("card_cvn", "card_track", "auth_secret", "otp_code")


class AuthInfoDetector:
    """Counts C3 authentication values per (member, location, type); samples fully masked."""

    id: ClassVar[str] = "auth_info"
    version: ClassVar[str] = "4"  # 2: comma-separated rows; 3: their long value cells
    # 4: one space after a code's label, columns apart by runs of spaces
    gate: ClassVar[str] = PREFILTER_GATE
    """Every C3 value needs a label or a track separator (caseless)."""

    def analyze(self, chunks: Sequence[TextChunk]) -> Iterator[Finding]:
        groups: dict[tuple[str | None, Location], list[str]] = {}
        for chunk in split_rows(chunks)[1]:
            if chunk.location not in (Location.FILENAME, Location.PROPERTY):
                groups.setdefault((chunk.member, chunk.location), []).append(chunk.text)
        for (member, location), texts in groups.items():
            text = "\n".join(texts)
            if not gated(text) or not re.search(r"[0-9]{3}", text):
                continue  # one cheap pass: most files name no C3 label and hold no track
            found = c3_values(half_width(text))
            for typ in _TYPES:
                if found.get(typ):
                    yield Finding(
                        kind="info_type",
                        location=location,
                        member=member,
                        confidence=Confidence.HIGH,
                        detector=self.id,
                        type=typ,
                        count=len(found[typ]),
                        sample=MASK,
                    )


def c3_values(text: str) -> dict[str, set[str]]:
    """Distinct C3 values per type in ``text`` (half-width already)."""
    found: dict[str, set[str]] = {}
    for m in INLINE.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if _EXAMPLE.search(text, max(line_start, m.start() - 20), m.start()):
            continue  # 例如：密码：123456 — training material, not a written secret
        cvn, otp = m.group("cvn") or m.group("cvn_s"), m.group("otp") or m.group("otp_s")
        if cvn and _card_near(text, m.start(), m.end()):
            found.setdefault("card_cvn", set()).add(cvn)
        elif otp:
            found.setdefault("otp_code", set()).add(otp)
        elif m.group("pass") and _is_password(m.group("pass")):
            found.setdefault("auth_secret", set()).add(m.group("pass"))
    for m in TRACK.finditer(text):
        pan, exp = m.group("pan1") or m.group("pan2"), m.group("exp1") or m.group("exp2")
        if v.is_valid_bank_card(pan) and "01" <= exp[2:] <= "12":
            found.setdefault("card_track", set()).add(m.group())
    for typ, value in _column_values(text):
        found.setdefault(typ, set()).add(value)
    return found


def _is_password(value: str) -> bool:
    return any(c.isdigit() for c in value) and len(set(value)) > 1


def _card_near(text: str, start: int, end: int) -> bool:
    window = text[max(0, start - CARD_WINDOW) : end + CARD_WINDOW]
    if _EXPIRY.search(window):
        return True
    return any(
        v.is_valid_bank_card(re.sub(r"[ -]", "", m.group())) for m in _CARD_NEAR.finditer(window)
    )


_COLUMN_GAP = re.compile(r" {2,}|\u3000+")
_GAPPED = "  "


def _column_values(text: str) -> Iterator[tuple[str, str]]:
    """(type, value) of cells under a C3 column header in tab-separated rows, or in
    comma-separated rows as wide as their header (a CSV export)."""
    columns: dict[int, str] = {}
    card_columns = False
    width, header_sep = 0, "\t"
    for line in text.split("\n"):
        sep = row_separator(line)
        if sep is None and _COLUMN_GAP.search(line.strip()):
            sep = _GAPPED  # columns apart by runs of spaces (a word processor's plain rows)
        if sep is None:
            columns, card_columns = {}, False
            continue
        cells = _COLUMN_GAP.split(line.strip()) if sep == _GAPPED else line.split(sep)
        header = {
            k: typ for k, cell in enumerate(cells) for typ, h in _HEADERS.items() if h.match(cell)
        }
        if header:
            columns, width, header_sep = header, len(cells), sep
            card_columns = any(re.search(r"卡号|有效期|账号", c) for c in cells)
            continue
        if sep != header_sep or (sep != "\t" and len(cells) != width):
            continue  # a comma or pipe row counts only as wide as its header
        for k, typ in columns.items():
            if k >= len(cells) or not _VALUES[typ].fullmatch(cells[k].strip()):
                continue
            value = cells[k].strip()
            if typ == "auth_secret" and not _is_password(value):
                continue
            if typ == "card_cvn" and not card_columns:
                continue
            yield typ, value
