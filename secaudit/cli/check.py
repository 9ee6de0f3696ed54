"""``secaudit check``: judge the policy's host checks (检查项) on this computer.

Parses options and delegates to :func:`secaudit.checks.check_host`; prints each check with its
outcome and the value observed (``--format table``) or the ``secaudit.check/1`` JSON object.
Exit status: 0 no check failed, 1 some check failed, 2 bad usage/config/policy.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

import typer

from secaudit.cli.common import config_of, policy_of
from secaudit.errors import UsageError
from secaudit.model import HostRole


class CheckFormat(str, Enum):
    TABLE = "table"
    JSON = "json"


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)


def check_command(
    ctx: typer.Context,
    fmt: CheckFormat = typer.Option(CheckFormat.TABLE, "--format", "-f", help="table | json"),
    role: HostRole = typer.Option(None, "--role", help="Host role (default: from config)."),
    root: Path = typer.Option(
        Path("/"), "--root", help="Filesystem root to inspect (a mounted disk; default: this host)."
    ),
    no_ledger: bool = typer.Option(False, "--no-ledger", help="Do not record the results."),
) -> None:
    """主机检查：上网痕迹、文档痕迹、无线与远程控制软件、基线设置 — run the policy's host checks."""
    from secaudit.checks import check_host
    from secaudit.ledger import Ledger

    config = config_of(ctx)
    policy = policy_of(config)
    if not root.is_dir():
        raise UsageError(f"--root is not a folder: {root}")
    host_role = (role or config.host.role).value
    if no_ledger:
        doc, results = check_host(policy, role=host_role, root=root)
    else:
        config.home.ensure()
        with Ledger(config.home.ledger) as led:
            doc, results = check_host(policy, role=host_role, root=root, ledger=led)
    if fmt is CheckFormat.JSON:
        indent = 2 if sys.stdout.isatty() else None
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=indent))
    else:
        typer.echo(_text(doc))
    raise typer.Exit(1 if doc["summary"]["fail"] else 0)


_MARK = {"pass": "符合", "fail": "不符合", "not_applicable": "不适用", "not_checked": "未检查"}
_SEV = {"critical": "严重", "high": "高", "medium": "中", "low": "低"}


def _text(doc: dict) -> str:  # type: ignore[type-arg]
    policy = doc["policy"]
    out = [f"主机检查（角色 {doc['role']}，策略 {policy['id']} {policy['version']}）", ""]
    for c in doc["checks"]:
        out.append(f"[{_MARK[c['outcome']]}] {c['id']} {_SEV[c['severity']]} {c['title']}")
        if c["outcome"] == "not_applicable":
            out.append(f"    {c['why']}")
            continue
        out.append(f"    实际值：{c['observed_text']}")
        if c["outcome"] == "fail":
            out.append(f"    整改：{c['remedy']}")
    s = doc["summary"]
    out.append("")
    out.append(
        f"不符合 {s['fail']} 项，符合 {s['pass']} 项，未检查 {s['not_checked']} 项，"
        f"不适用 {s['not_applicable']} 项"
    )
    out.extend(f"未能读取：{p['path']}（{p['reason']}）" for p in doc["problems"][:20])
    return "\n".join(out)
