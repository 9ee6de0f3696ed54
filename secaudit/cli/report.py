"""``secaudit keygen``, ``report``, ``verify`` and ``selfcheck``: signed audit reports."""

from __future__ import annotations

from pathlib import Path

import typer

from secaudit.cli.common import config_of
from secaudit.errors import SecauditError, UsageError
from secaudit.report import ReportFormat
from secaudit.textsafe import shown


def register(app: typer.Typer) -> None:
    app.command("keygen")(keygen_command)
    app.command("report")(report_command)
    app.command("verify")(verify_command)
    app.command("selfcheck")(selfcheck_command)


def keygen_command(
    ctx: typer.Context,
    out: Path = typer.Option(None, "--out", help="Keys folder (default: the home's keys/)."),
) -> None:
    """生成报告签名密钥 — create the Ed25519 report signing key pair (never overwrites)."""
    from secaudit.report.keys import generate_keys, passphrase_from

    config = config_of(ctx)
    files = generate_keys(out or config.home.keys_dir, passphrase=passphrase_from(config.report))
    typer.echo(f"private key  {files.private}")
    typer.echo(f"public key   {files.public}")
    typer.echo(f"minisign key {files.minisign}")
    typer.echo(f"fingerprint  {files.fingerprint}")


def report_command(
    ctx: typer.Context,
    since: str = typer.Option(
        None, "--since", help="Start (ISO date/time; default: after the last issued report)."
    ),
    until: str = typer.Option(None, "--until", help="End, exclusive (default: now)."),
    out: Path = typer.Option(
        None, "--out", "-o", help="Output file or folder (default: reports/)."
    ),
    lang: str = typer.Option(None, "--lang", help="zh | en (default: config [report] lang)."),
    fmt: ReportFormat = typer.Option(ReportFormat.HTML, "--format", "-f", help="html|json|csv"),
) -> None:
    """生成签名审计报告 — write a signed report from the ledger (+ a .minisig beside it)."""
    from secaudit.ledger import Ledger
    from secaudit.report.build import ReportRequest
    from secaudit.report.issue import issue_report, signing_key_of

    config = config_of(ctx)
    lang = lang or config.report.lang
    if lang not in ("zh", "en"):
        raise UsageError(f"--lang must be zh or en, not {lang!r}")
    key = signing_key_of(config)
    with Ledger(config.home.ledger) as ledger:
        policy, questions = _policy_identity(config)
        req = ReportRequest(since=since, until=until, lang=lang, policy=policy, questions=questions)
        issued = issue_report(config, ledger, req, out=out, fmt=fmt, key=key)
    typer.echo(f"report      {issued.path}")
    typer.echo(f"minisig     {issued.minisig}")
    typer.echo(f"fingerprint {issued.fingerprint}")
    rng = issued.model["ledger_range"]
    typer.echo(
        f"ledger      seq {rng['first_seq']}–{rng['last_seq']}, "
        f"{issued.model['summary']['violations']} violation(s)"
    )


def verify_command(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="Signed HTML reports."),
    pubkey: list[Path] = typer.Option(None, "--pubkey", help="Trusted public key (PEM/minisign)."),
    trust: list[Path] = typer.Option(
        None,
        "--trust",
        help="Keys bound to hosts: a folder (<branch>/<host>.pub, any depth) or a "
        "host,fingerprint mapping (.toml/.csv).",
    ),
) -> None:
    """验证报告签名和证据链 — verify signed reports and the ledger chain between them."""
    from secaudit.report.trust import load_trust
    from secaudit.report.verify import (
        chain_breaks,
        chain_gaps,
        describe,
        embedded_data,
        verify_report,
    )

    pubkeys, trusts = list(pubkey or []), list(trust or [])
    if not pubkeys and not trusts:
        keys_dir = config_of(ctx).home.keys_dir
        if not keys_dir.is_dir():
            raise UsageError(
                f"no trusted public keys: {keys_dir} does not exist; pass the signing host's "
                "public key with --pubkey FILE or keys bound to hosts with --trust DIR|FILE"
            )
        pubkeys = [keys_dir]
    bound = load_trust(pubkeys, trusts)
    if not bound.keys:
        raise UsageError(f"no trusted public keys in {', '.join(map(str, pubkeys + trusts))}")
    failed = 0
    verified = []
    for f in files:
        try:
            data = f.read_bytes()
            fp = verify_report(data, bound.keys)
            model = embedded_data(data)
            bound.check_host(fp, model)
        except (OSError, SecauditError) as exc:
            failed += 1
            msg = exc.diagnostics() if isinstance(exc, SecauditError) else str(exc)
            typer.echo(shown(f"FAIL {f}: {msg}"))
            continue
        verified.append((str(f), model))
        typer.echo(shown(f"OK   {f}: key {fp}, {describe(model)}"))  # names from a report
    problems = [g.describe() for g in chain_gaps(verified)]
    problems += [b.describe() for b in chain_breaks(verified)]
    for line in problems:
        typer.echo(shown(f"GAP  {line}"))
    if failed or problems:
        raise typer.Exit(1)


def selfcheck_command(
    ctx: typer.Context,
    answers: Path = typer.Option(None, "--answers", help="Checklist answers (YAML/JSON)."),
    interactive: bool = typer.Option(False, "--interactive", help="Ask the checklist here."),
    out: Path = typer.Option(None, "--out", "-o", help="Report file or folder."),
    lang: str = typer.Option(None, "--lang", help="zh | en"),
) -> None:
    """定期保密自查 — run the self-inspection and issue a signed report."""
    from secaudit.selfcheck.run import run_selfcheck

    if answers and interactive:
        raise UsageError("use either --answers or --interactive")
    config = config_of(ctx)
    result = run_selfcheck(
        config,
        answers_file=answers,
        interactive=interactive,
        out=out,
        lang=lang or config.report.lang,
    )
    typer.echo(f"自查得分 score {result.score:.1f} / 100 — {result.verdict_text}")
    typer.echo(f"report      {result.report.path}")
    typer.echo(f"minisig     {result.report.minisig}")
    raise typer.Exit(0 if result.verdict == "meets" else 1)


def _policy_identity(config):  # type: ignore[no-untyped-def]
    """The configured policy's identity and checklist questions by id; (None, {}) when it
    cannot be loaded (the report then takes the identity from the ledger)."""
    from secaudit.cli.common import policy_of

    try:
        policy = policy_of(config)
    except SecauditError:
        return None, {}
    questions = {c.id: c.to_json() for c in policy.checklist}
    return {**policy.identity(), "title": policy.title}, questions
