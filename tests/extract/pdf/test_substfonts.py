"""Substituted system fonts loaded once per process (secaudit.extract.pdf.substfonts)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import deque
from types import SimpleNamespace

import pytest

from secaudit.extract.pdf import substfonts
from secaudit.extract.pdf.cjkfonts import has_cjk_system_font
from secaudit.extract.registry import extract_bytes
from tests.extract.pdf.test_pdf import body, build_pdf

# Run in a fresh process: PDFium's font cache and the font list are per process.
CHILD = r"""
import ctypes, io, json, sys
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

def build(font, lines):
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    for n, line in enumerate(lines):
        pdf.setFont(font, 12 + 2 * n)
        pdf.drawString(60, 780 - 30 * n, line)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()

def boxes(data):
    doc = pdfium.PdfDocument(data)
    page = doc[0]
    text = page.get_textpage()
    out = [text.get_text_bounded()]
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    for i in range(pdfium_c.FPDFText_CountChars(text.raw)):
        pdfium_c.FPDFText_GetCharBox(text.raw, i, left, right, bottom, top)
        out.append([left.value, right.value, bottom.value, top.value])
    text.close(); page.close(); doc.close()
    return out

pdfs = [
    build("STSong-Light", ["骨直角说复关门写画为这海边次令", "账号 6222 0200 余额 1,234.56"]),
    build("STSong-Light", ["普通商密 第 1 页 共 3 页", "客户经理应当定期走访小微企业客户"]),
    build("MSung-Light", ["繁體中文的測試文本，骨直角說", "內部資料 注意保存"]),
]
result = {"read": []}
if sys.argv[1] == "wrapped":
    from secaudit.extract.pdf import substfonts
    from secaudit.extract.registry import extract_bytes
    result["installed"] = substfonts.install()
    for data in pdfs:
        extract_bytes(data, "a.pdf")
        result["read"].append(substfonts.fonts_read())
result["boxes"] = [boxes(data) for data in pdfs]
print(json.dumps(result))
"""


def _child(mode: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode], capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(done.stdout)


@pytest.mark.skipif(not has_cjk_system_font(), reason="needs a Chinese system font")
def test_substituted_font_gives_the_same_characters_and_boxes_and_is_read_once() -> None:
    plain, wrapped = _child("plain"), _child("wrapped")
    assert wrapped["installed"]
    assert wrapped["boxes"] == plain["boxes"]
    assert "骨直角" in plain["boxes"][0][0]
    first, second, _third = wrapped["read"]
    assert first > 0  # the substitute font was read for the first PDF ...
    assert second == first  # ... and not again for the next PDF using it


class FakeDoc:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


def test_only_small_pdfs_that_loaded_a_font_are_kept_within_bounds(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(substfonts, "_kept", deque())
    monkeypatch.setattr(substfonts, "MAX_FONT_BYTES", 100)
    no_font, too_big, a, b, c, greedy = (FakeDoc() for _ in range(6))
    substfonts.release(no_font, 1000, 0)
    substfonts.release(too_big, substfonts.KEEP_MAX_BYTES + 1, 10)
    assert no_font.closed and too_big.closed
    substfonts.release(a, 1000, 10)
    substfonts.release(b, 1000, 10)
    assert not a.closed and not b.closed
    substfonts.release(c, 1000, 10)  # a third one: the oldest goes
    assert a.closed and not b.closed and not c.closed
    substfonts.release(greedy, 1000, 95)  # together over MAX_FONT_BYTES: older ones go
    assert b.closed and c.closed and not greedy.closed
    substfonts.release(FakeDoc(), 1000, 101)
    assert [doc for doc, _ in substfonts._kept] == [greedy]


def test_without_the_font_list_api_pdfs_are_read_as_before(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(substfonts, "_tried", False)
    monkeypatch.setattr(substfonts, "_list", None)
    monkeypatch.setattr(substfonts, "pdfium_c", SimpleNamespace())  # an older pypdfium2
    assert substfonts.install() is False
    assert substfonts.fonts_read() == 0
    result = extract_bytes(build_pdf([["机密★10年", "客户信息表"]]), "a.pdf")
    assert body(result) == [(0, "机密★10年"), (0, "客户信息表")]
