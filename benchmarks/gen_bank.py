"""A realistic mixed corpus of a bank branch PC for the speed benchmarks (no real personal data).

    python benchmarks/gen_bank.py OUT_DIR [--files 2000]

What a branch PC holds, by share of files: Word documents with tables of loans and amounts (20 %),
Excel statements of 100–1,500 rows of dates, summaries, amounts, balances and account numbers
(15 %), PDF statements and notices in CID fonts that are not embedded (reportlab's STSong-Light,
as scanners and core-banking exports write them; 1–6 pages, half with tables of amounts) (15 %),
slides (5 %), mails with an Office or PDF attachment (8 %), zips of 2–4 office files (5 %),
legacy doc/xls/ppt (the repository's generated test files, 6 %), logs and exports in UTF-8/GBK
with numbers on every line (8 %), HTML pages (5 %), Markdown (3 %), RTF (3 %), OFD (4 %) and
scanned pages as PNG (3 %). About one file in eight carries a secrecy marking, one in ten a
customer list with valid ID and card numbers.
"""

from __future__ import annotations

import argparse
import email.message
import io
import random
import zipfile
from pathlib import Path

from gen_mixed import MARKS, SENTENCES, ofd_bytes, paragraphs, resident_id

LEGACY = Path(__file__).resolve().parents[1] / "tests" / "data" / "legacy"
SUMMARIES = ["代发工资", "贷款发放", "利息收入", "转账支出", "现金存入", "手续费", "ATM取款",
             "还款"]
KINDS = (
    ["docx"] * 20 + ["xlsx"] * 15 + ["pdf"] * 15 + ["pptx"] * 5 + ["eml"] * 8 + ["zip"] * 5
    + ["legacy"] * 6 + ["log"] * 8 + ["html"] * 5 + ["md"] * 3 + ["rtf"] * 3 + ["ofd"] * 4
    + ["png"] * 3
)


def luhn_card(rng: random.Random) -> str:
    body = "622848" + "".join(rng.choice("0123456789") for _ in range(12))
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return body + str((10 - total % 10) % 10)


