"""Host checks in the signed report (section ``#host-checks``: zh, 依据, 整改) and in the
self-inspection score (``auto.host_checks``, a failed critical check vetoes)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from secaudit.cli import main
from secaudit.config import data_path
from secaudit.report.keys import generate_keys
from secaudit.report.verify import embedded_data
from secaudit.selfcheck.hostchecks import critical_failures, host_checks_item

FIXTURE = data_path("policies", "tests", "fixtures", "intranet-pc")


class _Section(HTMLParser):
    """Text of the element with a given id."""

    def __init__(self, wanted: str) -> None:
        super().__init__()
        self.wanted, self.depth, self.text = wanted, 0, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth or ("id", self.wanted) in attrs:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def test_report_shows_the_last_host_check(home: Path, tmp_path: Path) -> None:
    generate_keys(home / "keys", passphrase=None)
    assert main(["check", "--root", str(FIXTURE), "--role", "intranet"]) == 1
    out = tmp_path / "报告.html"
    assert main(["report", "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    section = _Section("host-checks")
    section.feed(html)
    text = "".join(section.text)
    assert "主机检查（上网痕迹" in text
    for words in ("HC-01", "不符合", "www.baidu.com（Chromium，2 次",
                  "GB/T 22239-2019 安全区域边界", "立即断开该计算机的外部连接",
                  "teamviewer 15.48.4", "营业厅WiFi"):
        assert words in text, words
    assert text.index("HC-01") < text.index("HC-20")  # failures (critical first) before passes
    model = embedded_data(out.read_bytes())
    assert model["host_checks"]["summary"]["fail"] >= 10
    assert main(["verify", str(out), "--pubkey", str(home / "keys" / "secaudit.pub")]) == 0


def test_report_without_host_check_says_so(home: Path, tmp_path: Path) -> None:
    generate_keys(home / "keys", passphrase=None)
    out = tmp_path / "r.html"
    assert main(["report", "--out", str(out)]) == 0
    assert "本期未进行主机检查" in out.read_text(encoding="utf-8")


def _row(check_id: str, outcome: str, severity: str) -> dict[str, str]:
    return {"id": check_id, "title": f"检查{check_id}", "outcome": outcome, "severity": severity,
            "observed_text": "1 项：x"}


def test_selfcheck_item_weights_failures_by_severity() -> None:
    rows = [_row("A", "fail", "critical"), _row("B", "pass", "high"), _row("C", "pass", "low"),
            _row("D", "not_checked", "high"), _row("E", "not_applicable", "critical")]
    item = host_checks_item(rows)
    assert item.result == 1 - 4 / 8
    assert item.note.startswith("不符合 1 项，符合 2 项：A 检查A（1 项：x）")
    assert critical_failures(rows) == ["A 检查A"]
    assert host_checks_item([_row("D", "not_checked", "high")]).result is None
    assert host_checks_item([]).result is None
