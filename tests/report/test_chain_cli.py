"""Chains between consecutive reports of one host, and the keygen/report/verify commands."""

from __future__ import annotations

import json
import os
import random
import stat
from pathlib import Path

from secaudit.cli import main
from secaudit.config import Config
from secaudit.ledger import Ledger
from secaudit.report.build import ReportRequest
from secaudit.report.issue import issue_report
from secaudit.report.keys import SigningKey
from secaudit.report.verify import chain_gaps, embedded_data

from .conftest import fill_ledger


def _reports(config: Config, key: SigningKey, rng: random.Random, n: int) -> list[Path]:
    out = []
    with Ledger(config.home.ledger) as led:
        for i in range(n):
            fill_ledger(led, rng, scan_id=f"scan-{i}")
            out.append(
                issue_report(
                    config,
                    led,
                    ReportRequest(),
                    key=key,
                    out=config.home.reports_dir / f"r{i}.html",
                ).path
            )
    return out


def test_default_reports_chain_without_gaps(config: Config, key: SigningKey, rng) -> None:
    paths = _reports(config, key, rng, 3)
    models = [embedded_data(p.read_bytes()) for p in paths]
    for a, b in zip(models, models[1:], strict=False):
        assert b["ledger_range"]["prev_hash"] == a["ledger_range"]["last_hash"]
        assert b["ledger_range"]["first_seq"] == a["ledger_range"]["last_seq"] + 1
    assert chain_gaps([(str(p), m) for p, m in zip(paths, models, strict=True)]) == []
    # the report_issued event of one report is evidence inside the next one
    with Ledger(config.home.ledger) as led:
        issued = list(led.events(kinds=["report_issued"]))
    assert len(issued) == 3 and issued[0].seq <= models[1]["ledger_range"]["last_seq"]


def test_missing_report_is_named_as_gap(config: Config, key: SigningKey, rng, capsys) -> None:
    paths = _reports(config, key, rng, 3)
    models = [(str(p), embedded_data(p.read_bytes())) for p in paths]
    gaps = chain_gaps([models[0], models[2]])
    assert len(gaps) == 1
    gap = gaps[0]
    assert gap.before == str(paths[0]) and gap.after == str(paths[2])
    assert gap.missing_from == models[1][1]["ledger_range"]["first_seq"]
    assert gap.missing_to == models[1][1]["ledger_range"]["last_seq"]
    assert "网点PC-01" in gap.describe()
    pub = config.home.keys_dir / "secaudit.pub"
    assert main(["verify", str(paths[0]), str(paths[2]), "--pubkey", str(pub)]) == 1
    out = capsys.readouterr().out
    assert out.count("OK   ") == 2 and "GAP  chain gap on host 网点PC-01" in out
    assert str(paths[0]) in out.split("GAP")[1] and str(paths[2]) in out.split("GAP")[1]
    assert main(["verify", *map(str, paths), "--pubkey", str(pub)]) == 0


def test_monthly_periods_chain_and_a_skipped_month_is_a_gap(
    config: Config, key: SigningKey
) -> None:
    months = ["2026-01", "2026-02", "2026-03"]
    with Ledger(config.home.ledger) as led:
        for m in months:
            for day in ("05", "20"):
                led.append(
                    "connectivity",
                    {
                        "connected": False,
                        "previous": None,
                        "routes": [],
                        "interfaces": [],
                        "probes": [],
                    },
                    ts=f"{m}-{day}T10:00:00+08:00",
                )
        models = {
            m: issue_report(
                config,
                led,
                ReportRequest(since=f"{m}-01", until=f"{m}-31"),
                key=key,
                out=config.home.reports_dir / f"{m}.html",
            ).model
            for m in months
        }
    assert [models[m]["ledger_range"]["first_seq"] for m in months] == [1, 3, 5]
    assert chain_gaps([(m, models[m]) for m in months]) == []
    gaps = chain_gaps([("2026-01", models["2026-01"]), ("2026-03", models["2026-03"])])
    assert [(g.before, g.after, g.missing_from, g.missing_to) for g in gaps] == [
        ("2026-01", "2026-03", 3, 4)
    ]


