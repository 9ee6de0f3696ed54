"""``secaudit scan`` and ``secaudit extract``."""

from __future__ import annotations

import json
import sys
import time
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from secaudit.cli.common import config_of, policy_of
from secaudit.cli.output import clip, table
from secaudit.context import ScanContext
from secaudit.errors import UsageError
from secaudit.model import Channel, HostRole, Severity, shown_path
from secaudit.textsafe import shown

if TYPE_CHECKING:
    from secaudit.config import Config


class OutputFormat(str, Enum):
    TABLE = "table"
    JSON = "json"


class ChunkFormat(str, Enum):
    TEXT = "text"
    JSON = "json"


def register(app: typer.Typer) -> None:
    app.command("scan")(scan_command)
    app.command("extract")(extract_command)


def scan_command(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Files and folders to scan."),
    fmt: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f", help="table | json"),
    output: Path = typer.Option(None, "--output", "-o", help="Write the result to this file."),
    list_all: bool = typer.Option(False, "--all", help="List every file scanned, not only hits."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Read every file again."),
    channel: Channel = typer.Option(Channel.LOCAL, "--channel", help="Where the files are."),
    role: HostRole = typer.Option(None, "--role", help="Host role (default: from config)."),
    fail_on: Severity = typer.Option(Severity.LOW, "--fail-on", help="Exit 1 from this severity."),
    no_ledger: bool = typer.Option(False, "--no-ledger", help="Do not record in the ledger."),
    workers: int = typer.Option(None, "--workers", help="Worker processes (default: cores)."),
    no_ocr: bool = typer.Option(False, "--no-ocr", help="Do not OCR scans (report them)."),
) -> None:
    """扫描文件和文件夹 — scan files and folders for markings and sensitive data."""
    config = _without_ocr(config_of(ctx)) if no_ocr else config_of(ctx)
    for p in paths:
        if not p.exists() and not p.is_symlink():
            raise UsageError(f"no such file or folder: {p}")
    from secaudit.scan.servers import reads_every_file, start_fork_server

    if reads_every_file(config.home.cache_dir, not no_cache):
        # the workers' fork server starts now, on the other core, while the policy, the scanner
        # and the cache are loaded here
        start_fork_server()

    from secaudit.ledger import Ledger
    from secaudit.scan.scanner import Scanner

    policy = policy_of(config)
    scan_ctx = ScanContext(
        channel=channel, host_role=role or config.host.role, hostname=config.hostname
    )
    trial = _trial_reason(config, channel, role)
    if trial and not no_ledger:
        typer.echo(f"试查：{trial}，结果不记入证据账本（trial scan, not recorded）", err=True)
    ledger = None if (no_ledger or trial) else Ledger(config.home.ledger)
    progress = _Progress() if sys.stderr.isatty() else None
    try:
        with Scanner(config, policy, ledger=ledger, workers=workers, use_cache=not no_cache) as sc:
            run = sc.scan(paths, scan_ctx, list_all=list_all, progress=progress)
    finally:
        if progress:
            progress.done()
        if ledger:
            ledger.close()
    if fmt is OutputFormat.JSON:
        # indented for a person at a terminal; compact (C encoder, much faster) for files/pipes
        indent = 2 if output is None and sys.stdout.isatty() else None
        text = json.dumps(run.to_json(), ensure_ascii=False, indent=indent)
    else:
        text = _scan_table(run)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)
    failing = [v for v in run.violations if v.severity.rank >= fail_on.rank]
    raise typer.Exit(1 if failing else 0)


def _scan_table(run) -> str:  # type: ignore[no-untyped-def]
    out: list[str] = []
    files = run.files
    if files:
        rows = []
        for r in files:
            marks = ", ".join(sorted({_mark_cell(f) for f in r.findings if f.kind == "marking"}))
            infos = ", ".join(f"{t}×{n}" for t, n in sorted(r.info_counts().items()))
            errs = ", ".join(sorted({e.reason.value for e in r.errors}))
            rows.append([shown_path(r.path), r.classification.zh, marks, infos, errs])
        headers = ["文件 file", "密级 level", "标识 marking", "敏感信息 data", "错误 error"]
        out.append(table(headers, rows))
    if run.violations:
        out.append("")
        rows = [
            [v.rule, v.severity.zh, v.title, clip(shown_path(v.path or ""), 50), v.member or ""]
            for v in run.violations
        ]
        headers = ["规则 rule", "严重度", "违规 violation", "文件 file", "成员 member"]
        out.append(table(headers, rows))
    s = run.summary
    out.append("")
    out.append(
        f"扫描文件 {s['files_scanned']} 个，{s['bytes_scanned'] / 1e6:.1f} MB；"
        f"有发现 {s['files_with_findings']} 个；违规 {s['violations']} 项；"
        f"未能检查 {s['errors']} 项；缓存命中 {run.cached_files} 个；用时 {run.duration_s:.1f} s"
    )
    if run.not_scanned:
        reasons = "，".join(f"{k} {v}" for k, v in sorted(run.not_scanned.items()))
        out.append(f"未能检查原因：{reasons}")
    return "\n".join(out)


