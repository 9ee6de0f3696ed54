"""Rebuild text lines of an OFD page from ``TextObject``/``TextCode`` positions.

A ``TextCode`` gives its baseline start (``X``, ``Y``) inside the ``Boundary`` of its
``TextObject``; the page position is boundary origin + code offset (``CTM`` rotations of
watermarks are ignored: their text still ends up on some line). Codes whose baselines lie within
half a font size of each other form a line, ordered by X; a gap wider than one character between
two codes becomes a space. Lines are returned top to bottom. Used by :mod:`.ofd`.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from secaudit.extract.zipparts import local


@dataclass(frozen=True, slots=True)
class _Code:
    x: float
    y: float
    size: float
    width: float
    text: str


def page_lines(layers: list[etree._Element]) -> list[str]:
    """Text lines of the given page/template/annotation trees, top to bottom."""
    codes = [code for layer in layers for code in _codes(layer)]
    codes.sort(key=lambda c: (c.y, c.x))
    lines: list[list[_Code]] = []
    for code in codes:
        if lines and abs(lines[-1][0].y - code.y) <= max(lines[-1][0].size, code.size) * 0.5:
            lines[-1].append(code)
        else:
            lines.append([code])
    out: list[str] = []
    for line in lines:
        text = _join(sorted(line, key=lambda c: c.x)).strip()
        if text:
            out.append(" ".join(text.split()))
    return out


def _join(line: list[_Code]) -> str:
    parts: list[str] = []
    end: float | None = None
    for code in line:
        if end is not None and code.x - end > code.size:
            parts.append(" ")
        parts.append(code.text)
        end = code.x + code.width
    return "".join(parts)


def _codes(layer: etree._Element) -> list[_Code]:
    out: list[_Code] = []
    for obj in layer.iter():
        if local(obj) != "TextObject":
            continue
        bx, by = _origin(obj.get("Boundary"))
        size = _float(obj.get("Size"), 3.5) or 3.5
        last_x, last_y = 0.0, 0.0
        for code in obj:
            if local(code) != "TextCode" or not code.text:
                continue
            last_x = _float(code.get("X"), last_x)
            last_y = _float(code.get("Y"), last_y)
            width = _advance(code.get("DeltaX"), len(code.text), size)
            out.append(_Code(bx + last_x, by + last_y, size, width, code.text))
    return out


def _origin(boundary: str | None) -> tuple[float, float]:
    parts = (boundary or "").split()
    return (_float(parts[0], 0.0), _float(parts[1], 0.0)) if len(parts) >= 2 else (0.0, 0.0)


def _advance(delta: str | None, chars: int, size: float) -> float:
    """Width of a code: its DeltaX steps (``g N d`` repeats ``d`` N times) plus one glyph."""
    tokens = (delta or "").split()
    total, i, steps = 0.0, 0, 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            n = int(_float(tokens[i + 1], 0))
            total += n * _float(tokens[i + 2], 0.0)
            steps += n
            i += 3
        else:
            total += _float(tokens[i], 0.0)
            steps += 1
            i += 1
    missing = max(chars - 1 - steps, 0)
    return total + (missing + 1) * size


def _float(value: str | None, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default
