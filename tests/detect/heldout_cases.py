"""Helpers of the held-out style evaluation set (``tests/detect/test_heldout.py``).

Independent of ``tests/corpus``: its own number generators (check digits computed here, no real
data), its own document builders (paragraph chunks as the docx extractor yields them, and real
docx/xlsx/pptx/pdf/txt files run through :func:`secaudit.extract.registry.extract_bytes`), and a
scorer that prints the figures quoted in ``docs/benchmarks.md``:

    .venv/bin/python -m tests.detect.heldout_cases

To add a case, add a row to a table of ``test_heldout.py``; put a new kind of document here.
"""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from stdnum import luhn
from stdnum.cn import ric, uscc

from secaudit.detect.registry import build_detectors, detect
from secaudit.extract.registry import extract_bytes
from secaudit.model import Level, Location, TextChunk

# --- numbers (generated, never real) ---------------------------------------------------------
AREAS = ("330782", "441900", "510107", "370202", "420106", "130602", "350203", "610113")
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def rid(n: int, *, area: str | None = None, born: str | None = None, ok: bool = True) -> str:
    """Resident ID number ``n`` with a valid check character (``ok=False``: a wrong one)."""
    area = area or AREAS[n % len(AREAS)]
    if born is None:
        day = datetime.date(1961, 3, 1) + datetime.timedelta(days=random.Random(n).randrange(15000))
        born = f"{day:%Y%m%d}"
    body = f"{area}{born}{(n * 37 + 11) % 1000:03d}"
    check = ric.calc_check_digit(body + "0")
    if not ok:
        check = "0123456789X"[("0123456789X".index(check) + 3) % 11]
    return body + check


def rid_with_x(start: int = 0) -> str:
    """A valid resident ID whose check character is ``X``."""
    n = start
    while not rid(n).endswith("X"):
        n += 1
    return rid(n)


def card(n: int, prefix: str = "621226", length: int = 19, *, ok: bool = True) -> str:
    """Payment card number with a Luhn check digit (``ok=False``: a wrong one)."""
    fill = length - len(prefix) - 1
    rng = random.Random(f"card{n}")
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(fill))
    check = luhn.calc_check_digit(body)
    return body + (check if ok else str((int(check) + 5) % 10))


def mobile(n: int) -> str:
    heads = ("137", "151", "182", "159", "176", "187", "133", "198", "147", "136")
    rng = random.Random(f"mobile{n}")
    return heads[n % len(heads)] + "".join(str(rng.randrange(10)) for _ in range(8))


def credit_code(n: int, *, ok: bool = True) -> str:
    """Unified social credit code (GB 32100) with its check character."""
    body = "9" + "13"[n % 2] + AREAS[n % len(AREAS)]
    rng = random.Random(f"uscc{n}")
    body += "".join(rng.choice(_USCC_CHARS) for _ in range(9))
    check = uscc.calc_check_digit(body + "0")
    if not ok:
        check = _USCC_CHARS[(_USCC_CHARS.index(check) + 4) % 31]
    return body + check


def groups(value: str, sizes: Sequence[int], sep: str = " ") -> str:
    out, pos = [], 0
    for size in sizes:
        out.append(value[pos : pos + size])
        pos += size
    if pos < len(value):
        out.append(value[pos:])
    return sep.join(out)


# --- documents -------------------------------------------------------------------------------
def paras(*lines: str, location: Location = Location.BODY) -> list[TextChunk]:
    """One standalone chunk per paragraph, as the docx/pptx/pdf extractors yield them."""
    return [TextChunk(t, location, index=i, standalone=True) for i, t in enumerate(lines)]


def extracted(data: bytes, name: str) -> list[TextChunk]:
    return list(extract_bytes(data, name).chunks)


def txt(text: str, name: str = "材料.txt", encoding: str = "utf-8") -> list[TextChunk]:
    return extracted(text.encode(encoding), name)


def docx(
    lines: Sequence[str],
    *,
    header: str | None = None,
    footer: str | None = None,
    table: Sequence[Sequence[str]] | None = None,
    name: str = "文档.docx",
    first_header: str | None = None,
    keywords: str | None = None,
) -> list[TextChunk]:
    import docx as python_docx

    doc = python_docx.Document()
    if keywords is not None:
        doc.core_properties.keywords = keywords
    for line in lines:
        doc.add_paragraph(line)
    if table:
        t = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                t.cell(r, c).text = value
    section = doc.sections[0]
    if header is not None:
        section.header.paragraphs[0].text = header
    if footer is not None:
        section.footer.paragraphs[0].text = footer
    if first_header is not None:
        section.different_first_page_header_footer = True
        section.first_page_header.paragraphs[0].text = first_header
    buf = io.BytesIO()
    doc.save(buf)
    return extracted(buf.getvalue(), name)


def xlsx(
    sheets: dict[str, Sequence[Sequence[object]]],
    name: str = "表.xlsx",
    *,
    header_right: str | None = None,
) -> list[TextChunk]:
    """Sheets of rows; ``header_right`` is the page header (right part) of every sheet."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
        if header_right is not None:
            ws.oddHeader.right.text = header_right
    buf = io.BytesIO()
    wb.save(buf)
    return extracted(buf.getvalue(), name)


def pptx(
    slides: Sequence[Sequence[tuple[str, float, float]]], name: str = "汇报.pptx"
) -> list[TextChunk]:
    """Slides of text boxes ``(text, left_cm, top_cm)`` in the order they were added."""
    from pptx import Presentation
    from pptx.util import Cm

    prs = Presentation()
    for boxes in slides:
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        for text, left, top in boxes:
            slide.shapes.add_textbox(Cm(left), Cm(top), Cm(8), Cm(1.5)).text_frame.text = text
    buf = io.BytesIO()
    prs.save(buf)
    return extracted(buf.getvalue(), name)


def pdf(placed: Sequence[tuple[str, float, float]], name: str = "扫描件.pdf") -> list[TextChunk]:
    """One A4 page with strings at ``(x_mm, y_mm from the top)`` in STSong-Light."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("STSong-Light", 14)
    for text, x, y in placed:
        c.drawString(x * mm, A4[1] - y * mm, text)
    c.save()
    return extracted(buf.getvalue(), name)


