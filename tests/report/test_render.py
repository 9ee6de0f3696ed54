"""The rendered report: sections, escaping, safe embedded JSON, no leaks, languages, formats."""

from __future__ import annotations

import csv
import io
import json
import random
from html.parser import HTMLParser
from pathlib import Path

import pytest

from secaudit.config import Config
from secaudit.ledger import Ledger
from secaudit.report import ReportFormat
from secaudit.report.build import ReportRequest, build_report
from secaudit.report.issue import issue_report
from secaudit.report.keys import SigningKey
from secaudit.report.render import json_for_html, render_html

from .conftest import EVIL_NAME, fill_ledger

SECTION_IDS = [
    "cover",
    "summary",
    "violations",
    "media",
    "usb-history",
    "connectivity",
    "email",
    "coverage",
    "not-scanned",
    "checklist",
    "ledger",
]


class Page(HTMLParser):
    """Collects element tags, ids, attributes, text and script contents."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.scripts: dict[str, str] = {}
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attrs.append((tag, name, value))
            if name == "id" and value:
                self.ids.append(value)
        if tag == "script":
            self._script = dict(attrs).get("id") or ""
            self.scripts[self._script] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts[self._script] += data
        else:
            self.text.append(data)


@pytest.fixture
def built(config: Config, rng: random.Random) -> tuple[dict, dict[str, str]]:
    with Ledger(config.home.ledger) as led:
        secrets = fill_ledger(led, rng)
        model = build_report(led, config, ReportRequest(key_fingerprint="0" * 32))
    return model, secrets


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def test_sections_have_stable_ids_in_order(built: tuple[dict, dict]) -> None:
    page = parse(render_html(built[0]))
    found = [i for i in page.ids if i in SECTION_IDS]
    assert found == SECTION_IDS
    assert page.ids.count("secaudit-data") == 1


def test_hostile_file_name_renders_as_text(built: tuple[dict, dict]) -> None:
    html = render_html(built[0])
    page = parse(html)
    assert "img" not in page.tags
    assert not [a for a in page.attrs if a[1].startswith("on")]
    assert any(EVIL_NAME in t for t in page.text)
    assert "&lt;img src=x onerror=alert(1)&gt;.docx" in html


def test_embedded_json_is_script_safe_and_round_trips(built: tuple[dict, dict]) -> None:
    html = render_html(built[0])
    page = parse(html)
    raw = page.scripts["secaudit-data"]
    assert "<" not in raw and ">" not in raw and "&" not in raw
    assert "\\u003cimg" in raw
    data = json.loads(raw)
    assert data["schema"] == "secaudit.report/2"
    assert any(EVIL_NAME in (v["path"] or "") for v in data["violations"])
    assert json.loads(json_for_html({"x": "</script><!--&"})) == {"x": "</script><!--&"}
    assert list(page.scripts) == ["secaudit-data"]  # no executable script at all


def test_no_full_id_or_card_number_anywhere(built: tuple[dict, dict]) -> None:
    model, secrets = built
    html = render_html(model)
    for value in secrets.values():
        assert value not in html
        assert value not in json.dumps(model, ensure_ascii=False)
    pid = secrets["resident_id"]
    assert f"{pid[:4]}**********{pid[-4:]}" in html  # the masked form stays readable
    assert "4C530001230214117373" in html  # medium serials are evidence, not personal data


def test_no_external_resources(built: tuple[dict, dict]) -> None:
    page = parse(render_html(built[0]))
    for tag, name, value in page.attrs:
        if name in ("src", "href", "action", "data", "srcset", "poster"):
            pytest.fail(f"external reference {tag} {name}={value}")
    assert not {"link", "iframe", "img", "object", "embed"} & set(page.tags)
    assert "svg" in page.tags and "rect" in page.tags


def test_model_content(built: tuple[dict, dict]) -> None:
    model, _ = built
    s = model["summary"]
    assert s["violations"] == 4 and s["by_severity"]["critical"] == 3
    assert s["by_channel"] == {"internet_host": 2, "removable_media": 1, "email": 1, "local": 0}
    cov = model["coverage"]
    assert cov["roots"] == ["/home/zhang/桌面"]
    assert cov["files_scanned"] == 1234 and cov["bytes_scanned"] == 987654321
    assert cov["not_scanned"] == {"encrypted": 1}
    assert cov["not_scanned_files"][0]["path"].endswith("加密合同.docx")
    assert [m["event"] for m in model["media"]] == ["inserted", "removed"]
    rng_ = model["ledger_range"]
    assert rng_["first_seq"] == 1 and rng_["last_seq"] == s["events"] == 15
    assert rng_["prev_hash"] == "0" * 64


def test_zh_default_and_en_variant(built: tuple[dict, dict]) -> None:
    zh, en = render_html(built[0], "zh"), render_html(built[0], "en")
    assert '<html lang="zh-CN">' in zh and "违规事项" in zh and "检查范围" in zh
    assert '<html lang="en">' in en and "Violations" in en and "Coverage" in en
    assert "Noto Sans CJK SC" in zh and "@page { size: A4" in zh


def _issue(config: Config, key: SigningKey, fmt: ReportFormat, rng: random.Random) -> Path:
    with Ledger(config.home.ledger) as led:
        fill_ledger(led, rng)
        return issue_report(config, led, ReportRequest(), fmt=fmt, key=key).path


def test_csv_has_bom_and_chinese(config: Config, key: SigningKey, rng: random.Random) -> None:
    path = _issue(config, key, ReportFormat.CSV, rng)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {r["section"] for r in rows} == {"violation", "not_scanned"}
    assert any(r["title"] == "互联网计算机存储涉密文件" for r in rows)
    assert path.with_name(path.name + ".minisig").exists()


def test_json_format(config: Config, key: SigningKey, rng: random.Random) -> None:
    path = _issue(config, key, ReportFormat.JSON, rng)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == "secaudit.report/2" and data["key"] == key.fingerprint


def test_findings_read_by_ocr_are_marked_in_the_report(config: Config, rng: random.Random) -> None:
    from secaudit.detect.base import OCR_NOTE

    with Ledger(config.home.ledger) as led:
        fill_ledger(led, rng)
        led.append("finding", {
            "scan_id": "scan-1", "path": "/home/zhang/桌面/扫描件.pdf", "size": 1, "format": "pdf",
            "sha256": "aa" * 32, "classification": "secret", "channel": "internet_host",
            "findings": [{"kind": "marking", "level": "secret", "text": "机密★10年",
                          "period": "10年", "location": "body", "member": None,
                          "confidence": "high", "note": OCR_NOTE}],
        })
        model = build_report(led, config, ReportRequest(key_fingerprint="0" * 32))
    rows = {Path(f["path"]).name: f for f in model["findings"]}
    assert rows["扫描件.pdf"]["ocr"] is True
    assert not any(f["ocr"] for name, f in rows.items() if name != "扫描件.pdf")
    zh, en = render_html(model, "zh"), render_html(model, "en")
    assert zh.count("由OCR从扫描图像识别，请核对原件") == 1
    assert en.count("read from a scanned image by OCR") == 1
