"""The recycle bin: home trash and .Trash-UID on media, with original paths."""

from __future__ import annotations

from pathlib import Path

from secaudit.sources.hostroot import HostRoot
from secaudit.sources.trash import trash_bins
from tests.sources import artifacts


def _info(path: str, date: str) -> str:
    return f"[Trash Info]\nPath={path}\nDeletionDate={date}\n"


def test_home_and_media_bins(tmp_path: Path) -> None:
    root = tmp_path / "root"
    artifacts.passwd(root, {"u": 1000})
    home_trash = "/home/u/.local/share/Trash"
    artifacts.write(root, f"{home_trash}/files/计划.docx", "x")
    quoted = "/home/u/%E6%96%87%E6%A1%A3/%E8%AE%A1%E5%88%92.docx"
    artifacts.write(root, f"{home_trash}/info/计划.docx.trashinfo",
                    _info(quoted, "2026-11-30T10:00:00"))
    artifacts.write(root, f"{home_trash}/files/资料/a.txt", "y")
    artifacts.write(root, f"{home_trash}/info/资料.trashinfo",
                    _info("/home/u/资料", "2026-11-29T09:00:00"))
    media = "/media/u/KINGSTON/.Trash-1000"
    artifacts.write(root, f"{media}/files/名单.xlsx", "z")
    artifacts.write(root, f"{media}/info/名单.xlsx.trashinfo",
                    _info("客户/名单.xlsx", "2026-11-28T08:00:00"))
    bins = {b.path: b for b in trash_bins(HostRoot(root))}
    home = bins[home_trash]
    assert home.owner == "u" and home.root == f"{home_trash}/files"
    originals = {i.name: i.original for i in home.items}
    assert originals == {"计划.docx": "/home/u/文档/计划.docx", "资料": "/home/u/资料"}
    assert home.original(f"{home_trash}/files/资料/a.txt") == "/home/u/资料/a.txt"
    assert home.original("/elsewhere/a") is None
    usb = bins[media]
    assert usb.owner == "1000"
    assert usb.items[0].original == "/media/u/KINGSTON/客户/名单.xlsx"
    assert (root / usb.root.lstrip("/")).is_dir()  # a folder the scanner can take as a root
