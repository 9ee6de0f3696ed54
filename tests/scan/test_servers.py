"""When the scan command starts the workers' fork server ahead: only when every file will be
read (no scan cache to serve any); an unchanged rescan served from the cache starts none."""

from __future__ import annotations

from pathlib import Path

import pytest

from secaudit.scan.servers import CACHE_FILE, reads_every_file


def test_no_cache_or_none_yet_reads_every_file(tmp_path: Path) -> None:
    assert reads_every_file(tmp_path, use_cache=False)
    assert reads_every_file(tmp_path, use_cache=True)
    assert reads_every_file(tmp_path / "missing", use_cache=True)


def test_a_cache_written_may_serve_the_scan(tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_bytes(b"")
    assert not reads_every_file(tmp_path, use_cache=True)
    assert reads_every_file(tmp_path, use_cache=False)


def test_scan_arguments_found_behind_global_options() -> None:
    from secaudit.cli.early import scan_arguments

    assert scan_arguments(["scan", "/x"]) == (None, ["/x"])
    assert scan_arguments(["--home", "/h", "-v", "scan", "--no-cache", "/x"]) == (
        "/h",
        ["--no-cache", "/x"],
    )
    assert scan_arguments(["--home=/h", "--config", "/c.toml", "scan"]) == ("/h", [])
    assert scan_arguments(["--config=/c.toml", "--verbose", "scan", "a"]) == (None, ["a"])
    for other in (
        [],
        ["status"],
        ["extract", "scan"],
        ["--version", "scan"],
        ["--home"],
        ["--home", "scan"],
        ["--unknown", "scan"],
        ["policy", "scan"],
    ):
        assert scan_arguments(other) is None, other


def test_early_start_only_for_a_scan_that_reads_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from secaudit.cli import early
    from secaudit.scan import servers

    started: list[bool] = []
    monkeypatch.setattr(servers, "start_fork_server", lambda: started.append(True))
    home = str(tmp_path)
    early.start_for_scan(["--home", home, "scan", "/x"])  # no cache yet
    early.start_for_scan(["--home", home, "scan", "--help"])
    early.start_for_scan(["--home", home, "status"])
    assert started == [True]
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / CACHE_FILE).write_bytes(b"")
    early.start_for_scan(["--home", home, "scan", "/x"])  # may be served from the cache
    assert started == [True]
    early.start_for_scan([f"--home={home}", "scan", "--no-cache", "/x"])
    assert started == [True, True]


def test_only_the_secaudit_command_starts_early() -> None:
    from secaudit.cli.early import is_command

    assert is_command("/usr/local/bin/secaudit")
    assert is_command("/src/secaudit/__main__.py")
    assert not is_command("/usr/bin/pytest")
    assert not is_command("/x/pytest/__main__.py")
    assert not is_command("-c")
