"""Table rows from HTML/MHT, RTF and legacy Word: row line + cells, so column headers judge values.

Each format is built for real (HTML/RTF by hand, .doc by LibreOffice — see
``data/tables/make_tables.py``): eleven-digit numbers starting 1[3-9] under a ``账号`` header are
account numbers, under ``手机号`` they are mobile numbers. Markings alone in a cell still count.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from secaudit.detect.registry import build_detectors, detect
from secaudit.detect.tables import split_rows
from secaudit.extract.office import ole_word, ole_word_rows
from secaudit.extract.registry import Extraction, extract_bytes
from secaudit.model import Finding, Level, Location
from tests.corpus.numbers import mobile

TABLES = Path(__file__).resolve().parents[1] / "data" / "tables"
DETECTORS = build_detectors()
NUMBERS = [mobile(random.Random(seed)) for seed in range(20241, 20246)]
"""The values of the .doc files too (same seeds as ``make_tables.py``)."""
ACCOUNTS = [["序号", "户名", "开户网点", "账号"]] + [
    [str(i + 1), f"客户{i + 1}", "" if i % 2 else "城关支行", n] for i, n in enumerate(NUMBERS)
]
MOBILES = [["序号", "姓名", "手机号"]] + [
    [str(i + 1), f"联系人{i + 1}", n] for i, n in enumerate(NUMBERS)
]


def html_page(rows: list[list[str]], charset: str = "utf-8", mark: str = "") -> str:
    body = "".join(
        "<tr>" + "".join(f"<td><p><span>{v}</span></p></td>" for v in row) + "</tr>"
        for row in rows[1:]
    )
    head = "".join(f"<th>{v}</th>" for v in rows[0])
    lead = f"<table><tr><td>{mark}</td><td>编号：2024-07</td></tr></table>" if mark else ""
    return (f'<html><head><meta charset="{charset}"><title>名单</title></head><body>{lead}'
            f"<p>客户名单</p><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            "<p>以上信息仅供核对。</p></body></html>")


def rtf_escape(text: str) -> str:
    return "".join(c if ord(c) < 128 else f"\\u{ord(c) - (65536 if ord(c) > 32767 else 0)}?"
                   for c in text)


def rtf_document(rows: list[list[str]], mark: str = "") -> bytes:
    lead = f"\\pard {rtf_escape(mark)}\\par\n" if mark else ""
    table = "".join(
        "\\trowd" + "".join(f"\\cellx{1500 * (k + 1)}" for k in range(len(row)))
        + "\\pard\\intbl " + "".join(f"{rtf_escape(v)}\\cell " for v in row) + "\\row\n"
        for row in rows
    )
    text = ("{\\rtf1\\ansi\\ansicpg936{\\fonttbl{\\f0\\fcharset134 SimSun;}}\\f0\n" + lead
            + f"\\pard {rtf_escape('客户名单')}\\par\n" + table
            + f"\\pard {rtf_escape('以上信息仅供核对。')}\\par\n}}")
    return text.encode("ascii")


def scan(data: bytes, name: str) -> tuple[Extraction, list[Finding]]:
    result = extract_bytes(data, name)
    assert result.errors == ()
    return result, detect(result.chunks, DETECTORS)


def info(findings: list[Finding], kind: str) -> list[Finding]:
    return [f for f in findings if f.kind == "info_type" and f.type == kind]


def body(result: Extraction) -> list[str]:
    return [c.text for c in result.chunks if c.location is Location.BODY]


def built(fmt: str, rows: list[list[str]]) -> tuple[bytes, str]:
    which = "accounts" if rows is ACCOUNTS else "mobiles"
    if fmt == "html":
        return html_page(rows).encode("utf-8"), f"{which}.htm"
    if fmt == "html-gbk":
        return html_page(rows, "gbk").encode("gbk"), f"{which}.html"
    if fmt == "rtf":
        return rtf_document(rows), f"{which}.rtf"
    return (TABLES / f"table_{which}.doc").read_bytes(), f"{which}.doc"


FORMATS = ("html", "html-gbk", "rtf", "doc")


@pytest.mark.parametrize("fmt", FORMATS)
def test_account_column_is_not_read_as_mobile_numbers(fmt: str) -> None:
    result, findings = scan(*built(fmt, ACCOUNTS))
    assert info(findings, "cn_mobile") == []
    lines = body(result)
    assert "\t".join(ACCOUNTS[0]) in lines
    assert "\t".join(ACCOUNTS[2]) in lines  # the empty 开户网点 cell keeps 账号 in column 4
    assert f"1\t客户1\t城关支行\t{NUMBERS[0]}" in lines


@pytest.mark.parametrize("fmt", FORMATS)
def test_mobile_column_is_found(fmt: str) -> None:
    result, findings = scan(*built(fmt, MOBILES))
    (found,) = info(findings, "cn_mobile")
    assert found.count == len(NUMBERS)
    assert NUMBERS[0] not in (found.sample or "")  # masked
    _cells, rows = split_rows(result.chunks)
    assert [c.text for c in rows if c.location is Location.BODY][1:3] == [
        "\t".join(MOBILES[0]), "\t".join(MOBILES[1])
    ]


@pytest.mark.parametrize("fmt", ["html", "html-gbk", "rtf"])
def test_mark_alone_in_a_cell_or_line_still_counts(fmt: str) -> None:
    if fmt == "rtf":
        data, name = rtf_document(MOBILES, mark="机密★5年"), "m.rtf"
    else:
        charset, codec = ("gbk", "gbk") if fmt == "html-gbk" else ("utf-8", "utf-8")
        data, name = html_page(MOBILES, charset, mark="机密★5年").encode(codec), "m.htm"
    result, findings = scan(data, name)
    marks = [f for f in findings if f.kind == "marking"]
    assert [(f.level, f.text) for f in marks] == [(Level.SECRET, "机密★5年")]
    cells, _rows = split_rows(result.chunks)
    assert "机密★5年" in [c.text for c in cells]


def test_doc_row_ends_come_from_paragraph_properties() -> None:
    """Empty cells mid-row: the guess "cell mark after cell mark ends a row" would cut the row
    before 账号; the row-end marks flagged sprmPFTtp in the PAPX do not."""
    import olefile

    ole = olefile.OleFileIO((TABLES / "table_accounts.doc").read_bytes())
    word = ole.openstream("WordDocument").read()
    fib = ole_word.parse_fib(word)
    text = ole_word.document_text(word, ole.openstream(fib.table_stream).read(), fib)
    ole.close()
    assert text.count(ole_word_rows.ROW_END) == len(ACCOUNTS)
    raw = text.replace(ole_word_rows.ROW_END, "\x07")
    assert ole_word_rows.guess_row_ends(raw).count(ole_word_rows.ROW_END) > len(ACCOUNTS)


def test_doc_story_blocks_multi_paragraph_cells_and_nested_lines() -> None:
    cb, end = ole_word_rows.CELL_BREAK, ole_word_rows.ROW_END
    story = f"标题\r第一行{cb}第二行\x07账号\x07\x07{end}末段\r"
    assert ole_word.paragraphs(story) == [
        "标题", "第一行 第二行\t账号", "第一行\n第二行", "账号", "末段"
    ]


def test_html_spans_keep_columns_and_nested_tables_follow_their_cell() -> None:
    page = ("<html><body><table><tr><th>户名</th><th colspan=2>账号</th><th>备注</th></tr>"
            "<tr><td rowspan=2>甲</td><td>1</td><td>2</td><td>x<br>y</td></tr>"
            "<tr><td>3</td><td></td><td>z<table><tr><td>内</td><td>表</td></tr></table></td></tr>"
            "</table><p>后文</p></body></html>")
    result, _ = scan(page.encode("utf-8"), "a.html")
    assert body(result) == [
        "户名\t账号\t\t备注", "户名", "账号", "备注",
        "甲\t1\t2\tx y", "甲", "1", "2", "x\ny",
        "\t3\t\tz", "3", "z", "内\t表", "内", "表",
        "后文",
    ]


@pytest.mark.parametrize("fmt", ["html-gbk", "rtf", "doc"])
def test_extract_json_shows_row_lines(fmt: str, tmp_path: Path) -> None:
    data, name = built(fmt, ACCOUNTS)
    path = tmp_path / name
    path.write_bytes(data)
    run = subprocess.run(
        [sys.executable, "-m", "secaudit", "--home", str(tmp_path / "home"), "extract",
         "--format", "json", str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert run.returncode == 0, run.stderr
    texts = [c["text"] for c in json.loads(run.stdout)["chunks"]]
    assert "\t".join(ACCOUNTS[0]) in texts
    assert "\t".join(ACCOUNTS[1]) in texts


def test_doc_with_unreadable_paragraph_properties_falls_back_to_the_guess() -> None:
    story = "标题\r账号\x07户名\x07\x07" + NUMBERS[0] + "\x07客户1\x07\x07"
    pieces = [(0, len(story), 0, True)]
    hostile = [(0, 0)] * 13 + [(4, 4_000_000)]  # PlcBtePapx beyond the table stream
    assert ole_word_rows.mark_rows(story, pieces, b"", b"\0" * 64, hostile) == story
    assert ole_word.paragraphs(story) == [
        "标题", "账号\t户名", "账号", "户名", f"{NUMBERS[0]}\t客户1", NUMBERS[0], "客户1"
    ]
