"""Builds the fixture host trees of the shipped policy's ``check_cases``
(``policies/tests/fixtures/``): ``python -m tests.checks.policy_fixtures`` rewrites them.

The Chromium ``History`` there holds only the ``urls`` and ``visits`` tables, created with the
statements of the History file that Debian's chromium 156 writes (tests/sources exercise the full
file written by the browser itself); the other files follow the formats of the real programs.
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from tests.sources.artifacts import passwd, write

FIXTURES = Path(__file__).resolve().parents[2] / "policies" / "tests" / "fixtures"
CHROMIUM_URLS = (
    "CREATE TABLE urls(id INTEGER PRIMARY KEY AUTOINCREMENT,url LONGVARCHAR,title LONGVARCHAR,"
    "visit_count INTEGER DEFAULT 0 NOT NULL,typed_count INTEGER DEFAULT 0 NOT NULL,"
    "last_visit_time INTEGER NOT NULL,hidden INTEGER DEFAULT 0 NOT NULL)"
)
CHROMIUM_VISITS = (
    "CREATE TABLE visits(id INTEGER PRIMARY KEY AUTOINCREMENT,url INTEGER NOT NULL,"
    "visit_time INTEGER NOT NULL,from_visit INTEGER,external_referrer_url TEXT,"
    "transition INTEGER DEFAULT 0 NOT NULL,segment_id INTEGER,"
    "visit_duration INTEGER DEFAULT 0 NOT NULL,"
    "incremented_omnibox_typed_score BOOLEAN DEFAULT FALSE NOT NULL,opener_visit INTEGER,"
    "originator_cache_guid TEXT,originator_visit_id INTEGER,originator_from_visit INTEGER,"
    "originator_opener_visit INTEGER,is_known_to_sync BOOLEAN DEFAULT FALSE NOT NULL,"
    "consider_for_ntp_most_visited BOOLEAN DEFAULT FALSE NOT NULL,"
    "visited_link_id INTEGER DEFAULT 0 NOT NULL,app_id TEXT)"
)
_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
MARKED_DOC = "/media/u/KINGSTON/（机密）2024年信贷计划.docx"


def chromium_history(path: Path, visits: list[tuple[str, str]]) -> None:
    """A History file with ``visits`` ((url, ISO UTC time)) in Chromium's schema."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute(CHROMIUM_URLS)
    db.execute(CHROMIUM_VISITS)
    for url, when in visits:
        stamp = int((datetime.fromisoformat(when) - _EPOCH).total_seconds() * 1_000_000)
        cur = db.execute("INSERT INTO urls(url, title, visit_count, last_visit_time) "
                         "VALUES (?, '', 1, ?)", (url, stamp))
        db.execute("INSERT INTO visits(url, visit_time, transition) VALUES (?, ?, 805306368)",
                   (cur.lastrowid, stamp))
    db.commit()
    db.execute("VACUUM")
    db.close()


def _xbel(paths: list[str]) -> str:
    from urllib.parse import quote

    marks = "".join(
        f'  <bookmark href="file://{quote(p)}" added="2026-11-20T01:02:03Z" '
        'modified="2026-11-20T01:02:03Z" visited="2026-11-20T01:02:03Z">\n'
        '    <info>\n      <metadata owner="http://freedesktop.org">\n'
        '        <mime:mime-type type="application/msword"/>\n'
        '        <bookmark:applications>\n'
        '          <bookmark:application name="wps" exec="&apos;wps %u&apos;" '
        'modified="2026-11-20T01:02:03Z" count="1"/>\n'
        '        </bookmark:applications>\n      </metadata>\n    </info>\n  </bookmark>\n'
        for p in paths
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<xbel version="1.0"\n'
            '      xmlns:bookmark="http://www.freedesktop.org/standards/desktop-bookmarks"\n'
            '      xmlns:mime="http://www.freedesktop.org/standards/shared-mime-info"\n>\n'
            f"{marks}</xbel>")


def _dpkg(names: list[tuple[str, str]]) -> str:
    return "".join(
        f"Package: {n}\nStatus: install ok installed\nPriority: optional\nSection: net\n"
        f"Maintainer: Test <test@example.invalid>\nArchitecture: amd64\nVersion: {v}\n"
        f"Description: {n}\n\n"
        for n, v in names
    )


