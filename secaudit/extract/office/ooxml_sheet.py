"""SpreadsheetML content (xlsx/xlsm): sheet names, rows, sheet headers/footers, comments.

Each sheet name is a ``sheet_name`` chunk (``index`` = sheet ordinal). Each non-empty row is one
standalone chunk, its cells joined by a tab, ``key`` = sheet name, ``index`` = row number - 1.
Cells resolve shared strings, inline strings, formula strings, booleans; numbers are kept as
written (an integral ``1.1010119900101E+17`` is written out as digits, as Excel shows it). Sheets
are streamed with ``iterparse`` so a large sheet never sits in memory as one tree. Page
headers/footers (``&C机密``) become ``header``/``footer`` chunks without their format codes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from lxml import etree

from secaudit.extract.base import ExtractContext
from secaudit.extract.office.ooxml_package import relationships
from secaudit.extract.zipparts import ZipParts, child, children, descendants, local, text_of
from secaudit.model import ErrorReason, Location, TextChunk

_ROW_TAGS = ("{*}row", "{*}oddHeader", "{*}evenHeader", "{*}firstHeader")
_FOOTER_TAGS = ("{*}oddFooter", "{*}evenFooter", "{*}firstFooter")
_COMMENTS_PART = re.compile(r"xl/comments\d*\.xml$", re.I)
_FORMAT_CODE = re.compile(r'&(?:"[^"]*"|\d+|K[0-9A-Fa-f]{6}|[LCR]|[PNDTFAZGBIUESXYH+\-])')


def extract(parts: ZipParts, main: str, ctx: ExtractContext) -> Iterator[TextChunk]:
    main = main or "xl/workbook.xml"
    strings = shared_strings(parts, main)
    for ordinal, (name, part) in enumerate(sheets(parts, main)):
        yield ctx.chunk(name, Location.SHEET_NAME, index=ordinal, standalone=True)
        if part is None or parts.find(part) is None:
            continue
        data = parts.read(part)
        if data is not None:
            yield from _sheet_rows(data, name, strings, ctx)
    for part in sorted(parts.names()):
        if _COMMENTS_PART.match(part):
            yield from _comments(parts, part, ctx)


def sheets(parts: ZipParts, main: str) -> list[tuple[str, str | None]]:
    """``(sheet name, worksheet part)`` in workbook order."""
    root = parts.xml(main)
    if root is None:
        return []
    rels = relationships(parts, main)
    out: list[tuple[str, str | None]] = []
    for sheet in descendants(root, "sheet"):
        rel_id = next((v for k, v in sheet.attrib.items() if k.rsplit("}", 1)[-1] == "id"), "")
        target = rels.get(rel_id, ("", None))[1]
        out.append((sheet.get("name") or "", target))
    return out


def shared_strings(parts: ZipParts, main: str) -> list[str]:
    name = next(
        (t for kind, t in relationships(parts, main).values() if kind.endswith("/sharedStrings")),
        "xl/sharedStrings.xml",
    )
    root = parts.xml(name) if parts.find(name) else None
    if root is None:
        return []
    return [_string_item(si) for si in children(root, "si")]


def _string_item(si: etree._Element) -> str:
    """Text of ``<si>``/``<is>``: plain or rich runs, phonetic guides (``rPh``) left out."""
    out: list[str] = []
    for el in si:
        name = local(el)
        if name == "t":
            out.append(el.text or "")
        elif name == "r":
            out.append(text_of(child(el, "t")) if child(el, "t") is not None else "")
    return "".join(out)


def _sheet_rows(
    data: bytes, sheet: str, strings: list[str], ctx: ExtractContext
) -> Iterator[TextChunk]:
    events = etree.iterparse(
        io.BytesIO(data),
        events=("end",),
        tag=_ROW_TAGS + _FOOTER_TAGS,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    running = 0
    try:
        for _event, el in events:
            name = local(el)
            if name == "row":
                ctx.check_time()
                text = _row_text(el, strings)
                row_no = int(el.get("r") or 0) - 1 if (el.get("r") or "").isdigit() else running
                running = row_no + 1
                if text.strip():
                    yield ctx.chunk(text, key=sheet, index=row_no, standalone=True)
                _release(el)
            else:
                text = header_footer_text(el.text or "")
                where = Location.FOOTER if "Footer" in name else Location.HEADER
                if text:
                    yield ctx.chunk(text, where, key=sheet, standalone=True)
    except etree.XMLSyntaxError as exc:
        ctx.error(ErrorReason.CORRUPT, f"sheet {sheet!r}: damaged XML after row {running}: {exc}")


def _row_text(row: etree._Element, strings: list[str]) -> str:
    """Cells joined by tabs at their column positions (``r="C5"``), so a value stays under its
    column header even when cells before it are empty; trailing empty cells dropped.

    The hot loop of a large sheet (a million cells): children are walked directly and tags
    compared as strings, without a helper call per cell."""
    values: list[str] = []
    for cell in row:
        tag = cell.tag
        if not isinstance(tag, str) or not (tag.endswith("}c") or tag == "c"):
            continue
        ref = cell.get("r")
        col = _column(ref) if ref else None
        value = _cell(cell, strings)
        if col is not None and col >= len(values) and col - len(values) < 1024:
            values.extend([""] * (col - len(values)))
        values.append(value)
    while values and not values[-1]:
        values.pop()
    return "\t".join(values)


_COLUMNS: dict[str, int | None] = {}


def _column(ref: str) -> int | None:
    """0-based column of a cell reference (``"AB12"`` → 27); None if there is none."""
    letters = ref.rstrip("0123456789")
    col = _COLUMNS.get(letters, -1)
    if col != -1:
        return col
    number = 0
    for ch in letters:
        if not "A" <= ch <= "Z":
            number = 0
            break
        number = number * 26 + ord(ch) - 64
    col = number - 1 if number and len(letters) < len(ref) else None
    if len(_COLUMNS) < 20_000 and len(letters) < len(ref):  # XFD is column 16,384
        _COLUMNS[letters] = col
    return col


def _release(row: etree._Element) -> None:
    row.clear()
    parent = row.getparent()
    while parent is not None and row.getprevious() is not None:
        del parent[0]


def _cell(cell: etree._Element, strings: list[str]) -> str:
    value, inline = "", None
    for sub in cell:
        tag = sub.tag
        if not isinstance(tag, str):
            continue
        if tag.endswith("}v") or tag == "v":
            value = sub.text or ""
        elif tag.endswith("}is") or tag == "is":
            inline = sub
    kind = cell.get("t") or "n"
    if kind == "s":
        try:
            return strings[int(value)].strip()
        except (ValueError, IndexError):
            return ""
    if kind == "inlineStr":
        return _string_item(inline).strip() if inline is not None else ""
    if kind == "b":
        return "TRUE" if value == "1" else "FALSE" if value else ""
    if kind == "n":
        return _number(value)
    return value.strip()


def _number(value: str) -> str:
    if "E" in value.upper():
        try:
            number = float(value)
        except ValueError:
            return value
        if number.is_integer() and abs(number) < 1e21:
            return str(int(number))
    return value


def header_footer_text(code: str) -> str:
    """Sheet header/footer text without ``&L``/``&C``/``&"font"``/``&12`` format codes."""
    text = _FORMAT_CODE.sub(" ", code.replace("&&", "\x00")).replace("\x00", "&")
    return " ".join(text.split())


def _comments(parts: ZipParts, name: str, ctx: ExtractContext) -> Iterator[TextChunk]:
    root = parts.xml(name)
    if root is None:
        return
    for index, comment in enumerate(descendants(root, "comment")):
        text = text_of(child(comment, "text"))
        if text:
            yield ctx.chunk(text, Location.COMMENT, index=index, standalone=True)


__all__ = ["extract", "header_footer_text", "sheets", "shared_strings"]
