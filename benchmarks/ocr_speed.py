"""Seconds per A4 page of OCR, and whether it reads what matters (marking, ID number).

    python benchmarks/ocr_speed.py [--dpi 300] [--scan-dpi 200] [--pages 3] [--size 10.5]

Builds a "scanned" A4 notice with Pillow (WenQuanYi Micro Hei; marking 16 pt, title 22 pt, body
in ``--size`` pt, a generated resident ID number with a valid check digit) at ``--scan-dpi``,
embeds it as a JPEG in a PDF without a text layer (reportlab), and runs the PDF through
``secaudit.extract.registry.extract_bytes`` with OCR on, rendering pages at ``--dpi``. Prints the
wall time per page and whether the marking line and the ID number came out. Needs
tesseract-ocr + tesseract-ocr-chi-sim and the dev dependencies (Pillow comes with reportlab).
"""

from __future__ import annotations

import argparse
import io
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageDraw, ImageFont  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.utils import ImageReader  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

import secaudit.extract.pdf.pdf_ocr as pdf_ocr  # noqa: E402
from secaudit.extract.registry import extract_bytes  # noqa: E402
from secaudit.limits import Limits  # noqa: E402
from tests.corpus.numbers import resident_id  # noqa: E402

BODY = (
    "各支行、营业部：为进一步加强客户信息保护，防止客户资料外泄，",
    "现就开展客户信息安全专项检查有关事项通知如下。",
    "一、各单位应于本月底前完成互联网计算机和移动存储介质的自查。",
    "二、发现违规存储涉密文件的，应立即删除并登记上报。",
)


def scanned_page(scan_dpi: int, body_pt: float, rid: str) -> bytes:
    font_file = subprocess.run(
        ["fc-match", "-f", "%{file}", "WenQuanYi Micro Hei"],  # noqa: S607
        capture_output=True, text=True, check=True,
    ).stdout
    px = scan_dpi / 72
    width, height = int(8.27 * scan_dpi), int(11.69 * scan_dpi)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    y = int(72 * px)
    rows = [("机密★10年", 16.0), ("关于开展客户信息安全专项检查的通知", 22.0)]
    rows += [(line, body_pt) for line in BODY] + [(f"客户身份证号码：{rid}", body_pt)]
    for text, pt in rows:
        font = ImageFont.truetype(font_file, int(pt * px))
        draw.text((int(80 * px), y), text, font=font, fill=0)
        y += int(pt * px * 2)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def image_pdf(jpeg: bytes, pages: int) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for _ in range(pages):
        pdf.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, width=A4[0], height=A4[1])
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", type=int, default=pdf_ocr.OCR_DPI, help="render resolution")
    ap.add_argument("--scan-dpi", type=int, default=200, help="resolution of the fake scan")
    ap.add_argument("--pages", type=int, default=3)
    ap.add_argument("--size", type=float, default=10.5, help="body text size in pt")
    args = ap.parse_args()
    rid = resident_id(random.Random(2024))
    data = image_pdf(scanned_page(args.scan_dpi, args.size, rid), args.pages)
    pdf_ocr.OCR_DPI = args.dpi
    render = pdf_ocr.render_gray_pgm
    pdf_ocr.render_gray_pgm = lambda page, dpi=args.dpi: render(page, dpi)  # type: ignore[misc]
    start = time.perf_counter()
    result = extract_bytes(data, "scan.pdf", limits=Limits(ocr="auto", ocr_max_pages=args.pages))
    seconds = time.perf_counter() - start
    lines = [c.text for c in result.chunks if c.location.value == "body" and c.index == 0]
    print(f"render {args.dpi} dpi, scan {args.scan_dpi} dpi, body {args.size} pt: "
          f"{seconds / args.pages:.2f} s/page over {args.pages} page(s)")
    errors = [e.reason.value for e in result.errors]
    print(f"  marking line read: {'机密★10年' in lines}; ID number read: "
          f"{any(rid in line for line in lines)}; errors: {errors}")
    exact = sum(line in lines for line in BODY)
    print(f"  body lines read exactly: {exact}/{len(BODY)}")


if __name__ == "__main__":
    main()
