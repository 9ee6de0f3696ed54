"""When the scan command starts the workers' fork server ahead: only when every file will be
read (no scan cache to serve any); an unchanged rescan served from the cache starts none."""

from __future__ import annotations

from pathlib import Path

from secaudit.scan.servers import CACHE_FILE, reads_every_file


def test_no_cache_or_none_yet_reads_every_file(tmp_path: Path) -> None:
    assert reads_every_file(tmp_path, use_cache=False)
    assert reads_every_file(tmp_path, use_cache=True)
    assert reads_every_file(tmp_path / "missing", use_cache=True)


def test_a_cache_written_may_serve_the_scan(tmp_path: Path) -> None:
    (tmp_path / CACHE_FILE).write_bytes(b"")
    assert not reads_every_file(tmp_path, use_cache=True)
    assert reads_every_file(tmp_path, use_cache=False)
