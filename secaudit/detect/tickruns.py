"""Reading a row of boxes into options, for :mod:`secaudit.detect.ticked`.

A row is first cut into tokens (ticked box, empty box, level word, separator, other text); the
readers here group them into options — box then label (``□绝密 ☑机密``) or label then box
(``机密√ 秘密□``) — and find the one run of options that holds every level word of the row.
A level word running on into more Chinese characters (``内部公开``) is another word
(:func:`glued`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from secaudit.model import Level


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    """``tick``, ``empty``, ``level``, ``sep`` or ``other``."""
    start: int
    end: int
    level: Level | None = None

    @property
    def is_box(self) -> bool:
        return self.kind in ("tick", "empty")


@dataclass(frozen=True, slots=True)
class Option:
    level: Level | None
    ticked: bool
    start: int
    end: int


Run = tuple[list[Option], int, int]
"""(options, index of the run's first token, index after its last token)."""


_WORD_GOES_ON = re.compile(r"[\u4e00-\u9fff](?<!级)")


def glued(toks: list[Token], text: str) -> list[Token]:
    """A level word that runs on into more Chinese characters (``内部公开``, ``机密文件``) is
    another word, no level: one ``other`` token (``☑普通商密 □内部公开`` offers a non-level)."""
    out: list[Token] = []
    for t in toks:
        prev = out[-1] if out else None
        if (
            t.kind == "other"
            and prev is not None
            and prev.kind == "level"
            and _WORD_GOES_ON.match(text, t.start)
        ):
            out[-1] = Token("other", prev.start, t.end)
        else:
            out.append(t)
    return out


def find_run(
    toks: list[Token],
    boxes: list[int],
    reader: Callable[[list[Token], int, Callable[[Token], bool]], Run | None],
    glue_ok: Callable[[Token], bool],
) -> Run | None:
    """The one run of options holding every level word of the row (runs read left to right,
    each from the first box after the previous one), or None."""
    words = {i for i, t in enumerate(toks) if t.kind == "level"}
    found: Run | None = None
    k = 0
    while k < len(boxes):
        run = reader(toks, boxes[k], glue_ok)
        if run is None:
            k += 1
            continue
        inside = {i for i in words if run[1] <= i < run[2]}
        if not words:
            return run  # options without a level word (□非密): one cell of a form
        if inside:
            if found is not None or inside != words:
                return None  # level words in two runs, or outside the run
            found = run
        k = next((n for n, b in enumerate(boxes) if b >= run[2]), len(boxes))
    return found


def _label_before(toks: list[Token], box: int) -> int | None:
    j = _skip_sep_back(toks, box - 1)
    return j if j >= 0 and not toks[j].is_box else None


def box_first(toks: list[Token], box: int, glue_ok: Callable[[Token], bool]) -> Run | None:
    """Options written box then label (``□绝密 ☑机密``), from the box at ``box`` on."""
    options: list[Option] = []
    i = box
    while True:
        j = _skip_sep(toks, i + 1)
        if j >= len(toks) or toks[j].is_box:
            return None  # a box without a label
        label, end = toks[j], j + 1
        if label.kind == "level" and end < len(toks) and toks[end].kind == "other":
            if not glue_ok(toks[end]):
                return None  # ■机密文件…: a bullet in prose
            end += 1  # ☑机密★10年
        elif label.kind == "other" and end < len(toks) and toks[end].kind == "level":
            return None  # ■涉及机密…
        options.append(Option(label.level, toks[i].kind == "tick", toks[i].start, label.end))
        nxt = _skip_sep(toks, end)
        if nxt < len(toks) and toks[nxt].is_box:
            i = nxt
            continue
        return options, box, end


def label_first(toks: list[Token], box: int, glue_ok: Callable[[Token], bool]) -> Run | None:
    """Options written label then box (``机密√ 秘密□``), from the first box's label on."""
    i = _label_before(toks, box)
    if i is None:
        return None
    lo = i
    left = toks[i - 1] if i > 0 else None
    if left is not None and left.kind == "other" and toks[i].kind == "level" and not glue_ok(left):
        return None  # 文件机密√
    if left is not None and left.kind == "level":
        return None  # 机密公开√
    options: list[Option] = []
    while True:
        b = _skip_sep(toks, i + 1)
        label = toks[i]
        options.append(Option(label.level, toks[b].kind == "tick", label.start, toks[b].end))
        nxt = _skip_sep(toks, b + 1)
        after = _skip_sep(toks, nxt + 1)
        if (
            nxt < len(toks)
            and toks[nxt].kind in ("level", "other")
            and after < len(toks)
            and toks[after].is_box
        ):
            i = nxt
            continue
        return options, lo, b + 1


def _skip_sep(toks: list[Token], i: int) -> int:
    while i < len(toks) and toks[i].kind == "sep":
        i += 1
    return i


def _skip_sep_back(toks: list[Token], i: int) -> int:
    while i >= 0 and toks[i].kind == "sep":
        i -= 1
    return i
