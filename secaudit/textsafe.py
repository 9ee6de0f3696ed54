"""File names that are not UTF-8, made readable and safe for JSON, the ledger and reports.

Linux hands Python a file name whose bytes are not UTF-8 (a GBK name written by a Windows tool, a
USB stick mounted without ``iocharset=utf8``) as a string with lone surrogates (``\\udcbb``).
Such a string cannot be encoded as UTF-8: written to JSON or hashed into the ledger it would
break the output. :func:`readable_name` shows it as people read it — each path segment as UTF-8,
else as GB18030 when that gives Chinese text (``机密★10年.txt``), else with ``\\xNN`` escapes for
the undecodable bytes — and :func:`readable` applies that to every string of a JSON-like value.
Paths used to open files keep their original form; only what is shown and recorded changes.

:func:`shown` writes control and bidi characters of untrusted text as visible escapes (for the
terminal and the HTML report); :func:`csv_cell` keeps a CSV cell from starting a formula.
"""

from __future__ import annotations

import re
from typing import Any

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def readable_name(text: str) -> str:
    """``text`` unchanged when it is valid Unicode, else decoded as described above."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # surrogates that did not come from undecodable bytes
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return "/".join(_segment(part) for part in raw.split(b"/"))


def _segment(raw: bytes) -> str:
    return utf8_or_chinese(raw) or raw.decode("utf-8", "backslashreplace")


def utf8_or_chinese(raw: bytes) -> str | None:
    """``raw`` as UTF-8, else as GB18030 (a superset of GBK, what Chinese Windows writes) when
    that gives Chinese text; ``None`` when neither fits (the caller picks its fallback)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return text if _CJK.search(text) else None


def readable(value: Any) -> Any:
    """A copy of ``value`` (dicts, lists, tuples as lists, strings …) with every string made
    :func:`readable_name`; for the rare value that cannot be encoded as it is."""
    if isinstance(value, str):
        return readable_name(value)
    if isinstance(value, dict):
        return {readable(k): readable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [readable(v) for v in value]
    return value


# -- showing untrusted text (file names, members, mail subjects) --------------------------------

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Characters that reorder what follows them (``正常文件\\u202excod.txt`` shows ``…txt.docx``)."""
_HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f" + BIDI_CONTROLS + "\u2028\u2029\ufeff]"
)
_HIDDEN_KEEP_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f" + BIDI_CONTROLS + "\u2028\u2029\ufeff]"
)


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str, *, keep_lines: bool = False) -> str:
    """``text`` with control characters (C0, DEL, C1), bidi controls and line/paragraph
    separators written as visible escapes (``\\x1b``, ``\\u202e``), for a terminal or a page:
    a file name can then neither drive the terminal (clear screen, window title, a forged line)
    nor reorder what is shown after it. ``keep_lines`` keeps ``\\n`` and ``\\t`` (document text)."""
    pattern = _HIDDEN_KEEP_LINES if keep_lines else _HIDDEN
    return pattern.sub(_escape, readable_name(text))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell Excel/WPS will not run as a formula: text starting with ``= + - @``, tab or CR
    gets a leading apostrophe (OWASP's advice); other values are returned unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
