"""Scanning one prepared folder as each channel and role gives exactly the expected violations.

Real documents (python-docx, openpyxl, an encrypted 7z from py7zr) go through ``secaudit scan``
with the shipped default policy; only the policy's judgement differs between the runs.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import docx
import openpyxl
import py7zr
import pytest

from secaudit.cli import main
from tests.corpus import numbers as num


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("branch-pc")
    d = docx.Document()
    d.add_paragraph("机密★10年")
    d.add_paragraph("关于2025年信贷投放计划的请示")
    d.save(str(root / "信贷计划.docx"))
    d = docx.Document()
    d.add_paragraph("第三季度经营分析会议纪要")
    d.save(str(root / "【内部】会议纪要.docx"))
    rng = random.Random(4)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "贷款余额"])
    for i in range(15):
        ws.append([f"客户{i}", num.resident_id(rng), 10000 + i])
    wb.save(str(root / "客户名单.xlsx"))
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "应发", "实发"])
    wb.active.append(["员工甲", 6000, 5200])
    wb.save(str(root / "2024年10月工资表.xlsx"))
    (root / "说明.txt").write_text("网点营业时间调整的说明。", encoding="utf-8")
    with py7zr.SevenZipFile(root / "资料.7z", "w", password="pw") as z:
        z.writestr(b"anything", "a.txt")
    return root


MARKED, INTERNAL, CUSTOMERS, SALARY, ARCHIVE = (
    "信贷计划.docx",
    "【内部】会议纪要.docx",
    "客户名单.xlsx",
    "2024年10月工资表.xlsx",
    "资料.7z",
)

EXPECTED = {
    ("internet_host", "internet"): {
        ("SEC-001", MARKED),
        ("SEC-003", INTERNAL),
        ("SEC-014", CUSTOMERS),
        ("SEC-014", SALARY),
    },
    ("local", "internet"): {
        ("SEC-001", MARKED),
        ("SEC-003", INTERNAL),
        ("SEC-014", CUSTOMERS),
        ("SEC-014", SALARY),
    },
    ("local", "intranet"): {("SEC-015", MARKED)},
    ("local", "classified"): set(),
    ("removable_media", "intranet"): {
        ("SEC-005", MARKED),
        ("SEC-004", INTERNAL),
        ("SEC-010", CUSTOMERS),
        ("SEC-010", SALARY),
        ("SEC-013", ARCHIVE),
    },
    ("email", "internet"): {
        ("SEC-007", MARKED),
        ("SEC-007", INTERNAL),
        ("SEC-010", CUSTOMERS),
        ("SEC-010", SALARY),
        ("SEC-013", ARCHIVE),
    },
}


@pytest.mark.parametrize(("channel", "role"), list(EXPECTED))
def test_scan_as_channel_and_role(folder: Path, tmp_path: Path, channel: str, role: str) -> None:
    out = tmp_path / "scan.json"
    code = main(
        [
            "--home",
            str(tmp_path / "home"),
            "scan",
            "--format",
            "json",
            "--no-ledger",
            "--no-cache",
            "--channel",
            channel,
            "--role",
            role,
            "--output",
            str(out),
            str(folder),
        ]
    )
    doc = json.loads(out.read_text(encoding="utf-8"))
    got = {(v["rule"], Path(v["path"]).name) for v in doc["violations"]}
    assert got == EXPECTED[channel, role]
    assert code == (1 if got else 0)
    assert doc["policy"]["id"] == "rcb-default"
    assert len(doc["policy"]["sha256"]) == 64
    assert all(v["channel"] == channel for v in doc["violations"])
