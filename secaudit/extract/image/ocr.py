"""OCR of scanned documents with Tesseract (Debian ``tesseract-ocr`` + ``tesseract-ocr-chi-sim``).

Scanned paper is how secrets and ID-card copies most often leave a bank, so image files and
image-only PDF pages are read with the ``tesseract`` command, run as a subprocess: the image goes
in on stdin (PNG/JPEG/TIFF/BMP/GIF as they are; rendered PDF pages and HEIF photos, built as
binary PGM by :func:`pgm_from_gray`, as PNG: :func:`stdin_image`), the text comes out on stdout.

- :func:`ocr_image` is what extractors call; it raises the extraction errors of the contract:
  ``unsupported`` when Tesseract or its ``chi_sim`` language is not installed, ``timeout`` when
  the file's time budget runs out, ``corrupt`` when Tesseract rejects the image.
- OCR costs only what it must: an image that cannot hold text is not read
  (:mod:`.textlike`, :class:`NoTextError`: ``unsupported``, "no text-like content"); images known
  to hold none are remembered by digest across files and scans (:mod:`.ocr_verdicts` — never
  their text); a page is read upright first and turned only when that reads poorly
  (:data:`TESSERACT_ARGS`, :data:`TURNED_ARGS`).
- :func:`.ocr_text.normalise_ocr_text` repairs what OCR does to Chinese: spaces between
  characters and the ★ of a marking (``机密★10年``), which the ``chi_sim`` model has no glyph
  for and reads as some other character.
- :func:`ocr_marker` is the ``property`` chunk (key ``ocr``) every OCR'd file carries, so
  ``secaudit extract`` shows that its text came from OCR.
- :func:`ocr_cache_key` names the OCR setting and engine for the scan cache key, so installing
  Tesseract or switching ``[scan] ocr`` makes images be read again.

To try other Tesseract options, change :data:`TESSERACT_ARGS` and run ``benchmarks/ocr_speed.py``
and ``tests/extract/image/test_ocr.py``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import time

from secaudit.errors import CorruptError, LimitError, UnsupportedError
from secaudit.extract.base import ExtractContext
from secaudit.limits import Limits
from secaudit.model import Location, TextChunk

LANGUAGE = "chi_sim"
"""``chi_sim`` reads digits and Latin letters too; ``chi_sim+eng`` was measured to turn short
Chinese lines such as ``机密★10年`` into Latin garbage, so English is not added."""
TESSERACT_ARGS = ("stdin", "stdout", "-l", LANGUAGE, "--psm", "3",
                  "-c", "tessedit_do_invert=0", "tsv")
"""First pass: automatic page segmentation without orientation detection, no retry of each
line inverted, word confidences out (``tsv``). Measured on 2 cores shared with other work (CPU
seconds of the tesseract process, best of 5; ``benchmarks/ocr_speed.py``, docs/benchmarks.md):
A4 scan at 200 dpi 0.78 s with ``--psm 3``, 0.64 s adding ``tessedit_do_invert=0`` (0–15 % in
later runs: within the noise of the shared machine; kept, as the OCR tests hold), 1.11 s with
``--psm 1`` (orientation detection loads the 10 MB ``osd`` model: +0.35 s even on a blank page);
the 1000×400 notice of the tests 0.39 / 0.33 / 0.69 s. ``--oem 1`` changes nothing: Debian's
``chi_sim`` model is LSTM-only (tessdata_fast). Tesseract runs on one thread
(``OMP_THREAD_LIMIT=1``): the workers already use every core."""
TURNED_ARGS = ("stdin", "stdout", "-l", LANGUAGE, "--psm", "1", "tsv")
"""Second pass, only when the first one reads with a confidence under :data:`CONFIDENT`:
orientation and script detection (``osd``, a dependency of Debian's ``tesseract-ocr``) turns a
page fed in sideways or upside down (``--psm 3`` reads it as confident-looking garbage of ~20 %
confidence), and lines of light text on a dark ground are tried inverted. The result of the
pass with the higher confidence is kept. Upright pages pay for one pass; a turned page for
both (~1.8 s for an A4 page instead of 1.1 s for ``--psm 1`` alone)."""
CONFIDENT = 60.0
"""Mean word confidence under which the second pass runs: upright pages of the tests and the
benchmark read at 85–95, pages turned by 90° or 180° at 20–30."""
OCR_ENGINE = f"tesseract {LANGUAGE}"
"""Value of the ``ocr`` property chunk of an OCR'd file."""
TIME_MARGIN = 2.0
"""Seconds left to the worker after Tesseract's own timeout, so a slow page becomes a
``timeout`` record here instead of the worker being killed with the subprocess still running."""

@functools.lru_cache(maxsize=8)
def _engine_on(search_path: str | None) -> tuple[str, str]:
    """``(binary, problem)`` for the ``PATH`` given; exactly one of the two is empty."""
    binary = shutil.which("tesseract", path=search_path)
    if binary is None:
        return "", "OCR not installed: no tesseract command (install tesseract-ocr)"
    try:
        listed = subprocess.run(  # noqa: S603 - fixed arguments, binary found on PATH
            [binary, "--list-langs"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return "", f"OCR not installed: tesseract does not run ({exc})"
    langs = (listed.stdout + listed.stderr).decode("utf-8", "replace").split()
    if LANGUAGE not in langs:
        return "", f"OCR not installed: tesseract has no {LANGUAGE} language " \
            "(install tesseract-ocr-chi-sim)"
    return binary, ""


def tesseract_binary() -> str:
    """Path of a ``tesseract`` that has ``chi_sim``; raises ``unsupported`` otherwise.

    Looked up once per process and ``PATH`` value.
    """
    binary, problem = _engine_on(os.environ.get("PATH"))
    if problem:
        raise UnsupportedError(problem)
    return binary


def ocr_cache_key(limits: Limits) -> str:
    """What the scan cache must know about OCR: the setting, and whether the engine is there.

    Judged from the files alone (the ``tesseract`` command and a ``chi_sim`` model on disk),
    without starting tesseract: every scan command builds this key, a rescan served from the
    cache included."""
    if limits.ocr == "off":
        return "ocr off"
    from secaudit.extract.image.textlike import VERSION

    present = shutil.which("tesseract") is not None and _model_on_disk()
    return f"ocr {limits.ocr} {limits.ocr_max_pages} {limits.ocr_min_pixels} " + (
        f"{OCR_ENGINE} {TESSERACT_ARGS[4:]} {TURNED_ARGS[4:]} {CONFIDENT} {VERSION}"
        if present else "missing"
    )


def _model_on_disk() -> bool:
    """A ``chi_sim.traineddata`` where tesseract looks (``TESSDATA_PREFIX``, Debian's and the
    upstream default folders)."""
    import glob

    folders = [os.environ.get("TESSDATA_PREFIX", ""), "/usr/share/tesseract-ocr/*/tessdata",
               "/usr/share/tessdata", "/usr/local/share/tessdata"]
    name = f"{LANGUAGE}.traineddata"
    return any(glob.glob(os.path.join(f, name)) for f in folders if f)


class NoTextError(UnsupportedError):
    """The image was not OCR'd because it cannot hold text (record ``unsupported``)."""


def ocr_image(image: bytes, ctx: ExtractContext, what: str) -> str:
    """Text Tesseract reads in ``image`` (any format it knows, or PGM), normalised.

    ``what`` names the image in error details (``image``, ``PDF page 3``). An empty string means
    no text was found. An image that cannot hold text (:mod:`.textlike`) raises
    :class:`NoTextError`; images known to hold none (:mod:`.ocr_verdicts`) are not read again.
    """
    from secaudit.extract.image import ocr_verdicts as verdicts

    binary = tesseract_binary()
    cache = verdicts.verdict_cache(ctx.limits.ocr_cache, _verdict_version(binary))
    digest = hashlib.sha256(image).digest()
    known = verdicts.recall(cache, digest)
    if known is None:
        from secaudit.extract.image.textlike import why_no_text

        known = why_no_text(image) or None
        if known:
            verdicts.remember(cache, digest, known)
    if known == verdicts.EMPTY:
        return ""
    if known:
        raise NoTextError(f"{what} not OCR'd: no text-like content ({known})")
    text = _read(binary, image, ctx, what)
    if not verdicts.worth_examining(text):
        verdicts.remember(cache, digest, verdicts.EMPTY)
    return text


def _read(binary: str, image: bytes, ctx: ExtractContext, what: str) -> str:
    """Tesseract's text of ``image``: one upright pass, a turning pass when it reads poorly."""
    from secaudit.extract.image.ocr_text import normalise_ocr_text, tsv_text

    image = stdin_image(image)
    text, confidence = tsv_text(_tesseract(binary, TESSERACT_ARGS, image, ctx, what))
    if confidence < CONFIDENT:
        turned, better = tsv_text(_tesseract(binary, TURNED_ARGS, image, ctx, what))
        if better > confidence:
            text = turned
    return normalise_ocr_text(text)


def _tesseract(binary: str, args: tuple[str, ...], image: bytes, ctx: ExtractContext,
               what: str) -> str:
    timeout = _time_left(ctx)
    if timeout <= 0:
        raise LimitError(f"time limit for this file reached before OCR of {what}", reason="timeout")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # one core per worker; workers run in parallel
    try:
        done = subprocess.run(  # noqa: S603 - fixed arguments, binary found on PATH
            [binary, *args], input=image, capture_output=True, timeout=timeout, env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise LimitError(f"OCR of {what} took longer than {timeout:.0f} s", reason="timeout") \
            from exc
    except OSError as exc:
        raise UnsupportedError(f"OCR not available: tesseract does not run ({exc})") from exc
    if done.returncode != 0:
        raise CorruptError(f"OCR rejected {what}: {_last_error_line(done.stderr)}")
    return done.stdout.decode("utf-8", "replace")


@functools.lru_cache(maxsize=4)
def _verdict_version(binary: str) -> str:
    """What the verdicts of :mod:`.ocr_verdicts` depend on: the text-likeness test, the
    Tesseract settings and the installed binary."""
    from secaudit.extract.image import textlike

    stamp = os.stat(binary).st_mtime_ns if os.path.exists(binary) else 0
    return f"{textlike.VERSION};{TESSERACT_ARGS};{TURNED_ARGS};{CONFIDENT};{binary}@{stamp}"


def _time_left(ctx: ExtractContext) -> float:
    deadline = ctx.budget.deadline
    if deadline is None:
        return ctx.limits.file_timeout
    return deadline - time.monotonic() - TIME_MARGIN


def _last_error_line(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    useful = [ln for ln in lines if not ln.startswith(("Estimating resolution", "Warning"))]
    return (useful or lines or ["tesseract failed"])[-1][:200]


def ocr_lines(image: bytes, ctx: ExtractContext, what: str) -> list[str]:
    """:func:`ocr_image` split into non-empty lines."""
    return [line for line in ocr_image(image, ctx, what).split("\n") if line]


def ocr_marker(ctx: ExtractContext) -> TextChunk:
    """The ``property`` chunk ``ocr = tesseract chi_sim`` of a file whose text came from OCR."""
    return ctx.chunk(OCR_ENGINE, Location.PROPERTY, key="ocr")


def stdin_image(image: bytes) -> bytes:
    """``image`` as Tesseract reads it fastest on stdin: a binary PGM (a rendered PDF page, a
    HEIF photo) becomes a PNG of the same pixels at zlib level 1; other images go as they are.

    Tesseract reads stdin a byte at a time and Leptonica parses PGM slowly: an A4 page at
    200 dpi (3.9 MB of PGM) cost 0.56 s of Tesseract CPU against 0.44 s as a 134 KB PNG, for
    ~20 ms of encoding here, with the same words and confidences out (same pixels; measured in
    docs/benchmarks.md). A PGM Pillow cannot read goes unchanged (Tesseract decides)."""
    if not image.startswith(b"P5"):
        return image
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(image)) as gray:
            if gray.mode != "L":
                return image
            out = io.BytesIO()
            gray.save(out, "PNG", compress_level=1)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return image
    return out.getvalue()


def pgm_from_gray(width: int, height: int, stride: int, pixels: bytes | memoryview) -> bytes:
    """Binary PGM (P5) of an 8-bit grayscale bitmap whose rows are ``stride`` bytes apart."""
    header = f"P5\n{width} {height}\n255\n".encode("ascii")
    view = memoryview(pixels)
    if stride == width:
        return header + bytes(view[: width * height])
    rows = (view[row * stride : row * stride + width] for row in range(height))
    return header + b"".join(rows)
