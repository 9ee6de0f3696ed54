"""Bounded tree watches (issue 12 #11): inotify up to the bound, polling past it, never through
links, no recursion, config ranges checked."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from secaudit.agent.treewatch import TreeWatch, WatchBudget
from secaudit.agent.watches import WatchLoop
from secaudit.config import load_config
from secaudit.errors import ConfigError


def _until(pred, timeout: float = 10.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False


class _Started:
    """A tree driven by a loop of its own for one test (``start``/``stop`` as a thread)."""

    def __init__(self, tree: TreeWatch) -> None:
        self.tree, self.loop = tree, WatchLoop()

    def start(self) -> None:
        self.loop.add(self.tree)

    def stop(self) -> None:
        self.loop.remove(self.tree)
        self.loop.close()


def test_past_the_bound_folders_are_polled_and_new_files_still_seen(tmp_path: Path) -> None:
    for i in range(20):
        (tmp_path / f"d{i:02d}" / "sub").mkdir(parents=True)
    seen: list[str] = []
    degraded: list[dict[str, object]] = []
    budget = WatchBudget(1000)
    tree = TreeWatch(str(tmp_path), seen.append, budget=budget, limit=5, rescan_interval=1.0,
                     on_degraded=lambda folder, d: degraded.append(d))
    run = _Started(tree)
    run.start()
    try:
        assert tree.ready.wait(5)
        assert tree.watch_count == 5 and tree.polled_count == 36 and budget.used == 5
        assert degraded and "max_watches_per_medium" in str(degraded[0]["reason"])
        (tmp_path / "d19" / "sub" / "机密.txt").write_text("x", encoding="utf-8")  # polled
        (tmp_path / "新.txt").write_text("x", encoding="utf-8")  # watched by inotify
        assert _until(lambda: str(tmp_path / "d19" / "sub" / "机密.txt") in seen)
        assert str(tmp_path / "新.txt") in seen
    finally:
        run.stop()
    assert budget.used == 0


def test_total_budget_is_shared_and_links_are_not_watched(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "link").symlink_to(outside)
    budget = WatchBudget(1)
    tree = TreeWatch(str(root), lambda p: None, budget=budget, limit=100)
    run = _Started(tree)
    run.start()
    try:
        assert tree.ready.wait(5)
        assert tree.watch_count == 1 and tree.polled_count == 1  # root watched, "a" polled
        assert tree.degraded and "agent.max_watches" in str(tree.degraded["reason"])
    finally:
        run.stop()


def test_deep_tree_is_watched_without_recursion(tmp_path: Path) -> None:
    fd = os.open(tmp_path, os.O_RDONLY)
    for _ in range(1300):
        os.mkdir("d", dir_fd=fd)
        nxt = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = nxt
    os.close(fd)
    tree = TreeWatch(str(tmp_path), lambda p: None, budget=WatchBudget(5000), limit=5000)
    run = _Started(tree)
    run.start()
    try:
        assert tree.ready.wait(10)
        assert tree.watch_count == 1301
    finally:
        run.stop()
        os.system(f"rm -rf --one-file-system {tmp_path}/d")  # noqa: S605 - pytest's rmtree recurses


@pytest.mark.parametrize(("key", "value"), [("max_watches_per_medium", 0),
                                            ("max_watches", -1),
                                            ("watch_rescan_interval", 0.0),
                                            ("watch_rescan_interval", float("nan"))])
def test_watch_bounds_are_range_checked(home: Path, key: str, value: float) -> None:
    text = "nan" if value != value else repr(value)
    (home / "config.toml").write_text(f"[agent]\n{key} = {text}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=key):
        load_config(home)