def account(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789") for _ in range(17))


def statement_rows(rng: random.Random, n: int) -> list[list[str]]:
    balance = rng.randrange(10**5, 10**7) / 100
    rows = []
    for k in range(n):
        amount = rng.randrange(100, 10**7) / 100
        balance += amount if k % 3 else -amount
        rows.append([f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
                     rng.choice(SUMMARIES), f"{amount:,.2f}", f"{balance:,.2f}", account(rng)])
    return rows


def customers(rng: random.Random, n: int) -> list[list[str]]:
    return [[f"客户{k:03d}", resident_id(rng), luhn_card(rng), f"1{rng.randint(30, 99)}"
             f"{rng.randrange(10**8):08d}"] for k in range(n)]


def text_of(rng: random.Random, i: int) -> tuple[list[str], list[list[str]]]:
    """(paragraphs, table rows) of document ``i``."""
    paras = paragraphs(rng, rng.randint(4, 20))
    if i % 8 == 0:
        paras.insert(0, MARKS[i % len(MARKS)])
    rows = statement_rows(rng, rng.randint(5, 40)) if i % 2 else []
    if i % 10 == 3:
        rows = customers(rng, 15)
    return paras, rows


def docx_bytes(paras: list[str], rows: list[list[str]]) -> bytes:
    import docx

    d = docx.Document()
    for p in paras[:3]:
        d.add_paragraph(p)
    if rows:
        table = d.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    for p in paras[3:]:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def xlsx_bytes(rng: random.Random, paras: list[str], rows: list[list[str]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "流水明细"
    ws.append(["交易日期", "摘要", "发生额", "余额", "对方账号"])
    for row in rows or statement_rows(rng, rng.randint(100, 1500)):
        ws.append(row)
    if paras and paras[0] in MARKS:
        ws.cell(1, 7, paras[0])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pdf_bytes(rng: random.Random, paras: list[str], rows: list[list[str]]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    lines = [p[k : k + 40] for p in paras for k in range(0, len(p), 40)]
    lines += ["    ".join(row) for row in rows]
    lines += ["    ".join(r) for r in statement_rows(rng, rng.randint(0, 120))]
    y = 800
    c.setFont("STSong-Light", 9)
    for text in lines:
        c.drawString(36, y, text)
        y -= 13
        if y < 40:
            c.showPage()
            c.setFont("STSong-Light", 9)
            y = 800
    c.save()
    return buf.getvalue()


def pptx_bytes(paras: list[str]) -> bytes:
    import pptx

    prs = pptx.Presentation()
    for k in range(0, min(len(paras), 12), 3):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = paras[k][:20]
        slide.placeholders[1].text = "\n".join(p[:80] for p in paras[k : k + 3])
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def eml_bytes(paras: list[str], name: str, attachment: bytes) -> bytes:
    msg = email.message.EmailMessage()
    msg["Subject"] = paras[-1][:20]
    msg["From"] = "xindai@bank.example"
    msg["To"] = "hezuo@example.org"
    msg.set_content("\n".join(paras[:4]))
    msg.add_attachment(attachment, maintype="application", subtype="octet-stream", filename=name)
    return bytes(msg)


def png_scan(rng: random.Random) -> bytes:
    """A grey A5-sized page at 100 dpi with dark text-like strokes (what a scanner writes)."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (583, 827), 235)
    draw = ImageDraw.Draw(img)
    for y in range(60, 780, 22):
        x = 50
        while x < 530:
            w = rng.randint(8, 14)
            draw.rectangle([x, y, x + w, y + 12], fill=rng.randint(20, 70))
            x += w + rng.randint(3, 6)
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=False)
    return buf.getvalue()


def rtf_bytes(paras: list[str]) -> bytes:
    def esc(text: str) -> str:
        out = []
        for ch in text:
            code = ord(ch)
            out.append(ch if code < 128 else f"\\u{code - 65536 if code > 32767 else code}?")
        return "".join(out)

    body = "".join(f"{{\\pard {esc(p)}\\par}}" for p in paras)
    return f"{{\\rtf1\\ansi\\deff0{{\\fonttbl{{\\f0 SimSun;}}}}{body}}}".encode("ascii")


def write_one(rng: random.Random, out: Path, i: int, legacy: list[Path]) -> None:
    kind = KINDS[i % len(KINDS)]
    paras, rows = text_of(rng, i)
    folder = out / f"dept{i % 20:02d}"
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / f"文件{i:05d}"
    table = "\n".join("\t".join(r) for r in rows)
    if kind == "docx":
        base.with_suffix(".docx").write_bytes(docx_bytes(paras, rows))
    elif kind == "xlsx":
        base.with_suffix(".xlsx").write_bytes(xlsx_bytes(rng, paras, rows))
    elif kind == "pdf":
        base.with_suffix(".pdf").write_bytes(pdf_bytes(rng, paras, rows))
    elif kind == "pptx":
        base.with_suffix(".pptx").write_bytes(pptx_bytes(paras))
    elif kind == "eml":
        attach = rng.choice([("方案.docx", docx_bytes(paras, rows)),
                             ("明细.xlsx", xlsx_bytes(rng, paras, rows)),
                             ("通知.pdf", pdf_bytes(rng, paras, rows))])
        base.with_suffix(".eml").write_bytes(eml_bytes(paras, *attach))
    elif kind == "zip":
        with zipfile.ZipFile(base.with_suffix(".zip"), "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("报告.docx", docx_bytes(paras, rows))
            z.writestr("台账.xlsx", xlsx_bytes(rng, [], statement_rows(rng, 200)))
            z.writestr("说明.txt", "\n".join(paras))
    elif kind == "legacy":
        src = legacy[i % len(legacy)]
        (folder / f"文件{i:05d}{src.suffix}").write_bytes(src.read_bytes())
    elif kind == "log":
        rows = rows or statement_rows(rng, 400)
        data = "\n".join(" | ".join(r) for r in rows) + "\n" + "\n".join(paras)
        base.with_suffix(".txt").write_bytes(data.encode("gb18030" if i % 3 else "utf-8"))
    elif kind == "html":
        cells = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>" for r in rows)
        body = "".join(f"<p>{p}</p>" for p in paras) + f"<table>{cells}</table>"
        head = "<head><meta charset='utf-8'><title>通知</title></head>"
        html = f"<html>{head}<body>{body}</body></html>"
        base.with_suffix(".html").write_text(html, encoding="utf-8")
    elif kind == "md":
        md_rows = "\n".join("| " + " | ".join(r) + " |" for r in rows)
        base.with_suffix(".md").write_text("\n\n".join(paras) + "\n\n" + md_rows, encoding="utf-8")
    elif kind == "rtf":
        base.with_suffix(".rtf").write_bytes(rtf_bytes(paras + table.split("\n")))
    elif kind == "ofd":
        base.with_suffix(".ofd").write_bytes(ofd_bytes(paras))
    else:
        base.with_suffix(".png").write_bytes(png_scan(rng))


def generate_bank(out: Path, n: int, seed: int = 17) -> None:
    rng = random.Random(seed)
    legacy = sorted(p for p in LEGACY.iterdir() if p.suffix in {".doc", ".xls", ".ppt"})
    for i in range(n):
        write_one(rng, out, i, legacy)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--files", type=int, default=2000)
    a = ap.parse_args()
    generate_bank(a.out, a.files)
    print(f"generated {a.files} files under {a.out} ({len(SENTENCES)} sentence kinds)")


if __name__ == "__main__":
    main()
