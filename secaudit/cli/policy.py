"""``secaudit policy lint|show|test``: check, display and unit-test policy files.

Parses options and delegates to :mod:`secaudit.policy`; every invalid policy raises
:class:`~secaudit.errors.PolicyError` (exit 2, every problem listed as ``file:line: field``).
"""

from __future__ import annotations

from pathlib import Path

import typer

from secaudit.cli.common import config_of
from secaudit.errors import PolicyError

policy_app = typer.Typer(
    name="policy",
    help="保密策略：检查、查看、测试 — check, show and test policy files.",
    no_args_is_help=True,
)

_POLICY_OPTION = typer.Option(
    None, "--policy", "-p", help="Policy file (default: from config, else the shipped default)."
)


def register(app: typer.Typer) -> None:
    """Add the ``policy`` command group to ``app``."""
    app.add_typer(policy_app, name="policy")


def _effective_path(ctx: typer.Context, policy: Path | None) -> str | None:
    if policy is not None:
        return str(policy)
    return config_of(ctx).policy.path or None


@policy_app.command("lint")
def lint_command(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(None, help="Policy files (default: the effective policy)."),
) -> None:
    """检查策略文件格式 — validate policy files; exit 2 listing every problem."""
    from secaudit.policy import load_policy

    targets: list[str | None] = [str(f) for f in files] if files else [_effective_path(ctx, None)]
    problems: list[str] = []
    for target in targets:
        try:
            policy = load_policy(target)
        except PolicyError as exc:
            problems.extend(exc.problems or [exc.diagnostics()])
            continue
        typer.echo(
            f"OK {policy.files[0]}: {policy.id} {policy.version} "
            f"({len(policy.rules)} rules, {len(policy.checks)} host checks) "
            f"sha256={policy.sha256}"
        )
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        raise PolicyError(f"policy lint: {len(problems)} {noun}", problems)


@policy_app.command("show")
def show_command(
    ctx: typer.Context,
    policy: Path = _POLICY_OPTION,
    details: bool = typer.Option(False, "--details", help="Also print basis and remedy."),
) -> None:
    """显示生效的策略 — print the effective policy as tables (zh)."""
    from secaudit.policy import load_policy
    from secaudit.policy.describe import show_policy

    typer.echo(show_policy(load_policy(_effective_path(ctx, policy)), details=details))


@policy_app.command("test")
def test_command(
    ctx: typer.Context,
    directory: Path = typer.Argument(
        None, help="Folder (or file) of YAML cases (default: tests/ beside the policy file)."
    ),
    policy: Path = _POLICY_OPTION,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List passing cases too."),
) -> None:
    """运行策略用例 — run YAML policy cases; exit 1 if any case fails."""
    from secaudit.policy import load_policy
    from secaudit.policy.tests_runner import default_case_dir, run_policy_tests

    loaded = load_policy(_effective_path(ctx, policy))
    results = run_policy_tests(loaded, directory or default_case_dir(loaded))
    failed = [r for r in results if not r.passed]
    for r in results:
        if r.passed and not verbose:
            continue
        typer.echo(f"{'PASS' if r.passed else 'FAIL'} {r.file}:{r.line}: {r.name}")
        if not r.passed:
            missing = sorted(r.expected - r.got_ids)
            extra = sorted(r.got_ids - r.expected)
            typer.echo(
                f"     expected {sorted(r.expected)}, got {sorted(r.got_ids)}"
                + (f"; missing {missing}" if missing else "")
                + (f"; unexpected {extra}" if extra else "")
            )
            for rule, member in r.missing_members:
                typer.echo(f"     no {rule} violation for member {member!r}")
    # host checks: ``check_cases`` in the same files (secaudit.checks.tests_runner)
    from secaudit.checks.tests_runner import run_check_cases

    check_results = run_check_cases(loaded, directory or default_case_dir(loaded))
    for c in check_results:
        if c.passed and not verbose:
            continue
        typer.echo(f"{'PASS' if c.passed else 'FAIL'} {c.file}:{c.line}: {c.name}")
        for check_id, want, got in c.mismatches:
            seen = f"{got.outcome.value}, observed {got.observed.display}" if got else "not run"
            typer.echo(f"     {check_id}: expected {want}, got {seen}")
    failed_checks = [c for c in check_results if not c.passed]
    total = len(results) + len(check_results)
    bad = len(failed) + len(failed_checks)
    typer.echo(f"{total - bad} passed, {bad} failed ({loaded.id} {loaded.version})")
    raise typer.Exit(1 if bad else 0)
