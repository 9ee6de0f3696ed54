"""The ``secaudit`` command line: parse options, call a service, format output — nothing more.

One module per command group registers its commands on the app (``register(app)``). Errors:
only :class:`~secaudit.errors.SecauditError` is caught; its ``diagnostics()`` is printed and its
``exit_code`` returned (``--verbose`` adds the traceback). Anything else is an internal failure,
exit 3, with a one-line message (traceback with ``--verbose``).

The last stage: it may import every other; nothing imports it but ``secaudit.__main__``.
"""

from __future__ import annotations

import sys

from secaudit.cli.early import is_command, start_for_scan

if is_command(sys.argv[0]):  # before typer and the commands load: see secaudit.cli.early
    start_for_scan(sys.argv[1:])

import typer

from secaudit import __version__
from secaudit.cli import agent, check, forward, hq, ledger, policy, report, scan
from secaudit.cli.common import State
from secaudit.errors import SecauditError

app = typer.Typer(
    name="secaudit",
    help="secaudit — 银行网点计算机保密合规审计 (information-security compliance auditing agent).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_state = State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"secaudit {__version__}")
        raise typer.Exit(0)


@app.callback()
def _global(
    ctx: typer.Context,
    home: str = typer.Option(
        None,
        "--home",
        envvar="SECAUDIT_HOME",
        help="Folder for config, ledger, keys, cache, reports.",
    ),
    config: str = typer.Option(None, "--config", help="Config file (default: the home's)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show tracebacks of errors."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True),
) -> None:
    _state.home = home
    _state.config_path = config
    _state.verbose = verbose
    ctx.obj = _state


for _module in (scan, policy, ledger, agent, report, check, forward, hq):
    _module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``secaudit`` script; returns the process exit status."""
    try:
        status = app(args=argv, standalone_mode=False)
    except SecauditError as exc:
        typer.echo(f"secaudit: {exc.diagnostics()}", err=True)
        if _state.verbose:
            import traceback

            traceback.print_exc()
        return exc.exit_code
    except typer.Exit as exc:
        return int(exc.exit_code or 0)
    except typer.Abort:
        typer.echo("secaudit: aborted", err=True)
        return 130
    except KeyboardInterrupt:
        typer.echo("secaudit: interrupted", err=True)
        return 130
    except Exception as exc:
        # usage errors of the (vendored) click layer know how to show themselves
        shows = callable(getattr(exc, "show", None))
        if shows and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()  # type: ignore[attr-defined]
            return 2
        typer.echo(f"secaudit: internal error: {type(exc).__name__}: {exc}", err=True)
        if _state.verbose:
            import traceback

            traceback.print_exc()
        return 3
    return status if isinstance(status, int) else 0  # typer.Exit(n) returns n here


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
