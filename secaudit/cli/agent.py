"""``secaudit agent`` (the daemon, in the foreground; systemd runs it) and ``secaudit status``."""

from __future__ import annotations

import json
import os

import typer

from secaudit.cli.common import State, config_of
from secaudit.config import load_config
from secaudit.textsafe import shown


def _fmt_uptime(seconds: float) -> str:
    s = int(seconds)
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    return (f"{d}d " if d else "") + f"{h:02d}:{m:02d}:{s:02d}"


def _conn_text(conn: dict | None) -> str:
    if not conn or conn.get("connected") is None:
        return "unknown / 未知（未配置外部探测目标 no external probe）"
    state = "connected / 已联网" if conn.get("connected") else "not connected / 未联网"
    return f"{state} (by {conn.get('decided_by', '?')})"


def status_lines(status: dict) -> list[str]:
    """The human status table (zh/en labels)."""
    rows = [
        ("状态 status", "运行中 running"),
        ("进程 pid", str(status.get("pid"))),
        ("运行时长 uptime", _fmt_uptime(float(status.get("uptime_s") or 0))),
        ("主机 host", f"{status.get('hostname', '')} ({status.get('role', '')})"),
        ("队列 queue", f"{status.get('queue_depth', 0)}" + (" busy" if status.get("busy") else "")),
        ("联网 connectivity", _conn_text(status.get("connectivity"))),
    ]
    media = status.get("media") or []
    rows.append(("移动介质 media", str(len(media)) if media else "无 none"))
    rows += [("", f"{m.get('mountpoint')} {m.get('fstype')} {m.get('vendor')} {m.get('model')} "
                  f"uuid={m.get('fs_uuid')} serial={m.get('serial')}") for m in media]
    roots = status.get("roots") or []
    rows.append(("监视目录 roots", ", ".join(roots) if roots else "无 none"))
    stores = status.get("mail_stores") or []
    rows.append(("邮件存储 mail", ", ".join(stores) if stores else "无 none"))
    head = status.get("ledger_head")
    head_text = f"seq {head['seq']} {head['hash'][:16]}…" if head else "空 empty"
    rows.append(("账本 ledger head", head_text))
    last = status.get("last_events") or []
    rows.append(("最近事件 last events",
                 ", ".join(f"#{e['seq']} {e['kind']}" for e in last[-6:]) or "-"))
    width = max(len(k) for k, _ in rows)
    return [f"{k.ljust(width)}  {shown(v)}" for k, v in rows]  # names from media and roots


def register(app: typer.Typer) -> None:
    """Add ``agent`` and ``status`` to ``app``."""

    @app.command("agent")
    def agent_cmd(
        ctx: typer.Context,
        once: bool = typer.Option(False, "--once", help="One pass over every source, then exit."),
    ) -> None:
        """Run the agent in the foreground (守护进程): media, connectivity, mail, roots."""
        from secaudit.agent.daemon import Agent
        from secaudit.checks.agent_hook import register as schedule_checks
        from secaudit.forward.agent_hook import register as forward_events
        from secaudit.selfcheck.schedule import register as schedule_selfcheck

        state: State = ctx.obj or State()
        config = config_of(ctx)
        import logging

        # stderr: the journal under systemd (which stamps the time), the terminal otherwise
        stamp = "" if os.environ.get("JOURNAL_STREAM") else "%(asctime)s "
        logging.basicConfig(level=logging.DEBUG if state.verbose else logging.INFO,
                            format=stamp + "secaudit-agent: %(levelname)s %(name)s: %(message)s")
        agent = Agent(config, loader=lambda: load_config(state.home, state.config_path),
                      once=once, hooks=[schedule_selfcheck, schedule_checks, forward_events])
        raise typer.Exit(agent.run())

    @app.command("status")
    def status_cmd(
        ctx: typer.Context,
        as_json: bool = typer.Option(False, "--json", help="Print the status as JSON."),
    ) -> None:
        """Whether the agent runs, uptime, queue, media, roots, connectivity, ledger head."""
        from secaudit.agent.status import read_status

        config = config_of(ctx)
        status = read_status(config.home)
        if as_json:
            out = {"running": True, **status} if status else {"running": False}
            typer.echo(json.dumps(out, ensure_ascii=False, indent=1))
        elif status is None:
            typer.echo("状态 status  未运行 not running")
        else:
            typer.echo("\n".join(status_lines(status)))
        raise typer.Exit(0 if status else 1)
