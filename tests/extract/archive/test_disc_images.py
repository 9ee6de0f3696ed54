"""ISO 9660 disc images (built with pycdlib) and containers secaudit cannot open."""

from __future__ import annotations

import io
import struct

import pycdlib
import pytest

from secaudit.extract.registry import Extraction, extract_bytes
from secaudit.limits import Limits
from secaudit.model import ErrorReason

MARKED = "机密★10年\n关于2025年信贷投放计划的通知\n".encode()


def build_iso(files: dict[str, bytes], *, joliet: bool = True) -> bytes:
    """A real ISO 9660 image; with ``joliet`` the Chinese names a Windows burner writes (the
    8.3 ISO 9660 names beside them are made up: ``D1``, ``F0.``)."""
    iso = pycdlib.PyCdlib()
    iso.new(joliet=3 if joliet else None, interchange_level=3)
    folders: dict[str, str] = {"": ""}
    for n, (path, data) in enumerate(sorted(files.items())):
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder not in folders:
                parent = folders["/".join(parts[: depth - 1])]
                folders[folder] = f"{parent}/D{len(folders)}"
                kw = {"joliet_path": "/" + folder} if joliet else {}
                iso.add_directory(folders[folder], **kw)
        parent = folders["/".join(parts[:-1])]
        if joliet:
            iso.add_fp(io.BytesIO(data), len(data), f"{parent}/F{n}.;1", joliet_path="/" + path)
        else:
            iso.add_fp(io.BytesIO(data), len(data), f"{parent}/{parts[-1].upper()};1")
    out = io.BytesIO()
    iso.write_fp(out)
    iso.close()
    return out.getvalue()


def run(data: bytes, name: str, **limits: int) -> Extraction:
    return extract_bytes(data, name, limits=Limits(**limits))


def test_joliet_names_and_nested_folders_are_members() -> None:
    data = build_iso({"信贷/方案.txt": MARKED, "说明.txt": "光盘说明".encode()})
    result = run(data, "备份光盘.iso")
    assert result.format == "iso"
    assert result.errors == ()
    assert sorted(result.members) == ["信贷/方案.txt", "说明.txt"]
    texts = {c.member: c.text for c in result.chunks if c.location.value == "body"}
    assert texts["信贷/方案.txt"].startswith("机密★10年")


def test_plain_iso9660_names_lose_their_version_suffix() -> None:
    result = run(build_iso({"PLAN.TXT": MARKED}, joliet=False), "disc.iso")
    assert result.errors == ()
    assert result.members == ("PLAN.TXT",)


def test_iso_inside_a_zip_is_recursed() -> None:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("镜像.iso", build_iso({"方案.txt": MARKED}))
    result = run(buf.getvalue(), "资料.zip")
    assert "镜像.iso/方案.txt" in result.members


def test_member_over_the_size_limit_is_too_large_and_named() -> None:
    result = run(build_iso({"大文件.txt": b"x" * 300_000}), "a.iso", max_member_size=100_000)
    assert [(e.reason, e.member) for e in result.errors] == [
        (ErrorReason.TOO_LARGE, "大文件.txt")
    ]


def test_member_count_limit() -> None:
    files = {f"f{i}.txt": b"x" for i in range(6)}
    result = run(build_iso(files), "a.iso", max_members=3)
    assert len(result.members) == 3
    assert [e.reason for e in result.errors] == [ErrorReason.LIMIT]


def test_damaged_image_is_corrupt() -> None:
    data = bytearray(build_iso({"方案.txt": MARKED}))
    data[0x8000 + 80 : 0x8000 + 200] = b"\xff" * 120  # the primary volume descriptor
    result = run(bytes(data), "坏.iso")
    assert [e.reason for e in result.errors] == [ErrorReason.CORRUPT]


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"!BDN\x00\x00\x00\x00SM\x17\x00" + b"\x00" * 600, "Outlook data file"),
        (b"MSCF\x00\x00\x00\x00" + b"\x00" * 600, "Windows cabinet"),
        (b"vhdxfile" + b"\x00" * 600, "virtual hard disk"),
        (b"\x60\xea" + struct.pack("<H", 40) + b"\x00" * 600, "ARJ archive"),
        (b"\x00\x00-lh5-" + b"\x00" * 600, "LHA/LZH archive"),
        (b"\x00" * 600 + b"koly\x00\x00\x00\x04\x00\x00\x02\x00" + b"\x00" * 500,
         "macOS disk image"),
    ],
)
def test_containers_that_cannot_be_opened_are_reported_not_passed(head: bytes, what: str) -> None:
    result = run(head, "backup.bin")
    assert [e.reason for e in result.errors] == [ErrorReason.UNSUPPORTED]
    assert what in result.errors[0].detail


def test_luks_volume_is_encrypted() -> None:
    result = run(b"LUKS\xba\xbe\x00\x01" + b"\x00" * 600, "vault.img")
    assert [e.reason for e in result.errors] == [ErrorReason.ENCRYPTED]


def test_mutated_images_give_records_not_exceptions() -> None:
    """Flipped bytes anywhere in an image: read, or a ``corrupt`` record naming the image."""
    import random

    rng = random.Random(11)
    image = build_iso({"信贷/方案.txt": MARKED, "a/b/c.txt": b"x" * 5000})
    reasons = set()
    for _ in range(60):
        data = bytearray(image)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        result = run(bytes(data), "坏.iso")
        reasons |= {e.reason for e in result.errors}
        assert all("parser failed" not in e.detail for e in result.errors)
    assert reasons <= {ErrorReason.CORRUPT, ErrorReason.LIMIT, ErrorReason.TOO_LARGE}


def test_text_that_happens_to_hold_a_magic_word_is_read_as_text() -> None:
    """A second signature is required: a note starting ``MSCF``, a list with ``CD001`` at byte
    32769 or ``koly`` 512 bytes from the end stays a text file and is read."""
    line = "MSCF 项目清单：客户名单已核对。\n".encode()
    note = line * 4000
    codes = bytearray(("产品编号 CD001 存款产品说明\n" * 3000).encode())
    codes[0x8001:0x8006] = b"CD001"
    tail = ("说明文字\n" * 300).encode() + b"koly" + b"x" * 508
    for data in (note, bytes(codes), tail):
        result = run(data, "说明.txt")
        assert result.format == "text" and result.errors == ()
