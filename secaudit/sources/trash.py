"""The recycle bin (回收站): freedesktop.org trash folders, as roots to scan and as a list of items.

Trash folders looked at:

- each user's ``~/.local/share/Trash`` (:meth:`HostRoot.homes`);
- on removable media and other mounts under ``/media``, ``/run/media`` and ``/mnt`` (two levels
  deep): ``.Trash-<uid>`` and ``.Trash/<uid>``.

Each trash holds ``files/<name>`` and ``info/<name>.trashinfo`` giving the original path and
deletion date. :func:`trash_bins` returns every bin with its items; a bin's ``files`` folder
(:attr:`TrashBin.root`) is a folder that ``secaudit scan`` (or the agent) can scan like any root,
and :meth:`TrashBin.original` maps a scanned file back to the path it was deleted from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from secaudit.sources.hostroot import HostRoot

MEDIA_BASES = ("/media", "/run/media", "/mnt")


@dataclass(frozen=True)
class TrashItem:
    """One deleted file or folder: its name in the bin, original path and deletion date."""

    name: str
    original: str
    deleted: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "original": self.original, "deleted": self.deleted}


@dataclass(frozen=True)
class TrashBin:
    """One trash folder: where it is (host path), whose, and what it holds."""

    path: str
    owner: str
    items: tuple[TrashItem, ...]

    @property
    def root(self) -> str:
        """The ``files`` folder: scan it like any root."""
        return f"{self.path}/files"

    def original(self, scanned_path: str) -> str | None:
        """The original path of a file found under :attr:`root` (members of a folder too)."""
        rel = scanned_path.removeprefix(self.root + "/")
        if rel == scanned_path:
            return None
        top, _, rest = rel.partition("/")
        for item in self.items:
            if item.name == top:
                return item.original + (f"/{rest}" if rest else "")
        return None


def _trashinfo(text: str, trash_base: str) -> tuple[str, str]:
    """(original path, deletion date) from a ``.trashinfo`` file."""
    path, date = "", ""
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "Path":
            path = unquote(value.strip(), errors="surrogateescape")
        elif key.strip() == "DeletionDate":
            date = value.strip()
    if path and not path.startswith("/"):
        # on media the path is relative to the medium's top folder
        path = f"{trash_base}/{path}"
    return path, date


def read_bin(host: HostRoot, path: str, owner: str, top: str) -> TrashBin:
    """The bin at ``path``; ``top`` is the folder relative paths in ``.trashinfo`` start from."""
    items = []
    for name in host.listdir(f"{path}/files"):
        info = host.read_text(f"{path}/info/{name}.trashinfo") or ""
        original, deleted = _trashinfo(info, top)
        items.append(TrashItem(name, original or "", deleted))
    return TrashBin(path, owner, tuple(items))


def _media_tops(host: HostRoot) -> Iterator[str]:
    for base in MEDIA_BASES:
        for first in host.subdirs(base):
            yield first
            yield from host.subdirs(first)


def trash_bins(host: HostRoot) -> list[TrashBin]:
    """Every trash folder on the host (home bins first), empty ones included."""
    bins = []
    for home in host.homes():
        path = f"{home.path}/.local/share/Trash"
        if host.is_dir(path):
            bins.append(read_bin(host, path, home.user, home.path))
    for top in _media_tops(host):
        for name in host.listdir(top):
            path = f"{top}/{name}"
            if name.startswith(".Trash-") and host.is_dir(path):
                bins.append(read_bin(host, path, name.removeprefix(".Trash-"), top))
            elif name == ".Trash" and host.is_dir(path):
                bins.extend(read_bin(host, sub, sub.rsplit("/", 1)[-1], top)
                            for sub in host.subdirs(path))
    return bins
