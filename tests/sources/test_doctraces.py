"""Recent-document lists: GLib's recently-used.xbel, LibreOffice's pick list, WPS Office."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from secaudit.sources.doctraces import file_path, recent_documents
from secaudit.sources.hostroot import HostRoot
from tests.sources import artifacts

MEDIA_DOC = "/media/u/KINGSTON/（机密）2024年信贷计划.docx"


@pytest.mark.skipif(not artifacts.glib_available(), reason="libglib-2.0 is not installed")
def test_xbel_written_by_glib(tmp_path: Path) -> None:
    root = tmp_path / "root"
    artifacts.passwd(root, {"u": 1000})
    here = artifacts.write(root, "/home/u/文档/通知.docx", "x")
    assert here.exists()
    uris = ["file://" + quote(MEDIA_DOC), "file://" + quote("/home/u/文档/通知.docx"),
            "file://" + quote("/home/u/下载/已删除.xlsx"), "https://example.com/x"]
    artifacts.write_xbel(root / "home/u/.local/share/recently-used.xbel", uris)
    docs = {d.path: d for d in recent_documents(HostRoot(root))}
    assert set(docs) == {MEDIA_DOC, "/home/u/文档/通知.docx", "/home/u/下载/已删除.xlsx"}
    assert docs[MEDIA_DOC].removable and not docs[MEDIA_DOC].exists
    assert docs["/home/u/文档/通知.docx"].exists and not docs["/home/u/文档/通知.docx"].removable
    assert not docs["/home/u/下载/已删除.xlsx"].exists
    assert docs[MEDIA_DOC].app == "recently-used.xbel (wps)"
    assert docs[MEDIA_DOC].user == "u" and docs[MEDIA_DOC].when.startswith("20")


def test_libreoffice_and_wps_lists(tmp_path: Path) -> None:
    root = tmp_path / "root"
    artifacts.passwd(root, {"u": 1000})
    item = ("<item oor:path=\"/org.openoffice.Office.Histories/Histories/"
            "org.openoffice.Office.Histories:HistoryInfo['PickList']/ItemList/"
            "org.openoffice.Office.Histories:HistoryItem['file:///media/u/DISK/%E8%AE%A1%E5%88%92"
            ".odt']\"><prop oor:name=\"Title\" oor:op=\"fuse\"><value>计划</value></prop></item>")
    artifacts.write(root, "/home/u/.config/libreoffice/4/user/registrymodifications.xcu",
                    f'<?xml version="1.0" encoding="UTF-8"?>\n<oor:items>{item}</oor:items>\n')
    artifacts.write(root, "/home/u/.config/Kingsoft/Office.conf",
                    "[6.0]\ncommon\\RecentFiles\\1\\path=/mnt/usb/名单.et\nother=/x\n")
    docs = {d.path: d for d in recent_documents(HostRoot(root))}
    assert docs["/media/u/DISK/计划.odt"].app == "LibreOffice"
    assert docs["/mnt/usb/名单.et"].app == "WPS Office" and docs["/mnt/usb/名单.et"].removable
    assert "/x" not in docs


def test_hostile_xbel(tmp_path: Path) -> None:
    root = tmp_path / "root"
    artifacts.passwd(root, {"u": 1000})
    artifacts.write(root, "/etc/secret", "TOP")
    artifacts.write(root, "/home/u/.local/share/recently-used.xbel",
                    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/secret">]>'
                    '<xbel><bookmark href="file:///&e;"/></xbel>')
    docs = recent_documents(HostRoot(root))
    assert all("TOP" not in d.path for d in docs)


def test_file_path() -> None:
    assert file_path("file:///a/%E6%96%87.txt") == "/a/文.txt"
    assert file_path("file://server/share/a") is None
    assert file_path("smb://x/y") is None
