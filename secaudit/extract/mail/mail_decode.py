"""Decoding of e-mail header values and part names written by Chinese mail clients.

Foxmail, QQMail, 163/126 webmail and Outlook write RFC 2047 encoded-words in GB2312/GBK/GB18030
or Big5, sometimes raw 8-bit GBK/Big5 bytes without any encoding, and attachment names as RFC 2231
parameters, as encoded-words inside quotes, or as raw bytes. Everything declared GB2312 or GBK is
decoded as GB18030 (a superset) so that rare characters do not turn into mojibake; undeclared
bytes go through :func:`~secaudit.extract.text.text.decode_text`, which guesses between UTF-8,
GB18030 and Big5 by how the result reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from email.errors import HeaderParseError
from email.header import decode_header
from email.message import Message
from email.policy import compat32
from email.utils import collapse_rfc2231_value, getaddresses

from secaudit.extract.base import ExtractContext
from secaudit.extract.text.text import decode_text, normalize_encoding, readability, split_lines
from secaudit.model import Location, TextChunk

_HANZI = re.compile(r"[\u4e00-\u9fff]")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")


def decode_bytes(raw: bytes, charset: str | None) -> str:
    """Decode ``raw`` with its declared charset (GB2312/GBK widened), else by guessing."""
    codec = normalize_encoding(charset) if charset else None
    if codec:
        try:
            return raw.decode(codec)
        except (UnicodeDecodeError, LookupError):
            pass
    return repair_latin1_mojibake(decode_text(raw, None), codec)


def repair_latin1_mojibake(text: str, codec: str | None = None) -> str:
    """Undo GBK/Big5 bytes that were once read as Latin-1 and saved again as UTF-8.

    Old webmail gateways did this (``¤j®a»¡`` for 大家說). The repair is kept only when the
    Latin-1 bytes decode strictly and most of their non-ASCII characters become hanzi.
    """
    high = [ch for ch in text if ch > "\x7f"]
    if not high or any(ch > "\xff" for ch in high):
        return text
    raw = text.encode("latin-1")
    best, best_score = text, float("-inf")
    for candidate_codec in dict.fromkeys((codec, "gb18030", "cp950")):
        if not candidate_codec:
            continue
        try:
            candidate = raw.decode(candidate_codec)
        except (UnicodeDecodeError, LookupError):
            continue
        hanzi = len(_HANZI.findall(candidate))
        score = readability(candidate, candidate_codec)
        if hanzi >= 2 and hanzi * 4 >= len(high) and score > best_score:
            best, best_score = candidate, score
    return best

def undo_surrogates(value: str) -> str:
    """Header text from ``message_from_bytes``: raw 8-bit bytes come back as surrogates."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    return decode_text(value.encode("utf-8", "surrogateescape"))


def decode_header_value(value: str | None) -> str:
    """A header value as readable text: unfolded, encoded-words and raw 8-bit bytes decoded."""
    if not value:
        return ""
    text = undo_surrogates(_FOLD.sub("", str(value)))
    if not _ENCODED_WORD.search(text):
        return repair_latin1_mojibake(text).strip()
    try:
        pieces = decode_header(text)
    except HeaderParseError:  # one damaged encoded-word: decode the others, keep it as it is
        return _ENCODED_WORD.sub(lambda m: _one_word(m.group()), text).strip()
    except (ValueError, LookupError, AssertionError):
        return text.strip()
    return _joined(pieces)


def _one_word(word: str) -> str:
    try:
        return _joined(decode_header(word))
    except (HeaderParseError, ValueError, LookupError, AssertionError):
        return word


def _joined(pieces: list[tuple[bytes | str, str | None]]) -> str:
    out = []
    for piece, charset in pieces:
        if isinstance(piece, str):
            out.append(piece)
        elif charset is None:
            out.append(piece.decode("raw-unicode-escape", errors="replace"))
        else:
            out.append(decode_bytes(piece, charset))
    return "".join(out).strip()


def raw_header(msg: Message, name: str) -> str | None:
    """The raw (undecoded) value of the first header ``name`` (works under every policy)."""
    wanted = name.lower()
    for key, value in msg.raw_items():
        if key.lower() == wanted:
            return str(value)
    return None


def raw_headers(msg: Message, name: str) -> list[str]:
    wanted = name.lower()
    return [str(value) for key, value in msg.raw_items() if key.lower() == wanted]


def part_filename(part: Message) -> str | None:
    """Attachment name from Content-Disposition ``filename`` or Content-Type ``name``.

    Handles RFC 2231 (``filename*=gbk''%D6%D0``), encoded-words in quotes and raw 8-bit names.
    """
    raw = Message(policy=compat32)  # keeps raw 8-bit bytes (as surrogates) in parameters
    for key, header_value in part.raw_items():
        if key.lower() in ("content-disposition", "content-type"):
            raw[key] = undo_surrogates(str(header_value))
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        try:
            value = raw.get_param(param, header=header)
        except (ValueError, LookupError, IndexError, TypeError):
            continue
        if not value:
            continue
        if isinstance(value, tuple):
            charset, _lang, raw = value
            codec = normalize_encoding(charset or "") or "utf-8"
            text = collapse_rfc2231_value((codec, _lang, raw), errors="replace")
        else:
            text = str(value)
        name = decode_header_value(text)
        if name:
            return name
    return None


def addresses(values: list[str]) -> list[str]:
    """``Name <addr>`` strings of address headers, display names decoded."""
    out = []
    pairs = []
    for value in values:
        for name, addr in getaddresses([_FOLD.sub("", value)]):
            if _ENCODED_WORD.search(addr):  # a whole "Name <addr>" inside one encoded-word
                pairs.extend(getaddresses([decode_header_value(addr)]))
            else:
                pairs.append((name, addr))
    for name, addr in pairs:
        name = decode_header_value(name)
        addr = undo_surrogates(addr)
        if name and addr:
            out.append(f"{name} <{addr}>")
        elif addr or name:
            out.append(addr or name)
    return out


def body_chunks(
    payload: bytes, content_type: str, charset: str | None, ctx: ExtractContext, start: int = 0
) -> Iterator[TextChunk]:
    """BODY chunks of a text part; HTML goes through the HTML extractor (lxml)."""
    if content_type == "text/html":
        from secaudit.extract.text.html import extract_html

        html = decode_bytes(payload, charset)
        wrapped = ('<meta charset="utf-8">' + html).encode("utf-8", "surrogatepass")
        for chunk in extract_html(wrapped, ctx):
            if chunk.location is Location.BODY:
                yield replace(chunk, index=start + chunk.index)
        return
    text = decode_bytes(payload, charset)
    for offset, piece in enumerate(split_lines(text)):
        yield ctx.chunk(piece, index=start + offset)
