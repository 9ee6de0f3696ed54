"""Build the .doc table files in this folder (run by hand, never by CI; LibreOffice needed).

Each document is written as .docx with python-docx, then converted by LibreOffice
(``soffice --headless --convert-to doc``) into Word 97-2003, so the row-end marks and the
paragraph properties (``sprmPFTtp``/``sprmPFInTable``) are what a real writer stores. All content
is invented; the 11-digit numbers come from a seeded generator (``tests/corpus/numbers.mobile``).

Usage (from the repository root)::

    .venv/bin/python tests/extract/data/tables/make_tables.py
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[3]))
from tests.corpus.numbers import mobile  # noqa: E402

NUMBERS = [mobile(random.Random(seed)) for seed in range(20241, 20246)]
"""Five 11-digit numbers starting 1[3-9]: phones by shape, account numbers under 账号."""


def _table_doc(path: Path, title: str, header: list[str], rows: list[list[str]]) -> None:
    document = docx.Document()
    document.core_properties.author = "secaudit 测试"
    document.add_paragraph(title)
    table = document.add_table(rows=0, cols=len(header))
    for values in [header, *rows]:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    document.add_paragraph("以上信息仅供内部核对使用。")
    document.save(str(path))


def _accounts(path: Path) -> None:
    """账号 column of 11-digit numbers; 开户网点 left empty in every other row (empty cells in
    the middle of a row: the reason row ends are read from the paragraph properties)."""
    header = ["序号", "户名", "开户网点", "账号"]
    rows = [[str(i + 1), f"客户{i + 1}", "" if i % 2 else "城关支行", n]
            for i, n in enumerate(NUMBERS)]
    _table_doc(path, "对公结算账户清单", header, rows)


def _mobiles(path: Path) -> None:
    header = ["序号", "姓名", "手机号"]
    rows = [[str(i + 1), f"联系人{i + 1}", n] for i, n in enumerate(NUMBERS)]
    _table_doc(path, "客户经理联系人名单", header, rows)


CASES = {"table_accounts": _accounts, "table_mobiles": _mobiles}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for stem, build in CASES.items():
            source = work / f"{stem}.docx"
            build(source)
            subprocess.run(
                ["soffice", f"-env:UserInstallation=file://{work}/profile", "--headless",
                 "--convert-to", "doc", "--outdir", str(work), str(source)],
                check=True, capture_output=True, timeout=180,
            )
            shutil.copyfile(work / f"{stem}.doc", HERE / f"{stem}.doc")
            print(f"{stem}.doc: {(HERE / f'{stem}.doc').stat().st_size} bytes")


if __name__ == "__main__":
    main()
