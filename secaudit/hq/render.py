"""Roll-up model → one self-contained zh-CN HTML page (jinja2, autoescape, StrictUndefined).

The template is ``templates/hq/rollup.html.j2``: inline CSS (the branch report's style, A4
print) and inline SVG charts; the model is embedded as ``secaudit-data`` like a branch report's,
so ``secaudit verify`` reads it. Ids (severities, channels, roles, levels, verdicts) are labelled
with the branch report's catalogue; the head-office words are in ``LABELS``.
"""

from __future__ import annotations

from typing import Any

from secaudit.report.messages import translator
from secaudit.report.render import chart_bars, environment, json_for_html

MAX_ROWS = 5000
"""Rows a table of the HTML page shows (the model keeps as many; CSV and JSON have them all)."""
LABELS = {
    "title": "保密合规检查汇总报告（总行）",
    "tampered": "报告被篡改（签名不符）",
    "unknown_key": "签名密钥未登记",
    "wrong_host": "使用其他计算机的密钥签名",
    "conflicting_range": "与已收报告的证据范围冲突",
    "retired_key": "使用已更换的旧密钥签名",
    "unsigned": "无签名",
    "malformed": "报告数据无法读取",
    "missing": "证据缺失",
    "overlap": "证据范围重叠",
    "restart": "证据账本重新开始",
    "mismatch": "证据链不连续（账本被改写）",
    "serial": "序列号",
    "fs_uuid": "文件系统 UUID（较弱）",
    "inserted": "插入",
    "removed": "拔出",
    "history": "USB 历史记录",
    "none": "未标密",
}


def labeller() -> Any:
    base = translator("zh")

    def t(key: object) -> str:
        return LABELS.get(str(key)) or base(key)

    return t


def trend_points(trend: list[dict[str, Any]], key: str, width: int = 520, height: int = 120) -> str:
    """SVG polyline points for one series of the trend (missing values skipped)."""
    values = [p[key] for p in trend]
    top = max([1.0, *(float(v) for v in values if v is not None)])
    step = width / max(1, len(values) - 1)
    return " ".join(
        f"{round(i * step, 1)},{round(height - height * float(v) / top, 1)}"
        for i, v in enumerate(values)
        if v is not None
    )


def render_rollup(model: dict[str, Any]) -> str:
    t = labeller()
    html = (
        environment()
        .get_template("hq/rollup.html.j2")
        .render(
            m=model,
            t=t,
            max_rows=MAX_ROWS,
            severity_bars=chart_bars(model["violations"]["by_severity"], t),
            channel_bars=chart_bars(model["violations"]["by_channel"], t),
            violation_line=trend_points(model["trend"], "violations"),
            verified_line=trend_points(model["trend"], "verified_pcs"),
            data_json=json_for_html(model),
        )
    )
    return html if html.endswith("\n") else html + "\n"
