"""Document traces: the recent-document lists of the desktop and the office suites.

Read for every user (:meth:`HostRoot.homes`):

- ``~/.local/share/recently-used.xbel`` — GLib's bookmark file, written by GNOME, DDE (统信 UOS /
  deepin) and UKUI (麒麟 Kylin) applications: ``<bookmark href="file:///…" modified="…">`` with the
  applications that opened it;
- LibreOffice's pick list in ``~/.config/libreoffice/4/user/registrymodifications.xcu``
  (``HistoryInfo['PickList']/ItemList/…HistoryItem['file:///…']``);
- WPS Office (Kingsoft) ``~/.config/Kingsoft/Office.conf``: Qt INI keys of its recent-file lists
  (any key naming ``recent``/``mru``/``filelist`` whose value is a file path or ``file://`` URL).

Each entry becomes a :class:`RecentDocument` with whether the file still exists (looked up
without following symlinks) and whether it lay on removable media (``/media``, ``/run/media``,
``/mnt`` or a mount point the caller names). The XML is parsed without entities or network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from secaudit.sources.hostroot import HostRoot, Problem

REMOVABLE_PREFIXES = ("/media/", "/run/media/", "/mnt/")
XBEL = ".local/share/recently-used.xbel"
LIBREOFFICE = (
    ".config/libreoffice/4/user/registrymodifications.xcu",
    ".config/libreoffice/3/user/registrymodifications.xcu",
)
WPS = (".config/Kingsoft/Office.conf",)
_PICKLIST = re.compile(r"HistoryInfo\['PickList'\]/ItemList/[^\"]*?HistoryItem\['([^']+)'\]")
_WPS_KEY = re.compile(r"recent|mru|filelist", re.IGNORECASE)
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
)


@dataclass(frozen=True)
class RecentDocument:
    """A document a user opened, from one recent list."""

    path: str
    user: str
    app: str
    """Which list named it: ``recently-used.xbel`` (with the application), LibreOffice, WPS."""
    when: str = ""
    exists: bool = True
    removable: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "user": self.user,
            "app": self.app,
            "when": self.when,
            "exists": self.exists,
            "removable": self.removable,
        }


def file_path(uri: str) -> str | None:
    """The local path of a ``file://`` URI (or a plain absolute path), else None."""
    if uri.startswith("/"):
        return uri
    parts = urlsplit(uri)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = unquote(parts.path, encoding="utf-8", errors="surrogateescape")
    return path if path.startswith("/") else None


def _xbel(host: HostRoot, path: str) -> Iterator[tuple[str, str, str]]:
    data = host.read_bytes(path)
    if not data:
        return
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        host.problems.append(Problem(path, "corrupt", str(exc)))
        return
    if root is None:
        host.problems.append(Problem(path, "corrupt", "no XML root"))
        return
    for mark in root.iter("bookmark"):
        apps = [
            a.get("name", "")
            for a in mark.iter("{http://www.freedesktop.org/standards/desktop-bookmarks}application")
        ]
        app = "recently-used.xbel" + (f" ({', '.join(a for a in apps if a)})" if apps else "")
        when = mark.get("visited") or mark.get("modified") or mark.get("added") or ""
        yield mark.get("href", ""), app, when


def _libreoffice(host: HostRoot, path: str) -> Iterator[tuple[str, str, str]]:
    text = host.read_text(path)
    for match in _PICKLIST.finditer(text or ""):
        yield match.group(1).replace("&amp;", "&"), "LibreOffice", ""


def _wps(host: HostRoot, path: str) -> Iterator[tuple[str, str, str]]:
    for line in (host.read_text(path) or "").splitlines():
        key, sep, value = line.partition("=")
        value = value.strip().strip('"')
        if sep and _WPS_KEY.search(key) and (value.startswith("/") or value.startswith("file:")):
            yield value, "WPS Office", ""


def recent_documents(host: HostRoot, mounts: Iterable[str] = ()) -> list[RecentDocument]:
    """Every document in the users' recent lists, with existence and removable-media flags."""
    prefixes = (*REMOVABLE_PREFIXES, *(m.rstrip("/") + "/" for m in mounts))
    out: list[RecentDocument] = []
    seen: set[tuple[str, str, str]] = set()
    for home in host.homes():
        readers = [(_xbel, f"{home.path}/{XBEL}")]
        readers += [(_libreoffice, f"{home.path}/{p}") for p in LIBREOFFICE]
        readers += [(_wps, f"{home.path}/{p}") for p in WPS]
        for reader, list_path in readers:
            for uri, app, when in reader(host, list_path):
                path = file_path(uri)
                if path is None or (path, home.user, app) in seen:
                    continue
                seen.add((path, home.user, app))
                out.append(
                    RecentDocument(
                        path=path,
                        user=home.user,
                        app=app,
                        when=when,
                        exists=host.exists(path),
                        removable=path.startswith(prefixes),
                    )
                )
    return out
