"""Generate the mixed benchmark corpus and the plain-text tree (no real personal data).

    python benchmarks/gen_mixed.py OUT_DIR [--files 2000] [--text-files 10000]

Mixed corpus: ~60 % office documents (docx, xlsx, pptx, pdf), the rest plain text in UTF-8 and
GBK, HTML, e-mail, OFD, zip and tar.gz archives; about one file in eight carries a secrecy
marking and one in ten generated ID numbers with valid check digits.
"""

from __future__ import annotations

import argparse
import email.message
import io
import os
import random
import tarfile
import zipfile
from pathlib import Path

SENTENCES = [
    "根据总行年度工作安排，各支行应于本季度末前完成信贷资产质量检查。",
    "本次培训围绕柜面业务操作规范展开，参训人员须按时签到。",
    "请各网点做好节假日期间的安全保卫和现金押运工作。",
    "客户经理应当定期走访小微企业客户，了解其经营状况与融资需求。",
    "会议研究了农户小额信用贷款的利率定价和风险分担机制。",
    "各部门要加强内部控制制度建设，落实岗位分离和授权管理要求。",
    "自助设备巡检记录应当完整，发现故障及时报修并登记。",
    "年度财务预算编制工作已经启动，请于下月十日前报送初稿。",
]
MARKS = ["机密★10年", "秘密★5年", "绝密★长期", "核心商密★3年", "内部资料", "秘密"]


def resident_id(rng: random.Random) -> str:
    area = rng.choice(["110101", "320102", "440305", "510104", "330106"])
    birth = f"{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = area + birth + f"{rng.randint(0, 999):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def paragraphs(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choices(SENTENCES, k=rng.randint(2, 5))) for _ in range(n)]


def content(rng: random.Random, i: int) -> list[str]:
    paras = paragraphs(rng, rng.randint(5, 30))
    if i % 8 == 0:
        paras.insert(0, MARKS[i % len(MARKS)])
    if i % 10 == 3:
        paras.extend(f"客户{k}  身份证号 {resident_id(rng)}" for k in range(12))
    return paras


def write_docx(path: Path, paras: list[str]) -> None:
    import docx

    d = docx.Document()
    for p in paras:
        d.add_paragraph(p)
    d.save(str(path))


def write_xlsx(path: Path, paras: list[str]) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "明细"
    for r, p in enumerate(paras, 1):
        ws.cell(r, 1, r)
        ws.cell(r, 2, p[:60])
    wb.save(str(path))


def write_pptx(path: Path, paras: list[str]) -> None:
    import pptx

    prs = pptx.Presentation()
    for chunk in range(0, min(len(paras), 12), 3):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = paras[chunk][:20]
        slide.placeholders[1].text = "\n".join(p[:80] for p in paras[chunk : chunk + 3])
    prs.save(str(path))


def write_pdf(path: Path, paras: list[str]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 10)
    y = 800
    for p in paras:
        for k in range(0, len(p), 40):
            c.drawString(40, y, p[k : k + 40])
            y -= 14
            if y < 40:
                c.showPage()
                c.setFont("STSong-Light", 10)
                y = 800
    c.save()


def ofd_bytes(paras: list[str]) -> bytes:
    buf = io.BytesIO()
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    texts = "".join(
        f'<ofd:TextObject ID="{i + 10}" Boundary="0 {i * 6} 180 6" Font="1" Size="4">'
        f'<ofd:TextCode X="0" Y="4">{p[:60]}</ofd:TextCode></ofd:TextObject>'
        for i, p in enumerate(paras[:40])
    )
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "OFD.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {ns} Version="1.0"><ofd:DocBody>'
            "<ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo>"
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        z.writestr(
            "Doc_0/Document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {ns}><ofd:CommonData>'
            '<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
            '</ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'
            "</ofd:Pages></ofd:Document>",
        )
        z.writestr(
            "Doc_0/Pages/Page_0/Content.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Content>'
            f'<ofd:Layer ID="2">{texts}</ofd:Layer></ofd:Content></ofd:Page>',
        )
    return buf.getvalue()


def eml_bytes(paras: list[str], attach: bytes | None) -> bytes:
    msg = email.message.EmailMessage()
    msg["Subject"] = paras[0][:20]
    msg["From"] = "sender@bank.example"
    msg["To"] = "someone@example.org"
    msg.set_content("\n".join(paras))
    if attach:
        msg.add_attachment(attach, maintype="text", subtype="plain", filename="附件.txt")
    return bytes(msg)


