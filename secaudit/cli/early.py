"""What ``secaudit scan`` starts before its command line is parsed: the workers' fork server.

Loading the command line (typer and every command module, ~0.1 s) and the fork server's own
start (~0.3 s: interpreter, modules, detectors, prefilter) are both on the way to the first
file read. :func:`start_for_scan` looks at the raw arguments for the ``scan`` command and, when
every file will be read (``--no-cache``, or no scan cache in the home yet:
:func:`~secaudit.scan.servers.reads_every_file`), starts the server at once, so the two run on
both cores. It only ever starts the server earlier than the scan command would: a guess that
misreads the arguments costs a server started for nothing or started later, never a result.
"""

from __future__ import annotations

import os

_GLOBAL_VALUES = ("--home", "--config")
"""Global options of ``secaudit`` that take a value (``--home DIR`` or ``--home=DIR``)."""


def scan_arguments(argv: list[str]) -> tuple[str | None, list[str]] | None:
    """``(home, arguments after "scan")`` when ``argv`` (without the program) runs
    ``secaudit [global options] scan …``; ``None`` for any other command."""
    home = None
    at = 0
    while at < len(argv):
        arg = argv[at]
        name, eq, value = arg.partition("=")
        if name in _GLOBAL_VALUES:
            if not eq:
                at += 1
                value = argv[at] if at < len(argv) else ""
            home = value if name == "--home" else home
        elif arg in ("--verbose", "-v"):
            pass
        elif arg == "scan":
            return home, argv[at + 1 :]
        else:
            return None  # another command, --version, --help, or an option not known here
        at += 1
    return None


def start_for_scan(argv: list[str]) -> None:
    """Start the fork server now if ``argv`` is a scan that will read every file."""
    found = scan_arguments(argv)
    if found is None:
        return
    home, rest = found
    if any(a in ("--help", "--") for a in rest):
        return
    try:
        from secaudit.config_home import Home
        from secaudit.scan.servers import reads_every_file, start_fork_server

        if reads_every_file(Home.resolve(home or None).cache_dir, "--no-cache" not in rest):
            start_fork_server()
    except Exception:  # noqa: BLE001 - the scan command starts it (or reports the problem)
        return


def is_command(argv0: str) -> bool:
    """Whether the program runs as the ``secaudit`` command (script or ``python -m secaudit``),
    not as a library of another program (tests, the agent)."""
    return os.path.basename(argv0) == "secaudit" or argv0.endswith(
        os.path.join("secaudit", "__main__.py")
    )
