"""Self-inspection: answers, interactive prompts, grading, and the whole run end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from secaudit.cli import main
from secaudit.config import data_path, load_config
from secaudit.errors import UsageError
from secaudit.ledger import Ledger
from secaudit.policy import load_policy
from secaudit.report.keys import generate_keys, load_trusted_keys
from secaudit.report.verify import embedded_data, verify_report
from secaudit.selfcheck.score import AutoCheck, ask, grade, load_answers, manual_rows

EXAMPLE = data_path("policies", "checklist-answers.example.yaml")


def test_example_answers_cover_the_default_checklist() -> None:
    answers = load_answers(EXAMPLE)
    ids = [c.id for c in load_policy().checklist]
    assert sorted(answers) == sorted(ids)
    rows = manual_rows(load_policy().checklist, answers)
    assert all(r["answer"] in ("yes", "no", "na") for r in rows)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CHK-01: yes\nCHK-02: no\n", {"CHK-01": "yes", "CHK-02": "no"}),  # YAML 1.1 booleans
        ("CHK-01: 是\nCHK-02: 不适用\n", {"CHK-01": "yes", "CHK-02": "na"}),
        ("answers:\n  CHK-01: {answer: 否, note: 缺报警}\n", {"CHK-01": "no"}),
    ],
)
def test_load_answers_forms(tmp_path: Path, text: str, expected: dict[str, str]) -> None:
    f = tmp_path / "a.yaml"
    f.write_text(text, encoding="utf-8")
    assert {k: v["answer"] for k, v in load_answers(f).items()} == expected


def test_load_answers_json_and_bad_values(tmp_path: Path) -> None:
    f = tmp_path / "a.json"
    f.write_text(json.dumps({"CHK-01": {"answer": "na", "note": "无"}}), encoding="utf-8")
    assert load_answers(f) == {"CHK-01": {"answer": "na", "note": "无"}}
    f.write_text(json.dumps({"CHK-01": "maybe"}), encoding="utf-8")
    with pytest.raises(UsageError, match="CHK-01"):
        load_answers(f)
    with pytest.raises(UsageError, match="CHK-99"):
        manual_rows(load_policy().checklist, {"CHK-99": {"answer": "yes", "note": ""}})


def test_interactive_prompts_in_chinese_and_retries() -> None:
    items = load_policy().checklist[:2]
    replies = iter(["maybe", "y", "已查看", "不适用", ""])
    shown: list[str] = []
    prompts: list[str] = []

    def read(prompt: str) -> str:
        prompts.append(prompt)
        return next(replies)

    out = ask(items, read=read, write=shown.append)
    assert out == {
        items[0].id: {"answer": "yes", "note": "已查看"},
        items[1].id: {"answer": "na", "note": ""},
    }
    assert any("请回答" in p for p in prompts) and any("无法识别" in s for s in shown)
    assert any(items[0].question in s for s in shown)


def _manual(*answers: tuple[int, str | None]) -> list[dict]:
    return [{"id": f"M{i}", "weight": w, "answer": a} for i, (w, a) in enumerate(answers)]


@pytest.mark.parametrize(
    ("auto", "manual", "critical", "score", "verdict"),
    [
        ([1.0], [(10, "yes"), (10, "yes")], [], 100.0, "meets"),
        ([1.0], [(10, "yes"), (10, "na")], [], 100.0, "meets"),
        ([1.0], [(10, "yes"), (10, "no")], [], 66.7, "fails"),
        ([1.0], [(10, "yes"), (4, "no")], [], 83.3, "largely_meets"),
        ([1.0], [(10, "yes"), (4, None)], [], 83.3, "largely_meets"),  # unanswered counts 0
        ([0.5], [(10, "yes")], [], 75.0, "largely_meets"),
        ([1.0], [(10, "yes")], ["SEC-001 互联网计算机存储涉密文件"], 100.0, "fails"),  # veto
        ([1.0], [(10, "yes"), (1, "no")], [], 95.2, "meets"),
    ],
)
def test_grading(auto, manual, critical, score, verdict) -> None:
    checks = [AutoCheck(f"a{i}", "x", 10, r) for i, r in enumerate(auto)]
    g = grade(checks, _manual(*manual), critical)
    assert (g.score, g.verdict) == (score, verdict)
    assert (g.veto is not None) == bool(critical)


@pytest.fixture
def site(tmp_path: Path, home: Path) -> Path:
    """A fresh install's home: key, config with one root folder and a mail folder."""
    docs, mail = tmp_path / "桌面", tmp_path / "mail"
    docs.mkdir()
    mail.mkdir()
    (docs / "<img src=x onerror=alert(1)>.txt").write_text(
        "机密★10年\n关于2026年信贷投放计划的通知\n", encoding="utf-8"
    )
    (docs / "会议纪要.txt").write_text("本周工作安排如下。\n", encoding="utf-8")
    (home / "config.toml").write_text(
        f'[host]\nrole = "internet"\nbranch = "城关支行"\nname = "网点PC-01"\n'
        f'[agent]\nroots = ["{docs}"]\nmail_stores = ["{mail}"]\n[scan]\nworkers = 1\n'
        f"[connectivity]\nprobes = []\n",
        encoding="utf-8",
    )
    generate_keys(home / "keys", passphrase=None)
    return home


