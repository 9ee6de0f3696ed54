"""Issue 17, round 2: closing notes, declaration sentences, level + handling clauses, internal-use
wordings and marked customer lists, read from real files (docx, pptx, xlsx, csv, pdf, eml with
attachments), with hard negatives: prose about secrecy work, statutes, training text quoting a
declaration, 示例 templates, registers.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Sequence
from email import encoders
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest

from secaudit.detect.registry import build_detectors, detect
from secaudit.model import Level, TextChunk
from tests.detect.layout_builders import FILLER, extracted, pdf_with_running, pptx_with_footer

DETECTORS = build_detectors()
TABLE = [
    ["客户名称", "证件类型", "联系电话"],
    ["张三", "身份证", "本人"],
    ["李四", "身份证", "本人"],
]


def level(chunks: list[TextChunk]) -> str:
    found = [f.level for f in detect(chunks, DETECTORS) if f.kind == "marking" and f.level]
    return Level.highest(found).value


def docx_bytes(lines: Sequence[str], *, header: str = "") -> bytes:
    import docx as python_docx

    doc = python_docx.Document()
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    for line in lines:
        doc.add_paragraph(line)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def xlsx_bytes(
    rows: Sequence[Sequence[object]], *, title: str = "Sheet1", footer: str = ""
) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    if footer:
        ws.oddFooter.center.text = footer
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pptx_placeholder_bytes(footer: str, slides: int = 3) -> bytes:
    """Slides carrying the layout's footer placeholder (as PowerPoint writes it) with ``footer``."""
    from pptx import Presentation
    from pptx.enum.shapes import PP_PLACEHOLDER

    prs = Presentation()
    layout = prs.slide_layouts[1]
    ftr = next(p for p in layout.placeholders if p.placeholder_format.type == PP_PLACEHOLDER.FOOTER)
    for n in range(slides):
        slide = prs.slides.add_slide(layout)
        slide.shapes.title.text = f"第{n + 1}部分 经营情况"
        slide.placeholders[1].text = FILLER[n + 2]
        slide.shapes._spTree.append(copy.deepcopy(ftr._element))
        slide.shapes[-1].text_frame.text = footer
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def eml(name: str, data: bytes) -> list[TextChunk]:
    """A message whose only attachment is ``data`` named ``name`` (RFC 2231 UTF-8 name)."""
    msg = MIMEMultipart()
    msg["Subject"] = "转发：材料"
    msg["From"] = "a@example.invalid"
    msg["To"] = "b@example.invalid"
    msg.attach(MIMEText("各位同事：请查收附件。", "plain", "utf-8"))
    part = MIMEBase("application", "octet-stream")
    part.set_payload(data)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
    msg.attach(part)
    return extracted(msg.as_bytes(), "转发.eml")


def docx(lines: Sequence[str], header: str = "") -> list[TextChunk]:
    return extracted(docx_bytes(lines, header=header), "方案.docx")


def xlsx(rows: Sequence[Sequence[object]], **kw: str) -> list[TextChunk]:
    return extracted(xlsx_bytes(rows, **kw), "客户清单.xlsx")


def csv(lines: Sequence[str], encoding: str = "utf-8") -> list[TextChunk]:
    return extracted("\r\n".join(lines).encode(encoding), "客户清单.csv")


CLOSING = [
    "（此件为核心商密，不得外传）",
    "【本件属普通商密，注意保密】",
    "(本文件系内部资料，严禁外传)",
    "（本材料为核心商密，不得外泄。）",
    "此件属核心商密 严禁外传",
    "（此件核心商密件，阅后收回）",
    "（注：此件为普通商密，请勿扩散）",
    "——此件为核心商密，不得外传——",
    "本方案由计划财务部负责解释。（此件为核心商密，不得外传）",
    "（本件为核心商密，仅发至各支行负责人）",
    "（此件属核心商密级别，阅知后收回）",
]
DECLARATIONS = [
    "本方案属本行商业秘密（普通商密），未经批准不得向外披露。",
    "本手册为内部资料，仅限本行员工学习使用。请妥善保管，不得外传。",
    "声明：本报告密级为普通商密，未经批准不得外传。",
    "本制度为本行内部规范性文件，属内部资料，仅限行内使用。",
    "本文件为本行核心商业秘密，不得外传。",
    "本表数据属核心商密，严禁外传。",
    "本报告系本行工作秘密，不得对外提供。",
    "本邮件及附件属本行商业秘密（普通商密），未经许可不得转发。",
]
HANDLED = [
    "普通商密 未经许可不得外传",
    "核心商密——未经授权禁止传播",
    "普通商密（未经许可不得外传）",
    "普通商密，未经书面许可不得复制或向第三方披露",
    "内部资料 仅供参考 请勿转发",
    "江川农商银行 普通商密 严禁外传 第 页",
]
INTERNAL_WORDS = ["本行内部资料", "内部 仅限行内交流", "限本行内部使用", "内部传阅", "行内资料"]
NEGATIVE_LINES = [
    "本制度所称商业秘密，是指不为公众所知悉、能为本行带来经济利益的经营信息。",
    "本办法属于内部规章，由办公室负责解释。",
    "如文件末尾标注“此件为核心商密，不得外传”，应按核心商密管理。",
    "对标注为核心商密的文件，不得外传。",
    "本报告为内部审计报告，仅供董事会参考。",
    "本制度为内部控制制度的组成部分，各部门应遵照执行。",
    "本行员工须保守商业秘密，不得外传。",
    "本讲义为内部资料管理培训讲义。",
    "此件为核心商密还是普通商密，由起草部门确定。",
    "本清单为内部资料清单，仅限保密办使用。",
    "第五条 本办法所称核心商密，是指泄露后会使本行利益遭受严重损害的商业秘密。",
    "普通商密文件不得外传，违者追究责任。",
    "核心商密 文件管理办法",
    "各部门要加强内部传阅文件的管理，内部使用的资料不得带出营业场所。",
]


