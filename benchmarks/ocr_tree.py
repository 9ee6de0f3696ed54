"""A folder of generated scans for ``benchmarks/ocr_speed.py``: what a branch PC's scans look like.

- ``scans/``: A4 notices scanned at 200 dpi (JPEG), each with its own bank text and a generated
  resident ID number (valid check digit), as image files and as image-only PDFs of two pages;
- ``photos/``: phone photos of notices lying on a table (OCR'd), and photos without text
  (scenery, a soft portrait-like photo, colour noise);
- ``logos/``: emblems of flat shapes;
- ``copies/``: the same blank scan, scenery and logo again in other files (as attachments saved
  twice, or the same picture in many folders).

:func:`build` writes the tree and, beside it, the page images a plain ``tesseract`` run gets for
the same pages (``pages/``: the JPEG of each scanned or photographed page) and for every image
(``all/``).
"""

from __future__ import annotations

import io
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from tests.corpus.numbers import resident_id
from tests.extract.image import photos

BODY = (
    "各支行、营业部：为进一步加强客户信息保护，防止客户资料外泄，",
    "现就开展客户信息安全专项检查有关事项通知如下。",
    "一、各单位应于本月底前完成互联网计算机和移动存储介质的自查。",
    "二、发现违规存储涉密文件的，应立即删除并登记上报。",
    "三、检查结果请于下月五日前报送总行保密办公室。",
)
TITLES = ("关于开展客户信息安全专项检查的通知", "关于做好年度保密自查自评工作的通知",
          "关于加强移动存储介质管理的通知", "关于规范客户资料归档保管的通知")


@dataclass
class Tree:
    root: Path
    """The folder scanned."""
    pages: list[Path] = field(default_factory=list)
    """One image per page with text (what secaudit must OCR)."""
    everything: list[Path] = field(default_factory=list)
    """One image per image file or page in the tree, copies included (a naive OCR of all)."""
    ids: list[str] = field(default_factory=list)
    """The ID number on each page with text."""


def a4_scan(rng: random.Random, rid: str) -> bytes:
    """An A4 notice at 200 dpi: marking, title, body lines in 10.5 pt, an ID number line."""
    lines = ["机密★10年", rng.choice(TITLES), *rng.sample(BODY, 4), f"客户身份证号码：{rid}"]
    page = Image.new("L", (1654, 2339), 250)
    page.paste(photos.text_block(lines, 30, 1400, paper=250), (110, 140))
    return photos.encode(page)


def _pdf(jpegs: list[bytes]) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for jpeg in jpegs:
        pdf.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, width=A4[0], height=A4[1])
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def build(base: Path, scans: int = 8, seed: int = 2024) -> Tree:
    """Write the tree under ``base/tree`` and the peer's images under ``base/pages``,
    ``base/all``; ``scans`` A4 pages (half as image files, half in two-page PDFs)."""
    rng = random.Random(seed)
    tree = Tree(base / "tree")
    for sub in ("tree/scans", "tree/photos", "tree/logos", "tree/copies", "pages", "all"):
        (base / sub).mkdir(parents=True, exist_ok=True)

    def page(data: bytes, name: str, rid: str) -> None:
        for folder, bucket in (("pages", tree.pages), ("all", tree.everything)):
            (base / folder / name).write_bytes(data)
            bucket.append(base / folder / name)
        tree.ids.append(rid)

    in_pdf: list[bytes] = []
    for n in range(scans):
        rid = resident_id(rng)
        jpeg = a4_scan(rng, rid)
        page(jpeg, f"scan{n}.jpg", rid)
        if n % 2 == 0:
            (tree.root / "scans" / f"扫描件{n}.jpg").write_bytes(jpeg)
        else:
            in_pdf.append(jpeg)
    for n in range(0, len(in_pdf), 2):
        (tree.root / "scans" / f"扫描件{n}.pdf").write_bytes(_pdf(in_pdf[n : n + 2]))
    for n in range(2):
        rid = resident_id(rng)
        lines = ["机密★10年", rng.choice(TITLES), f"客户身份证号码：{rid}", BODY[n]]
        photo = photos.encode(photos.phone_photo(lines))
        (tree.root / "photos" / f"IMG_{n:04d}.jpg").write_bytes(photo)
        page(photo, f"photo{n}.jpg", rid)
    textless = {"photos/风景.jpg": photos.encode(photos.scenery()),
                "photos/人像.jpg": photos.encode(photos.soft_photo()),
                "photos/噪点.jpg": photos.encode(photos.colour_noise()),
                "logos/行徽.png": photos.encode(photos.logo(), "PNG"),
                "logos/标志.png": photos.encode(photos.logo(600), "PNG"),
                "scans/空白页.jpg": photos.encode(photos.blank_scan())}
    copies = {"copies/空白页-副本.jpg": "scans/空白页.jpg",
              "copies/a/空白页.jpg": "scans/空白页.jpg",
              "copies/风景(1).jpg": "photos/风景.jpg", "copies/b/行徽.png": "logos/行徽.png"}
    for name, data in textless.items():
        (tree.root / name).write_bytes(data)
    for name, original in copies.items():
        (tree.root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tree.root / original, tree.root / name)
    for n, name in enumerate([*textless, *copies]):
        tree.everything.append(base / "all" / f"other{n}{Path(name).suffix}")
        shutil.copyfile(tree.root / name, tree.everything[-1])
    return tree
