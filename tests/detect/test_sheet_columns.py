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
