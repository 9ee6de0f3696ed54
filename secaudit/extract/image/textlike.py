"""Can this image hold text? A cheap test run before Tesseract, so photos without text cost
milliseconds instead of a second of OCR.

Text on paper, on a card or on a screen is thin strokes with sharp edges standing on a quiet
background (paper, card stock, a dark-mode screen). Scenery, skin, fabric, gradients, blank or
grey pages and noise are not: they are either quiet everywhere (no sharp edges) or busy everywhere
(texture: no quiet background around the edges). :func:`why_no_text` looks for that:

1. the image is decoded in grayscale at a working size whose long side is under
   2 × :data:`WORK_SIDE` pixels (JPEG is decoded scaled down by libjpeg's DCT scaling);
2. a page of one shade (standard deviation under :data:`BLANK_STDDEV`) is blank;
3. a local-contrast map (difference to the right and lower neighbour) is cut into windows of
   :data:`WINDOW` pixels overlapping by half; a window is *text-like* when at least
   :data:`STRONG_SHARE` of it is strong contrast (ink against paper) and at least
   :data:`QUIET_SHARE` of it is quiet (the paper around the strokes);
4. fewer than :data:`MIN_WINDOWS` text-like windows: no text-like content.

All of it runs in Pillow's C code: 15–100 ms per image on a loaded 2-core machine (a 12 MP
phone photo ~300 ms), against 0.4–1 s of Tesseract. On the generated pictures of the tests, text
gives windows of 0.28–0.47 strong contrast, non-text at most 0.06 (the rim of a logo, the
horizon of a landscape). The test leans towards reading: two text-like windows anywhere (a
marking alone on a page, the number line of an ID card held in a hand) send the image to
Tesseract, and sharp strokes on a quiet background that are no text (hatching, branches against
the sky, line drawings) are read too — Tesseract then finds nothing and
:mod:`.ocr_verdicts` remembers that. An image that cannot be decoded here is handed to Tesseract
as it is, which decides (``corrupt``). The pictures and verdicts are in
``tests/extract/image/test_textlike.py``.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image as Picture

WORK_SIDE = 1024
"""Long side of the working image (A4 at 200 dpi: 10.5 pt body text is ~14 px high there)."""
WINDOW = 32
"""Window side at working size, about two characters of body text; windows overlap by half, so
a line of small text is not split between two of them."""
BLANK_STDDEV = 4.0
"""Gray-level standard deviation under which a page is one shade (blank, grey, black)."""
STRONG_EDGE = 48
"""Local contrast (0–255) of ink against paper; scanner and JPEG noise stay
under it once the image is scaled down."""
QUIET_EDGE = 12
"""Local contrast under which a pixel is background."""
STRONG_SHARE = 0.16
"""Share of strong contrast in a text-like window: text gives 0.25–0.5, one straight edge (a
table border, the rim of a logo, a horizon) at most ~0.12."""
QUIET_SHARE = 0.45
"""Share of background in a text-like window: paper around strokes; noise and texture have none."""
MIN_WINDOWS = 2
"""Text-like windows needed: two characters side by side give two."""
VERSION = f"textlike 1 {WORK_SIDE} {WINDOW} {BLANK_STDDEV} {STRONG_EDGE} {QUIET_EDGE} " \
    f"{STRONG_SHARE} {QUIET_SHARE} {MIN_WINDOWS}"
"""Changes with the test: cached verdicts of another version are dropped."""


_MODES = ("1", "L", "P", "RGB", "RGBA", "RGBX", "LA", "PA", "CMYK", "YCbCr")
"""8-bit pixel modes; others (16-bit, float) go to Tesseract unjudged."""


def why_no_text(image: bytes) -> str:
    """Why ``image`` cannot hold text (``"blank page"``, ``"no text-like strokes"``), or ``""``
    when it may: then it is worth OCR. Undecodable images give ``""`` (Tesseract decides)."""
    gray = _working_gray(image)
    if gray is None:
        return ""
    from PIL import ImageStat

    if ImageStat.Stat(gray).stddev[0] < BLANK_STDDEV:
        return "blank: one shade all over"
    edges = local_contrast(gray)
    strong = edges.point(lambda v: 255 if v >= STRONG_EDGE else 0)
    quiet = edges.point(lambda v: 255 if v < QUIET_EDGE else 0)
    if text_windows(strong, quiet) >= MIN_WINDOWS:
        return ""
    return "no text-like strokes on a quiet background"


def text_windows(strong: Picture, quiet: Picture) -> int:
    """Windows of :data:`WINDOW` pixels, overlapping by half, that look like text: enough strong
    contrast and enough quiet background. Counted by Pillow (box-scaled masks), not in Python."""
    from PIL import ImageChops

    step = WINDOW // 2
    found = 0
    for dx, dy in ((0, 0), (step, 0), (0, step), (step, step)):
        inked = _window_shares(strong, dx, dy).point(
            lambda v: 255 if v >= STRONG_SHARE * 255 else 0)
        calm = _window_shares(quiet, dx, dy).point(lambda v: 255 if v >= QUIET_SHARE * 255 else 0)
        found += ImageChops.multiply(inked, calm).histogram()[255]
    return found


def _window_shares(mask: Picture, dx: int, dy: int) -> Picture:
    """Per window of the grid starting at (``dx``, ``dy``): share of set pixels × 255."""
    from PIL import Image

    cols = max((mask.width - dx) // WINDOW, 1)
    rows = max((mask.height - dy) // WINDOW, 1)
    box = (dx, dy, dx + cols * WINDOW, dy + rows * WINDOW)
    return mask.resize((cols, rows), Image.Resampling.BOX, box=box)


def local_contrast(gray: Picture) -> Picture:
    """Largest difference of each pixel to its right and lower neighbour (0–255): high along
    both sides of a stroke, whether ink is dark or light. Two shifted differences cost a few
    milliseconds where a 3×3 rank filter costs a second."""
    from PIL import ImageChops

    across = ImageChops.difference(gray, ImageChops.offset(gray, 1, 0))
    down = ImageChops.difference(gray, ImageChops.offset(gray, 0, 1))
    return ImageChops.lighter(across, down)


def _working_gray(image: bytes) -> Picture | None:
    """``image`` as an 8-bit grayscale Pillow image, long side ≤ :data:`WORK_SIDE`, or ``None``."""
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(image))
        if getattr(img, "n_frames", 1) > 1 or img.mode not in _MODES:
            return None  # multi-page TIFF (Tesseract reads every page), 16-bit or float pixels
        side = max(img.size)
        if side > WORK_SIDE and img.format == "JPEG":
            img.draft("L", (img.width * WORK_SIDE // side, img.height * WORK_SIDE // side))
        if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
            # Tesseract (Leptonica) lays a transparent picture on white; so must this test
            img = Image.alpha_composite(Image.new("RGBA", img.size, "white"), img.convert("RGBA"))
        gray = img.convert("L")
        factor = max(gray.size) // WORK_SIDE  # small text of a 100 dpi scan stays unscaled
        return gray.reduce(factor) if factor > 1 else gray
    except (OSError, ValueError, SyntaxError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
