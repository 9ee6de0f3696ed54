"""The incremental scan cache on its own: put/get, keys, prefetch by root."""

from __future__ import annotations

from pathlib import Path

from secaudit.model import FileResult
from secaudit.scan.cache import ScanCache


def _result(path: str, size: int = 10, mtime_ns: int = 5) -> FileResult:
    return FileResult(path=path, size=size, sha256="ab" * 32, format="text", mtime_ns=mtime_ns)


def test_prefetched_root_serves_hits_and_misses_without_queries(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    cache = ScanCache(db, "v1")
    for p in ("/data/a/1.txt", "/data/a/sub/2.txt", "/data/ab/3.txt", "/other/4.txt"):
        cache.put(_result(p), inode=7)
    cache.close()

    cache = ScanCache(db, "v1")
    cache.prefetch(["/data/a"])
    assert set(cache._rows) == {"/data/a/1.txt", "/data/a/sub/2.txt"}  # not /data/ab (a sibling)
    assert cache.get("/data/a/1.txt", 10, 5, 7) == _result("/data/a/1.txt")
    assert cache.get("/data/a/sub/2.txt", 10, 6, 7) is None  # mtime changed: a miss
    assert cache.get("/data/a/new.txt", 10, 5, 7) is None  # under the root, never cached
    # outside the prefetched root: still found through a query of its own
    assert cache.get("/other/4.txt", 10, 5, 7) == _result("/other/4.txt")
    assert cache.get("/data/ab/3.txt", 10, 5, 7) == _result("/data/ab/3.txt")
    cache.close()


def test_a_single_file_root_and_another_version(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    cache = ScanCache(db, "v1")
    cache.put(_result("/x/f.txt"), inode=1)
    cache.flush()
    cache.prefetch(["/x/f.txt"])
    assert cache.get("/x/f.txt", 10, 5, 1) == _result("/x/f.txt")
    cache.close()
    newer = ScanCache(db, "v2")  # other extractor/detector versions: nothing reused
    newer.prefetch(["/x"])
    assert newer.get("/x/f.txt", 10, 5, 1) is None
    newer.close()


def test_ctime_and_device_are_part_of_the_key_and_an_old_layout_is_rebuilt(
    tmp_path: Path,
) -> None:
    import sqlite3

    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, "
                "inode INTEGER, version TEXT, result TEXT)")
    con.execute("INSERT INTO files VALUES ('/x/f.txt', 10, 5, 1, 'v1', 'C|10|ab|text')")
    con.commit()
    con.close()
    cache = ScanCache(db, "v1")
    assert cache.get("/x/f.txt", 10, 5, 1) is None  # the old rows are gone
    cache.put(_result("/x/f.txt"), 1, 77, 3)
    cache.flush()
    assert cache.get("/x/f.txt", 10, 5, 1, 77, 3) == _result("/x/f.txt")
    assert cache.get("/x/f.txt", 10, 5, 1, 78, 3) is None  # rewritten, mtime put back
    assert cache.get("/x/f.txt", 10, 5, 1, 77, 4) is None  # same inode on another device
    cache.close()
