"""The report in Debian's headless Chromium (no console errors, a screenshot that is not blank, an
A4 PDF with the Chinese section titles) and its detached signature with the real ``minisign``."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from secaudit.config import load_config
from secaudit.ledger import Ledger
from secaudit.report.build import ReportRequest
from secaudit.report.issue import IssuedReport, issue_report
from secaudit.report.keys import generate_keys, load_signing_key
from secaudit.selfcheck.score import GRADING_ZH

from .conftest import EVIL_NAME, fill_ledger

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MINISIGN = shutil.which("minisign")
ZH_TITLES = [
    "计算机保密合规审计报告",
    "概况",
    "违规事项",
    "移动存储介质事件",
    "USB 设备使用记录",
    "网络连接情况",
    "电子邮件检查",
    "检查范围",
    "未检查的文件及原因",
    "人工检查项",
    "证据账本范围",
]


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> IssuedReport:
    home = tmp_path_factory.mktemp("home")
    (home / "config.toml").write_text(
        '[host]\nrole = "internet"\nbranch = "城关支行"\nname = "网点PC-01"\n', encoding="utf-8"
    )
    config = load_config(home)
    generate_keys(config.home.keys_dir, passphrase=None)
    key = load_signing_key(config.home.keys_dir, passphrase=None)
    checklist = [
        {
            "id": "CHK-01",
            "category": "涉密场所",
            "question": "涉密场所是否安装防盗门和防盗铁窗？",
            "weight": 10,
            "answer": "yes",
            "note": "已现场查看",
        },
        {
            "id": "CHK-04",
            "category": "远程办公",
            "question": "远程办公是否在专用房间进行？",
            "weight": 6,
            "answer": "no",
            "note": "限期整改",
        },
    ]
    selfcheck = {
        "score": 86.5,
        "verdict": "largely_meets",
        "veto": None,
        "grading": GRADING_ZH,
        "automatic": [
            {
                "id": "auto.ledger",
                "title": "证据账本哈希链完整",
                "weight": 10,
                "score": 1.0,
                "note": "完整",
            }
        ],
    }
    with Ledger(config.home.ledger) as led:
        fill_ledger(led, random.Random(7))
        req = ReportRequest(checklist=checklist, selfcheck=selfcheck)
        return issue_report(config, led, req, key=key, out=home / "report.html")


def chromium(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (./install.sh --dev installs it)")
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    profile.mkdir()
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def console_lines(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [ln for ln in proc.stderr.splitlines() if ":CONSOLE" in ln]


def test_console_check_sees_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text("<p>x</p><script>console.error('boom')</script>", encoding="utf-8")
    proc = chromium(["--enable-logging=stderr", "--v=0", "--dump-dom", bad.as_uri()], tmp_path)
    assert any("boom" in ln for ln in console_lines(proc))


def test_renders_without_console_errors(issued: IssuedReport, tmp_path: Path) -> None:
    proc = chromium(
        ["--enable-logging=stderr", "--v=0", "--dump-dom", issued.path.as_uri()], tmp_path
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert console_lines(proc) == []
    assert 'id="secaudit-data"' in proc.stdout and "违规事项" in proc.stdout
    assert "<img" not in proc.stdout.split('id="secaudit-data"')[0]
    assert EVIL_NAME.replace("<", "&lt;").replace(">", "&gt;") in proc.stdout


def test_screenshot_is_not_blank(issued: IssuedReport, tmp_path: Path) -> None:
    from PIL import Image, ImageStat

    shot = tmp_path / "shot.png"
    proc = chromium(
        [
            "--window-size=1200,1600",
            "--hide-scrollbars",
            f"--screenshot={shot}",
            issued.path.as_uri(),
        ],
        tmp_path,
    )
    assert shot.exists(), proc.stderr[-2000:]
    with Image.open(shot) as img:
        grey = img.convert("L")
        assert grey.size == (1200, 1600)
        stat = ImageStat.Stat(grey)
        assert stat.stddev[0] > 20  # text, rules and chart bars on white
        dark = sum(grey.histogram()[:128])
        assert dark > 5000  # a real amount of ink, not a blank page
        red = img.convert("RGB").getcolors(1 << 20) or []
        assert any(r > 150 and g < 60 and b < 60 for _, (r, g, b) in red)  # critical bar


def test_pdf_print_has_the_sections(issued: IssuedReport, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    pdf = tmp_path / "report.pdf"
    chromium(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", issued.path.as_uri()], tmp_path)
    assert pdf.exists()
    doc = pdfium.PdfDocument(str(pdf))
    try:
        width, height = doc[0].get_size()
        assert abs(width - 595) < 3 and abs(height - 842) < 3  # A4 in points
        text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    flat = "".join(text.replace("\ufffe", "").replace("\u00ad", "").split())
    for title in ZH_TITLES:
        assert "".join(title.split()) in flat, title
    assert "SEC-001" in flat and "基本达标" in flat


@pytest.fixture
def minisign() -> str:
    if not MINISIGN:
        pytest.skip("minisign is not installed (./install.sh --dev installs it)")
    return MINISIGN


def test_real_minisign_accepts_the_report(issued: IssuedReport, minisign: str) -> None:
    pub = issued.path.parent / "keys" / "secaudit.minisign.pub"
    proc = subprocess.run(
        [minisign, "-V", "-p", str(pub), "-m", str(issued.path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "网点PC-01" in proc.stdout and issued.fingerprint in proc.stdout


def test_real_minisign_rejects_one_changed_byte(
    issued: IssuedReport, minisign: str, tmp_path: Path
) -> None:
    pub = issued.path.parent / "keys" / "secaudit.minisign.pub"
    copy = tmp_path / "report.html"
    data = bytearray(issued.path.read_bytes())
    data[len(data) // 3] ^= 0x01
    copy.write_bytes(bytes(data))
    shutil.copy(issued.minisig, tmp_path / "report.html.minisig")
    proc = subprocess.run(
        [minisign, "-V", "-p", str(pub), "-m", str(copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0


def test_real_minisign_rejects_a_foreign_key(
    issued: IssuedReport, minisign: str, tmp_path: Path
) -> None:
    files = generate_keys(tmp_path / "other", passphrase=None)
    proc = subprocess.run(
        [minisign, "-V", "-p", str(files.minisign), "-m", str(issued.path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0


def test_our_minisign_public_key_is_readable_by_minisign_P(
    issued: IssuedReport, minisign: str
) -> None:
    pub = (issued.path.parent / "keys" / "secaudit.minisign.pub").read_text().splitlines()[1]
    proc = subprocess.run(
        [minisign, "-V", "-P", pub, "-m", str(issued.path), "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
