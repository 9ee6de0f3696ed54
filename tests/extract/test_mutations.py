"""Damaged copies of real documents: every one yields text or error records, never an exception.

Each sample of ``../shared/samples`` and each LibreOffice-made legacy file is cut short, has bytes
overwritten and has a slice removed, with fixed seeds, the way a broken USB stick or a crashed
download damages files. The cases below the sweep are the defects it found, kept as regressions.
"""

from __future__ import annotations

import io
import random
import struct
import time
import zipfile
from pathlib import Path

import pytest

from secaudit.extract.registry import extract_bytes
from secaudit.limits import Limits
from secaudit.model import ErrorReason

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / ".." / "shared" / "samples"
LIMITS = Limits(file_timeout=10)


def _originals() -> list[Path]:
    found = [p for p in SAMPLES.rglob("*") if p.is_file() and p.stat().st_size < 2_000_000]
    found = [p for p in found if "zipbomb" not in p.name and p.suffix != ".md"]
    found += sorted((ROOT / "tests" / "data" / "legacy").glob("*.[dpx][opl][cts]"))
    return sorted(found)


def _damaged(data: bytes, rng: random.Random) -> list[bytes]:
    cut = data[: rng.randrange(1, len(data))] if len(data) > 1 else data
    flipped = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        if flipped:
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
    holed = bytearray(data)
    if len(holed) > 100:
        i = rng.randrange(len(holed) - 50)
        del holed[i : i + rng.randrange(1, 50)]
    return [cut, bytes(flipped), bytes(holed)]


@pytest.mark.timeout(300)
def test_damaged_copies_of_every_sample_yield_records_not_exceptions() -> None:
    originals = _originals()
    assert len(originals) > 40, "the shared samples are missing"
    rng = random.Random(20261129)
    reasons = {r.value for r in ErrorReason}
    for path in originals:
        for data in _damaged(path.read_bytes(), rng):
            t0 = time.monotonic()
            result = extract_bytes(data, path.name, limits=LIMITS, deadline=t0 + 10)
            assert time.monotonic() - t0 < 10, path.name
            assert all(e.reason.value in reasons and e.detail for e in result.errors), path.name


def test_zip_with_an_impossible_version_is_corrupt_not_a_crash() -> None:
    """Python's zipfile raises NotImplementedError for 'version needed' above 6.3."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("OFD.xml", "<OFD/>")
    data = bytearray(buf.getvalue())
    central = data.rindex(b"PK\x01\x02")
    struct.pack_into("<H", data, central + 6, 148)  # version needed to extract: 14.8
    result = extract_bytes(bytes(data), "hello.ofd", limits=LIMITS)
    assert [e.reason for e in result.errors] == [ErrorReason.CORRUPT]
    assert "version" in result.errors[0].detail


def test_mail_subject_with_one_damaged_encoded_word_keeps_the_others() -> None:
    good = "=?gbk?B?" + __import__("base64").b64encode("机密文件".encode("gbk")).decode() + "?="
    raw = (f"From: a@rcb.example\r\nTo: b@rcb.example\r\nSubject: {good} =?utf-8?B?5Lit5=?=\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\nbody\r\n").encode()
    result = extract_bytes(raw, "m.eml", limits=LIMITS)
    assert result.errors == ()
    subjects = [c.text for c in result.chunks if c.location.value == "subject"]
    assert subjects and subjects[0].startswith("机密文件")