def intranet_pc(root: Path) -> None:
    """An intranet PC that went online, has TeamViewer, a Wi-Fi profile and no screen lock."""
    passwd(root, {"u": 1000})
    # rows of a History file only: nothing here connects to these hosts (nor does the check)
    chromium_history(root / "home/u/.config/chromium/Default/History", [
        ("https://www.baidu.com/s?wd=x", "2026-11-20T01:00:00+00:00"),
        ("https://www.baidu.com/", "2026-11-25T08:30:00+00:00"),
        ("http://oa.rcb.example/index", "2026-11-26T02:00:00+00:00"),
        ("http://10.8.1.20/core", "2026-11-26T03:00:00+00:00"),  # data only, never dialled
    ])
    write(root, "/home/u/.local/share/recently-used.xbel",
          _xbel([MARKED_DOC, "/home/u/文档/通知.docx"]))
    write(root, "/home/u/文档/通知.docx", "x")
    write(root, "/etc/NetworkManager/system-connections/营业厅WiFi.nmconnection",
          "[connection]\nid=营业厅WiFi\nuuid=5f0c2a1e-6b7d-4e8f-9a0b-1c2d3e4f5a6b\ntype=wifi\n"
          "timestamp=1764036000\n\n[wifi]\nmode=infrastructure\nssid=营业厅WiFi\n\n"
          "[ipv4]\nmethod=auto\n\n[ipv6]\naddr-gen-mode=default\nmethod=auto\n\n[proxy]\n")
    write(root, "/var/lib/dpkg/status",
          _dpkg([("bash", "5.2.15-2+b7"), ("teamviewer", "15.48.4")]))
    write(root, "/etc/dconf/db/local.d/00-screensaver",
          "[org/gnome/desktop/screensaver]\nlock-enabled=false\n\n"
          "[org/gnome/desktop/session]\nidle-delay=uint32 0\n")
    write(root, "/etc/login.defs", "PASS_MAX_DAYS\t99999\nPASS_MIN_DAYS\t0\n")
    write(root, "/etc/pam.d/common-password",
          "password\t[success=1 default=ignore]\tpam_unix.so obscure yescrypt\n")
    write(root, "/etc/gdm3/daemon.conf",
          "[daemon]\nAutomaticLoginEnable=true\nAutomaticLogin=u\n")
    tail = " 00000000:00000000 00:00000000 00000000 0 0 1 1 0000000000000000 100 0 0 10 0\n"
    write(root, "/proc/net/tcp",
          "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"
          "   0: 00000000:1732 00000000:0000 0A" + tail
          + "   1: 0100007F:0277 00000000:0000 0A" + tail)
    # sysfs class entries as plain folders (the kernel's symlinks do not survive packaging)
    write(root, "/sys/class/net/enp1s0/operstate", "up\n")
    write(root, "/sys/class/net/wlp2s0/operstate", "up\n")
    write(root, "/sys/class/net/wlp2s0/phy80211/name", "phy0\n")


def compliant_pc(root: Path) -> None:
    """A classified PC set up as the bank's baseline asks."""
    passwd(root, {"u": 1000})
    chromium_history(root / "home/u/.config/chromium/Default/History", [
        ("http://oa.rcb.example/index", "2026-11-26T02:00:00+00:00"),
    ])
    write(root, "/home/u/.local/share/recently-used.xbel", _xbel(["/home/u/文档/通知.docx"]))
    write(root, "/home/u/文档/通知.docx", "x")
    write(root, "/var/lib/dpkg/status", _dpkg([("bash", "5.2.15-2+b7")]))
    write(root, "/etc/dconf/db/local.d/00-screensaver",
          "[org/gnome/desktop/screensaver]\nlock-enabled=true\n\n"
          "[org/gnome/desktop/session]\nidle-delay=uint32 300\n")
    write(root, "/etc/login.defs", "PASS_MAX_DAYS\t90\n")
    write(root, "/etc/pam.d/common-password", "password\trequisite\tpam_pwquality.so retry=3\n")
    write(root, "/etc/security/pwquality.conf", "minlen = 10\nminclass = 3\n")
    write(root, "/etc/modprobe.d/usb-storage.conf",
          "install usb-storage /bin/false\nblacklist usb-storage\n")
    write(root, "/proc/net/tcp",
          "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n")
    write(root, "/sys/class/net/lo/operstate", "unknown\n")
    write(root, "/sys/class/net/enp1s0/operstate", "up\n")


def build(dest: Path = FIXTURES) -> None:
    intranet_pc(dest / "intranet-pc")
    compliant_pc(dest / "compliant-pc")


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURES)
