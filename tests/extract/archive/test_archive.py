"""Archive extraction: zip/tar/gz/bz2/xz/7z/rar built for real, every limit and error reason."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import struct
import tarfile
import time
import zipfile
from pathlib import Path

import py7zr
import pytest

from secaudit.extract.base import ExtractContext
from secaudit.extract.members import read_bounded, safe_member_name
from secaudit.extract.registry import Extraction, extract_bytes
from secaudit.limits import Limits
from secaudit.model import Location

MARKED = "机密★10年\n关于2024年信贷计划的通知\n"
MIB = 1024 * 1024


def run(data: bytes, name: str, **limits: int | float) -> Extraction:
    return extract_bytes(data, name, limits=Limits(**limits))  # type: ignore[arg-type]


def bodies(result: Extraction) -> dict[str | None, str]:
    out: dict[str | None, str] = {}
    for c in result.chunks:
        if c.location is Location.BODY:
            out[c.member] = out.get(c.member, "") + c.text
    return out


def names(result: Extraction) -> list[str | None]:
    return [c.member for c in result.chunks if c.location is Location.FILENAME]


def errors(result: Extraction) -> list[tuple[str, str | None]]:
    return [(e.reason.value, e.member) for e in result.errors]


def make_zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def raw_name_zip(raw_name: bytes, data: bytes) -> bytes:
    """A zip whose member name is ``raw_name`` bytes and the UTF-8 flag is not set."""
    placeholder = b"Q" * len(raw_name)
    blob = make_zip({placeholder.decode(): data}, zipfile.ZIP_STORED)
    assert blob.count(placeholder) == 2  # local header + central directory
    return blob.replace(placeholder, raw_name)


# ------------------------------------------------------------------------------------ zip


def test_zip_in_zip_members_and_paths() -> None:
    inner = make_zip({"报告/（机密）计划.txt": MARKED.encode("utf-8")})
    outer = make_zip({"inner.zip": inner, "readme.txt": b"hello", "dir/": b""})
    result = run(outer, "outer.zip")
    assert result.errors == ()
    assert bodies(result)["inner.zip/报告/（机密）计划.txt"].startswith("机密★10年")
    assert "inner.zip/报告/（机密）计划.txt" in names(result)
    assert result.member_formats["inner.zip"] == "zip"
    assert "dir" not in result.members


def test_zip_gbk_names_without_utf8_flag() -> None:
    name = "（机密）信贷计划.txt"
    blob = raw_name_zip(name.encode("gbk"), MARKED.encode("gbk"))
    assert not zipfile.ZipFile(io.BytesIO(blob)).infolist()[0].flag_bits & 0x800
    result = run(blob, "a.zip")
    assert name in names(result)
    assert "信贷计划" in bodies(result)[name]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (b"../../../../tmp/evil.txt", "tmp/evil.txt"),
        (b"/etc/cron.d/evil.txt", "etc/cron.d/evil.txt"),
        (b"C:\\Windows\\evil.txt", "Windows/evil.txt"),
        (b"a\x00b.txt", "a\ufffdb.txt"),
        (b"ctl\x1b[31m.txt", "ctl\ufffd[31m.txt"),
    ],
)
def test_zip_unsafe_member_names_are_normalised(raw: bytes, shown: str) -> None:
    result = run(raw_name_zip(raw, b"payload text"), "slip.zip")
    assert names(result)[1:] == [shown]
    assert bodies(result)[shown] == "payload text"
    assert all(".." not in (m or "").split("/") for m in result.members)


def test_safe_member_name_flags_unsafe() -> None:
    assert safe_member_name("a/b.txt") == ("a/b.txt", False)
    assert safe_member_name("../x") == ("x", True)
    assert safe_member_name("..") == ("(unnamed)", True)


def _set_zip_flags(blob: bytes, flag: int) -> bytes:
    data = bytearray(blob)
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    for offset in (local + 6, central + 8):
        (old,) = struct.unpack_from("<H", data, offset)
        struct.pack_into("<H", data, offset, old | flag)
    return bytes(data)


def test_zip_encrypted_member_is_named_and_reported() -> None:
    blob = _set_zip_flags(make_zip({"（绝密）名单.txt": b"x" * 100}), 0x1)
    result = run(blob, "enc.zip")
    assert "（绝密）名单.txt" in names(result)
    assert errors(result) == [("encrypted", "（绝密）名单.txt")]
    assert bodies(result) == {}


def test_zip_overlapping_entries_stop_before_inflating() -> None:
    blob = bytearray(make_zip({"a.txt": b"A" * 5000, "b.txt": b"B" * 5000}))
    second = blob.find(b"PK\x01\x02", blob.find(b"PK\x01\x02") + 4)
    struct.pack_into("<I", blob, second + 42, 0)  # b.txt now points at a.txt's local header
    result = run(bytes(blob), "bomb.zip")
    assert errors(result) == [("limit", None)]
    assert "overlapping zip entries" in result.errors[0].detail
    assert bodies(result) == {}


def test_zip_ratio_limit_only_above_floor() -> None:
    blob = make_zip({"zeros.bin": bytes(3 * MIB), "small.txt": b"0" * 500_000})
    result = run(blob, "r.zip")
    assert ("limit", "zeros.bin") in errors(result)
    assert "zeros.bin" in names(result)  # the name is still examined
    assert len(bodies(result)["small.txt"]) == 500_000
    relaxed = run(blob, "r.zip", max_ratio=1e9)
    assert ("limit", "zeros.bin") not in errors(relaxed)


def test_zip_member_too_large() -> None:
    blob = make_zip({"big.txt": b"a" * 5000, "ok.txt": b"fine"})
    result = run(blob, "t.zip", max_member_size=1000)
    assert errors(result) == [("too_large", "big.txt")]
    assert bodies(result)["ok.txt"] == "fine"


def test_zip_lying_declared_size_is_not_inflated() -> None:
    blob = bytearray(make_zip({"liar.txt": bytes(8 * MIB)}))
    central = blob.find(b"PK\x01\x02")
    local = blob.find(b"PK\x03\x04")
    struct.pack_into("<I", blob, central + 24, 100)  # uncompressed size claims 100 bytes
    struct.pack_into("<I", blob, local + 22, 100)
    started = time.monotonic()
    result = run(bytes(blob), "liar.zip", max_ratio=1e9)
    assert time.monotonic() - started < 2
    assert errors(result) == [("corrupt", "liar.txt")]


def test_read_bounded_stops_past_declared_size() -> None:
    ctx = ExtractContext()
    assert read_bounded(io.BytesIO(b"x" * 100).read, ctx, "m.bin", declared=10) is None
    assert [(e.reason.value, e.member) for e in ctx.errors] == [("limit", "m.bin")]
    assert "declared" in ctx.errors[0].detail


def test_zip_member_count_limit() -> None:
    blob = make_zip({f"f{i}.txt": f"file {i}".encode() for i in range(5)})
    result = run(blob, "many.zip", max_members=3)
    assert sorted(bodies(result)) == ["f0.txt", "f1.txt", "f2.txt"]
    assert errors(result) == [("limit", None)]


def test_nesting_depth_limit() -> None:
    blob = b"deep secret"
    for level in range(4):
        blob = make_zip({f"level{level}.zip" if level else "x.txt": blob})
    result = run(blob, "top.zip", max_depth=2)
    assert ("limit", "level3.zip/level2.zip/level1.zip") in errors(result)
    assert bodies(result) == {}


def test_container_byte_budget() -> None:
    blob = make_zip({f"p{i}.txt": b"y" * 100_000 for i in range(3)})
    result = run(blob, "budget.zip", max_container_bytes=250_000)
    assert ("limit", None) in errors(result)
    assert "bytes unpacked" in result.errors[-1].detail


def test_zip_symlink_not_followed() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        link = zipfile.ZipInfo("passwd-link")
        link.create_system = 3
        link.external_attr = (0o120777 << 16)
        zf.writestr(link, "/etc/passwd")
        zf.writestr("real.txt", "real text")
    result = run(buf.getvalue(), "link.zip")
    assert "passwd-link" in names(result)
    assert "passwd-link" not in bodies(result)
    assert bodies(result)["real.txt"] == "real text"


def test_corrupt_zip() -> None:
    result = run(b"PK\x03\x04" + b"\x00garbage" * 20, "bad.zip")
    assert errors(result) == [("corrupt", None)]


def test_zip_unsupported_compression_method() -> None:
    blob = bytearray(make_zip({"m.txt": b"text"}, zipfile.ZIP_STORED))
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        struct.pack_into("<H", blob, blob.find(sig) + off, 97)  # WavPack: not in zipfile
    assert errors(run(bytes(blob), "m.zip")) == [("unsupported", "m.txt")]


# ------------------------------------------------------------------------------- tar / gz


def make_tar(members: dict[str, bytes], mode: str = "w", encoding: str = "utf-8") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode, format=tarfile.GNU_FORMAT, encoding=encoding) as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("link-to-secret")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/shadow"
        tf.addfile(link)
        folder = tarfile.TarInfo("folder")
        folder.type = tarfile.DIRTYPE
        tf.addfile(folder)
    return buf.getvalue()


@pytest.mark.parametrize("mode", ["w", "w:gz", "w:bz2", "w:xz"])
def test_tar_plain_and_compressed(mode: str) -> None:
    blob = make_tar({"资料/（机密）计划.txt": MARKED.encode("utf-8")}, mode)
    result = run(blob, "a.tar")
    assert result.errors == ()
    assert bodies(result)["资料/（机密）计划.txt"].startswith("机密★10年")
    assert "link-to-secret" in names(result)  # listed, never followed
    assert "link-to-secret" not in bodies(result)


def test_tar_gbk_member_names() -> None:
    blob = make_tar({"（秘密）客户名单.txt": b"list"}, encoding="gbk")
    assert "（秘密）客户名单.txt" in names(run(blob, "gbk.tar"))


def test_tar_member_too_large() -> None:
    result = run(make_tar({"big.txt": b"b" * 2000}), "t.tar", max_member_size=1000)
    assert errors(result) == [("too_large", "big.txt")]


def test_tar_gz_bomb_stopped_by_stream_ratio() -> None:
    blob = make_tar({"zeros.txt": bytes(4 * MIB)}, "w:gz")
    result = run(blob, "bomb.tar.gz")
    assert ("limit", None) in errors(result)
    assert "max_ratio" in result.errors[0].detail


def test_truncated_tar_gz_is_corrupt() -> None:
    blob = make_tar({"a.txt": b"text " * 5000}, "w:gz")
    result = run(blob[: len(blob) // 2], "cut.tgz")
    assert [r for r, _ in errors(result)] == ["corrupt"]


def test_gz_single_file_named_from_header_or_container() -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="report.txt", mode="wb", fileobj=buf) as gz:
        gz.write(MARKED.encode("utf-8"))
    assert bodies(run(buf.getvalue(), "x.gz"))["report.txt"].startswith("机密★")
    outer = make_zip({"（机密）计划.txt.gz": gzip.compress(MARKED.encode("gbk"))})
    result = run(outer, "o.zip")
    assert bodies(result)["（机密）计划.txt.gz/（机密）计划.txt"].startswith("机密★")


@pytest.mark.parametrize("compress", [bz2.compress, lzma.compress])
def test_bz2_and_xz_single_file(compress: object) -> None:
    blob = compress(MARKED.encode("utf-8"))  # type: ignore[operator]
    result = run(make_zip({"notes.txt.bz2": blob}), "o.zip")
    assert bodies(result)["notes.txt.bz2/notes.txt"].startswith("机密★")


def test_gz_ratio_and_corrupt() -> None:
    assert errors(run(gzip.compress(bytes(3 * MIB)), "z.gz")) == [("limit", "z")]
    truncated = gzip.compress(b"some text " * 1000)[:40]
    assert [r for r, _ in errors(run(truncated, "t.gz"))] == ["corrupt"]


# ------------------------------------------------------------------------------------- 7z


def make_7z(members: dict[str, bytes], **kwargs: object) -> bytes:
    buf = io.BytesIO()
    with py7zr.SevenZipFile(buf, "w", **kwargs) as sz:  # type: ignore[arg-type]
        for name, data in members.items():
            sz.writestr(data, name)
    return buf.getvalue()


def test_7z_members_read() -> None:
    blob = make_7z({"（机密）计划.txt": MARKED.encode("utf-8"), "b/other.txt": b"other"})
    result = run(blob, "a.7z")
    assert result.errors == ()
    assert bodies(result)["（机密）计划.txt"].startswith("机密★")
    assert bodies(result)["b/other.txt"] == "other"


def test_7z_encrypted_members_named() -> None:
    blob = make_7z({"（机密）计划.txt": b"secret"}, password="pw")
    result = run(blob, "e.7z")
    assert "（机密）计划.txt" in names(result)
    assert errors(result) == [("encrypted", "（机密）计划.txt")]


def test_7z_encrypted_headers_whole_file() -> None:
    blob = make_7z({"x.txt": b"secret"}, password="pw", header_encryption=True)
    assert errors(run(blob, "h.7z")) == [("encrypted", None)]


def test_7z_limits() -> None:
    result = run(make_7z({"zeros.bin": bytes(3 * MIB)}), "z.7z")
    assert errors(result) == [("limit", "zeros.bin")]
    result = run(make_7z({"a.txt": b"a" * 3000}), "s.7z", max_member_size=1000)
    assert errors(result) == [("too_large", "a.txt")]


def test_7z_corrupt() -> None:
    blob = make_7z({"a.txt": b"text " * 200})
    assert [r for r, _ in errors(run(blob[:40], "c.7z"))] == ["corrupt"]


# ------------------------------------------------------------------------------------ rar


@pytest.fixture
def rar_tools(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``True``: the tools on PATH (install.sh --dev installs unar); ``False``: a PATH without any
    decompressor, as on a machine where none is installed."""
    import rarfile

    from secaudit.extract.archive.archive_rar import rar_tool_available

    if not request.param:
        monkeypatch.setenv("PATH", str(tmp_path))
    rar_tool_available.cache_clear()
    yield request.param
    rar_tool_available.cache_clear()
    monkeypatch.undo()
    rarfile.tool_setup(force=True)


