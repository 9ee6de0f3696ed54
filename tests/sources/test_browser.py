"""Browser history read from profiles written by the real chromium and firefox-esr."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from secaudit.sources.browser import browser_history, host_of
from secaudit.sources.hostroot import HostRoot
from tests.sources import artifacts
from tests.sources.conftest import install_profiles


def _root(tmp_path: Path, profiles: dict[str, Path]) -> Path:
    root = tmp_path / "root"
    artifacts.passwd(root, {"u": 1000})
    install_profiles(root, profiles)
    return root


@pytest.mark.skipif(not artifacts.CHROMIUM, reason="Debian's chromium is not installed")
def test_chromium_history_by_host(tmp_path: Path, browser_profiles: dict[str, Path]) -> None:
    root = _root(tmp_path, {"chromium": browser_profiles["chromium"]})
    before = datetime.now(UTC)
    visits = {(v.host, v.browser): v for v in browser_history(HostRoot(root))}
    assert set(visits) == {("127.0.0.1", "Chromium"), ("localhost", "Chromium")}
    v = visits["127.0.0.1", "Chromium"]
    assert v.count == 1 and v.first == v.last
    assert before - timedelta(hours=1) < v.first <= before
    assert v.profiles == ("/home/u/.config/chromium/Default/History",)
    text = str(v.to_json())
    assert "index.html" not in text and "q=" not in text and "机密" not in text


@pytest.mark.skipif(not artifacts.FIREFOX, reason="firefox-esr is not installed")
def test_firefox_places_by_host(tmp_path: Path, browser_profiles: dict[str, Path]) -> None:
    root = _root(tmp_path, {"firefox": browser_profiles["firefox"]})
    visits = {(v.host, v.browser): v for v in browser_history(HostRoot(root))}
    # the default bookmarks (support.mozilla.org…) were never visited: not history
    assert set(visits) == {("127.0.0.1", "Firefox"), ("localhost", "Firefox")}
    assert visits["localhost", "Firefox"].count == 1


@pytest.mark.skipif(not artifacts.CHROMIUM, reason="Debian's chromium is not installed")
def test_history_held_open_in_wal_mode_is_read_from_a_copy(
    tmp_path: Path, browser_profiles: dict[str, Path]
) -> None:
    """A browser holding its History open (WAL, exclusive lock) does not hide the visits."""
    root = tmp_path / "root"
    artifacts.passwd(root, {"u": 1000})
    profile = root / "home/u/.config/google-chrome/Default"
    profile.mkdir(parents=True)
    history = profile / "History"
    src = sqlite3.connect(browser_profiles["chromium"] / "Default" / "History")
    dst = sqlite3.connect(history)
    src.backup(dst)
    src.close()
    dst.execute("PRAGMA journal_mode=WAL")
    dst.execute("PRAGMA wal_autocheckpoint=0")
    stamp = int((datetime(2026, 11, 30, 9, 0, tzinfo=UTC) - datetime(1601, 1, 1, tzinfo=UTC))
                .total_seconds() * 1e6)
    dst.execute("INSERT INTO urls(url, title, visit_count, last_visit_time) "
                "VALUES ('https://www.example.com/a?b=c', 't', 1, ?)", (stamp,))
    dst.execute("INSERT INTO visits(url, visit_time) VALUES (last_insert_rowid(), ?)", (stamp,))
    dst.commit()
    dst.execute("PRAGMA locking_mode=EXCLUSIVE")
    dst.execute("SELECT count(*) FROM urls").fetchone()  # takes the lock and keeps it
    try:
        assert Path(f"{history}-wal").stat().st_size > 0
        hosts = {v.host: v for v in browser_history(HostRoot(root))}
        assert hosts["www.example.com"].browser == "Google Chrome"
        assert hosts["www.example.com"].first == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    finally:
        dst.close()


def test_symlinked_profile_is_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    artifacts.passwd(root, {"u": 1000})
    outside = tmp_path / "outside" / "Default"
    outside.mkdir(parents=True)
    (outside / "History").write_bytes(b"x")
    (root / "home/u/.config").mkdir(parents=True)
    (root / "home/u/.config/chromium").symlink_to(outside.parent)
    assert browser_history(HostRoot(root)) == []


def test_corrupt_history_gives_a_problem(tmp_path: Path) -> None:
    root = tmp_path / "root"
    artifacts.passwd(root, {"u": 1000})
    artifacts.write(root, "/home/u/.config/chromium/Default/History", "not a database" * 100)
    host = HostRoot(root)
    assert browser_history(host) == []
    assert [p.reason for p in host.problems] == ["corrupt"]


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://WWW.Baidu.com./s?wd=x", "www.baidu.com"),
        ("http://[::1]:8080/", "::1"),
        ("chrome://settings/", None),
        ("file:///home/u/a.html", None),
        ("http://", None),
        ("http://[bad/", None),
    ],
)
def test_host_of(url: str, host: str | None) -> None:
    assert host_of(url) == host