def test_seq_gap_between_reports(config: Config, key: SigningKey, rng) -> None:
    with Ledger(config.home.ledger) as led:
        fill_ledger(led, rng)
        first = issue_report(config, led, ReportRequest(), key=key)
        fill_ledger(led, rng, scan_id="lost")
        # head office never gets the report for the events in between
        with Ledger(config.home.ledger) as other:
            lost_last = other.head().seq  # type: ignore[union-attr]
            other.append(
                "report_issued",
                {
                    "path": "/dev/null",
                    "sha256": "",
                    "period": {},
                    "ledger_range": {"last_seq": lost_last},
                },
            )
        fill_ledger(led, rng, scan_id="later")
        second = issue_report(config, led, ReportRequest(), key=key)
    gaps = chain_gaps([("jan.html", first.model), ("feb.html", second.model)])
    assert len(gaps) == 1
    assert gaps[0].missing_from == first.model["ledger_range"]["last_seq"] + 1
    assert gaps[0].missing_to == lost_last


def test_reports_of_different_hosts_are_not_chained(config: Config, key: SigningKey, rng) -> None:
    paths = _reports(config, key, rng, 2)
    a, b = (embedded_data(p.read_bytes()) for p in paths)
    b["host"]["hostname"] = "另一台"
    assert chain_gaps([("a", a), ("b", b)]) == []


def test_keygen_cli(tmp_path: Path, home: Path, capsys) -> None:
    out = tmp_path / "keys"
    assert main(["keygen", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    fp = text.split("fingerprint")[1].strip()
    assert len(fp) == 32 and int(fp, 16) >= 0
    assert stat.S_IMODE(os.stat(out / "secaudit.key").st_mode) == 0o600
    assert (out / "secaudit.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    assert (out / "secaudit.minisign.pub").read_text().startswith("untrusted comment: minisign")
    before = (out / "secaudit.key").read_bytes()
    assert main(["keygen", "--out", str(out)]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert (out / "secaudit.key").read_bytes() == before
    assert main(["keygen"]) == 0  # default: the home's keys folder
    assert (home / "keys" / "secaudit.key").exists()


def test_report_without_key_is_a_clear_error(config: Config, capsys) -> None:
    assert main(["report"]) == 2
    assert "secaudit keygen" in capsys.readouterr().err


def test_verify_without_any_trusted_key_says_how_to_pass_one(
    config: Config, tmp_path: Path, capsys
) -> None:
    report = tmp_path / "r.html"
    report.write_text("<html></html>", encoding="utf-8")
    assert main(["verify", str(report)]) == 2
    err = capsys.readouterr().err
    assert "--pubkey" in err and "does not exist" in err


def test_report_and_verify_cli(config: Config, key: SigningKey, rng, tmp_path: Path, capsys):
    with Ledger(config.home.ledger) as led:
        fill_ledger(led, rng)
    out = tmp_path / "月报.html"
    assert main(["report", "--out", str(out), "--lang", "en"]) == 0
    assert out.exists() and (tmp_path / "月报.html.minisig").exists()
    with Ledger(config.home.ledger) as led:
        ev = list(led.events(kinds=["report_issued"]))
    assert len(ev) == 1 and ev[0].data["path"] == str(out)
    capsys.readouterr()
    trust = tmp_path / "trust"
    trust.mkdir()
    (trust / "网点PC-01.pub").write_bytes((config.home.keys_dir / "secaudit.pub").read_bytes())
    assert main(["verify", str(out), "--trust", str(trust)]) == 0
    line = capsys.readouterr().out
    assert key.fingerprint in line and "网点PC-01" in line and "rcb-default" in line
    minisign_only = trust / "m.pub"
    minisign_only.write_bytes((config.home.keys_dir / "secaudit.minisign.pub").read_bytes())
    assert main(["verify", str(out), "--pubkey", str(minisign_only)]) == 0
    data = bytearray(out.read_bytes())
    data[200] ^= 1
    out.write_bytes(bytes(data))
    assert main(["verify", str(out), "--trust", str(trust)]) == 1
    assert "FAIL" in capsys.readouterr().out
    assert json.loads(json.dumps(ev[0].data))["ledger_range"]["first_seq"] == 1
