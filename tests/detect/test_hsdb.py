"""Compiled Hyperscan databases kept between starts (detect/hsdb.py): loaded only from a folder
and files of this user that no one else may write, verified, else compiled again."""

from __future__ import annotations

import os
from pathlib import Path

import hyperscan as hs
import pytest

from secaudit.detect import hsdb

EXPRS = [b"\xe5\x86\x85\xe9\x83\xa8|\xe6\x9c\xba\xe5\xaf\x86", b"[0-9]{11}"]  # 内部|机密, digits
IDS = [0, 1]
FLAGS = [hs.HS_FLAG_UTF8, hs.HS_FLAG_UTF8]


def _matches(db: object, text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    db.scan(  # type: ignore[attr-defined]
        text.encode(),
        match_event_handler=lambda i, _s, e, _f, _c: out.append((i, e)),
        scratch=hs.Scratch(db),
    )
    return out


TEXT = "各部门要加强内部控制。联系电话 13812345678，机密文件"


class Counting:
    """The hyperscan module, counting the databases it compiles (its C types cannot be patched)."""

    def __init__(self) -> None:
        self.compiles = 0

    def __getattr__(self, name: str) -> object:
        return getattr(hs, name)

    def Database(self) -> object:  # noqa: N802 - the module's name
        self.compiles += 1
        return hs.Database()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    f = tmp_path / "hs"
    monkeypatch.setenv("SECAUDIT_HS_CACHE", str(f))
    return f


def _one_file(folder: Path) -> Path:
    files = list(folder.glob("*.hsdb"))
    assert len(files) == 1, files
    return files[0]


def test_compiled_once_then_loaded(folder: Path) -> None:
    first = hsdb.compiled(hs, EXPRS, IDS, FLAGS)
    kept = _one_file(folder)
    assert kept.stat().st_mode & 0o077 == 0 and folder.stat().st_mode & 0o077 == 0
    counting = Counting()
    again = hsdb.compiled(counting, EXPRS, IDS, FLAGS)
    assert counting.compiles == 0
    assert _matches(again, TEXT) == _matches(first, TEXT) != []


def test_a_corrupt_copy_is_compiled_again_and_replaced(folder: Path) -> None:
    good = _matches(hsdb.compiled(hs, EXPRS, IDS, FLAGS), TEXT)
    kept = _one_file(folder)
    blob = bytearray(kept.read_bytes())
    blob[len(blob) // 2] ^= (
        0xFF  # one flipped bit in the database: the stored digest no longer fits
    )
    kept.write_bytes(bytes(blob))
    assert _matches(hsdb.compiled(hs, EXPRS, IDS, FLAGS), TEXT) == good
    assert _one_file(folder).read_bytes() != bytes(blob)  # rewritten


def test_a_copy_that_does_not_match_its_digest_is_not_loaded(folder: Path) -> None:
    """A loadable database of other patterns put in place of the copy (its digest left as it
    was) is refused by the digest, not loaded."""
    good = _matches(hsdb.compiled(hs, EXPRS, IDS, FLAGS), TEXT)
    kept = _one_file(folder)
    other = hs.Database()
    other.compile(expressions=[b"[0-9]"], ids=[7], flags=[0])
    kept.write_bytes(kept.read_bytes()[:32] + hs.dumpb(other))
    assert _matches(hsdb.compiled(hs, EXPRS, IDS, FLAGS), TEXT) == good


def test_other_patterns_get_their_own_copy(folder: Path) -> None:
    hsdb.compiled(hs, EXPRS, IDS, FLAGS)
    db = hsdb.compiled(hs, [EXPRS[0]], [0], [FLAGS[0]])
    assert len(list(folder.glob("*.hsdb"))) == 2
    assert {i for i, _e in _matches(db, TEXT)} == {0}


def test_a_folder_others_may_write_is_not_used(folder: Path) -> None:
    folder.mkdir()
    folder.chmod(0o777)
    hsdb.compiled(hs, EXPRS, IDS, FLAGS)
    assert list(folder.iterdir()) == []  # nothing written, nothing read


def test_a_linked_copy_is_not_followed(folder: Path, tmp_path: Path) -> None:
    hsdb.compiled(hs, EXPRS, IDS, FLAGS)
    kept = _one_file(folder)
    elsewhere = tmp_path / "elsewhere.hsdb"
    os.replace(kept, elsewhere)
    kept.symlink_to(elsewhere)  # a local user's link where the copy should be
    counting = Counting()
    hsdb.compiled(counting, EXPRS, IDS, FLAGS)
    assert counting.compiles == 1
    assert not kept.is_symlink()  # replaced by a real file of ours


def test_a_copy_owned_by_another_user_is_not_read(folder: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to give the file to another user")
    hsdb.compiled(hs, EXPRS, IDS, FLAGS)
    os.chown(_one_file(folder), 65534, 65534)
    counting = Counting()
    hsdb.compiled(counting, EXPRS, IDS, FLAGS)
    assert counting.compiles == 1


def test_no_folder_compiles_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECAUDIT_HS_CACHE", "")
    assert hsdb.cache_dir() is None
    assert _matches(hsdb.compiled(hs, EXPRS, IDS, FLAGS), TEXT) != []