def _trial_reason(config: Config, channel: Channel, role: HostRole | None) -> str:
    """Why a scan is a trial (its role or channel is not this host's), or "" for a real check.

    A trial ("what if this folder were on an internet PC?") is not evidence about this host:
    recorded, it put SEC-001 violations of a pretended internet host into the signed report of
    an intranet PC. ``--channel removable_media``/``email`` stay real checks (the officer scans a
    stick or a mail folder), judged with the host's own role."""
    own = config.host.role
    if role is not None and role is not own:
        return f"--role {role.value} 与本机配置的计算机类别 {own.value} 不同"
    if channel is Channel.INTERNET_HOST and own is not HostRole.INTERNET:
        return f"--channel internet_host 而本机配置的计算机类别为 {own.value}"
    return ""


def _without_ocr(config: Config) -> Config:
    """``config`` with ``[scan] ocr = "off"`` (``--no-ocr``)."""
    from dataclasses import replace

    return replace(config, scan=replace(config.scan, ocr="off"))


def _mark_cell(f) -> str:  # type: ignore[no-untyped-def]
    """A marking as the table shows it; ``（OCR）`` when it was read from a scan."""
    from secaudit.detect.base import OCR_NOTE

    return (f.text or "") + ("（OCR）" if OCR_NOTE in (f.note or "") else "")


class _Progress:
    """One status line on the terminal: files, MB, rate, current file."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.last = 0.0

    def __call__(self, files: int, nbytes: int, path: str) -> None:
        now = time.monotonic()
        if now - self.last < 0.1:
            return
        self.last = now
        rate = files / max(now - self.t0, 1e-6)
        line = f"\r{files} 个文件  {nbytes / 1e6:.1f} MB  {rate:.0f} 个/秒  {clip(path, 50)}"
        sys.stderr.write(line[:120] + "\x1b[K")
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()


def extract_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="The file to read."),
    fmt: ChunkFormat = typer.Option(ChunkFormat.TEXT, "--format", "-f", help="text | json"),
    no_ocr: bool = typer.Option(False, "--no-ocr", help="Do not OCR scans (report them)."),
) -> None:
    """显示扫描器读到的文字 — print what the scanner reads from one file."""
    from secaudit.extract.registry import extract_bytes
    from secaudit.scan.safeopen import Refused, read_top_file

    config = _without_ocr(config_of(ctx)) if no_ocr else config_of(ctx)
    limits = config.scan.limits()
    try:  # never through a link, never a FIFO or device, never more than max_file_size
        data = read_top_file(str(file.absolute()), limits.max_file_size)
    except Refused as exc:
        reason = exc.reason.value
        raise UsageError(f"{shown(str(file))}: not read ({reason}): {exc.detail}") from exc
    except OSError as exc:
        raise UsageError(f"{shown(str(file))}: {exc.strerror or exc}") from exc
    deadline = time.monotonic() + config.scan.file_timeout
    ext = extract_bytes(data, file.name, limits=limits, deadline=deadline)
    if fmt is ChunkFormat.JSON:
        doc = {
            "path": str(file.absolute()),
            "format": ext.format,
            "chunks": [
                {
                    "location": c.location.value,
                    "member": c.member,
                    "index": c.index,
                    "key": c.key,
                    "standalone": c.standalone,
                    "ocr": c.ocr,
                    "text": c.text,
                }
                for c in ext.chunks
            ],
            "errors": [e.to_json() for e in ext.errors],
        }
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    counts = f"chunks={len(ext.chunks)}  errors={len(ext.errors)}"
    typer.echo(f"# {shown(str(file))}  format={ext.format}  {counts}")
    for c in ext.chunks:
        where = c.location.value + (f"[{c.key}]" if c.key else "") + f"#{c.index}"
        member = f" {c.member}" if c.member else ""
        typer.echo(shown(f"--- {where}{member}{' (OCR)' if c.ocr else ''}"))
        typer.echo(shown(c.text, keep_lines=True))
    for e in ext.errors:
        typer.echo(shown(f"!!! {e.reason.value}{' ' + e.member if e.member else ''}: {e.detail}"))
