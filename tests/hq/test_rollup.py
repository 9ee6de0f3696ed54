"""The signed roll-up from real branch reports: every section, CSV/JSON, `secaudit verify`,
`minisign -V`, and `hq status`."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from secaudit.cli import main
from secaudit.hq.issue import safe_cell
from secaudit.report.verify import embedded_data

from .conftest import EVIL, SHARED_SERIAL, UUID_ONLY, Fleet, roster_csv

MINISIGN = shutil.which("minisign")


@dataclass
class Rolled:
    home: Path
    html: Path
    model: dict[str, Any]
    out: str


@pytest.fixture(scope="module")
def rolled(fleet: Fleet, tmp_path_factory: pytest.TempPathFactory) -> Rolled:
    """The reviewer's three commands (and the late key of 城关-PC03)."""
    base = tmp_path_factory.mktemp("hq")
    home = base / "总行"
    roster = roster_csv(fleet, base / "roster" / "名册.csv")
    pub = fleet.pcs["城关-PC03"].keys / "secaudit.pub"
    bad = [fleet.tampered, fleet.resigned, fleet.unknown, fleet.conflicting]
    h = ["--home", str(home), "hq"]
    assert main([*h, "roster", "import", str(roster)]) == 0
    assert main([*h, "enroll", str(pub), "--branch", "0101", "--host", "城关-PC03",
                 "--role", "intranet"]) == 0  # fmt: skip
    assert main([*h, "ingest", str(fleet.mail), *map(str, bad)]) == 1
    html = base / "汇总.html"
    assert main([*h, "report", "--period", "2026-12", "--out", str(html)]) == 0
    return Rolled(home, html, embedded_data(html.read_bytes()), "")


def test_schema_and_coverage(rolled: Rolled) -> None:
    m = rolled.model
    assert m["schema"] == "secaudit.hqreport/1" and m["period"]["label"] == "2026年12月"
    by_id = {b["id"]: b for b in m["branches"]}
    assert by_id["0202"]["missing"] == ["东街-PC12"] and by_id["0101"]["missing"] == []
    assert by_id["0101"]["name"] == "城关支行"
    assert (by_id["0101"]["expected"], by_id["0101"]["verified"]) == (3, 3)
    assert m["totals"]["missing"] == 1 and m["totals"]["expected"] == 5
    hosts = {h["host"]: h for h in m["hosts"]}
    assert hosts["城关-PC01"]["verdict"] == "fails" and hosts["城关-PC01"]["score"] is not None
    assert by_id["0101"]["verdict"] == "fails"  # one PC fails: the branch fails


def test_rejected_and_gaps(rolled: Rolled, fleet: Fleet) -> None:
    m = rolled.model
    reasons = {Path(r["source"]).name: r["reason"] for r in m["rejected"]}
    assert reasons == {
        fleet.tampered.name: "tampered",
        fleet.resigned.name: "wrong_host",
        fleet.unknown.name: "unknown_key",
        fleet.conflicting.name: "conflicting_range",
    }
    (gap,) = m["gaps"]  # 城关-PC03 withheld its November report
    assert (gap["host"], gap["kind"]) == ("城关-PC03", "missing")
    assert gap["before"].endswith("城关-PC03-2026-10.html")
    assert gap["after"].endswith("城关-PC03-2026-12.html")
    assert gap["seq"][0] <= gap["seq"][1]


def test_cross_media_and_document_spread(rolled: Rolled) -> None:
    media = {c["id"]: c for c in rolled.model["cross_media"]}
    stick = media[SHARED_SERIAL]
    assert not stick["weaker"] and stick["roles"] == ["classified", "internet"]
    assert stick["branches"] == ["0101", "0202"]
    assert {s["host"] for s in stick["sightings"]} == {"城关-PC02", "东街-PC11"}
    assert media[UUID_ONLY]["weaker"] and media[UUID_ONLY]["by"] == "fs_uuid"
    (doc,) = rolled.model["documents"]
    assert doc["hosts"] == 2 and doc["classification"] == "secret"
    assert doc["names"] == ["2026年信贷计划.txt"]


def test_rectification_and_trend(rolled: Rolled) -> None:
    r = rolled.model["rectification"]
    assert [(v["host"], v["rule"]) for v in r["rectified"]] == [("城关-PC01", "SEC-001")]
    assert [(v["host"], v["rule"]) for v in r["open"]] == [("东街-PC11", "DATA-001")]
    assert r["rectified"][0]["path"].endswith(EVIL)
    trend = {p["label"]: p for p in rolled.model["trend"]}
    assert trend["2026年10月"]["reports"] == 4 and trend["2026年11月"]["reports"] == 3
    assert trend["2026年12月"]["verified_pcs"] == 4 and len(trend) == 12


