"""Build the legacy .doc/.xls/.ppt test files in this folder (run by hand, never by CI).

Each document is written as OOXML with python-docx / openpyxl / python-pptx, then converted by
LibreOffice (``soffice --headless --convert-to doc|xls|ppt``) into the Word/Excel/PowerPoint
97-2003 binary format that bank PCs are full of. All content is invented; the resident ID
numbers come from a seeded generator with valid GB 11643 check digits (``tests/corpus/numbers``).

Usage (from the repository root, LibreOffice installed; name stems to regenerate only those)::

    .venv/bin/python tests/data/legacy/make_legacy.py [scan_picture scan_slide …]

To add a case: write a ``_xxx(path)`` builder below, add it to :data:`CASES` with the target
format, regenerate, and add its expectation to ``tests/extract/test_legacy_marks.py``.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
from pptx import Presentation
from pptx.presentation import Presentation as Deck
from pptx.util import Cm
from pptx.util import Pt as PptPt

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))
from tests.corpus.numbers import resident_id  # noqa: E402

BANK = "青禾农村商业银行"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂"


def _word(paragraphs: list[str]) -> docx.document.Document:
    document = docx.Document()
    document.core_properties.author = "secaudit 测试"
    document.core_properties.title = ""
    for text in paragraphs:
        document.add_paragraph(text)
    return document


def _doc_gbt9704(path: Path) -> None:
    """GB/T 9704 first page: 份号, 密级★期限, 发文机关标志, 发文字号, title, body."""
    _word([
        "000126",
        "机密★10年",
        f"{BANK}文件",
        "青农商银发〔2024〕37号",
        "关于下达2025年度信贷投放计划的通知",
        "各支行、总行各部室：",
        "根据总行党委会审议意见，现将2025年度信贷投放计划下达给你们，请认真组织实施。",
        "一、全年各项贷款净增18.6亿元，其中涉农贷款净增9.2亿元，小微企业贷款净增6.5亿元。",
        "二、各支行要按季分解任务，于每季度首月10日前报送计划执行情况。",
        f"{BANK}",
        "2024年12月20日",
    ]).save(path)


def _doc_header_footer(path: Path) -> None:
    """The level only in the page header, 内部资料 only in the footer; body unmarked."""
    document = _word([
        "2024年第三季度案件防控工作情况报告",
        "本季度全行共开展案件风险排查42次，发现并整改问题17项。",
        "下一步将继续加强重点岗位人员行为管理，落实轮岗和强制休假制度。",
    ])
    section = document.sections[0]
    section.header.paragraphs[0].text = "秘密★5年"
    section.footer.paragraphs[0].text = "内部资料"
    document.save(path)


def _doc_first_page_header(path: Path) -> None:
    """"Different first page": the mark only in the first-page header, organ name elsewhere."""
    document = _word(["2025年度内部审计计划"] + [
        f"{n}. 对辖内第{n}组支行开展信贷业务专项审计，重点关注贷款“三查”落实情况。"
        for n in range(1, 40)
    ])
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "机密★5年"
    section.header.paragraphs[0].text = f"{BANK}审计部"
    section.footer.paragraphs[0].text = "第1页"
    document.save(path)


def _doc_custom_property(path: Path) -> None:
    """The level only as the custom document property 密级 = 核心商密."""
    _word([
        "2025年存款定价策略分析",
        "一、当前同业一年期定期存款挂牌利率区间为1.45%至1.75%。",
        "二、建议我行对大额存单实行差异化定价，按客户综合贡献度分档上浮。",
    ]).save(path)
    _add_custom_property(path, "密级", "核心商密")


def _doc_category_property(path: Path) -> None:
    """The level only in the core property category (类别) = 普通商密."""
    document = _word([
        "网点装修改造项目评审意见",
        "评审组对三家供应商的报价和施工方案进行了比选，建议选择综合得分最高者。",
    ])
    document.core_properties.category = "普通商密"
    document.core_properties.keywords = "网点改造；评审"
    document.save(path)


def _doc_policy_negative(path: Path) -> None:
    """Hard negative: secrecy-work rules quoting every level word in prose."""
    _word([
        f"{BANK}保密工作管理办法",
        "第一条 为保守国家秘密和商业秘密，根据《中华人民共和国保守国家秘密法》制定本办法。",
        "第二条 全体员工应当保守国家秘密，不得泄露商业秘密和客户信息。",
        "第三条 各部门应健全内部控制制度，内部资料的复制、传递应当履行登记手续。",
        "第四条 标注为“机密★1年”的文件，保密期限届满后由原定密部门确认是否解密。",
        "第五条 涉及绝密、机密、秘密级国家秘密的载体，不得在连接互联网的计算机上存储、处理。",
        "第六条 本办法由办公室负责解释，自印发之日起施行。",
    ]).save(path)


def _doc_table_cell(path: Path) -> None:
    """A form whose heading row holds the mark in a cell of its own, beside other cells."""
    document = _word(["大额授信审批表"])
    table = document.add_table(rows=4, cols=4)
    rows = [
        ("机密★3年", "编号", "SX-2024-118", "紧急程度：加急"),
        ("借款人", "青禾现代农业发展有限公司", "申请金额", "3000万元"),
        ("期限", "36个月", "担保方式", "土地使用权抵押"),
        ("审批意见", "同意提交贷审会审议", "审批人", "信贷管理部"),
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    document.add_paragraph("本表一式三份，分别由授信部门、风险管理部和档案室留存。")
    document.save(path)


def _fake_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _xls_marked_ids(path: Path) -> None:
    """A1 = 机密★1年 on the first sheet; a sheet 客户明细（内部） with 15 resident IDs."""
    rng = random.Random(20241130)
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "汇总"
    summary["A1"] = "机密★1年"
    summary.append(["2024年不良贷款清收处置汇总表"])
    summary.append(["支行", "户数", "金额（万元）"])
    for row in (("城关支行", 12, 860.5), ("西湖支行", 7, 432), ("新区支行", 9, 615)):
        summary.append(list(row))
    detail = book.create_sheet("客户明细（内部）")
    detail.append(["序号", "客户姓名", "身份证号码", "贷款余额（元）", "五级分类"])
    for i in range(15):
        detail.append([i + 1, _fake_name(rng), resident_id(rng), rng.randrange(20000, 900000),
                       rng.choice(("次级", "可疑", "损失"))])
    book.save(path)


def _xls_register_negative(path: Path) -> None:
    """Hard negative: a 文件登记台账 whose 密级 column lists levels (the register is unmarked)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2024年收文登记"
    sheet.append(["文件登记台账"])
    sheet.append(["序号", "收文日期", "来文单位", "文件标题", "密级", "份数", "经办人"])
    rows = [
        ("2024-01-08", "省联社", "关于开展保密自查的通知", "秘密", 1),
        ("2024-02-19", "人民银行市中心支行", "反洗钱现场检查方案", "机密", 1),
        ("2024-03-04", "市金融办", "地方金融风险排查工作安排", "内部", 2),
        ("2024-03-27", "省联社", "信息科技外包风险管理指引", "秘密", 1),
        ("2024-05-12", "银保监分局", "监管意见书", "机密", 1),
        ("2024-06-03", "省联社", "年中工作会议材料", "公开", 3),
    ]
    for i, (day, sender, title, level, copies) in enumerate(rows, start=1):
        sheet.append([i, day, sender, title, level, copies, "办公室"])
    book.save(path)


