"""Images that cannot hold text are not OCR'd, and say so; photos of documents still are.

Pictures are drawn with Pillow (:mod:`tests.extract.image.photos`) and read by the real Tesseract:
a notice photographed skewed on a noisy table (also turned by 90°), an ID-card-like card on a
coloured guilloche background, a thermal receipt on a dark desk, a dark-mode screenshot. Scenery,
colour noise, a blank scan, a logo and a soft photo are skipped with an ``unsupported`` record
"no text-like content", in image files and as pages of an image-only PDF.
"""

from __future__ import annotations

import io
import os
import random
from collections.abc import Callable

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from secaudit.extract.image.ocr import _engine_on
from secaudit.extract.image.textlike import why_no_text
from secaudit.extract.registry import extract_bytes
from secaudit.limits import Limits
from secaudit.model import ErrorReason
from tests.corpus.numbers import resident_id
from tests.extract.image import photos

RID = resident_id(random.Random(11))
NOTICE = ["机密★10年", "关于加强客户信息保护工作的通知", f"客户身份证号码：{RID}",
          "请各支行于本月底前完成自查并上报结果。"]
CARD = ["姓名 张伟", "性别 男  民族 汉", "住址 北京市东城区景山前街4号", f"公民身份号码 {RID}"]
SLIP = ["中国农业银行 取款凭条", "交易类型 取款", f"身份证 {RID}", "金额 5000.00"]
AUTO = Limits(ocr="auto")

_binary, _problem = _engine_on(os.environ.get("PATH"))
needs_ocr = pytest.mark.skipif(
    bool(_problem) or not photos.font_file(),
    reason=f"needs tesseract-ocr + tesseract-ocr-chi-sim and fonts-wqy-microhei "
    f"(install.sh --dev installs them): {_problem or 'no WenQuanYi Micro Hei'}",
)

WITH_TEXT: dict[str, tuple[Callable[[], Image.Image], tuple[str, ...]]] = {
    "phone photo of a notice": (lambda: photos.phone_photo(NOTICE), ("机密★10年", RID)),
    "the photo turned 90°": (lambda: photos.phone_photo(NOTICE).rotate(90, expand=True),
                             ("机密★10年",)),
    "ID card": (lambda: photos.id_card(CARD), (RID,)),
    "receipt on a desk": (lambda: photos.receipt_photo(SLIP), (RID,)),
    "dark-mode screenshot": (lambda: photos.dark_screenshot(NOTICE), ("机密★10年", RID)),
}
WITHOUT_TEXT: dict[str, Callable[[], Image.Image]] = {
    "scenery": photos.scenery,
    "colour noise": photos.colour_noise,
    "blank scan": photos.blank_scan,
    "logo": photos.logo,
    "soft photo": photos.soft_photo,
}


@needs_ocr
@pytest.mark.parametrize("name", list(WITH_TEXT))
def test_photos_of_documents_are_ocrd_and_read(name: str) -> None:
    draw, wanted = WITH_TEXT[name]
    data = photos.encode(draw())
    assert why_no_text(data) == ""
    result = extract_bytes(data, "photo.jpg", limits=AUTO)
    assert result.errors == ()
    read = "\n".join(c.text for c in result.chunks if c.ocr)
    for text in wanted:
        assert text in read, read


@pytest.mark.parametrize("name", list(WITHOUT_TEXT))
def test_pictures_without_text_are_skipped_and_reported(name: str) -> None:
    data = photos.encode(WITHOUT_TEXT[name]())
    assert why_no_text(data) != ""
    result = extract_bytes(data, "picture.jpg", limits=AUTO)
    [error] = result.errors
    assert error.reason is ErrorReason.UNSUPPORTED
    assert "no text-like content" in error.detail
    assert not any(c.ocr for c in result.chunks)


def test_undecodable_image_is_left_to_tesseract() -> None:
    """The test never hides a file: what Pillow cannot decode goes to OCR (which says corrupt)."""
    assert why_no_text(b"\x89PNG\r\n\x1a\n" + bytes(200)) == ""


def _pdf(*pages: Image.Image) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for page in pages:
        pdf.drawImage(ImageReader(io.BytesIO(photos.encode(page))), 0, 0, width=A4[0],
                      height=A4[1])
        pdf.showPage()
    pdf.save()
    return out.getvalue()


@needs_ocr
def test_blank_page_of_a_scanned_pdf_is_reported_and_the_next_is_read() -> None:
    page = Image.new("L", (1654, 2339), 245)
    page.paste(photos.text_block(NOTICE, 40, 1300), (120, 150))
    result = extract_bytes(_pdf(photos.blank_scan(), page), "scan.pdf", limits=AUTO)
    [error] = result.errors
    assert error.reason is ErrorReason.UNSUPPORTED
    assert error.detail.startswith("PDF page 1 not OCR'd: no text-like content")
    read = [c for c in result.chunks if c.ocr]
    assert {c.index for c in read} == {1}
    assert "机密★10年" in [c.text for c in read]


def test_multipage_tiff_with_a_blank_first_page_is_left_to_tesseract() -> None:
    """Tesseract reads every page of a TIFF; the test sees one, so it does not judge such files."""
    out = io.BytesIO()
    first = photos.blank_scan((800, 1100)).convert("L")
    second = photos.text_block(NOTICE, 30, 800)
    first.save(out, "TIFF", save_all=True, append_images=[second])
    assert why_no_text(out.getvalue()) == ""


def test_text_on_a_transparent_picture_is_judged_on_white() -> None:
    """Black text on a transparent PNG: black on black once the alpha is dropped, yet text."""
    clear = photos.text_block(NOTICE, 30, 800, ink=0, paper=0)
    alpha = photos.text_block(NOTICE, 30, 800, ink=255, paper=0)
    picture = Image.merge("RGBA", (clear, clear, clear, alpha))
    assert why_no_text(photos.encode(picture, "PNG")) == ""


def test_sixteen_bit_scan_is_left_to_tesseract() -> None:
    out = io.BytesIO()
    Image.new("I;16", (900, 600), 40000).save(out, "PNG")
    assert why_no_text(out.getvalue()) == ""