# --- prose (written for this set) -----------------------------------------------------------
ORGAN = ["江川农村商业银行文件", "江农商银发〔2024〕37号"]
NOTICE = [
    "关于调整存量个人住房贷款利率的通知",
    "各支行、总行各部室：",
    "为落实利率市场化改革要求，结合我行经营实际，现将有关事项通知如下。",
    "一、调整范围",
    "（一）2024年3月31日前发放的首套个人住房贷款。",
    "1.借款人书面申请的，由经办支行受理审核。",
    "二、工作要求",
    "各支行要指定专人负责，做好客户解释和政策宣传，确保平稳有序。",
    "附件：1.利率调整申请表",
    "江川农村商业银行",
    "2024年4月8日",
    "（此件发至支行）",
    "抄送：县人民银行，县金融监管支局。",
    "江川农村商业银行办公室        2024年4月8日印发",
]
SELF_CHECK = [
    "关于开展2024年度保密自查自评工作的通知",
    "各支行、总行各部室：",
    "为做好国家秘密和本行商业秘密保护工作，总行决定开展保密自查自评，现将有关要求通知如下。",
    "一、自查内容",
    "（一）涉密人员管理情况，是否签订保密承诺书。",
    "（二）定密工作开展情况，是否存在秘密级及以上事项未标注密级的问题。",
    "（三）载体管理情况，机密、秘密文件是否存放在密码柜中。",
    "（四）互联网计算机是否存储、处理内部资料和客户信息。",
    "二、时间安排",
    "各单位于5月20日前将自查报告报送办公室。",
]


def gongwen(*top: str, organ: bool = True, text: Sequence[str] = NOTICE) -> list[TextChunk]:
    """GB/T 9704-2012 layout: ``top`` lines (份号, 密级和保密期限, 紧急程度) then the organ
    header, document number, title, addressee, body, attachments, signature, date, 抄送/印发."""
    return paras(*top, *(ORGAN if organ else ()), *text)


# --- cases and scoring -----------------------------------------------------------------------
Chunks = Callable[[], list[TextChunk]]


@dataclass(frozen=True)
class MarkCase:
    id: str
    build: Chunks
    level: str
    """Expected classification (``none`` for a hard negative)."""
    why: str = ""


@dataclass(frozen=True)
class InfoCase:
    id: str
    build: Chunks
    counts: dict[str, int] = field(default_factory=dict)
    """Expected distinct valid values per info type (types absent = 0)."""
    why: str = ""


_DETECTORS = build_detectors()


def classify(chunks: list[TextChunk]) -> str:
    found = detect(chunks, _DETECTORS)
    return Level.highest(f.level for f in found if f.kind == "marking").value


def info_counts(chunks: list[TextChunk]) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in detect(chunks, _DETECTORS):
        if f.kind == "info_type" and f.type:
            out[f.type] = out.get(f.type, 0) + f.count
    return out


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(marks: Sequence[MarkCase], infos: Sequence[InfoCase]) -> dict[str, object]:
    """Marking P/R/F1 (exact level), wrong-level and hard-negative FPs; info-type P/R/F1."""
    got = [(c, classify(c.build())) for c in marks]
    tp = sum(c.level != "none" and g == c.level for c, g in got)
    fp = sum(g != "none" and g != c.level for c, g in got)
    fn = sum(c.level != "none" and g != c.level for c, g in got)
    wrong = sum(c.level != "none" and g not in ("none", c.level) for c, g in got)
    neg_fp = sum(c.level == "none" and g != "none" for c, g in got)
    itp = ifp = ifn = 0
    bad_info = []
    for case in infos:
        counts = info_counts(case.build())
        for t in set(counts) | set(case.counts):
            e, g = case.counts.get(t, 0), counts.get(t, 0)
            itp, ifp, ifn = itp + min(e, g), ifp + max(0, g - e), ifn + max(0, e - g)
        if counts != case.counts:
            bad_info.append((case.id, case.counts, counts))
    return {
        "mark_cases": len(marks),
        "negatives": sum(c.level == "none" for c in marks),
        "marking": _prf(tp, fp, fn),
        "wrong_level": wrong,
        "negative_fp": neg_fp,
        "info_cases": len(infos),
        "info": _prf(itp, ifp, ifn),
        "failures": [(c.id, c.level, g) for c, g in got if g != c.level] + bad_info,
    }


def main() -> None:
    from tests.detect.test_heldout import INFO_CASES, MARK_CASES

    s = score(MARK_CASES, INFO_CASES)
    p, r, f = s["marking"]  # type: ignore[misc]
    print(
        f"marking cases {s['mark_cases']} ({s['negatives']} hard negatives): "
        f"P={p:.3f} R={r:.3f} F1={f:.3f} wrong-level={s['wrong_level']} "
        f"negative FPs={s['negative_fp']}"
    )
    p, r, f = s["info"]  # type: ignore[misc]
    print(f"info cases {s['info_cases']}: P={p:.3f} R={r:.3f} F1={f:.3f}")
    for fail in s["failures"]:  # type: ignore[attr-defined]
        print("FAIL", fail)


if __name__ == "__main__":
    main()
