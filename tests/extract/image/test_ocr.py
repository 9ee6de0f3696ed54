"""OCR of scanned documents: real images drawn with Pillow, read by the real Tesseract.

A "scanned notice" (marking ``机密★10年``, a title, a generated resident ID number) is scanned as
a PNG file and as a JPEG inside a PDF without a text layer; the scan pipeline (worker processes,
config → Limits) must find the marking and the ID number in both. Icons, corrupt images, OCR off,
Tesseract missing and an exhausted time budget each become an error record with a reason.
"""

from __future__ import annotations

import io
import os
import random
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from secaudit.config import load_config
from secaudit.context import ScanContext
from secaudit.detect.base import OCR_NOTE
from secaudit.errors import ConfigError
from secaudit.extract.image.imagesize import image_size
from secaudit.extract.image.ocr import _engine_on, pgm_from_gray
from secaudit.extract.image.ocr_text import normalise_ocr_text
from secaudit.extract.registry import extract_bytes
from secaudit.limits import Limits
from secaudit.model import Channel, ErrorReason, HostRole, Location
from secaudit.policy import load_policy
from secaudit.scan.scanner import Scanner
from tests.corpus.numbers import resident_id
from tests.extract.image.photos import font_file

RID = resident_id(random.Random(7))
AUTO = Limits(ocr="auto")


_binary, _problem = _engine_on(os.environ.get("PATH"))
pytestmark = pytest.mark.skipif(
    bool(_problem) or not font_file(),
    reason=f"needs tesseract-ocr + tesseract-ocr-chi-sim and fonts-wqy-microhei "
    f"(install.sh --dev installs them): {_problem or 'no WenQuanYi Micro Hei'}",
)


