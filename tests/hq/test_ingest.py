"""Ingest real branch reports: verification, quarantine reasons, idempotence, chains, re-keying."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from pathlib import Path

from secaudit.cli import main
from secaudit.hq.ingest import ingest
from secaudit.hq.inputs import read_inputs
from secaudit.hq.registry import enroll
from secaudit.hq.store import Store
from secaudit.report.keys import generate_keys

from .conftest import Fleet, roster_csv


def _reasons(home: Path) -> dict[str, str]:
    db = sqlite3.connect(home / "hq.db")
    try:
        return {Path(s.split("!")[-1]).name: r for s, r in db.execute(
            "SELECT source, reason FROM quarantine")}  # fmt: skip
    finally:
        db.close()


def _count(home: Path, table: str) -> int:
    db = sqlite3.connect(home / "hq.db")
    try:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
    finally:
        db.close()


def test_reports_as_mailed_in(fleet: Fleet, tmp_path: Path, capsys) -> None:
    home = tmp_path / "总行"
    roster = roster_csv(fleet, tmp_path / "roster" / "名册.csv")
    assert main(["--home", str(home), "hq", "roster", "import", str(roster)]) == 0
    # branch 0202 mails a zip; 0101 a folder; the bad ones come along
    with zipfile.ZipFile(tmp_path / "东街分理处.zip", "w") as zf:
        for f in sorted((fleet.mail / "0202").rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(fleet.mail / "0202"))
    bad = [fleet.tampered, fleet.resigned, fleet.unknown, fleet.conflicting]
    args = ["--home", str(home), "hq", "ingest", str(fleet.mail / "0101"),
            str(tmp_path / "东街分理处.zip"), *map(str, bad)]  # fmt: skip
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "9 accepted, 0 already stored, 6 quarantined, 0 skipped" in out
    assert _reasons(home) == {
        fleet.tampered.name: "tampered",
        fleet.resigned.name: "wrong_host",
        fleet.unknown.name: "unknown_key",
        fleet.conflicting.name: "conflicting_range",
        "城关-PC03-2026-10.html": "unknown_key",  # only pinned by the roster
        "城关-PC03-2026-12.html": "unknown_key",
    }
    assert "REJECT" in out and "报告被篡改" in out and "使用其他计算机的密钥签名" in out
    # idempotent: the same reports again change nothing (unknown keys are tried again)
    assert main(args) == 1
    assert "0 accepted, 12 already stored, 3 quarantined" in capsys.readouterr().out
    assert _count(home, "reports") == 9 and _count(home, "quarantine") == 6
    # the pinned key arrives: its reports are taken on the next ingest
    pub = fleet.pcs["城关-PC03"].keys / "secaudit.pub"
    assert main(["--home", str(home), "hq", "enroll", str(pub), "--branch", "0101",
                 "--host", "城关-PC03", "--role", "intranet"]) == 0  # fmt: skip
    assert main(["--home", str(home), "hq", "ingest", str(fleet.mail)]) == 0
    assert "2 accepted, 9 already stored" in capsys.readouterr().out
    assert _count(home, "reports") == 11 and _count(home, "quarantine") == 4


def test_report_of_unrostered_host_with_enrolled_key(fleet: Fleet, tmp_path: Path) -> None:
    """A PC's key moved to another PC (its reports name the new host): key of another host."""
    pc = fleet.pcs["东街-PC11"]
    with Store(tmp_path / "hq.db") as store:
        enroll(store, pc.keys / "secaudit.pub", branch="0202", host="东街-PC99", role="internet")
        (out,) = list(ingest(store, read_inputs([pc.reports["2026-10"]])))
    assert out.status == "quarantined" and out.reason == "wrong_host"
    assert "东街-PC11" in out.detail and "东街-PC99" in out.detail


def test_retired_key_and_unsigned(fleet: Fleet, tmp_path: Path) -> None:
    pc = fleet.pcs["城关-PC02"]
    new = generate_keys(tmp_path / "new", passphrase=None)
    plain = tmp_path / "plain.html"
    plain.write_bytes(b"<html><body>not signed</body></html>\n")
    with Store(tmp_path / "hq.db") as store:
        enroll(store, pc.keys / "secaudit.pub", branch="0101", host="城关-PC02", role="classified")
        (oct_,) = list(ingest(store, read_inputs([pc.reports["2026-10"]])))
        enroll(store, new.public, branch="0101", host="城关-PC02", role="classified",
               replace=True)  # fmt: skip
        # the fleet's fake clock runs in late 2026: date the replacement inside it
        store.db.execute("UPDATE keys SET retired = '2026-11-01T00:00:00+08:00' "
                         "WHERE retired IS NOT NULL")  # fmt: skip
        dec, nov, unsigned = list(ingest(store, read_inputs(
            [pc.reports["2026-12"], pc.reports["2026-11"], plain])))  # fmt: skip
    assert oct_.status == "accepted"
    assert dec.reason == "retired_key" and nov.reason == "retired_key"
    assert unsigned.reason == "unsigned"