def test_selfcheck_end_to_end(site: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "自查报告.html"
    rc = main(["selfcheck", "--answers", str(EXAMPLE), "--out", str(out)])
    text = capsys.readouterr().out
    assert "自查得分" in text and out.exists() and rc == 1  # veto: a secret file on an internet PC
    data = out.read_bytes()
    trusted = load_trusted_keys([site / "keys" / "secaudit.pub"])
    verify_report(data, trusted)
    model = embedded_data(data)
    sc = model["selfcheck"]
    assert sc["verdict"] == "fails" and "SEC" in (sc["veto"] or "")
    assert {a["id"] for a in sc["automatic"]} >= {
        "auto.files",
        "auto.connectivity",
        "auto.ledger",
        "auto.agent",
        "auto.mail",
    }
    assert len(model["checklist"]) == len(load_policy().checklist)
    assert any(c["answer"] == "no" for c in model["checklist"])
    assert any("<img src=x" in (v["path"] or "") for v in model["violations"])
    assert model["coverage"]["files_scanned"] >= 2
    assert b"<img src=x" not in data.split(b'id="secaudit-data"')[0]
    with Ledger(load_config(site).home.ledger) as led:
        kinds = [e.kind for e in led.events()]
        led.verify()
    assert "selfcheck" in kinds and kinds[-1] == "report_issued"
    assert kinds.index("selfcheck") < kinds.index("report_issued")
    assert main(["verify", str(out), "--pubkey", str(site / "keys" / "secaudit.pub")]) == 0


def test_selfcheck_clean_host_meets(site: Path, tmp_path: Path) -> None:
    for f in (tmp_path / "桌面").iterdir():
        f.unlink()
    answers = tmp_path / "all-yes.yaml"
    answers.write_text("".join(f"{c.id}: yes\n" for c in load_policy().checklist), encoding="utf-8")
    from secaudit.selfcheck.run import run_selfcheck

    result = run_selfcheck(load_config(site), answers_file=answers, out=tmp_path / "r.html")
    agent = next(a for a in result.automatic if a["id"] == "auto.agent")
    assert agent["score"] == 0.0  # no agent runs in the test
    assert result.score >= 90 and result.verdict == "meets"
    assert embedded_data(result.report.path.read_bytes())["selfcheck"]["score"] == result.score


def test_selfcheck_interactive(site: Path, tmp_path: Path) -> None:
    from secaudit.selfcheck.run import run_selfcheck

    replies = iter(["n", "缺防盗窗"] + ["y", ""] * 20)
    result = run_selfcheck(
        load_config(site),
        interactive=True,
        out=tmp_path / "i.html",
        read=lambda _prompt: next(replies),
    )
    assert result.manual[0]["answer"] == "no" and result.manual[0]["note"] == "缺防盗窗"
    assert all(m["answer"] == "yes" for m in result.manual[1:])


def test_selfcheck_without_key_fails_before_scanning(home: Path) -> None:
    assert main(["selfcheck"]) == 2
    assert not (home / "ledger.db").exists()


def test_report_after_selfcheck_reads_answers_from_the_ledger(site: Path, tmp_path: Path):
    assert main(["selfcheck", "--answers", str(EXAMPLE), "--out", str(tmp_path / "a.html")]) == 1
    # a report over the whole ledger picks up the selfcheck event and labels the answers
    out = tmp_path / "b.html"
    assert main(["report", "--since", "2000-01-01", "--out", str(out)]) == 0
    model = embedded_data(out.read_bytes())
    assert model["selfcheck"]["verdict"] == "fails"
    assert model["checklist"][0]["question"] and model["checklist"][0]["answer"] == "yes"


def test_selfcheck_with_nothing_to_scan_says_not_checked(site: Path, tmp_path: Path) -> None:
    """A root folder that is empty or missing is not a clean result: the file checks are shown
    as 未检查 and left out of the score instead of earning full marks."""
    for f in (tmp_path / "桌面").iterdir():
        f.unlink()
    from secaudit.selfcheck.run import run_selfcheck

    result = run_selfcheck(load_config(site), answers_file=EXAMPLE, out=tmp_path / "n.html")
    by_id = {a["id"]: a for a in result.automatic}
    assert by_id["auto.files"]["score"] is None and "未检查" in by_id["auto.files"]["note"]
    assert by_id["auto.coverage"]["score"] is None
    assert by_id["auto.ledger"]["score"] == 1.0
    html = result.report.path.read_text(encoding="utf-8")
    assert "未检查：配置的检查目录" in html


def test_selfcheck_over_an_edited_ledger_signs_the_break_as_a_finding(
    site: Path, tmp_path: Path
) -> None:
    """Issue 12 #7: an edited row makes the self-inspection report show the broken chain (a
    LEDGER-CHAIN violation, the auto.ledger check at 0), never a clean ledger range."""
    import sqlite3

    from secaudit.ledger import canonical_json

    first = tmp_path / "first.html"
    main(["selfcheck", "--answers", str(EXAMPLE), "--out", str(first)])
    with Ledger(load_config(site).home.ledger) as led:
        victim = next(led.events(kinds=["violation"]))
    db = sqlite3.connect(load_config(site).home.ledger)
    db.execute(
        "UPDATE events SET data = ? WHERE seq = ?",
        (canonical_json({**victim.data, "severity": "low"}), victim.seq),
    )
    db.commit()
    db.close()
    out = tmp_path / "second.html"
    assert main(["selfcheck", "--answers", str(EXAMPLE), "--out", str(out)]) == 1
    model = embedded_data(out.read_bytes())
    assert model["ledger_integrity"]["intact"] is False
    assert model["ledger_integrity"]["first_bad_seq"] == victim.seq
    assert model["violations"][0]["rule"] == "LEDGER-CHAIN"
    ledger_check = next(a for a in model["selfcheck"]["automatic"] if a["id"] == "auto.ledger")
    assert ledger_check["score"] == 0.0
    assert main(["verify", str(out), "--pubkey", str(site / "keys" / "secaudit.pub")]) == 0