def notice_image(fmt: str = "PNG") -> bytes:
    """A scanned notice: marking at the top left, a title, a line with an ID number."""
    font = ImageFont.truetype(font_file(), 32)
    lines = ["机密★10年", "", "关于加强客户信息保护工作的通知", "", f"客户身份证号码：{RID}",
             "请各支行于本月底前完成自查并上报结果。"]
    img = Image.new("L", (1000, 60 + len(lines) * 58), 255)
    draw = ImageDraw.Draw(img)
    for row, text in enumerate(lines):
        draw.text((60, 40 + row * 58), text, font=font, fill=0)
    out = io.BytesIO()
    img.save(out, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return out.getvalue()


def image_pdf(jpeg: bytes, pages: int = 1, footer: str = "") -> bytes:
    """A PDF whose pages are only the scanned image (no text layer), or the image and a line of
    ``footer`` text typed below it."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    if footer:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    for _ in range(pages):
        if footer:
            pdf.setFont("STSong-Light", 10)
            pdf.drawString(72, 40, footer)
        width = A4[0] - 72
        pdf.drawImage(ImageReader(io.BytesIO(jpeg)), 36, A4[1] - 36 - width * 0.5,
                      width=width, height=width * 0.5, preserveAspectRatio=True, anchor="nw")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def image_ofd(png: bytes) -> bytes:
    """An OFD whose one page only draws a scanned image (as scanners and WPS write them)."""
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    parts = {
        "OFD.xml": f"<ofd:OFD {ns} Version=\"1.0\" DocType=\"OFD\"><ofd:DocBody>"
                   "<ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo>"
                   "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f"<ofd:Document {ns}><ofd:CommonData><ofd:MaxUnitID>9"
                              "</ofd:MaxUnitID><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"
                              "</ofd:CommonData><ofd:Pages><ofd:Page ID=\"1\" "
                              "BaseLoc=\"Pages/Page_0/Content.xml\"/></ofd:Pages></ofd:Document>",
        "Doc_0/DocumentRes.xml": f"<ofd:Res {ns} BaseLoc=\"Res\"><ofd:MultiMedias>"
                                 "<ofd:MultiMedia ID=\"4\" Type=\"Image\" Format=\"PNG\">"
                                 "<ofd:MediaFile>scan.png</ofd:MediaFile></ofd:MultiMedia>"
                                 "</ofd:MultiMedias></ofd:Res>",
        "Doc_0/Pages/Page_0/Content.xml": f"<ofd:Page {ns}><ofd:Content><ofd:Layer ID=\"2\">"
                                          "<ofd:ImageObject ID=\"3\" Boundary=\"0 0 200 80\" "
                                          "ResourceID=\"4\"/></ofd:Layer></ofd:Content></ofd:Page>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in parts.items():
            z.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + text)
        z.writestr("Doc_0/Res/scan.png", png)
    return out.getvalue()


def corrupt_png() -> bytes:
    """A PNG header announcing 800×800 pixels, then garbage instead of image data."""
    good = notice_image("PNG")
    return good[:33] + bytes(range(256)) * 8


@pytest.fixture(scope="module")
def scan_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:  # type: ignore[type-arg]
    root = tmp_path_factory.mktemp("scans")
    home = tmp_path_factory.mktemp("home")
    (root / "扫描件.png").write_bytes(notice_image("PNG"))
    (root / "扫描件.pdf").write_bytes(image_pdf(notice_image("JPEG")))
    (root / "扫描件.ofd").write_bytes(image_ofd(notice_image("PNG")))
    icon = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 30, 30)).save(icon, "PNG")
    (root / "icon.png").write_bytes(icon.getvalue())
    (root / "broken.png").write_bytes(corrupt_png())
    (root / "通知.txt").write_text("秘密★5年\n会议纪要", encoding="utf-8")
    cfg = load_config(home)
    with Scanner(cfg, load_policy(), workers=2, use_cache=False) as scanner:
        run = scanner.scan([root], ScanContext(channel=Channel.LOCAL, host_role=HostRole.INTERNET))
    return {Path(f["path"]).name: f for f in run.to_json()["files"]}


def _has(file: dict, kind: str, value: str) -> bool:  # type: ignore[type-arg]
    key = "level" if kind == "marking" else "type"
    return any(f["kind"] == kind and f[key] == value for f in file["findings"])


@pytest.mark.parametrize("name", ["扫描件.png", "扫描件.pdf", "扫描件.ofd"])
def test_scanned_notice_marking_and_id_found(scan_json: dict, name: str) -> None:  # type: ignore[type-arg]
    file = scan_json[name]
    assert file["errors"] == []
    assert file["classification"] == "secret"
    assert _has(file, "marking", "secret")
    assert _has(file, "info_type", "cn_resident_id")
    assert file["format"] == {"png": "image", "pdf": "pdf", "ofd": "ofd"}[name.rsplit(".")[-1]]
    # every finding made in OCR'd text says so: a misread is possible, check the original
    assert all(OCR_NOTE in (f.get("note") or "") for f in file["findings"]
               if f["location"] == "body")


def test_typed_text_findings_carry_no_ocr_note(scan_json: dict) -> None:  # type: ignore[type-arg]
    findings = scan_json["通知.txt"]["findings"]
    assert findings and all(OCR_NOTE not in (f.get("note") or "") for f in findings)


def test_icon_is_not_ocrd_and_says_why(scan_json: dict) -> None:  # type: ignore[type-arg]
    [error] = scan_json["icon.png"]["errors"]
    assert error["reason"] == "unsupported"
    assert "32×32" in error["detail"] and "too small" in error["detail"]


def test_corrupt_image_is_an_error_and_the_scan_goes_on(scan_json: dict) -> None:  # type: ignore[type-arg]
    [error] = scan_json["broken.png"]["errors"]
    assert error["reason"] == "corrupt"
    assert "OCR rejected image" in error["detail"]
    assert scan_json["通知.txt"]["classification"] == "confidential"


def test_ocrd_text_is_marked_and_lines_are_standalone_body_chunks() -> None:
    result = extract_bytes(notice_image("PNG"), "scan.png", limits=AUTO)
    assert result.format == "image" and result.errors == ()
    props = [(c.key, c.text) for c in result.chunks if c.location is Location.PROPERTY]
    assert props == [("ocr", "tesseract chi_sim")]
    body = [c for c in result.chunks if c.location is Location.BODY]
    assert body[0].text == "机密★10年"
    assert all(c.standalone and c.index == 0 and c.ocr for c in body)
    assert any(RID in c.text for c in body)


@pytest.mark.parametrize("angle", [90, 180])
def test_scan_fed_in_sideways_or_upside_down_is_turned_and_read(angle: int) -> None:
    page = Image.open(io.BytesIO(notice_image("PNG"))).rotate(angle, expand=True)
    out = io.BytesIO()
    page.save(out, "PNG")
    result = extract_bytes(out.getvalue(), "scan.png", limits=AUTO)
    body = [c.text for c in result.chunks if c.location is Location.BODY]
    assert "机密★10年" in body
    assert any(RID in text for text in body)


def test_ocr_off_reports_image_unsupported(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[scan]\nocr = "off"\n', encoding="utf-8")
    limits = load_config(tmp_path).scan.limits()
    assert limits.ocr == "off"
    result = extract_bytes(notice_image("PNG"), "scan.png", limits=limits)
    assert [e.reason for e in result.errors] == [ErrorReason.UNSUPPORTED]
    assert "OCR off" in result.errors[0].detail
    assert [c.location for c in result.chunks] == [Location.FILENAME]


def test_bad_ocr_setting_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[scan]\nocr = "always"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="ocr"):
        load_config(tmp_path)


def test_default_config_turns_ocr_on(tmp_path: Path) -> None:
    assert load_config(tmp_path).scan.limits().ocr == "auto"


def test_missing_tesseract_is_reported_not_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    image, pdf_data = notice_image("PNG"), image_pdf(notice_image("JPEG"))
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no tesseract on it
    png = extract_bytes(image, "scan.png", limits=AUTO)
    assert [e.reason for e in png.errors] == [ErrorReason.UNSUPPORTED]
    assert "OCR not installed" in png.errors[0].detail
    pdf = extract_bytes(pdf_data, "scan.pdf", limits=AUTO)
    assert [e.reason for e in pdf.errors] == [ErrorReason.UNSUPPORTED]
    assert "image-only PDF" in pdf.errors[0].detail and "OCR not installed" in pdf.errors[0].detail


def test_pages_beyond_ocr_max_pages_are_reported() -> None:
    data = image_pdf(notice_image("JPEG"), pages=2)
    result = extract_bytes(data, "two.pdf", limits=Limits(ocr="auto", ocr_max_pages=1))
    assert {c.index for c in result.chunks if c.location is Location.BODY} == {0}
    [error] = result.errors
    assert error.reason is ErrorReason.UNSUPPORTED
    assert "page(s) 2" in error.detail and "ocr_max_pages = 1" in error.detail


def test_no_time_left_is_a_timeout() -> None:
    result = extract_bytes(
        notice_image("PNG"), "scan.png", limits=AUTO, deadline=time.monotonic() + 1.0
    )
    assert [e.reason for e in result.errors] == [ErrorReason.TIMEOUT]


@pytest.mark.parametrize(("raw", "clean"), [
    ("机 密 ★ 1 0 年", "机密★10年"),
    ("机密女10年", "机密★10年"),
    ("密级：机密广 5 年", "密级：机密★5年"),
    ("（核心商密妇3个月）", "（核心商密★3个月）"),
    ("秘密 长期", "秘密 长期"),
    ("机密 10 年", "机密 10年"),
    ("关于 加强 客户 信息\n\n保护", "关于加强客户信息\n保护"),
    ("保守机密10年", "保守机密10年"),
    ("Word 文档 v2", "Word 文档 v2"),
    ("电话 138 0000 0000", "电话138 0000 0000"),
    ("客户 身份证号码: 3401021 96307154041", "客户身份证号码: 340102196307154041"),
    ("金额 1234567 890123", "金额1234567 890123"),
])
def test_normalise_ocr_text(raw: str, clean: str) -> None:
    assert normalise_ocr_text(raw) == clean


def test_pgm_from_gray_drops_row_padding() -> None:
    pixels = bytes([1, 2, 3, 99, 4, 5, 6, 99])
    assert pgm_from_gray(3, 2, 4, pixels) == b"P5\n3 2\n255\n" + bytes([1, 2, 3, 4, 5, 6])


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "BMP", "TIFF"])
def test_image_size_from_header(fmt: str) -> None:
    out = io.BytesIO()
    Image.new("RGB", (321, 123), (255, 255, 255)).save(out, fmt)
    assert image_size(out.getvalue()) == (321, 123)
    assert image_size(out.getvalue()[:8]) is None


def test_picture_pasted_into_docx_is_ocrd_as_a_member(tmp_path: Path) -> None:
    """An ID-card copy or a scanned notice pasted into a Word file: its picture is OCR'd as the
    member word/media/…; a small logo in the same file is passed over without a record."""
    import docx
    from docx.shared import Cm

    document = docx.Document()
    document.add_paragraph("开户资料，附客户证件扫描件如下。")
    document.add_picture(io.BytesIO(notice_image("PNG")), width=Cm(15))
    logo = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 30, 30)).save(logo, "PNG")
    document.add_picture(logo, width=Cm(1))
    out = io.BytesIO()
    document.save(out)
    result = extract_bytes(out.getvalue(), "开户资料.docx", limits=AUTO)
    assert result.errors == ()
    pictures = [m for m in result.members if m.startswith("word/media/")]
    assert len(pictures) == 1  # the notice; the 64×64 logo is not a scan
    ocr_body = [c for c in result.chunks if c.member == pictures[0] and c.ocr]
    assert ocr_body and ocr_body[0].text == "机密★10年"
    assert any(RID in c.text for c in ocr_body)


def test_ocr_page_budget_covers_the_members_of_one_file() -> None:
    """ocr_max_pages counts every image OCR'd in one file: an archive of scans stops there."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n in range(3):
            z.writestr(f"扫描{n}.png", notice_image("PNG"))
    result = extract_bytes(buf.getvalue(), "scans.zip", limits=Limits(ocr="auto", ocr_max_pages=2))
    read = {c.member for c in result.chunks if c.ocr}
    assert len(read) == 2
    [error] = result.errors
    assert error.reason is ErrorReason.UNSUPPORTED and "ocr_max_pages = 2" in error.detail


def a4_scan() -> bytes:
    """The notice at the top of a whole A4 sheet, as a flatbed scanner delivers it (JPEG)."""
    sheet = Image.new("L", (1240, 1754), 255)
    sheet.paste(Image.open(io.BytesIO(notice_image("PNG"))), (60, 60))
    out = io.BytesIO()
    sheet.save(out, "JPEG", quality=85)
    return out.getvalue()


def test_scanned_page_with_a_typed_page_number_is_ocrd() -> None:
    """A scan with 第 1 页 typed under it has a text layer of a few characters: still OCR'd."""
    pdf = io.BytesIO()
    page = canvas.Canvas(pdf, pagesize=A4)
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page.drawImage(ImageReader(io.BytesIO(a4_scan())), 0, 0, width=A4[0], height=A4[1])
    page.setFont("STSong-Light", 10)
    page.drawString(250, 20, "第 1 页 共 1 页")
    page.showPage()
    page.save()
    result = extract_bytes(pdf.getvalue(), "s.pdf", limits=AUTO)
    assert result.errors == ()
    ocr = [c.text for c in result.chunks if c.ocr]
    typed = [c.text for c in result.chunks if c.location is Location.BODY and not c.ocr]
    assert ocr and ocr[0] == "机密★10年"
    assert typed == ["第 1 页 共 1 页"]


def test_page_with_real_text_and_a_picture_is_not_ocrd() -> None:
    """A typed page with a banner-sized picture (22 % of the page) is not read by OCR."""
    footer = "本行二〇二四年度信贷工作会议纪要，请各支行认真学习并贯彻落实，做好相关工作。" * 2
    result = extract_bytes(image_pdf(notice_image("JPEG"), footer=footer), "t.pdf", limits=AUTO)
    assert result.errors == ()
    assert not any(c.ocr for c in result.chunks)


def test_typed_page_with_a_full_page_scan_is_ocrd() -> None:
    """A typed cover note with a scanned copy filling the page under it (开户资料): OCR'd."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = io.BytesIO()
    page = canvas.Canvas(pdf, pagesize=A4)
    page.drawImage(ImageReader(io.BytesIO(a4_scan())), 40, 40, width=A4[0] - 80,
                   height=A4[1] - 120)
    page.setFont("STSong-Light", 10)
    note = "附件：客户开户资料扫描件，已由柜员核对原件，与原件一致，请审核。"
    page.drawString(40, A4[1] - 50, note * 2)
    page.showPage()
    page.save()
    result = extract_bytes(pdf.getvalue(), "开户资料.pdf", limits=AUTO)
    assert result.errors == ()
    ocr = [c.text for c in result.chunks if c.ocr]
    assert "机密★10年" in ocr and any(RID in line for line in ocr)


def test_scan_table_tags_marks_read_by_ocr(tmp_path: Path) -> None:
    import subprocess as sp
    import sys

    (tmp_path / "扫描件.png").write_bytes(notice_image("PNG"))
    (tmp_path / "通知.txt").write_text("秘密★5年\n会议纪要", encoding="utf-8")
    out = sp.run([sys.executable, "-m", "secaudit", "--home", str(tmp_path / "h"), "scan",
                  "--no-ledger", str(tmp_path)], capture_output=True, text=True, check=False)
    lines = out.stdout.splitlines()  # paths are clipped to the column: look at the marks
    assert any("机密★10年（OCR）" in line for line in lines), out.stdout + out.stderr
    assert [line for line in lines if "秘密★5年" in line and "（OCR）" not in line]


def test_extract_command_shows_which_chunks_came_from_ocr(tmp_path: Path) -> None:
    import json
    import subprocess as sp
    import sys

    png = tmp_path / "扫描件.png"
    png.write_bytes(notice_image("PNG"))
    cmd = [sys.executable, "-m", "secaudit", "--home", str(tmp_path / "h"), "extract", str(png)]
    text = sp.run(cmd, capture_output=True, text=True, check=True).stdout
    assert "--- body#0 (OCR)\n机密★10年" in text
    doc = json.loads(sp.run([*cmd, "--format", "json"], capture_output=True, text=True,
                            check=True).stdout)
    assert {c["ocr"] for c in doc["chunks"] if c["location"] == "body"} == {True}
    assert {c["ocr"] for c in doc["chunks"] if c["location"] != "body"} == {False}


def test_no_ocr_flag_reports_the_scan_instead_of_reading_it(tmp_path: Path) -> None:
    import json
    import subprocess as sp
    import sys

    png = tmp_path / "扫描件.png"
    png.write_bytes(notice_image("PNG"))
    base = [sys.executable, "-m", "secaudit", "--home", str(tmp_path / "h")]
    out = sp.run([*base, "scan", "--no-ledger", "--no-ocr", "--format", "json", str(png)],
                 capture_output=True, text=True, check=False)
    [file] = json.loads(out.stdout)["files"]
    assert file["findings"] == [] or all(f["location"] == "filename" for f in file["findings"])
    assert [e["reason"] for e in file["errors"]] == ["unsupported"]
    assert "OCR off" in file["errors"][0]["detail"]
    shown = sp.run([*base, "extract", "--no-ocr", str(png)], capture_output=True, text=True,
                   check=True).stdout
    assert "(OCR)" not in shown and "OCR off" in shown


LEGACY = Path(__file__).resolve().parents[2] / "data" / "legacy"


@pytest.mark.parametrize(("name", "member"), [("scan_picture.doc", "Data/picture-1.png"),
                                              ("scan_slide.ppt", "Pictures/picture-1.png"),
                                              ("scan_sheet.xls", "Workbook/picture-1.png")])
def test_scan_pasted_into_legacy_office_files_is_ocrd(name: str, member: str) -> None:
    """LibreOffice-made .doc/.ppt/.xls (tests/data/legacy/README.md) holding a pasted scan."""
    from secaudit.detect.registry import build_detectors, detect

    data = (LEGACY / name).read_bytes()
    result = extract_bytes(data, name, limits=AUTO)
    assert result.errors == ()
    assert member in result.members
    marks = [f for f in detect(list(result.chunks), build_detectors()) if f.kind == "marking"]
    assert [(f.member, f.level.value) for f in marks] == [(member, "secret")]
    assert OCR_NOTE in (marks[0].note or "")
    off = extract_bytes(data, name, limits=Limits(ocr="off"))
    assert member not in off.members and off.errors == ()


def test_only_whole_pictures_are_cut_out_of_a_stream() -> None:
    from secaudit.extract.office.ole_pictures import pictures_in

    png = notice_image("PNG")
    jpeg = notice_image("JPEG")
    broken_png = png[:100] + bytes([png[100] ^ 0xFF]) + png[101:]  # a CRC no longer matches
    stream = b"\x00" * 37 + png + b"junk" + jpeg + b"\x0f" * 9 + broken_png + jpeg[:-300]
    assert pictures_in(stream) == [("png", png), ("jpg", jpeg)]


def test_heic_photo_that_cannot_be_read_is_reported_not_silently_passed() -> None:
    """A HEIC header with no picture behind it: said so (corrupt), and with OCR off the photo is
    reported unsupported like any image; a video in the same container family is no image."""
    heic = (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64)
    video = (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64)
    from secaudit.extract.sniff import sniff

    assert sniff(heic, "IMG_0001.HEIC") == "image" and sniff(video, "v.mp4") == "binary"
    [error] = extract_bytes(heic, "IMG_0001.HEIC", limits=AUTO).errors
    assert error.reason in (ErrorReason.CORRUPT, ErrorReason.UNSUPPORTED)
    assert "HEI" in error.detail
    [error] = extract_bytes(heic, "IMG_0001.HEIC", limits=Limits(ocr="off")).errors
    assert error.reason is ErrorReason.UNSUPPORTED and "OCR off" in error.detail


def test_page_whose_text_layer_is_garbled_chinese_is_ocrd() -> None:
    """A font with a wrong ToUnicode map gives rare characters for the drawn text (the shared
    sample pdf_cjk_aspose_bad_tounicode.pdf reads 哾㦓): such a page is read by OCR as well."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    rng = random.Random(5)
    garbage = []
    while len(garbage) < 60:  # GB2312 level-2 characters: valid, but never most of real prose
        try:
            garbage.append(bytes([rng.randrange(0xD8, 0xF8), rng.randrange(0xA1, 0xFF)])
                           .decode("gb2312"))
        except UnicodeDecodeError:
            continue
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = io.BytesIO()
    page = canvas.Canvas(pdf, pagesize=A4)
    width = A4[0] - 72
    page.drawImage(ImageReader(io.BytesIO(notice_image("JPEG"))), 36, A4[1] - 36 - width * 0.5,
                   width=width, height=width * 0.5, preserveAspectRatio=True, anchor="nw")
    text = page.beginText(36, 100)
    text.setTextRenderMode(3)  # invisible: the text layer says one thing, the page shows another
    text.setFont("STSong-Light", 10)
    text.textLine("".join(garbage))
    page.drawText(text)
    page.showPage()
    page.save()
    result = extract_bytes(pdf.getvalue(), "乱码.pdf", limits=AUTO)
    assert result.errors == ()
    assert "机密★10年" in [c.text for c in result.chunks if c.ocr]
    prose = "本行二〇二四年度信贷工作会议纪要，请各支行认真学习并贯彻落实，做好相关工作。" * 2
    plain = extract_bytes(image_pdf(notice_image("JPEG"), footer=prose), "t.pdf", limits=AUTO)
    assert not any(c.ocr for c in plain.chunks)  # readable Chinese text: no OCR


def _heic(png: bytes) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(out, format="HEIF", quality=90)
    return out.getvalue()


def test_heic_phone_photo_is_decoded_and_read() -> None:
    """A document photographed with a phone (HEIC): decoded, OCR'd, found like a scan."""
    photo = _heic(notice_image("PNG"))
    assert photo[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1")
    result = extract_bytes(photo, "IMG_0001.HEIC", limits=AUTO)
    assert result.format == "image" and result.errors == ()
    body = [c.text for c in result.chunks if c.location is Location.BODY]
    assert "机密★10年" in body and any(RID in t for t in body)


def test_damaged_heic_is_corrupt_not_a_silent_pass() -> None:
    photo = bytearray(_heic(notice_image("PNG")))
    photo[200:] = b"\x00" * (len(photo) - 200)
    result = extract_bytes(bytes(photo), "IMG_0002.HEIC", limits=AUTO)
    assert [e.reason for e in result.errors] in ([ErrorReason.CORRUPT], [ErrorReason.UNSUPPORTED])
