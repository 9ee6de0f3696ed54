"""What ``secaudit hq ingest`` reads: report files, folders of them, and zips as mailed in.

Yields :class:`Item` (a report's bytes and where it came from) or :class:`Skipped` (with the
reason) — never raises for bad input. Rules for hostile input: symlinks are not followed, only
regular files are opened, every read is capped; zips are read in memory, never extracted to disk,
with caps on member count, member size, total size and nesting; a member name that is absolute or
climbs out (``..``) is refused. Only ``.html``/``.htm`` files and members are reports; ``.minisig``
and ``.pub`` files beside them are passed over quietly, anything else is listed as skipped.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from secaudit.textsafe import utf8_or_chinese

MAX_REPORT_BYTES = 32 * 1024 * 1024
MAX_ZIP_BYTES = 1024 * 1024 * 1024
MAX_ZIP_MEMBERS = 20_000
MAX_ZIP_TOTAL = 2 * 1024 * 1024 * 1024
MAX_ZIP_DEPTH = 3
REPORT_SUFFIXES = (".html", ".htm")
QUIET_SUFFIXES = (".minisig", ".pub", ".key")


@dataclass(frozen=True)
class Item:
    source: str
    data: bytes


@dataclass(frozen=True)
class Skipped:
    source: str
    reason: str


def read_inputs(paths: list[Path]) -> Iterator[Item | Skipped]:
    for path in paths:
        yield from _path(path, top=True)


def _path(path: Path, *, top: bool) -> Iterator[Item | Skipped]:
    try:
        st = os.lstat(path)
    except OSError as exc:
        yield Skipped(str(path), f"cannot read: {exc.strerror}")
        return
    if stat.S_ISLNK(st.st_mode):
        yield Skipped(str(path), "symbolic link not followed")
    elif stat.S_ISDIR(st.st_mode):
        try:
            children = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError as exc:
            yield Skipped(str(path), f"cannot list folder: {exc.strerror}")
            return
        for child in children:
            yield from _path(Path(child.path), top=False)
    elif not stat.S_ISREG(st.st_mode):
        yield Skipped(str(path), "not a regular file")
    elif path.suffix.lower() == ".zip":
        data = _read(path, MAX_ZIP_BYTES)
        if isinstance(data, Skipped):
            yield data
        else:
            yield from _zip(str(path), data, depth=1)
    elif path.suffix.lower() in REPORT_SUFFIXES:
        data = _read(path, MAX_REPORT_BYTES)
        yield data if isinstance(data, Skipped) else Item(str(path), data)
    elif path.suffix.lower() not in QUIET_SUFFIXES or top:
        yield Skipped(str(path), "not a report (.html) or a zip of reports")


def _read(path: Path, cap: int) -> bytes | Skipped:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return Skipped(str(path), "not a regular file")
            data = fh.read(cap + 1)
    except OSError as exc:
        return Skipped(str(path), f"cannot read: {exc.strerror or exc}")
    if len(data) > cap:
        return Skipped(str(path), f"larger than {cap // 2**20} MiB")
    return data


def _zip(source: str, data: bytes, *, depth: int) -> Iterator[Item | Skipped]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        yield Skipped(source, f"corrupt zip: {exc}")
        return
    if len(infos) > MAX_ZIP_MEMBERS:
        yield Skipped(source, f"zip has {len(infos)} members (limit {MAX_ZIP_MEMBERS})")
        return
    total = 0
    for info in infos:
        name = _member_name(info)
        where = f"{source}!{name}"
        if info.is_dir() or name.lower().endswith(QUIET_SUFFIXES):
            continue
        problem = _member_problem(info, name, depth)
        if problem:
            yield Skipped(where, problem)
            continue
        total += info.file_size
        if total > MAX_ZIP_TOTAL:
            yield Skipped(where, f"zip expands past {MAX_ZIP_TOTAL // 2**30} GiB: rest not read")
            return
        cap = MAX_ZIP_BYTES if name.lower().endswith(".zip") else MAX_REPORT_BYTES
        try:
            with archive.open(info) as fh:
                body = fh.read(cap + 1)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError) as exc:
            yield Skipped(where, f"cannot read member: {exc}")
            continue
        if len(body) > cap:
            yield Skipped(where, f"member larger than {cap // 2**20} MiB")
        elif name.lower().endswith(".zip"):
            yield from _zip(where, body, depth=depth + 1)
        else:
            yield Item(where, body)


def _member_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", "replace")
    return utf8_or_chinese(raw) or info.filename


def _member_problem(info: zipfile.ZipInfo, name: str, depth: int) -> str | None:
    pure = PurePosixPath(name.replace("\\", "/"))
    lower = name.lower()
    if pure.is_absolute() or ".." in pure.parts or (len(name) > 1 and name[1] == ":"):
        return "unsafe member name (absolute or climbing out with ..): refused"
    if info.flag_bits & 0x1:
        return "encrypted member"
    if lower.endswith(".zip"):
        return f"zip nested deeper than {MAX_ZIP_DEPTH}" if depth >= MAX_ZIP_DEPTH else None
    if not lower.endswith(REPORT_SUFFIXES):
        return "not a report (.html)"
    if info.file_size > MAX_REPORT_BYTES:
        return f"member larger than {MAX_REPORT_BYTES // 2**20} MiB"
    return None
