"""Browser history traces: which hosts each browser profile visited, when and how often.

Profiles are found under every user's home (:meth:`HostRoot.homes`):

- Chromium family — a ``History`` SQLite file in a profile folder (``Default``, ``Profile N``) of
  a browser folder under ``~/.config``: chromium, google-chrome, microsoft-edge, 360 安全浏览器
  (``browser360``…), QQ浏览器, deepin/UOS browser, and any other folder holding such a profile;
- Firefox — ``places.sqlite`` in each profile under ``~/.mozilla/firefox`` (also firefox-esr and
  the snap's folder).

Each database is read from a private copy (the browser holds a lock; its ``-wal`` and
``-journal`` files are copied too). Only the host name of each URL is kept — URL paths and
queries are not evidence and are never stored. Visits are aggregated per (host, browser) with
first and last time and count. To add a browser, add its folder to ``CHROMIUM_DIRS`` (label) or
write a reader returning :class:`Visit` rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from secaudit.sources.hostroot import HostRoot, Problem

CHROMIUM_DIRS = {
    "chromium": "Chromium",
    "google-chrome": "Google Chrome",
    "google-chrome-beta": "Google Chrome",
    "microsoft-edge": "Microsoft Edge",
    "microsoft-edge-beta": "Microsoft Edge",
    "browser360": "360安全浏览器",
    "browser360-cn": "360安全浏览器",
    "360browser": "360安全浏览器",
    "qaxbrowser": "奇安信浏览器",
    "tencent-qqbrowser": "QQ浏览器",
    "qqbrowser": "QQ浏览器",
    "deepin/deepin-browser": "deepin浏览器",
    "browser": "UOS浏览器",
    "uos-browser": "UOS浏览器",
}
"""Browser folders under ``~/.config`` → label; other folders holding a profile are found too."""
FIREFOX_DIRS = (".mozilla/firefox", ".mozilla/firefox-esr", "snap/firefox/common/.mozilla/firefox")
_WEB_SCHEMES = {"http", "https", "ftp"}
_CHROME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
_MAX_ROWS = 2_000_000


@dataclass(frozen=True)
class Visit:
    """Visits to one URL's host from one profile: host name only (never a path or query), first
    and last time (UTC), count, browser and profile."""

    host: str
    first: datetime
    last: datetime
    count: int
    browser: str
    profile: str


@dataclass(frozen=True)
class HostVisits:
    """Visits to one host by one browser, aggregated."""

    host: str
    browser: str
    first: datetime
    last: datetime
    count: int
    profiles: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "browser": self.browser,
            "first": _iso(self.first),
            "last": _iso(self.last),
            "count": self.count,
            "profiles": list(self.profiles),
        }


def _iso(when: datetime) -> str:
    return when.astimezone().isoformat(timespec="seconds")


def host_of(url: str) -> str | None:
    """The host name of a web URL, lower-case; None for other schemes (file:, chrome:…)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in _WEB_SCHEMES or not host:
        return None
    return host.rstrip(".").lower()


def chromium_profiles(host: HostRoot) -> Iterator[tuple[str, str]]:
    """``(label, History path)`` of every Chromium-family profile on the host."""
    for home in host.homes():
        config = f"{home.path}/.config"
        folders = {f"{config}/{d}": label for d, label in CHROMIUM_DIRS.items()}
        for sub in host.subdirs(config):
            folders.setdefault(sub, sub.rsplit("/", 1)[-1])
        for folder, label in sorted(folders.items()):
            for profile in host.subdirs(folder):
                history = f"{profile}/History"
                if host.is_file(history):
                    yield label, history


def firefox_profiles(host: HostRoot) -> Iterator[tuple[str, str]]:
    for home in host.homes():
        for base in FIREFOX_DIRS:
            for profile in host.subdirs(f"{home.path}/{base}"):
                places = f"{profile}/places.sqlite"
                if host.is_file(places):
                    yield "Firefox", places


def _query(host: HostRoot, path: str, sql: str) -> list[tuple[Any, ...]]:
    with host.sqlite_copy(path) as copy:
        if copy is None:
            return []
        try:
            db = sqlite3.connect(copy)
            try:
                return db.execute(sql).fetchmany(_MAX_ROWS)
            finally:
                db.close()
        except sqlite3.Error as exc:
            host.problems.append(Problem(path, "corrupt", f"{type(exc).__name__}: {exc}"))
            return []


# Grouped in SQLite per ``scheme://authority`` (the URL up to the first "/" after "://"): a busy
# profile has 10^5 visits of 10^4 URLs but 10^3 hosts, and only those are parsed in Python.
_CHROMIUM_SQL = (
    "SELECT substr(url, 1, instr(url, '://') + 1 + instr(substr(url, instr(url, '://') + 3)"
    " || '/', '/')) AS origin, min(t), max(t), count(*) FROM "
    "(SELECT u.url AS url, v.visit_time AS t FROM visits v JOIN urls u ON u.id = v.url) "
    "WHERE t > 0 AND instr(url, '://') > 0 GROUP BY origin"
)
_FIREFOX_SQL = (
    "SELECT substr(url, 1, instr(url, '://') + 1 + instr(substr(url, instr(url, '://') + 3)"
    " || '/', '/')) AS origin, min(t), max(t), count(*) FROM "
    "(SELECT p.url AS url, v.visit_date AS t FROM moz_historyvisits v "
    "JOIN moz_places p ON p.id = v.place_id) "
    "WHERE t > 0 AND instr(url, '://') > 0 GROUP BY origin"
)


def _time(stamp: object, chrome: bool) -> datetime | None:
    if not isinstance(stamp, int) or stamp <= 0:
        return None
    try:
        if chrome:
            return _CHROME_EPOCH + timedelta(microseconds=stamp)
        return datetime.fromtimestamp(stamp / 1e6, UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _visits(
    rows: Iterable[tuple[Any, ...]], browser: str, profile: str, chrome: bool
) -> Iterator[Visit]:
    for url, first_stamp, last_stamp, count in rows:
        host_name = host_of(str(url or ""))
        first, last = _time(first_stamp, chrome), _time(last_stamp, chrome)
        if host_name is None or first is None or last is None:
            continue
        yield Visit(host_name, first, last, int(count), browser, profile)


def read_visits(host: HostRoot) -> list[Visit]:
    """Every web visit recorded by the browsers on the host."""
    out: list[Visit] = []
    for label, path in chromium_profiles(host):
        out.extend(_visits(_query(host, path, _CHROMIUM_SQL), label, path, chrome=True))
    for label, path in firefox_profiles(host):
        out.extend(_visits(_query(host, path, _FIREFOX_SQL), label, path, chrome=False))
    return out


def aggregate(visits: Iterable[Visit]) -> list[HostVisits]:
    """Visits grouped per (host, browser): first, last, count and the profiles involved."""
    groups: dict[tuple[str, str], list[Visit]] = {}
    for v in visits:
        groups.setdefault((v.host, v.browser), []).append(v)
    out = []
    for (host_name, browser), items in sorted(groups.items()):
        first = min(v.first for v in items)
        last = max(v.last for v in items)
        profiles = tuple(sorted({v.profile for v in items}))
        out.append(HostVisits(host_name, browser, first, last, sum(v.count for v in items),
                              profiles))
    return out


def browser_history(host: HostRoot) -> list[HostVisits]:
    """The host's browser history, aggregated per host and browser."""
    return aggregate(read_visits(host))