def test_out_of_order_ingest_gives_the_same_chain(fleet: Fleet, tmp_path: Path) -> None:
    pc = fleet.pcs["城关-PC01"]
    copies = tmp_path / "in"
    copies.mkdir()
    for month in ("2026-12", "2026-10", "2026-11"):
        shutil.copy(pc.reports[month], copies / f"{month}.html")
    with Store(tmp_path / "hq.db") as store:
        enroll(store, pc.keys / "secaudit.pub", branch="0101", host="城关-PC01", role="internet")
        for name in ("2026-12.html", "2026-10.html", "2026-11.html"):
            (o,) = list(ingest(store, read_inputs([copies / name])))
            assert o.status == "accepted", o
        from secaudit.hq.rollup import _gaps, select_window
        from secaudit.hq.window import between

        window = between("2026-09-01", "2027-01-01")
        select_window(store.db, "win", window)
        assert _gaps(store.db, window) == []


def test_reports_of_schema_1_are_still_read(fleet: Fleet, tmp_path: Path) -> None:
    from secaudit.report.keys import load_signing_key
    from secaudit.report.sign import sign_report, split_signed

    pc = fleet.pcs["东街-PC11"]
    body, _ = split_signed(pc.reports["2026-10"].read_bytes())
    assert body.count(b'"schema": "secaudit.report/2"') == 1
    old = body.replace(b'"schema": "secaudit.report/2"', b'"schema": "secaudit.report/1"')
    path = tmp_path / "v1.html"
    path.write_bytes(sign_report(old, load_signing_key(pc.keys, passphrase=None)))
    with Store(tmp_path / "hq.db") as store:
        enroll(store, pc.keys / "secaudit.pub", branch="0202", host="东街-PC11", role="internet")
        (o,) = list(ingest(store, read_inputs([path])))
        schema = store.db.execute("SELECT schema FROM reports").fetchone()[0]
    assert o.status == "accepted" and schema == "secaudit.report/1"
    assert main(["verify", str(path), "--pubkey", str(pc.keys / "secaudit.pub")]) == 0


def test_signed_data_of_the_wrong_shape_is_quarantined(fleet: Fleet, tmp_path: Path) -> None:
    """An enrolled key signing nonsense (wrong types everywhere): an error record, no traceback,
    and nothing half-stored."""
    import json

    from secaudit.report.keys import load_signing_key
    from secaudit.report.render import json_for_html
    from secaudit.report.sign import sign_report, split_signed
    from secaudit.report.verify import embedded_data

    pc = fleet.pcs["东街-PC11"]
    page = pc.reports["2026-10"].read_bytes()
    key = load_signing_key(pc.keys, passphrase=None)
    body, _ = split_signed(page)
    start = body.index(b'id="secaudit-data">') + len(b'id="secaudit-data">')
    end = body.index(b"</script>", start)
    variants = {
        "prev_hash": lambda m: m["ledger_range"].update(prev_hash={"x": 1}),
        "rule": lambda m: m["violations"].append({"rule": ["SEC"], "severity": 3}),
        "period": lambda m: m.update(period=["2026"]),
        "findings": lambda m: m["findings"].append({"sha256": {"a": 1}}),
    }
    paths = []
    for name, change in variants.items():
        model = json.loads(json.dumps(embedded_data(page)))
        change(model)
        data = body[:start] + json_for_html(model).encode() + body[end:]
        paths.append(tmp_path / f"{name}.html")
        paths[-1].write_bytes(sign_report(data, key))
    with Store(tmp_path / "hq.db") as store:
        enroll(store, pc.keys / "secaudit.pub", branch="0202", host="东街-PC11", role="internet")
        outcomes = list(ingest(store, read_inputs(paths)))
        counts = [store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
                  for t in ("reports", "violations", "documents")]  # fmt: skip
    assert [o.reason for o in outcomes] == ["malformed"] * 4, outcomes
    assert counts == [0, 0, 0]
