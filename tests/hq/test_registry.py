"""Key registry and roster: one key per host, explicit re-keying, pins, GBK / BOM rosters."""

from __future__ import annotations

from pathlib import Path

import pytest

from secaudit.cli import main
from secaudit.errors import UsageError
from secaudit.hq.registry import enroll, pin
from secaudit.hq.roster import import_roster
from secaudit.hq.store import Store
from secaudit.report.keys import KeyFiles, generate_keys


@pytest.fixture
def keys(tmp_path: Path) -> list[KeyFiles]:
    return [generate_keys(tmp_path / f"k{i}", passphrase=None) for i in range(3)]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "hq.db")
    yield s
    s.close()


def test_key_is_bound_to_one_host(store: Store, keys: list[KeyFiles]) -> None:
    first = enroll(store, keys[0].public, branch="0101", host="PC-01", role="互联网")
    assert first.action == "enrolled" and first.fingerprint == keys[0].fingerprint
    again = enroll(store, keys[0].minisign, branch="0101", host="PC-01", role="internet")
    assert again.action == "already"  # the minisign file of the same key
    with pytest.raises(UsageError, match="bound to one host"):
        enroll(store, keys[0].public, branch="0101", host="PC-02", role="internet")
    with pytest.raises(UsageError, match="--replace"):
        enroll(store, keys[1].public, branch="0101", host="PC-01", role="internet")


def test_rekeying_is_explicit_and_recorded(store: Store, keys: list[KeyFiles]) -> None:
    enroll(store, keys[0].public, branch="0101", host="PC-01", role="internet")
    done = enroll(store, keys[1].public, branch="0101", host="PC-01", role="internet",
                  replace=True)  # fmt: skip
    assert done.action == "replaced"
    rows = store.db.execute("SELECT fingerprint, retired FROM keys ORDER BY enrolled").fetchall()
    retired = dict(rows)
    assert retired[keys[0].fingerprint] is not None and retired[keys[1].fingerprint] is None
    log = store.db.execute("SELECT action, fingerprint, note FROM key_log ORDER BY id").fetchall()
    assert [a for a, _, _ in log] == ["enrolled", "replaced"]
    assert keys[0].fingerprint in log[1][2]
    with pytest.raises(UsageError, match="retired"):  # an old key does not come back
        enroll(store, keys[0].public, branch="0101", host="PC-01", role="internet", replace=True)


def test_pin_then_enroll(store: Store, keys: list[KeyFiles]) -> None:
    pin(store, keys[0].fingerprint, branch="0101", host="PC-01", role="intranet")
    with pytest.raises(UsageError, match="--replace"):
        enroll(store, keys[1].public, branch="0101", host="PC-01", role="intranet")
    assert enroll(store, keys[0].public, branch="0101", host="PC-01", role="内网").action == (
        "enrolled"
    )
    with pytest.raises(UsageError, match="unknown computer role"):
        enroll(store, keys[2].public, branch="0101", host="PC-09", role="涉外")


def _roster(path: Path, keys: list[KeyFiles], encoding: str) -> Path:
    mini = keys[1].minisign.read_text().splitlines()[1]
    text = (
        "网点编号,网点名称,计算机名,计算机类别,公钥\r\n"
        f"0101,城关支行,城关-PC01,互联网,{keys[0].public}\r\n"
        f"0101,城关支行,城关-PC02,涉密,{mini}\r\n"
        f"0202,东街分理处,东街-PC11,内网,{keys[2].fingerprint}\r\n"
        "0202,东街分理处,东街-PC12,内网,\r\n"
        f"0303,西关支行,西关-PC01,外网,{keys[0].public}\r\n"
        f"0303,西关支行,西关-PC02,内网,{keys[0].public}\r\n"
    )
    data = text.encode(encoding)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_roster_in_each_encoding(store: Store, keys, tmp_path: Path, encoding: str) -> None:
    result = import_roster(store, _roster(tmp_path / "名册.csv", keys, encoding))
    assert result.encoding == encoding
    assert [a.action for a in result.applied] == ["enrolled", "enrolled", "pinned", "expected"]
    assert len(result.errors) == 2
    assert "名册.csv:6" in result.errors[0] and "外网" in result.errors[0]
    assert "名册.csv:7" in result.errors[1] and "bound to one host" in result.errors[1]
    names = dict(store.db.execute("SELECT id, name FROM branches"))
    assert names["0202"] == "东街分理处"
    roles = dict(store.db.execute("SELECT host, role FROM hosts"))
    assert roles["城关-PC02"] == "classified" and roles["东街-PC12"] == "intranet"


def test_roster_cli_and_bad_header(hq_home: Path, keys, tmp_path: Path, capsys) -> None:
    path = _roster(tmp_path / "r.csv", keys, "gbk")
    assert main(["hq", "roster", "import", str(path)]) == 1  # two bad rows
    out = capsys.readouterr()
    assert "4 row(s) applied, 2 refused (read as gbk)" in out.out and "r.csv:6" in out.err
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["hq", "roster", "import", str(tmp_path / "bad.csv")]) == 2
    assert "lacks column" in capsys.readouterr().err
    assert main(["hq", "enroll", str(keys[2].public), "--branch", "0202", "--host",
                 "东街-PC11", "--role", "intranet"]) == 0  # fmt: skip
    assert "enrolled" in capsys.readouterr().out
