"""The image Tesseract gets on stdin: a PGM (rendered PDF page, HEIF photo) goes as a PNG of the
same pixels, and Tesseract reads the same words with the same confidences from both."""

from __future__ import annotations

import io
import os
import subprocess

import pytest
from PIL import Image

from secaudit.extract.image.ocr import TESSERACT_ARGS, _engine_on, pgm_from_gray, stdin_image
from tests.extract.image.test_ocr import notice_image


def _gray(width: int = 37, height: int = 5) -> Image.Image:
    return Image.frombytes(
        "L", (width, height), bytes((x * 7) % 256 for x in range(width * height))
    )


def test_pgm_goes_as_png_of_the_same_pixels() -> None:
    gray = _gray()
    pgm = pgm_from_gray(gray.width, gray.height, gray.width, gray.tobytes())
    png = stdin_image(pgm)
    assert png.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(png)) as back:
        assert back.mode == "L"
        assert back.size == gray.size
        assert back.tobytes() == gray.tobytes()


@pytest.mark.parametrize(
    "image",
    [
        b"\xff\xd8\xff\xe0 a JPEG",
        b"\x89PNG\r\n\x1a\n",
        b"",
        b"P5\nnot a pgm at all",
        b"P6\n1 1\n255\n\0\0\0",
    ],
)
def test_other_images_and_broken_pgm_go_unchanged(image: bytes) -> None:
    assert stdin_image(image) == image


_binary, _problem = _engine_on(os.environ.get("PATH"))


@pytest.mark.skipif(bool(_problem), reason=f"needs tesseract with chi_sim: {_problem}")
def test_tesseract_reads_the_same_from_png_as_from_pgm() -> None:
    with Image.open(io.BytesIO(notice_image())) as page:
        gray = page.convert("L")
    pgm = pgm_from_gray(gray.width, gray.height, gray.width, gray.tobytes())
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    reads = [
        subprocess.run(
            [_binary, *TESSERACT_ARGS], input=image, capture_output=True, env=env, check=True
        ).stdout
        for image in (pgm, stdin_image(pgm))
    ]
    assert b"\t" in reads[0]
    assert reads[0] == reads[1]
