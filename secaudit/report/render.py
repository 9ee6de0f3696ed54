"""Report model → one self-contained HTML page (jinja2, autoescape on, StrictUndefined).

Templates live in ``templates/`` (``secaudit.config.data_path("templates")``): ``report.html.j2``
includes one partial per section from ``templates/report/``. Everything the page needs is inline
(CSS, SVG chart); nothing is fetched. The model is embedded as JSON in
``<script type="application/json" id="secaudit-data">`` with ``<``, ``>``, ``&`` escaped as
``\\u003c`` … so no string can close the script element.

To add a section: add its data in ``build.py``, a partial ``templates/report/_<name>.html.j2``,
its titles in ``messages.py``, and include it in ``report.html.j2`` with a stable id.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import jinja2
from markupsafe import Markup

from secaudit.config import data_path
from secaudit.report.localtime import local_time, zone_label
from secaudit.report.messages import translator
from secaudit.textsafe import BIDI_CONTROLS, shown

MAX_ROWS = 1000
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_SEVERITY_COLOURS = {
    "critical": "#b71c1c",
    "high": "#e65100",
    "medium": "#f9a825",
    "low": "#607d8b",
}


def json_for_html(value: Any) -> Markup:
    """JSON text safe inside an HTML ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    text = _BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", text)  # same JSON, shown plainly
    return Markup(text)  # noqa: S704 - every markup character is escaped above


def human_bytes(n: Any) -> str:
    size = float(n or 0)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"


def short_time(value: Any, seconds: bool = False) -> str:
    """``2026-11-29T02:00:00+00:00`` → ``2026-11-29 10:00`` on a host in UTC+8: the host's local
    time (the zone is named once on the cover; the full value is in the JSON)."""
    return local_time(value, seconds)


def chart_bars(counts: dict[str, int], t: Any, width: int = 300) -> list[dict[str, Any]]:
    """Geometry of a horizontal bar chart (one bar per key) for the inline SVG."""
    top = max([1, *counts.values()])
    return [
        {
            "label": t(key),
            "count": value,
            "y": i * 26,
            "width": round(width * value / top),
            "colour": _SEVERITY_COLOURS.get(key, "#1565c0"),
        }
        for i, (key, value) in enumerate(counts.items())
    ]


def _visible(value: Any) -> Any:
    """Every value the templates print: control and bidi characters in names shown as visible
    escapes (``正常文件\\u202excod.txt``), so a name cannot reorder the page (then autoescaped).
    Line breaks and tabs stay: in HTML they are only white space (a policy's multi-line basis)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return shown(value, keep_lines=True)
    return value


@functools.lru_cache(maxsize=1)  # compiled templates are kept (auto_reload sees edits)
def environment() -> jinja2.Environment:
    """The one jinja2 environment of every signed page (branch report, head-office roll-up):
    autoescape, StrictUndefined, control and bidi characters shown visibly."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_path("templates"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_visible,
    )
    env.filters["bytes"] = human_bytes
    env.filters["when"] = short_time
    return env


def render_html(model: dict[str, Any], lang: str = "zh") -> str:
    """The report page (unsigned); ends with a newline."""
    t = translator(lang)
    template = environment().get_template("report.html.j2")
    html = template.render(
        m={"complete_list": None, **model},
        t=t,
        lang="zh-CN" if lang == "zh" else lang,
        max_rows=MAX_ROWS,
        zone=zone_label(),
        severity_bars=chart_bars(model["summary"]["by_severity"], t),
        channel_bars=chart_bars(model["summary"]["by_channel"], t),
        data_json=json_for_html(model),
    )
    return html if html.endswith("\n") else html + "\n"
