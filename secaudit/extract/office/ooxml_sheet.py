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

from secaudit.errors import LimitError
from secaudit.extract.base import ExtractContext
from secaudit.extract.office import ooxml_sheetscan
from secaudit.extract.office.ooxml_package import relationships
from secaudit.extract.office.ooxml_sheetcell import cell_value, row_line, row_number
from secaudit.extract.zipparts import ZipParts, child, children, descendants, local, text_of
from secaudit.model import ErrorReason, Location, TextChunk

_ROW_TAGS = ("{*}row", "{*}oddHeader", "{*}evenHeader", "{*}firstHeader")
_FOOTER_TAGS = ("{*}oddFooter", "{*}evenFooter", "{*}firstFooter")
_REST_TAGS = _ROW_TAGS + _FOOTER_TAGS + ("{*}sheetData",)
_ITERPARSE = {
    "events": ("end",),
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
}
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
    """The sheet's row, header and footer chunks: read by :mod:`.ooxml_sheetscan` when it takes
    the whole sheet, else by lxml, with the same result."""
    try:
        specs, stop = _scanned(data, strings, ctx)
    except ooxml_sheetscan.Unusual:
        for spec in _parsed(data, sheet, strings, ctx):
            yield _chunk(ctx, sheet, spec)
        return
    chunk = ctx.chunk
    for text, location, index in specs:  # _chunk's, inline: one call fewer per row
        yield chunk(text, location, key=sheet, index=index, standalone=True)
    if stop is not None:
        raise stop


_Spec = tuple[str, Location, int]
"""A chunk of a sheet before it is counted: text, location, index."""


def _chunk(ctx: ExtractContext, sheet: str, spec: _Spec) -> TextChunk:
    return ctx.chunk(spec[0], spec[1], key=sheet, index=spec[2], standalone=True)


def _scanned(
    data: bytes, strings: list[str], ctx: ExtractContext
) -> tuple[list[_Spec], LimitError | None]:
    """The specs :func:`_parsed` yields, read by :mod:`.ooxml_sheetscan`, all of them before the
    first is used (so a sheet it does not take is read by lxml from its start), and the time-limit
    error that stopped the reading, if one did; raises ``Unusual``."""
    cut = ooxml_sheetscan.split(data)
    if cut is None:
        raise ooxml_sheetscan.Unusual("not cut")
    rest: list[tuple[str, str | dict[str | None, str]]] = []
    try:
        for _event, el in etree.iterparse(io.BytesIO(cut.rest), **_ITERPARSE, tag=_REST_TAGS):
            name = local(el)
            if name == "row":
                raise ooxml_sheetscan.Unusual("a row outside sheetData")
            rest.append((name, dict(el.nsmap) if name == "sheetData" else el.text or ""))
    except etree.XMLSyntaxError as exc:
        raise ooxml_sheetscan.Unusual("damaged") from exc
    if [n for n, _ in rest].count("sheetData") != 1:
        raise ooxml_sheetscan.Unusual("no sheetData element")
    specs: list[_Spec] = []
    for name, payload in rest:
        if not isinstance(payload, dict):
            specs.extend(_header_footer(name, payload))
            continue
        running = 0
        check_time, body, add = ctx.check_time, Location.BODY, specs.append
        try:
            for ref, text in ooxml_sheetscan.rows(cut.region, strings, payload):
                check_time()
                row_no = int(ref) - 1 if ref and ref.isdigit() else running  # row_number's rule
                running = row_no + 1
                if text.strip():
                    add((text, body, row_no))
        except LimitError as exc:
            return specs, exc  # the rows read in time, then the time-limit error
        except ValueError as exc:  # r="²": lxml fails there too, or at damage before it
            raise ooxml_sheetscan.Unusual("row number") from exc
    return specs, None


def _parsed(data: bytes, sheet: str, strings: list[str], ctx: ExtractContext) -> Iterator[_Spec]:
    events = etree.iterparse(io.BytesIO(data), **_ITERPARSE, tag=_ROW_TAGS + _FOOTER_TAGS)
    running = 0
    try:
        for _event, el in events:
            name = local(el)
            if name == "row":
                ctx.check_time()
                text = _row_text(el, strings)
                row_no = row_number(el.get("r"), running)
                running = row_no + 1
                if text.strip():
                    yield text, Location.BODY, row_no
                _release(el)
            else:
                yield from _header_footer(name, el.text or "")
    except etree.XMLSyntaxError as exc:
        ctx.error(ErrorReason.CORRUPT, f"sheet {sheet!r}: damaged XML after row {running}: {exc}")


def _header_footer(name: str, code: str) -> Iterator[_Spec]:
    text = header_footer_text(code)
    if text:
        yield text, Location.FOOTER if "Footer" in name else Location.HEADER, 0


def _row_text(row: etree._Element, strings: list[str]) -> str:
    """The row line of a ``<row>`` (:func:`.ooxml_sheetcell.row_line`).

    The hot loop of a large sheet read by lxml: children are walked directly and tags compared
    as strings, without a helper call per cell."""
    cells: list[tuple[str | None, str]] = []
    for cell in row:
        tag = cell.tag
        if not isinstance(tag, str) or not (tag.endswith("}c") or tag == "c"):
            continue
        cells.append((cell.get("r"), _cell(cell, strings)))
    return row_line(cells)


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
    text = _string_item(inline) if inline is not None and kind == "inlineStr" else None
    return cell_value(kind, value, text, strings)


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