@pytest.mark.parametrize("line", CLOSING + DECLARATIONS)
def test_sentences_in_docx_body_and_eml_attachment(line: str) -> None:
    body = [*FILLER, line]
    assert level(docx(body)) != "none"
    assert level(eml("方案.docx", docx_bytes(body))) != "none"


def test_declaration_level_is_the_specific_one() -> None:
    assert level(docx([*FILLER, "本文件属本行商业秘密，密级为核心商密，不得外传。"])) == (
        "core_commercial"
    )
    assert level(docx([*FILLER, "（此件为核心商密，不得外传）"])) == "core_commercial"


@pytest.mark.parametrize("footer", HANDLED)
def test_level_with_handling_clauses_on_every_slide(footer: str) -> None:
    assert level(pptx_with_footer(footer)) != "none"  # text box at the slide's foot
    assert level(extracted(pptx_placeholder_bytes(footer), "汇报.pptx")) != "none"
    assert level(eml("汇报.pptx", pptx_placeholder_bytes(footer))) != "none"


def test_level_with_handling_clause_as_pdf_running_foot() -> None:
    assert level(pdf_with_running("核心商密 未经许可，不得外传")) == "core_commercial"


@pytest.mark.parametrize("word", INTERNAL_WORDS)
def test_internal_use_wordings_as_top_marks(word: str) -> None:
    assert level(docx([word, *FILLER])) == "internal"
    assert level(docx(FILLER, header=word)) == "internal"


TITLE_ROWS = [
    "客户名单 核心商密",
    "核心商密 客户清单",
    "重点客户名单-内部",
    "江川农商银行 普通商密 未经许可不得外传",
    "本表属核心商密，严禁外传",
]
CUSTOMER_LISTS: list[tuple[str, Callable[[], list[TextChunk]]]] = [
    *((f"title:{t}", lambda t=t: xlsx([[t], *TABLE])) for t in TITLE_ROWS),
    ("closing-row", lambda: xlsx([*TABLE, *TABLE[1:] * 4, ["（此表为核心商密，不得外传）"]])),
    ("footer", lambda: xlsx(TABLE, footer="普通商密 未经许可不得外传")),
    ("sheet-name", lambda: xlsx(TABLE, title="客户名单(核心商密)")),
    ("csv-title", lambda: csv(["客户名单（核心商密）,,", *(",".join(r) for r in TABLE)])),
    (
        "csv-gbk-closing",
        lambda: csv([*(",".join(r) for r in TABLE), "（此件为核心商密，不得外传）,,"], "gbk"),
    ),
    ("eml-xlsx", lambda: eml("客户.xlsx", xlsx_bytes([["核心商密 客户清单"], *TABLE]))),
]


@pytest.mark.parametrize(("name", "build"), CUSTOMER_LISTS, ids=[n for n, _ in CUSTOMER_LISTS])
def test_marked_customer_lists(name: str, build: Callable[[], list[TextChunk]]) -> None:
    assert level(build()) != "none", name


def test_hard_negatives_in_real_formats() -> None:
    training = [
        "保密培训讲义",
        "示例：",
        "本方案属本行商业秘密（普通商密），未经批准不得向外披露。",
        "例如：",
        "（此件为核心商密，不得外传）",
    ]
    assert level(docx([*FILLER, *NEGATIVE_LINES])) == "none"
    assert level(docx(training + FILLER)) == "none"
    assert level(eml("讲义.docx", docx_bytes([*FILLER, *NEGATIVE_LINES]))) == "none"
    register = [
        ["序号", "文件名称", "密级", "备注"],
        [1, "信贷方案", "核心商密", "不得外传"],
        [2, "考核办法", "内部资料", "仅限行内使用"],
    ]
    assert level(xlsx(register)) == "none"
    assert level(csv([",".join(map(str, r)) for r in register])) == "none"
    assert level(xlsx([["保密工作要求"], ["各部门要加强内部传阅文件的管理"], *TABLE])) == "none"
    assert level(xlsx([["内部 控制检查表"], *TABLE])) == "none"
    assert level(xlsx([["核心商密 文件登记台账"], *register])) == "none"


def test_closing_note_wrapped_by_pdf_line_breaks() -> None:
    from tests.detect.layout_builders import pdf_pages

    def pdf(lines: list[str]) -> list[TextChunk]:
        return pdf_pages([[(t, 25, 20 + 8 * k) for k, t in enumerate(lines)]])

    assert level(pdf([*FILLER, "（此件为核心商密，不得", "外传）"])) == "core_commercial"
    assert level(pdf([*FILLER, "本方案属本行商业秘密（普通", "商密），未经批准不得外传。"])) == (
        "commercial"
    )
    assert level(pdf([*FILLER, "对标注为核心商密（", "含普通商密）的文件，不得外传。"])) == "none"