def _xls_page_header(path: Path) -> None:
    """The level only in the printed page header of the sheet (&C section)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "费用预算"
    sheet.oddHeader.center.text = "秘密★2年"
    sheet.oddFooter.right.text = "第 &P 页"
    sheet.append(["部门", "2025年预算（万元）", "2024年执行（万元）"])
    for row in (("办公室", 320, 298.4), ("科技部", 1150, 1087.2), ("零售部", 540, 512)):
        sheet.append(list(row))
    book.save(path)


def _scan_image() -> bytes:
    """A scanned notice as a PNG: ``机密★10年`` at the top left, a title, an ID number line
    (drawn with WenQuanYi Micro Hei; Pillow is a dev dependency)."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    font_file = subprocess.run(["fc-match", "-f", "%{file}", "WenQuanYi Micro Hei"],
                               capture_output=True, text=True, check=True).stdout
    font = ImageFont.truetype(font_file, 32)
    rid = resident_id(random.Random(20241129))
    lines = ["机密★10年", "", f"关于{BANK}客户信息核对的通知", "", f"客户身份证号码：{rid}"]
    img = Image.new("L", (1000, 60 + len(lines) * 58), 255)
    draw = ImageDraw.Draw(img)
    for row, text in enumerate(lines):
        draw.text((60, 40 + row * 58), text, font=font, fill=0)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _doc_scan_picture(path: Path) -> None:
    """A typed cover note with the scanned notice pasted under it as a picture."""
    import io

    from docx.shared import Cm as DocCm

    d = _word(["附件：客户信息核对通知扫描件，请审阅。"])
    d.add_picture(io.BytesIO(_scan_image()), width=DocCm(15))
    d.save(str(path))


