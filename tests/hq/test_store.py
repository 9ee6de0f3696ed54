"""The head-office store: schema version, migrations from an older store, a newer one refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from secaudit.hq.store import MIGRATIONS, VERSION, Store, StoreError, schema_version


def test_fresh_store_is_at_the_current_version(tmp_path: Path) -> None:
    with Store(tmp_path / "hq.db") as store:
        assert store.version == VERSION
        tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master")}
    assert {"reports", "quarantine", "keys", "key_log", "hosts", "branches"} <= tables
    assert (tmp_path / "hq.db").stat().st_mode & 0o077 == 0


def test_version_1_store_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "hq.db"
    with Store(path, migrations=MIGRATIONS[:1]) as old:
        assert old.version == 1
        old.db.execute(
            "INSERT INTO quarantine(sha256, reason, ingested) VALUES ('ab', 'tampered', 'x')"
        )
        columns = {r[1] for r in old.db.execute("PRAGMA table_info(quarantine)")}
        assert "conflicts_with" not in columns
    with Store(path) as store:
        assert store.version == VERSION == 2
        row = store.db.execute("SELECT reason, conflicts_with FROM quarantine").fetchone()
        assert row == ("tampered", None)
        versions = [v for (v,) in store.db.execute("SELECT version FROM schema_version")]
    assert versions == [1, 2]
    with Store(path) as again:  # opening once more changes nothing
        assert again.version == 2


def test_failed_migration_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "hq.db"
    Store(path, migrations=MIGRATIONS[:1]).close()
    broken = (
        *MIGRATIONS[:1],
        (2, "ALTER TABLE quarantine ADD COLUMN x INTEGER; SELECT * FROM nope"),
    )
    with pytest.raises(StoreError):
        Store(path, migrations=broken)
    db = sqlite3.connect(path)
    try:
        assert schema_version(db) == 1
        assert "x" not in {r[1] for r in db.execute("PRAGMA table_info(quarantine)")}
    finally:
        db.close()


def test_store_of_a_newer_secaudit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hq.db"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO schema_version VALUES (99)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer"):
        Store(path)
