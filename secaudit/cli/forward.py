"""``secaudit forward status|test``: the forwarding outputs of the config (``[[forward]]``).

- ``status [--json]``: per output its cursor (last ledger seq delivered), the ledger head, the
  backlog between them, events delivered, and the last error (kept by the running agent).
- ``test``: one ``forward_test`` event to each output; exit 0 when every output took it, else 1.
"""

from __future__ import annotations

import json

import typer

from secaudit.cli.common import config_of
from secaudit.cli.output import table
from secaudit.errors import UsageError

app = typer.Typer(help="Forwarding to the log pipeline (转发): status, test.",
                  no_args_is_help=True)


@app.command("status")
def status_cmd(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="JSON instead of a table."),
) -> None:
    """Cursor, backlog and last error of every output."""
    config = config_of(ctx)
    if not config.forward:
        raise UsageError("no [[forward]] output in the config (未配置转发)")
    from secaudit.forward.status import output_status  # not on every command's start-up

    rows = output_status(config)
    if as_json:
        typer.echo(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=1))
        return
    typer.echo(table(
        ["output 输出", "cursor 游标", "head", "backlog 积压", "delivered", "last error 最近错误"],
        [[r.output, r.cursor.seq, r.head, r.backlog, r.cursor.delivered,
          f"{r.to_json()['error_at']} {r.cursor.error}" if r.cursor.error else "-"]
         for r in rows], max_width=80))


@app.command("test")
def test_cmd(ctx: typer.Context) -> None:
    """Send one test event to every output and report the result."""
    config = config_of(ctx)
    if not config.forward:
        raise UsageError("no [[forward]] output in the config (未配置转发)")
    from secaudit.forward.status import send_test

    failed = 0
    for output, ok, message in send_test(config):
        failed += not ok
        typer.echo(f"{'成功 OK  ' if ok else '失败 FAIL'}  {output}: {message}")
    if failed:
        raise typer.Exit(1)


def register(root: typer.Typer) -> None:
    """Add the ``forward`` group to the app."""
    root.add_typer(app, name="forward")
