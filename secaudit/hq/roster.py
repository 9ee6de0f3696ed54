"""Roster import: a CSV of every PC head office expects to report, as Excel saves it.

Columns (headers in English or Chinese, any order): ``branch`` (网点编号/机构号), ``branch name``
(网点名称), ``host`` (计算机名/主机名), ``role`` (类别/计算机类别: internet/intranet/classified or
互联网/内网/涉密), ``key`` (公钥/密钥/指纹): a public key file (a path relative to the CSV's
folder), a minisign public key line (``RWQ…``), or a 32-hex fingerprint that pins the key until
its file is enrolled. Encodings: UTF-8, UTF-8 with BOM, GBK/GB18030.

Each row is applied on its own; a bad row is reported with its line number and the others go in.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from secaudit.errors import SecauditError, UsageError
from secaudit.hq.registry import (
    FINGERPRINT,
    Enrolled,
    enroll,
    key_from_text,
    pin,
    role_id,
    upsert_host,
)
from secaudit.hq.store import Store

MAX_ROSTER_BYTES = 16 * 1024 * 1024
HEADERS = {
    "branch": ("branch", "branch id", "网点编号", "网点代码", "机构号", "机构编号", "网点号"),
    "branch_name": ("branch name", "branch_name", "网点名称", "网点", "机构名称"),
    "host": ("host", "hostname", "计算机名", "主机名", "计算机名称", "终端名称"),
    "role": ("role", "类别", "计算机类别", "用途"),
    "key": ("key", "key file", "fingerprint", "公钥", "密钥", "公钥文件", "指纹", "密钥指纹"),
}


@dataclass
class RosterResult:
    applied: list[Enrolled] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    encoding: str = ""


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read in (UTF-8 [BOM] or GB18030)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gbk"
    except UnicodeDecodeError as exc:
        raise UsageError(f"roster is neither UTF-8 nor GBK: {exc}") from exc


def import_roster(store: Store, path: Path) -> RosterResult:
    try:
        if path.is_symlink() or not path.is_file():
            raise UsageError(f"roster {path} is not a regular file")
        with path.open("rb") as fh:
            data = fh.read(MAX_ROSTER_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read roster {path}: {exc}") from exc
    if len(data) > MAX_ROSTER_BYTES:
        raise UsageError(f"roster {path} is larger than {MAX_ROSTER_BYTES // 2**20} MiB")
    text, encoding = decode_csv(data)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise UsageError(f"roster {path} is empty")
    columns = _columns(rows[0])
    result = RosterResult(encoding=encoding)
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        cell = {name: (row[i].strip() if i < len(row) else "") for name, i in columns.items()}
        try:
            result.applied.append(_apply(store, cell, path.parent))
        except SecauditError as exc:
            result.errors.append(f"{path.name}:{line}: {exc.diagnostics()}")
    return result


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        key = name.strip().lstrip("\ufeff").lower()
        for column, names in HEADERS.items():
            if key in names and column not in found:
                found[column] = i
    missing = [c for c in ("branch", "host", "role") if c not in found]
    if missing:
        raise UsageError(
            f"roster header lacks column(s) {', '.join(missing)} (found: {', '.join(header)})"
        )
    return found


def _apply(store: Store, cell: dict[str, str], base: Path) -> Enrolled:
    who = {
        "branch": cell["branch"],
        "host": cell["host"],
        "role": cell["role"],
        "branch_name": cell.get("branch_name", ""),
    }
    spec = cell.get("key", "")
    if not spec:
        return _expect_only(store, **who)
    inline = key_from_text(spec)
    if inline is not None:
        return enroll(store, inline, **who)
    if FINGERPRINT.fullmatch(spec.lower()):
        return pin(store, spec, **who)
    key_path = (base / spec) if not Path(spec).is_absolute() else Path(spec)
    return enroll(store, key_path, **who)


def _expect_only(store: Store, *, branch: str, host: str, role: str, branch_name: str) -> Enrolled:
    """A row without a key: the host is expected; its key is enrolled later."""
    if not branch or not host:
        raise UsageError("branch and host must not be empty")
    with store.transaction() as db:
        upsert_host(db, branch, host, role_id(role), branch_name)
    return Enrolled("", branch, host, "expected")
