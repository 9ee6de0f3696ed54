"""Generated pictures for the text-likeness test and the OCR benchmark (Pillow only, seeded).

With text: a phone photo of a notice lying skewed on a noisy table, an ID-card-like card on a
coloured guilloche background, a thermal receipt photographed on a dark desk, a dark-mode chat
screenshot. Without text: scenery (sky over textured ground), colour noise, a blank scanned page,
a logo of flat shapes, a smooth blurred photo. Numbers are generated with valid check digits.
"""

from __future__ import annotations

import io
import shutil
import subprocess

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

Size = tuple[int, int]


def font_file() -> str:
    """WenQuanYi Micro Hei (fonts-wqy-microhei), or ``""`` when it is not installed."""
    if shutil.which("fc-match") is None:
        return ""
    out = subprocess.run(
        ["fc-match", "-f", "%{file}", "WenQuanYi Micro Hei"],  # noqa: S607
        capture_output=True, text=True, check=False,
    ).stdout
    return out if "wqy" in out.lower() else ""


def encode(img: Image.Image, fmt: str = "JPEG") -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return out.getvalue()


def _noise(size: Size, sigma: float, blur: float = 0.0) -> Image.Image:
    noise = Image.effect_noise(size, sigma)
    return noise.filter(ImageFilter.GaussianBlur(blur)) if blur else noise


Rgb = tuple[int, int, int]


def _tinted(gray: Image.Image, dark: Rgb, light: Rgb) -> Image.Image:
    return ImageOps.colorize(gray, dark, light)


def text_block(lines: list[str], size: int, width: int, *, ink: int = 20, paper: int = 245,
               gap: float = 1.8) -> Image.Image:
    """Lines of text in ``size`` px on a sheet ``width`` px wide (grayscale)."""
    font = ImageFont.truetype(font_file(), size)
    sheet = Image.new("L", (width, int(size * (gap * len(lines) + 2))), paper)
    draw = ImageDraw.Draw(sheet)
    for row, text in enumerate(lines):
        draw.text((size, size + int(row * size * gap)), text, font=font, fill=ink)
    return sheet


def phone_photo(lines: list[str], angle: float = 3.0) -> Image.Image:
    """A notice photographed on a wooden-looking noisy table: skewed, unevenly lit, JPEG'd."""
    page = text_block(lines, 30, 1100, ink=35, paper=235)
    light = Image.linear_gradient("L").resize(page.size).point(lambda v: 255 - v // 6)
    page = ImageChops.multiply(page, light).convert("RGB")
    page = Image.blend(page, Image.new("RGB", page.size, (250, 240, 215)), 0.15)
    mask = Image.new("L", page.size, 255).rotate(angle, expand=True)
    page = page.rotate(angle, expand=True)
    table = _tinted(_noise((page.width + 300, page.height + 300), 40, 1.5), (70, 40, 20),
                    (170, 120, 70))
    table.paste(page, (150, 150), mask)
    return table


def id_card(lines: list[str]) -> Image.Image:
    """An ID-card-like card: pale coloured guilloche background, a portrait block, dark text."""
    card = _tinted(_noise((1000, 630), 25, 2.5), (200, 215, 225), (240, 235, 215))
    draw = ImageDraw.Draw(card)
    for x in range(0, 1000, 14):  # guilloche: fine pale waves
        draw.arc((x - 200, 80, x + 200, 560), 200, 340, fill=(190, 205, 220), width=1)
    portrait = _tinted(_noise((240, 300), 60, 6), (90, 70, 60), (230, 200, 180))
    card.paste(portrait, (720, 120))
    font = ImageFont.truetype(font_file(), 30)
    for row, text in enumerate(lines):
        draw.text((60, 80 + row * 70), text, font=font, fill=(30, 30, 40))
    return card


def receipt_photo(lines: list[str]) -> Image.Image:
    """A narrow thermal receipt (grey print) photographed on a dark desk."""
    slip = text_block(lines, 26, 560, ink=90, paper=238, gap=1.6).convert("RGB")
    desk = _tinted(_noise((slip.width + 400, slip.height + 300), 30, 2), (25, 25, 30),
                   (80, 75, 70))
    mask = Image.new("L", slip.size, 255).rotate(-4, expand=True)
    desk.paste(slip.rotate(-4, expand=True), (200, 150), mask)
    return desk


def dark_screenshot(lines: list[str]) -> Image.Image:
    """A dark-mode chat screenshot: light text on a near-black screen."""
    return text_block(lines, 28, 900, ink=225, paper=28).convert("RGB")


def scenery() -> Image.Image:
    """Sky over textured ground with soft blobs of trees: a holiday photo without text."""
    width, height = 1600, 1200
    sky = Image.linear_gradient("L").resize((width, height // 2))
    photo = Image.new("RGB", (width, height))
    photo.paste(_tinted(sky, (120, 170, 230), (220, 235, 250)), (0, 0))
    ground = _tinted(_noise((width, height // 2), 70, 2.0), (30, 70, 20), (140, 170, 70))
    photo.paste(ground, (0, height // 2))
    trees = _tinted(_noise((width, 300), 80, 4), (20, 50, 20), (70, 120, 50))
    blobs = Image.new("L", (width, 300), 0)
    draw = ImageDraw.Draw(blobs)
    for x in range(0, width, 230):
        draw.ellipse((x, 40 + (x * 7) % 90, x + 260, 300), fill=255)
    photo.paste(trees, (0, height // 2 - 200), blobs.filter(ImageFilter.GaussianBlur(6)))
    return photo


def colour_noise(size: Size = (1200, 900)) -> Image.Image:
    return Image.merge("RGB", [_noise(size, 60) for _ in range(3)])


def blank_scan(size: Size = (1654, 2339)) -> Image.Image:
    """An empty A4 sheet from a scanner: paper white with faint sensor noise."""
    return Image.eval(_noise(size, 3), lambda v: min(255, v + 115))


def logo(size: int = 800) -> Image.Image:
    """Flat shapes in two colours (a bank's emblem without letters)."""
    img = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.ellipse((60, 60, size - 60, size - 60), fill=(200, 20, 30))
    draw.rectangle((size // 3, size // 3, 2 * size // 3, 2 * size // 3), fill=(250, 200, 0))
    return img


def hatching(size: Size = (800, 600)) -> Image.Image:
    """Diagonal hatching of a technical drawing: sharp strokes on white that are no text (the
    text-likeness test lets it through; Tesseract reads nothing)."""
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    for x in range(0, size[0] + size[1], 12):
        draw.line((x, 0, x - size[1], size[1]), fill=0, width=2)
    return img


def soft_photo(size: Size = (1600, 1200)) -> Image.Image:
    """A blurred portrait-like photo: smooth tones, no sharp edges."""
    return _tinted(_noise(size, 90, 25), (60, 40, 30), (240, 210, 190))