def test_html_is_escaped_and_has_the_sections(rolled: Rolled) -> None:
    text = rolled.html.read_text(encoding="utf-8")
    visible = text.split('id="secaudit-data"')[0]
    assert "<script>alert(1)</script>" not in visible  # the file name is escaped
    for section in ("cover", "summary", "coverage", "scores", "violations", "rejected", "gaps",
                    "cross-media", "documents", "rectification", "trend"):  # fmt: skip
        assert f'<section id="{section}"' in text
    assert "东街-PC12" in visible and "报告被篡改" in visible and "较弱" in visible


def test_verify_accepts_the_rollup_and_refuses_a_changed_byte(rolled: Rolled, tmp_path, capsys):
    pub = rolled.home / "keys" / "secaudit.pub"
    assert main(["verify", str(rolled.html), "--pubkey", str(pub)]) == 0
    assert "head-office roll-up" in capsys.readouterr().out
    bad = tmp_path / "bad.html"
    data = bytearray(rolled.html.read_bytes())
    data[len(data) // 2] ^= 0x01
    bad.write_bytes(bytes(data))
    assert main(["verify", str(bad), "--pubkey", str(pub)]) == 1


@pytest.mark.skipif(not MINISIGN, reason="minisign is not installed (./install.sh --dev)")
def test_real_minisign_accepts_the_rollup(rolled: Rolled) -> None:
    proc = subprocess.run(
        [MINISIGN, "-V", "-p", str(rolled.home / "keys" / "secaudit.minisign.pub"),
         "-m", str(rolled.html)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "secaudit hq report" in proc.stdout


def test_csv_and_json(rolled: Rolled, tmp_path: Path) -> None:
    h = ["--home", str(rolled.home), "hq", "report", "--period", "2026-12"]
    assert main([*h, "--format", "csv", "--out", str(tmp_path / "r.csv")]) == 0
    raw = (tmp_path / "r.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    sections = {r["section"] for r in rows}
    assert {"coverage", "rejected", "gap", "cross_media", "document", "open_violation"} <= sections
    missing = [r for r in rows if r["section"] == "coverage" and r["status"] == "missing"]
    assert [r["host"] for r in missing] == ["东街-PC12"]
    assert (tmp_path / "r.csv.minisig").exists()
    assert main([*h, "--format", "json", "--out", str(tmp_path / "r.json")]) == 0
    model = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert model["totals"] == rolled.model["totals"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-2", "'-2"), ("@a", "'@a"),
     ("\tx", "'\tx"), ("城关", "城关"), (None, ""), (3, "3")],
)  # fmt: skip
def test_formula_safe_cells(cell: object, expected: str) -> None:
    assert safe_cell(cell) == expected


def test_status(rolled: Rolled, capsys) -> None:
    assert main(["--home", str(rolled.home), "hq", "status", "--period", "2026-12"]) == 0
    out = capsys.readouterr().out
    assert "2026年12月" in out and "0202 东街分理处" in out and "东街-PC12" in out
    assert "未报送 1" in out and "缺口 1" in out
    assert main(["--home", str(rolled.home), "hq", "status"]) == 0  # latest month by default
    assert "2026年12月" in capsys.readouterr().out


def test_role_unlike_the_roster_is_flagged(fleet: Fleet, rolled: Rolled, tmp_path: Path) -> None:
    from secaudit.hq.ingest import ingest
    from secaudit.hq.inputs import read_inputs
    from secaudit.hq.registry import enroll
    from secaudit.hq.rollup import build_rollup
    from secaudit.hq.store import Store
    from secaudit.hq.window import month

    assert rolled.model["totals"]["role_mismatch"] == 0
    pc = fleet.pcs["城关-PC02"]  # set up as classified; the roster says internet
    with Store(tmp_path / "hq.db") as store:
        enroll(store, pc.keys / "secaudit.pub", branch="0101", host="城关-PC02", role="internet")
        assert [o.status for o in ingest(store, read_inputs([pc.reports["2026-12"]]))] == [
            "accepted"
        ]
        model = build_rollup(store, month("2026-12"), issuer={"name": "总行", "key": ""})
    (host,) = model["hosts"]
    assert host["role"] == "internet" and host["reported_role"] == "classified"
    assert model["totals"]["role_mismatch"] == 1
