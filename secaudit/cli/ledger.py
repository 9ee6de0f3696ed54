"""``secaudit ledger verify|show|export``: check and read the evidence ledger.

- ``verify``: recompute the hash chain; exit 0 when intact, 1 naming the first bad ``seq``.
- ``show [--since] [--kind] [--limit]``: a table of events (the last ``--limit`` ones).
- ``export [--since] [--kind]``: JSON lines, one event per line (seq, ts, kind, data, prev, hash,
  and ``host``: name and id, so lines of many PCs can be pooled).

``--since`` takes an ISO date or date-time (``2026-11-01``, ``2026-11-29T10:00``); ``--kind`` may
be repeated or comma-separated.
"""

from __future__ import annotations

import json
from collections import deque

import typer

from secaudit.cli.common import config_of
from secaudit.errors import ChainError, UsageError
from secaudit.ledger import KINDS, Event, Ledger, canonical_json
from secaudit.textsafe import shown

app = typer.Typer(help="The evidence ledger (证据账本): verify, show, export.",
                  no_args_is_help=True)


def _kinds(values: list[str] | None) -> list[str]:
    kinds = [k.strip() for v in values or [] for k in v.split(",") if k.strip()]
    unknown = sorted(set(kinds) - KINDS)
    if unknown:
        raise UsageError(f"unknown event kind(s): {', '.join(unknown)} "
                         f"(known: {', '.join(sorted(KINDS))})")
    return kinds


def _open(ctx: typer.Context) -> Ledger:
    return Ledger(config_of(ctx).home.ledger, readonly=True)


def _summary(ev: Event) -> str:
    data = ev.data if isinstance(ev.data, dict) else {}
    for key in ("rule", "path", "store", "paths"):
        if key in data and data[key]:
            value = data[key]
            text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            if key == "rule":
                text = f"{text} {data.get('title', '')} {data.get('path') or ''}".strip()
            return text[:100]
    if "medium" in data and isinstance(data["medium"], dict):
        m = data["medium"]
        return f"{m.get('mountpoint')} uuid={m.get('fs_uuid')} serial={m.get('serial')}"
    if "connected" in data:
        return f"connected={data['connected']} previous={data.get('previous')}"
    return canonical_json(data)[:100]


@app.command("verify")
def verify_cmd(ctx: typer.Context) -> None:
    """Recompute the hash chain; name the first bad seq (exit 1) or confirm it is intact."""
    with _open(ctx) as led:
        try:
            count = led.verify()
        except ChainError as exc:
            typer.echo(f"账本被篡改 ledger BROKEN at seq {exc.seq}: {exc}")
            raise typer.Exit(1) from exc
        head = led.head()
    tail = f", head seq {head.seq} {head.hash}" if head else ""
    typer.echo(f"账本完整 ledger OK: {count} events{tail}")


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    since: str = typer.Option(None, "--since", help="Events at or after this ISO time."),
    kind: list[str] = typer.Option(None, "--kind", help="Only these kinds (repeat or a,b)."),
    limit: int = typer.Option(50, "--limit", min=1, help="Show the last N events."),
) -> None:
    """A table of ledger events."""
    with _open(ctx) as led:
        rows = deque(led.events(since=since, kinds=_kinds(kind)), maxlen=limit)
    if not rows:
        typer.echo("(no events)")
        return
    typer.echo(f"{'seq':>6}  {'time':25}  {'kind':15}  detail")
    for ev in rows:
        typer.echo(f"{ev.seq:>6}  {shown(ev.ts):25}  {ev.kind:15}  {shown(_summary(ev))}")


@app.command("export")
def export_cmd(
    ctx: typer.Context,
    since: str = typer.Option(None, "--since", help="Events at or after this ISO time."),
    kind: list[str] = typer.Option(None, "--kind", help="Only these kinds (repeat or a,b)."),
) -> None:
    """Events as JSON lines (with prev/hash, so the chain can be checked elsewhere)."""
    from secaudit.forward.ecs import host_info  # the forward package: not on every start-up

    config = config_of(ctx)
    host = host_info(config)
    with _open(ctx) as led:
        for ev in led.events(since=since, kinds=_kinds(kind)):
            line = {**ev.to_json(), "host": {"name": host.name, "id": host.id}}
            typer.echo(json.dumps(line, ensure_ascii=False, sort_keys=True))


def register(root: typer.Typer) -> None:
    """Add the ``ledger`` group to the app."""
    root.add_typer(app, name="ledger")