def _xls_scan_sheet(path: Path) -> None:
    """A sheet with a typed heading and the scanned notice pasted as a picture below it."""
    import io

    from openpyxl.drawing.image import Image as SheetImage

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件"
    ws["A1"] = "客户信息核对附件"
    ws.add_image(SheetImage(io.BytesIO(_scan_image())), "A3")
    wb.save(str(path))


def _ppt_scan_slide(path: Path) -> None:
    """A slide holding only the scanned notice as a picture."""
    import io

    prs = _deck()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    slide.shapes.add_picture(io.BytesIO(_scan_image()), Cm(1), Cm(1), width=Cm(22))
    prs.save(str(path))


def _slide_text(slide, text: str, left: float, top: float, width: float, size: int = 18) -> None:
    box = slide.shapes.add_textbox(Cm(left), Cm(top), Cm(width), Cm(1.5))
    box.text_frame.text = text
    for paragraph in box.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = PptPt(size)


def _deck() -> Deck:
    deck = Presentation()
    deck.core_properties.author = "secaudit 测试"
    return deck


def _ppt_top_secret(path: Path) -> None:
    """绝密★长期 in a text box at the top right of the first slide, added last."""
    deck = _deck()
    first = deck.slides.add_slide(deck.slide_layouts[6])
    _slide_text(first, "重要数据中心灾备切换演练方案", 2, 6, 21, 32)
    _slide_text(first, f"{BANK}信息科技部", 2, 10, 21)
    _slide_text(first, "绝密★长期", 19, 0.6, 5.5, 14)
    second = deck.slides.add_slide(deck.slide_layouts[6])
    _slide_text(second, "演练步骤", 2, 1, 21, 28)
    _slide_text(second, "一、停止主中心核心系统对外服务；二、启用同城灾备中心。", 2, 4, 21)
    deck.save(path)


def _ppt_training_negative(path: Path) -> None:
    """Hard negative: training slides quoting level words in prose."""
    deck = _deck()
    title = deck.slides.add_slide(deck.slide_layouts[6])
    _slide_text(title, "保密知识培训", 2, 6, 21, 36)
    _slide_text(title, "办公室 2024年9月", 2, 10, 21)
    body = deck.slides.add_slide(deck.slide_layouts[6])
    _slide_text(body, "国家秘密的密级分为绝密、机密、秘密三级。", 2, 2, 21)
    _slide_text(body, "机密级文件不得通过互联网电子邮件传递，秘密级文件复制须经审批。", 2, 5, 21)
    _slide_text(body, "商业秘密泄露将给银行和客户造成严重损失。", 2, 8, 21)
    deck.save(path)


def _ppt_master_internal(path: Path) -> None:
    """A bank template: 内部资料 注意保存 in a text box on the slide master only."""
    import copy

    deck = _deck()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _slide_text(slide, "2024年度个人存款营销方案", 2, 6, 21, 32)
    box = slide.shapes.add_textbox(Cm(1), Cm(0.5), Cm(8), Cm(1))
    box.text_frame.text = "内部资料 注意保存"
    deck.slide_master.shapes._spTree.append(copy.deepcopy(box._element))  # noqa: SLF001
    box._element.getparent().remove(box._element)  # noqa: SLF001 - on the master only
    deck.save(path)


def _xls_text_box(path: Path) -> None:
    """A customer list with 内部资料 in a text box drawn over the sheet, a note on a cell."""
    import io

    from openpyxl.comments import Comment

    from tests.extract.office.test_ooxml_parts import add_text_boxes

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "客户名单"
    sheet.append(["姓名", "开户行", "余额"])
    sheet.append(["张三", "城关支行", 1200])
    sheet["A1"].comment = Comment("批注：名单已核对", "审核人")
    buf = io.BytesIO()
    book.save(buf)
    path.write_bytes(add_text_boxes(buf.getvalue(), ["内部资料", "注意保存"]))


