"""Reading what branches send: folders, zips (in memory, capped, no traversal), hostile files."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from secaudit.hq import inputs
from secaudit.hq.inputs import Item, Skipped, read_inputs


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_folder_zip_and_nested_zip(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.html").write_bytes(b"A")
    (tmp_path / "in" / "a.html.minisig").write_bytes(b"sig")  # passed over quietly
    (tmp_path / "in" / "备注.docx").write_bytes(b"x")
    inner = _zip(tmp_path / "inner.zip", {"c.html": b"C"})
    _zip(
        tmp_path / "in" / "东街.zip",
        {"2026-11/b.html": b"B", "b.html.minisig": b"s", "inner.zip": inner.read_bytes()},
    )
    got = list(read_inputs([tmp_path / "in"]))
    items = {i.source.split("/in/")[-1]: i.data for i in got if isinstance(i, Item)}
    assert items == {"a.html": b"A", "东街.zip!2026-11/b.html": b"B",
                     "东街.zip!inner.zip!c.html": b"C"}  # fmt: skip
    skipped = [s for s in got if isinstance(s, Skipped)]
    assert [s.source.rsplit("/", 1)[-1] for s in skipped] == ["备注.docx"]


def test_zip_traversal_and_absolute_names_are_refused(tmp_path: Path) -> None:
    names = {"../../etc/x.html": b"X", "/abs.html": b"Y", "C:/w.html": b"Z", "ok.html": b"O"}
    z = _zip(tmp_path / "evil.zip", names)
    got = list(read_inputs([z]))
    assert [i.data for i in got if isinstance(i, Item)] == [b"O"]
    reasons = [s.reason for s in got if isinstance(s, Skipped)]
    assert len(reasons) == 3 and all("unsafe member name" in r for r in reasons)
    assert not (tmp_path.parent / "etc").exists()


def test_zip_caps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    z = _zip(tmp_path / "many.zip", {f"{i}.html": b"x" * 100 for i in range(5)})
    monkeypatch.setattr(inputs, "MAX_ZIP_MEMBERS", 3)
    (only,) = list(read_inputs([z]))
    assert isinstance(only, Skipped) and "5 members" in only.reason
    monkeypatch.setattr(inputs, "MAX_ZIP_MEMBERS", 100)
    monkeypatch.setattr(inputs, "MAX_REPORT_BYTES", 50)
    got = list(read_inputs([z]))
    assert all(isinstance(s, Skipped) and "larger than" in s.reason for s in got)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.html", b"\0" * 10_000)
    monkeypatch.setattr(inputs, "MAX_ZIP_TOTAL", 1000)
    monkeypatch.setattr(inputs, "MAX_REPORT_BYTES", 1 << 20)
    (s,) = list(read_inputs([bomb]))
    assert isinstance(s, Skipped) and "expands past" in s.reason


def test_nesting_depth_is_capped(tmp_path: Path) -> None:
    data = _zip(tmp_path / "z0.zip", {"r.html": b"R"}).read_bytes()
    for i in range(1, 5):
        data = _zip(tmp_path / f"z{i}.zip", {f"z{i - 1}.zip": data}).read_bytes()
    got = list(read_inputs([tmp_path / "z4.zip"]))
    assert len(got) == 1 and isinstance(got[0], Skipped) and "nested deeper" in got[0].reason


def test_hostile_files(tmp_path: Path) -> None:
    target = tmp_path / "secret.html"
    target.write_bytes(b"S")
    (tmp_path / "link.html").symlink_to(target)
    os.mkfifo(tmp_path / "fifo.html")
    (tmp_path / "corrupt.zip").write_bytes(b"PK\x03\x04 not really")
    got = {Path(i.source).name: i for i in read_inputs(
        [tmp_path / "link.html", tmp_path / "fifo.html", tmp_path / "corrupt.zip",
         tmp_path / "nope.html"])}  # fmt: skip
    assert got["link.html"].reason == "symbolic link not followed"
    assert got["fifo.html"].reason == "not a regular file"
    assert got["corrupt.zip"].reason.startswith("corrupt zip")
    assert got["nope.html"].reason.startswith("cannot read")


def test_encrypted_member_is_named(tmp_path: Path) -> None:
    z = _zip(tmp_path / "enc.zip", {"r.html": b"R"})
    data = bytearray(z.read_bytes())
    # set the "encrypted" flag bit in the local header and the central directory entry
    data[6] |= 1
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 1
    z.write_bytes(bytes(data))
    (s,) = list(read_inputs([z]))
    assert isinstance(s, Skipped) and s.reason == "encrypted member"
