"""The walk: symlinks kept inside the root, loops and unreadable paths reported, none silent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from secaudit.model import ErrorReason
from secaudit.scan.walk import WalkEntry, WalkProblem, walk


def _split(items: list[WalkEntry | WalkProblem]) -> tuple[set[str], dict[str, ErrorReason]]:
    files = {i.path for i in items if isinstance(i, WalkEntry)}
    problems = {i.path: i.reason for i in items if isinstance(i, WalkProblem)}
    return files, problems


def test_regular_files_found_once_even_through_links(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "报告.txt").write_text("x", encoding="utf-8")
    (tmp_path / "b.txt").write_text("y", encoding="utf-8")
    os.link(tmp_path / "b.txt", tmp_path / "hard.txt")
    (tmp_path / "link_to_a").symlink_to(tmp_path / "a")
    files, problems = _split(list(walk([str(tmp_path)])))
    assert str(tmp_path / "a" / "报告.txt") in files
    assert len(files) == 2  # the hard link and the linked folder add nothing new
    assert problems == {}


def test_a_file_met_through_a_link_first_by_name_is_reported_at_its_real_path(
    tmp_path: Path,
) -> None:
    """``0_link`` sorts before ``sub``: the real folder is still the path reported."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "方案.txt").write_text("x", encoding="utf-8")
    (tmp_path / "0_link").symlink_to(tmp_path / "sub")
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "only_link").symlink_to(tmp_path / "sub")
    files, problems = _split(list(walk([str(tmp_path)])))
    assert files == {str(tmp_path / "sub" / "方案.txt")}
    assert problems == {}


def test_a_file_only_reachable_through_a_linked_folder_gets_its_real_path(
    tmp_path: Path,
) -> None:
    (tmp_path / "store" / "inner").mkdir(parents=True)
    (tmp_path / "store" / "inner" / "a.txt").write_text("x", encoding="utf-8")
    root = tmp_path / "store"
    (root / "a_link").symlink_to(root / "inner")
    files, _ = _split(list(walk([str(root)])))
    assert files == {str(root / "inner" / "a.txt")}


def test_symlink_out_of_root_reported_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("机密", encoding="utf-8")
    root = tmp_path / "root"
    root.mkdir()
    (root / "escape").symlink_to(outside)
    (root / "escape_file").symlink_to(outside / "secret.txt")
    files, problems = _split(list(walk([str(root)])))
    assert files == set()
    assert problems == {
        str(root / "escape"): ErrorReason.LIMIT,
        str(root / "escape_file"): ErrorReason.LIMIT,
    }


def test_symlink_loop_and_broken_link_reported(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)
    (tmp_path / "self").symlink_to(tmp_path / "self")
    (tmp_path / "dangling").symlink_to(tmp_path / "missing")
    files, problems = _split(list(walk([str(tmp_path)])))
    assert problems[str(tmp_path / "sub" / "loop")] == ErrorReason.LIMIT
    assert problems[str(tmp_path / "self")] == ErrorReason.LIMIT
    assert problems[str(tmp_path / "dangling")] == ErrorReason.LIMIT


def test_missing_path_is_vanished(tmp_path: Path) -> None:
    _, problems = _split(list(walk([str(tmp_path / "nope")])))
    assert problems == {str(tmp_path / "nope"): ErrorReason.VANISHED}


def test_unreadable_folder_reported_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root reads everything, so make scandir refuse one folder as the kernel would for a user."""
    locked = tmp_path / "locked"
    locked.mkdir()
    real_scandir = os.scandir
    locked_st = os.stat(locked)

    def scandir(where: int | str):  # type: ignore[no-untyped-def]
        st = os.fstat(where) if isinstance(where, int) else os.stat(where)
        if os.path.samestat(st, locked_st):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(where)

    monkeypatch.setattr(os, "scandir", scandir)
    _, problems = _split(list(walk([str(tmp_path)])))
    assert problems == {str(locked): ErrorReason.PERMISSION}


def test_exclude_globs_skip_matching_paths(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / "node_modules" / "m").mkdir(parents=True)
    (tmp_path / "node_modules" / "m" / "a.js").write_text("x")
    (tmp_path / "keep.txt").write_text("x")
    files, _ = _split(list(walk([str(tmp_path)], ("*/.git/*", "*/node_modules/*"))))
    assert files == {str(tmp_path / "keep.txt")}


def test_linked_file_inside_the_root_is_reported_at_its_real_path(tmp_path: Path) -> None:
    (tmp_path / "z_real.txt").write_text("机密★1年", encoding="utf-8")
    (tmp_path / "a_link.txt").symlink_to(tmp_path / "z_real.txt")  # met first in the walk
    files, problems = _split(list(walk([str(tmp_path)])))
    assert files == {str(tmp_path / "z_real.txt")} and problems == {}


def test_ticks_mark_progress_through_folders_without_files(tmp_path: Path) -> None:
    """The scanner hands the files found so far to the workers at each tick (a stick of 200,000
    empty folders must not hold back the 机密 file beside them until the walk ends)."""
    from secaudit.scan.walk import WalkTick

    for i in range(600):
        (tmp_path / f"d{i:03d}").mkdir()
    items = list(walk([str(tmp_path)], ticks=True))
    assert sum(isinstance(i, WalkTick) for i in items) == 601 // 256
    assert not any(isinstance(i, WalkTick) for i in walk([str(tmp_path)]))
