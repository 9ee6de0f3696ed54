"""Spreadsheet columns keep their place (empty cells included), so a column header judges the
values under it."""

from __future__ import annotations

import io

import openpyxl

from secaudit.detect.registry import build_detectors, detect
from secaudit.extract.registry import extract_bytes


def _mobile(seq: int) -> str:
    return f"139{(24681357 + seq * 7919) % 10**8:08d}"  # varied digits, not a filler


def test_account_column_is_no_mobile_when_the_header_row_starts_empty() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "对账单"
    ws.append([None, "账号", "手机"])  # no header over the name column
    for i in range(12):
        # A: names; B: 11-digit account numbers that look like mobiles; C: real mobiles
        ws.append([f"客户{i}", f"131{(97531246 + i * 3571) % 10**8:08d}", _mobile(i)])
    buf = io.BytesIO()
    wb.save(buf)
    ext = extract_bytes(buf.getvalue(), "对账单.xlsx")
    rows = [c.text for c in ext.chunks if c.key == "对账单"]
    assert rows[0] == "\t账号\t手机"
    mobiles = [f for f in detect(ext.chunks, build_detectors()) if f.type == "cn_mobile"]
    assert [f.count for f in mobiles] == [12]  # only column C; the 账号 column is vetoed
    assert mobiles[0].sample is not None and mobiles[0].sample.startswith("139")


def _docx_table(rows: list[list[str]]) -> bytes:
    import docx

    doc = docx.Document()
    doc.add_paragraph("客户信息登记表")
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _docx_mobiles(rows: list[list[str]]) -> list[int]:
    ext = extract_bytes(_docx_table(rows), "登记表.docx")
    return [f.count or 0 for f in detect(ext.chunks, build_detectors()) if f.type == "cn_mobile"]


def test_docx_table_account_column_is_no_mobile() -> None:
    rows = [["账号", "户名"], ["13104455678", "客户0"], ["15104455679", "客户1"]]
    assert _docx_mobiles(rows) == []


def test_docx_table_mobile_column_keeps_counting() -> None:
    rows = [["户名", "手机"]] + [[f"客户{i}", _mobile(i)] for i in range(5)]
    assert _docx_mobiles(rows) == [5]


def test_docx_table_columns_follow_grid_span_and_empty_cells() -> None:
    import docx

    doc = docx.Document()
    table = doc.add_table(rows=3, cols=4)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "客户"  # spans columns 0-1
    table.cell(0, 2).text = "客户号"
    table.cell(0, 3).text = "手机"
    for r in (1, 2):
        table.cell(r, 0).text = f"客户{r}"
        table.cell(r, 2).text = f"1{2 * r + 1}10445567{r}"  # customer numbers: no mobiles
        table.cell(r, 3).text = _mobile(r)  # column 1 stays empty
    buf = io.BytesIO()
    doc.save(buf)
    ext = extract_bytes(buf.getvalue(), "合并表头.docx")
    mobiles = [f for f in detect(ext.chunks, build_detectors()) if f.type == "cn_mobile"]
    assert [f.count for f in mobiles] == [2]
    assert mobiles[0].sample is not None and mobiles[0].sample.startswith("139")


def test_docx_row_lines_keep_nested_tables_and_leave_marks_as_cells() -> None:
    import docx

    from secaudit.detect.tables import split_rows

    doc = docx.Document()
    doc.add_paragraph("关于2024年信贷计划的通知")
    table = doc.add_table(rows=1, cols=3)
    table.cell(0, 0).text = "机密★5年"
    table.cell(0, 2).text = "编号：2024-03"
    inner = table.cell(0, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "手机"
    inner.cell(0, 1).text = _mobile(7)
    buf = io.BytesIO()
    doc.save(buf)
    chunks = extract_bytes(buf.getvalue(), "通知.docx").chunks
    body = [c.text for c in chunks if c.location.value == "body"]
    assert body[1:] == [
        "机密★5年\t\t编号：2024-03",  # the empty middle cell keeps its column
        "机密★5年",
        "编号：2024-03",
        f"手机\t{_mobile(7)}",  # the nested table, after its cell
        "手机",
        _mobile(7),
    ]
    cells, rows = split_rows(chunks)
    assert [c.text for c in cells if "\t" in c.text] == []
    assert [c.text for c in rows if c.location.value == "body"][1:] == [body[1], body[4]]
    findings = detect(chunks, build_detectors())
    marks = [(f.level, f.text) for f in findings if f.kind == "marking"]
    assert [(lv.value if lv else None, t) for lv, t in marks] == [("secret", "机密★5年")]
    assert [(f.type, f.count) for f in findings if f.kind == "info_type"] == [("cn_mobile", 1)]


def test_sheet_rows_are_no_table_row_lines() -> None:
    from secaudit.detect.tables import split_rows
    from secaudit.model import TextChunk

    sheet = [TextChunk("账号\t户名", key="S1"), TextChunk("账号"), TextChunk("户名")]
    assert split_rows(sheet) == (sheet, sheet)
    loose = [TextChunk("账号\t户名"), TextChunk("户名"), TextChunk("账号")]
    assert split_rows(loose) == (loose, loose)  # cells out of order: not a row line
