"""``secaudit hq``: head office — enrol keys, import the roster, ingest reports, roll up, status.

The store is ``HOME/hq.db`` (``--home``); head office's own signing key is the home's key.
"""

from __future__ import annotations

from pathlib import Path

import typer

from secaudit.cli.common import config_of
from secaudit.hq import HqFormat

hq_app = typer.Typer(
    name="hq", help="总行汇总 — head office: keys, roster, report ingest, roll-up.",
    no_args_is_help=True,
)  # fmt: skip
roster_app = typer.Typer(name="roster", help="应报计算机名册 — the roster.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    hq_app.add_typer(roster_app, name="roster")
    app.add_typer(hq_app, name="hq")


def _store(ctx: typer.Context):  # type: ignore[no-untyped-def]
    from secaudit.hq.store import Store

    return Store.of_home(config_of(ctx).home.data_dir)


@hq_app.command("enroll")
def enroll_command(
    ctx: typer.Context,
    key: Path = typer.Argument(..., help="The PC's public key (secaudit.pub or minisign.pub)."),
    branch: str = typer.Option(..., "--branch", help="Branch id (网点编号)."),
    host: str = typer.Option(..., "--host", help="Host name as the PC's reports name it."),
    role: str = typer.Option(..., "--role", help="internet | intranet | classified"),
    branch_name: str = typer.Option("", "--branch-name", help="Branch name (网点名称)."),
    replace: bool = typer.Option(False, "--replace", help="Re-key the host (recorded)."),
) -> None:
    """登记计算机公钥 — bind a PC's public key to its branch and host."""
    from secaudit.hq.registry import enroll

    with _store(ctx) as store:
        done = enroll(
            store, key, branch=branch, host=host, role=role, branch_name=branch_name,
            replace=replace,
        )  # fmt: skip
    typer.echo(f"{done.action:<9} {done.fingerprint}  {done.branch} / {done.host}")


@roster_app.command("import")
def roster_import_command(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="Roster CSV (UTF-8, UTF-8 BOM or GBK)."),
) -> None:
    """导入名册 — enrol many PCs and say who is expected to report."""
    from secaudit.hq.roster import import_roster

    with _store(ctx) as store:
        result = import_roster(store, file)
    for done in result.applied:
        typer.echo(f"{done.action:<9} {done.fingerprint or '-':<32}  {done.branch} / {done.host}")
    for error in result.errors:
        typer.echo(f"ERROR     {error}", err=True)
    typer.echo(f"{len(result.applied)} row(s) applied, {len(result.errors)} refused "
               f"(read as {result.encoding})")  # fmt: skip
    if result.errors:
        raise typer.Exit(1)


@hq_app.command("ingest")
def ingest_command(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Report files, folders, zips."),
) -> None:
    """接收网点报告 — verify and store reports; refused ones go to quarantine with the reason."""
    from collections import Counter

    from secaudit.hq.ingest import ingest
    from secaudit.hq.inputs import read_inputs
    from secaudit.hq.render import labeller

    t = labeller()
    counts: Counter[str] = Counter()
    with _store(ctx) as store:
        for o in ingest(store, read_inputs(paths)):
            counts[o.status] += 1
            if o.status == "quarantined":
                typer.echo(f"REJECT {o.source}: {t(o.reason)} ({o.reason}): {o.detail}")
            elif o.status == "skipped":
                typer.echo(f"SKIP   {o.source}: {o.detail}")
    typer.echo(
        f"{counts['accepted']} accepted, {counts['duplicate']} already stored, "
        f"{counts['quarantined']} quarantined, {counts['skipped']} skipped"
    )
    raise typer.Exit(1 if counts["quarantined"] or counts["skipped"] else 0)


@hq_app.command("report")
def report_command(
    ctx: typer.Context,
    period: str = typer.Option(None, "--period", help="Month YYYY-MM (default: latest)."),
    since: str = typer.Option(None, "--since", help="Start (ISO date/time)."),
    until: str = typer.Option(None, "--until", help="End, exclusive (default: now)."),
    fmt: HqFormat = typer.Option(HqFormat.HTML, "--format", "-f", help="html|csv|json"),
    out: Path = typer.Option(None, "--out", "-o", help="Output file or folder."),
    issuer: str = typer.Option("总行", "--issuer", help="Issuing office named on the cover."),
) -> None:
    """出具汇总报告 — the signed roll-up of all branches for a period."""
    from secaudit.hq.issue import issue_rollup
    from secaudit.hq.status import latest_mid
    from secaudit.hq.window import choose

    config = config_of(ctx)
    with _store(ctx) as store:
        window = choose(period, since, until, latest_mid(store))
        issued = issue_rollup(config, store, window, fmt=fmt, out=out, issuer=issuer)
    if issued.key_created:
        typer.echo(f"created head-office signing key in {config.home.keys_dir}")
    tot = issued.model["totals"]
    typer.echo(f"roll-up     {issued.path}")
    typer.echo(f"minisig     {issued.minisig}")
    typer.echo(f"fingerprint {issued.fingerprint}")
    typer.echo(
        f"period      {window.label}: {tot['verified']}/{tot['expected']} PCs verified, "
        f"{tot['missing']} missing, {tot['rejected']} rejected, {tot['gaps']} gap(s)"
    )


@hq_app.command("status")
def status_command(
    ctx: typer.Context,
    period: str = typer.Option(None, "--period", help="Month YYYY-MM (default: latest)."),
) -> None:
    """总行概况 — branches, PCs expected / reported, rejected, gaps, severe violations."""
    from secaudit.cli.output import table
    from secaudit.hq.render import labeller
    from secaudit.hq.status import fleet_status

    t = labeller()
    with _store(ctx) as store:
        st = fleet_status(store, period)
    rows = [
        [f"{r['id']} {r['name']}".strip(), r["expected"], r["reported"], r["verified"],
         r["rejected"], r["gaps"], r["severe"], t(r["verdict"]) if r["verdict"] else "—",
         "、".join(r["missing"])]
        for r in st.rows
    ]  # fmt: skip
    typer.echo(f"期间 {st.window.label}  登记密钥 {st.keys}  隔离报告(累计) {st.quarantined}")
    headers = ["网点", "应报", "已报", "验证", "拒收", "缺口", "严重违规", "结论", "未报送"]
    typer.echo(table(headers, rows))
    tot = st.totals
    typer.echo(
        f"合计: {tot['branches']} 个网点, 应报 {tot['expected']}, 已报 {tot['reported']}, "
        f"验证通过 {tot['verified']}, 未报送 {tot['missing']}, 拒收 {tot['rejected']}, "
        f"缺口 {tot['gaps']}, 严重/高危违规 {tot['severe']}"
    )