def generate_mixed(out: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    kinds = (
        ["docx"] * 23 + ["xlsx"] * 15 + ["pptx"] * 7 + ["pdf"] * 15
        + ["txt"] * 14 + ["gbk"] * 6 + ["html"] * 5 + ["eml"] * 5
        + ["ofd"] * 4 + ["zip"] * 4 + ["tgz"] * 2
    )
    for i in range(n):
        kind = kinds[i % len(kinds)]
        paras = content(rng, i)
        d = out / f"dept{i % 20:02d}"
        d.mkdir(parents=True, exist_ok=True)
        base = d / f"文件{i:05d}"
        text = "\n".join(paras)
        if kind == "docx":
            write_docx(base.with_suffix(".docx"), paras)
        elif kind == "xlsx":
            write_xlsx(base.with_suffix(".xlsx"), paras)
        elif kind == "pptx":
            write_pptx(base.with_suffix(".pptx"), paras)
        elif kind == "pdf":
            write_pdf(base.with_suffix(".pdf"), paras)
        elif kind == "txt":
            base.with_suffix(".txt").write_text(text, encoding="utf-8")
        elif kind == "gbk":
            base.with_suffix(".txt").write_bytes(text.encode("gb18030"))
        elif kind == "html":
            body = "".join(f"<p>{p}</p>" for p in paras)
            head = "<head><meta charset='utf-8'><title>通知</title></head>"
            html = f"<html>{head}<body>{body}</body></html>"
            base.with_suffix(".html").write_text(html, encoding="utf-8")
        elif kind == "eml":
            base.with_suffix(".eml").write_bytes(eml_bytes(paras, text.encode()))
        elif kind == "ofd":
            base.with_suffix(".ofd").write_bytes(ofd_bytes(paras))
        elif kind == "zip":
            with zipfile.ZipFile(base.with_suffix(".zip"), "w", zipfile.ZIP_DEFLATED) as z:
                for k in range(4):
                    z.writestr(f"资料{k}.txt", "\n".join(content(rng, i + k)))
                z.writestr("报表.ofd", ofd_bytes(paras))
        elif kind == "tgz":
            with tarfile.open(base.with_suffix(".tar.gz"), "w:gz") as t:
                for k in range(3):
                    data = "\n".join(content(rng, i + k)).encode()
                    info = tarfile.TarInfo(f"归档/记录{k}.txt")
                    info.size = len(data)
                    t.addfile(info, io.BytesIO(data))


def generate_text_tree(out: Path, n: int, size: int = 30_000, seed: int = 11) -> None:
    rng = random.Random(seed)
    block = "\n".join(paragraphs(rng, 200))
    for i in range(n):
        d = out / f"d{i // 500:03d}"
        if i % 500 == 0:
            d.mkdir(parents=True, exist_ok=True)
        start = rng.randrange(0, 2000)
        text = (block * 4)[start : start + size // 3]  # ~3 bytes per CJK char in UTF-8
        if i % 50 == 0:
            text = "秘密★1年\n" + text
        (d / f"f{i:05d}.txt").write_text(text, encoding="utf-8")


def generate_number_tree(out: Path, n: int, size: int = 30_000, seed: int = 12) -> None:
    """The text tree's prose with every line ending in an amount-like 8-digit number, as ledgers,
    statements and logs do; a customer line with an ID and a card number in one file of 50."""
    rng = random.Random(seed)
    lines = [p for p in paragraphs(rng, 200) if p]
    for i in range(n):
        d = out / f"d{i // 500:03d}"
        if i % 500 == 0:
            d.mkdir(parents=True, exist_ok=True)
        body, used = [], 0
        while used < size:
            row = f"{rng.choice(lines)[:60]}　发生额 {rng.randrange(10**8):08d}"
            body.append(row)
            used += len(row.encode("utf-8")) + 1
        if i % 50 == 0:
            body.insert(0, "秘密★1年")
        (d / f"n{i:05d}.txt").write_text("\n".join(body), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--text-files", type=int, default=10000)
    a = ap.parse_args()
    generate_mixed(a.out / "mixed", a.files)
    generate_text_tree(a.out / "text", a.text_files)
    print(f"generated {a.files} mixed files and {a.text_files} text files under {a.out}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
