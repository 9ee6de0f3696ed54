"""The roll-up in Debian's headless Chromium: no console errors, not blank, prints A4 with the
Chinese section titles (the report tests' Chromium helpers)."""

from __future__ import annotations

from pathlib import Path

from report.test_browser_minisign import chromium, console_lines

from .test_rollup import Rolled, rolled  # noqa: F401 - the module fixture

TITLES = ["保密合规检查汇总报告（总行）", "报送情况（按网点）", "自查得分与结论（按网点）",
          "违规事项统计", "被拒收的报告", "证据链缺口", "跨网点、跨类别使用的移动存储介质",
          "出现在多台计算机上的同一文件", "整改情况", "趋势（近十二个月）"]  # fmt: skip


def test_renders_without_console_errors(rolled: Rolled, tmp_path: Path) -> None:  # noqa: F811
    proc = chromium(
        ["--enable-logging=stderr", "--v=0", "--dump-dom", rolled.html.as_uri()], tmp_path
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert console_lines(proc) == []
    assert 'id="secaudit-data"' in proc.stdout and "东街-PC12" in proc.stdout
    assert "<script>alert(1)</script>" not in proc.stdout.split('id="secaudit-data"')[0]


def test_screenshot_is_not_blank(rolled: Rolled, tmp_path: Path) -> None:  # noqa: F811
    from PIL import Image, ImageStat

    shot = tmp_path / "shot.png"
    chromium(["--window-size=1200,1600", "--hide-scrollbars", f"--screenshot={shot}",
              rolled.html.as_uri()], tmp_path)  # fmt: skip
    with Image.open(shot) as img:
        grey = img.convert("L")
        assert ImageStat.Stat(grey).stddev[0] > 20
        assert sum(grey.histogram()[:128]) > 5000


def test_prints_a4_with_the_sections(rolled: Rolled, tmp_path: Path) -> None:  # noqa: F811
    import pypdfium2 as pdfium

    pdf = tmp_path / "rollup.pdf"
    chromium(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", rolled.html.as_uri()], tmp_path)
    doc = pdfium.PdfDocument(str(pdf))
    try:
        width, height = doc[0].get_size()
        assert abs(width - 595) < 3 and abs(height - 842) < 3
        text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    flat = "".join(text.replace("\ufffe", "").replace("\u00ad", "").split())
    for title in TITLES:
        assert "".join(title.split()) in flat, title
    assert "AA0412USB7731" in flat and "东街-PC12" in flat
