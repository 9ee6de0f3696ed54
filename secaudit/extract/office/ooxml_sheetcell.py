"""What a SpreadsheetML cell reads as, and where its column is: shared by the lxml row reader of
:mod:`.ooxml_sheet` and the byte-level one of :mod:`.ooxml_sheetscan`, so both give the same text.

A row line is its cells joined by tabs at their column positions (``r="C5"``), so a value stays
under its column header even when cells before it are empty; trailing empty cells are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

MAX_GAP = 1024
"""Empty columns written out before a cell at most (a hostile ``r="XFD1"`` adds no 16,000 tabs)."""

_COLUMNS: dict[str, int | None] = {}


def column(ref: str) -> int | None:
    """0-based column of a cell reference (``"AB12"`` → 27); None if there is none."""
    letters = ref.rstrip("0123456789")
    col = _COLUMNS.get(letters, -1)
    if col != -1:
        return col
    number = 0
    for ch in letters:
        if not "A" <= ch <= "Z":
            number = 0
            break
        number = number * 26 + ord(ch) - 64
    col = number - 1 if number and len(letters) < len(ref) else None
    if len(_COLUMNS) < 20_000 and len(letters) < len(ref):  # XFD is column 16,384
        _COLUMNS[letters] = col
    return col


def row_line(cells: Iterable[tuple[str | None, str]]) -> str:
    """The row line of ``(cell reference or None, cell text)`` pairs in document order."""
    values: list[str] = []
    for ref, value in cells:
        col = column(ref) if ref else None
        if col is not None and col >= len(values) and col - len(values) < MAX_GAP:
            values.extend([""] * (col - len(values)))
        values.append(value)
    while values and not values[-1]:
        values.pop()
    return "\t".join(values)


def cell_value(kind: str, value: str, inline: str | None, strings: Sequence[str]) -> str:
    """Text of a cell of type ``kind`` (its ``t`` attribute, ``"n"`` when absent) from the text
    of its ``<v>`` and of its ``<is>`` (None without one): shared strings resolved, booleans as
    TRUE/FALSE, integral numbers in exponent form written out as digits."""
    if kind == "s":
        try:
            return strings[int(value)].strip()
        except (ValueError, IndexError):
            return ""
    if kind == "inlineStr":
        return inline.strip() if inline is not None else ""
    if kind == "b":
        return "TRUE" if value == "1" else "FALSE" if value else ""
    if kind == "n":
        return number(value)
    return value.strip()


def number(value: str) -> str:
    """A numeric cell as written, except an integral ``1.1010119900101E+17`` as its digits."""
    if "E" in value.upper():
        try:
            as_float = float(value)
        except ValueError:
            return value
        if as_float.is_integer() and abs(as_float) < 1e21:
            return str(int(as_float))
    return value


def row_number(ref: str | None, running: int) -> int:
    """0-based row index: the ``r`` attribute's when it is a number, else the running one."""
    return int(ref or 0) - 1 if (ref or "").isdigit() else running


__all__ = ["MAX_GAP", "cell_value", "column", "number", "row_line", "row_number"]