def _doc_text_box(path: Path) -> None:
    """秘密★5年 only inside a text box (Word keeps text boxes in a story of their own)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from tests.extract.office.test_ooxml import TEXTBOX_RUN

    run = TEXTBOX_RUN.replace("文本框里的秘密★5年", "秘密★5年")
    d = _word(["关于开展客户信息安全自查的通知", "各支行：请于月底前完成自查。"])
    d.paragraphs[0]._p.append(parse_xml(run.format(nsdecls("w"))))  # noqa: SLF001
    d.save(str(path))


CASES: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "gbt9704_secret": (_doc_gbt9704, "docx", "doc"),
    "header_footer": (_doc_header_footer, "docx", "doc"),
    "first_page_header": (_doc_first_page_header, "docx", "doc"),
    "custom_property": (_doc_custom_property, "docx", "doc"),
    "category_property": (_doc_category_property, "docx", "doc"),
    "policy_negative": (_doc_policy_negative, "docx", "doc"),
    "table_cell": (_doc_table_cell, "docx", "doc"),
    "ids_sheet": (_xls_marked_ids, "xlsx", "xls"),
    "register_negative": (_xls_register_negative, "xlsx", "xls"),
    "page_header": (_xls_page_header, "xlsx", "xls"),
    "slide_top_secret": (_ppt_top_secret, "pptx", "ppt"),
    "training_negative": (_ppt_training_negative, "pptx", "ppt"),
    "scan_picture": (_doc_scan_picture, "docx", "doc"),
    "scan_slide": (_ppt_scan_slide, "pptx", "ppt"),
    "scan_sheet": (_xls_scan_sheet, "xlsx", "xls"),
    "master_internal": (_ppt_master_internal, "pptx", "ppt"),
    "text_box": (_xls_text_box, "xlsx", "xls"),
    "text_box_story": (_doc_text_box, "docx", "doc"),
}


_CUSTOM_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="{name}">'
    "<vt:lpwstr>{value}</vt:lpwstr></property></Properties>"
)
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)


def _add_custom_property(path: Path, name: str, value: str) -> None:
    """python-docx has no custom properties: add ``docProps/custom.xml`` to the package."""
    with zipfile.ZipFile(path) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    parts["docProps/custom.xml"] = _CUSTOM_XML.format(name=name, value=value).encode()
    types = parts["[Content_Types].xml"].decode()
    override = f'<Override PartName="/docProps/custom.xml" ContentType="{_CUSTOM_TYPE}"/>'
    parts["[Content_Types].xml"] = types.replace("</Types>", override + "</Types>").encode()
    rels = parts["_rels/.rels"].decode()
    rel = f'<Relationship Id="rIdCustom1" Type="{_CUSTOM_REL}" Target="docProps/custom.xml"/>'
    parts["_rels/.rels"] = rels.replace("</Relationships>", rel + "</Relationships>").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for part, data in parts.items():
            out.writestr(part, data)


_NO_THUMBNAIL = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry"'
    ' xmlns:xs="http://www.w3.org/2001/XMLSchema">'
    '<item oor:path="/org.openoffice.Office.Common/Save/Document">'
    '<prop oor:name="GenerateThumbnail" oor:op="fuse"><value>false</value></prop></item>'
    "</oor:items>\n"
)
"""Profile setting: no preview bitmap in SummaryInformation (it made each .ppt ~600 KB)."""


def _profile(root: Path) -> Path:
    user = root / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_NO_THUMBNAIL, encoding="utf-8")
    return root


def convert(source: Path, target_format: str, outdir: Path, profile: Path) -> Path:
    """One LibreOffice conversion with the given profile; returns the written file."""
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", target_format, "--outdir", str(outdir), str(source)],
        check=True, capture_output=True, timeout=180,
    )
    return outdir / f"{source.stem}.{target_format}"


def main() -> None:
    """Regenerate every case, or only the stems named on the command line."""
    wanted = set(sys.argv[1:]) or set(CASES)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        profile = _profile(work / "profile")
        for stem, (build, source_ext, target_ext) in CASES.items():
            if stem not in wanted:
                continue
            source = work / f"{stem}.{source_ext}"
            build(source)
            made = convert(source, target_ext, work, profile)
            shutil.copyfile(made, HERE / made.name)
            print(f"{made.name}: {made.stat().st_size} bytes")


if __name__ == "__main__":
    main()