@pytest.mark.parametrize("rar_tools", [True, False], indirect=True, ids=["tool", "no-tool"])
@pytest.mark.parametrize("sample", ["rar5_plain.rar", "rar4_plain.rar"])
def test_rar_members(samples: Path, rar_tools: bool, sample: str) -> None:
    from secaudit.extract.archive.archive_rar import rar_tool_available

    if rar_tools and not rar_tool_available():
        pytest.skip("no RAR decompressor installed (install.sh --dev installs unar)")
    result = run((samples / sample).read_bytes(), "p.rar")
    assert "TestData/Foo/Bar/Lorem.txt" in names(result)
    if rar_tools:
        assert "Lorem ipsum" in bodies(result)["TestData/Lorem.txt"]
        assert result.errors == ()
    else:
        assert not rar_tool_available()
        assert ("unsupported", "TestData/Lorem.txt") in errors(result)
        assert "unar" in result.errors[0].detail


def test_rar_encrypted_members(samples: Path) -> None:
    result = run((samples / "rar4_encrypted_plain_names.rar").read_bytes(), "e.rar")
    assert ("encrypted", "TestData/Foo/Ipsum.txt") in errors(result)
    assert "TestData/Foo/Ipsum.txt" in names(result)


def test_rar_corrupt() -> None:
    assert [r for r, _ in errors(run(b"Rar!\x1a\x07\x01\x00" + b"\xff" * 30, "c.rar"))] == [
        "corrupt"
    ]


@pytest.mark.parametrize("kind", ["7z", "zip"])
def test_volume_of_a_split_archive_is_named_as_such(kind: str) -> None:
    """资料.7z.001 / 资料.z01 hold half an archive: 'needs the other volumes', not 'damaged'."""
    members = {f"记录{i}.txt": ("一般工作记录。" * 400 + str(i)).encode() for i in range(6)}
    if kind == "7z":
        whole = make_7z(members)
        volume, plain = "资料.7z.001", "资料.7z"
    else:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in members.items():
                z.writestr(name, data)
        whole = buf.getvalue()
        volume, plain = "资料.z01", "资料.zip"
    half = whole[: len(whole) // 2]
    as_volume = run(half, volume)
    assert [e.reason.value for e in as_volume.errors] == ["unsupported"]
    assert "multi-volume" in as_volume.errors[0].detail
    assert [e.reason.value for e in run(half, plain).errors] == ["corrupt"]
