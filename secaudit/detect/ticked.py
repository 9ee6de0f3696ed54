"""Ticked secrecy boxes in forms: ``密级：□绝密 □机密 ☑秘密`` declares 秘密.

Bank forms (审批表, 登记表, 呈批件, 发文稿纸) offer the levels as a row of boxes and the drafter
ticks one. :class:`TickedRow` reads such a row into its options (box + label, the box before the
label — ``☑机密``, ``(√)秘密`` — or after it — ``机密√``, ``机密（√）``) and says which level is
declared. A row is a declaration only when

- exactly one option is ticked and its label is a level word, every other box is empty;
- the row offers at least two level words, or a ``密级`` field label stands right before a single
  option (``密级：☑机密``) — a ``■`` bullet before one level word in prose is no form;
- every level word of the row is an option's label standing on its own (``■机密文件…`` is prose),
  and no example word (``示例``, ``如下`` …) stands before or after the options.

Zero ticks is a blank form, two or more an ambiguous one: both declare nothing. A period written
after the ticked word (``☑机密★10年``) or in a ``保密期限`` field on the row is kept. To accept
another tick glyph or empty-box form, extend :data:`TICKS` / :data:`EMPTY` and add rows to
``tests/detect/test_ticked.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from secaudit.model import Level

TICKS = r"[■☑☒▣√✓✔✅]|[(（\[［【][ \u3000]*[√✓✔xX][ \u3000]*[)）\]］】]"
"""A ticked box: a filled/checked glyph, a bare tick, or a tick in brackets (``(√)``, ``[x]``)."""
EMPTY = r"[□☐▢○◯]|[(（\[［【][ \u3000_]*[)）\]］】]"
"""An empty box: a hollow glyph or empty brackets (``( )``, ``（ ）``, ``[ ]``)."""
NOTE = "勾选式密级栏"
_SEP = r"[\s、,，/|;；]+"
_STARS = ("★", "☆", "*", "＊")
_ANY_TICK = re.compile(TICKS)
ANY_BOX = re.compile(f"{TICKS}|{EMPTY}")
"""Any box, ticked or empty: a cheap test before a line is parsed as options."""
BOX_GATE = re.compile(
    r"[■☑☒▣√✓✔✅□☐▢○◯(（\[［【](?:(?<=[(（\[［【])[ \u3000_]*[√✓✔xX)）\]］】]|(?<![(（\[［【]))"
)
"""Matches wherever :data:`ANY_BOX` does (and a little more): one leading character class, so
CPython scans a whole document for it 7× faster than for :data:`ANY_BOX`'s alternation."""
_LABEL_END = re.compile(
    r"(?:^|[\s:：|])(?:密级(?:和|及|与)保密期限|密级标识|密级标志|文件密级|保密等级|保密级别|密\s?级)"
    r"\s*[:：|｜丨]?\s*$"
)
_LABEL_IN_ROW = re.compile(
    r"(?:密级(?:和|及|与)保密期限|密级标识|密级标志|文件密级|保密等级|保密级别|密\s?级)\s*[:：]"
)
"""A 密级 field label anywhere in a row (a form row of several fields)."""
_NEXT_FIELD = re.compile(r"\s{2,}(?!保密期限)[^\s:：□☐▢○◯■☑☒▣√✓✔✅]{2,8}[:：]")
"""The label of the next field of a row (``  紧急程度：``); the period field stays with 密级."""
_EXAMPLE = re.compile(r"示例|例如|比如|举例|样式|式样|格式|如下|范例|样例|样张|写法|如[:：]")
_PERIOD_AFTER = re.compile(
    r"\s*[★☆*＊]\s*((?:[0-9０-９一二三四五六七八九十两]{1,4}\s*(?:年|个月|個月))|长期|永久)"
)
_PERIOD_FIELD = re.compile(
    r"保密期限\s*[:：]?\s*((?:[0-9０-９一二三四五六七八九十两]{1,4}\s*(?:年|个月|個月))|长期|永久)"
)
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    """``tick``, ``empty``, ``level``, ``sep`` or ``other``."""
    start: int
    end: int
    level: Level | None = None

    @property
    def is_box(self) -> bool:
        return self.kind in ("tick", "empty")


@dataclass(frozen=True, slots=True)
class TickedMark:
    """The level a ticked row declares."""

    level: Level
    text: str
    """The ticked option as written (``☑机密``, ``机密√``, ``☑机密★10年``)."""
    period: str | None


@dataclass(frozen=True, slots=True)
class _Option:
    level: Level | None
    ticked: bool
    start: int
    end: int


_Run = tuple[list[_Option], int, int]
"""(options, index of the run's first token, index after its last token)."""


class TickedRow:
    """Reads rows of boxes for one vocabulary (``words``: the level-word alternation)."""

    def __init__(
        self, words: str, level_of: dict[str, Level], compact: Callable[[str], str]
    ) -> None:
        self._level_of = level_of
        self._compact = compact
        self._token_re = re.compile(
            rf"(?P<tick>{TICKS})|(?P<empty>{EMPTY}|〇(?=[ \u3000]*(?:{words})))"
            rf"|(?P<level>{words})|(?P<sep>{_SEP})",
            re.IGNORECASE,
        )

    @staticmethod
    def has_tick(text: str) -> bool:
        return _ANY_TICK.search(text) is not None

    def options_only(self, text: str) -> bool:
        """The text is nothing but options (``□绝密``, ``☑ 机密``): one cell of a form whose
        options stand one per cell or line."""
        if not ANY_BOX.search(text):
            return False
        parsed = self._parse(text.strip())
        return parsed is not None and parsed[0] == "" and parsed[2] == ""

    def declared(self, text: str) -> TickedMark | None:
        """The level the ticked row ``text`` declares, or None (no form, blank, ambiguous).

        A row of several fields whose boxes stand on different sides of their labels
        (``紧急程度：特急√  密级：□绝密 ☑机密``) is read again from its ``密级`` field to the next
        field."""
        if not self.has_tick(text):
            return None
        found = self._declared(text)
        if found is not None:
            return found
        label = _LABEL_IN_ROW.search(text)
        if label is None or label.start() == 0 or _EXAMPLE.search(text[: label.start()]):
            return None
        segment = text[label.start() :]
        nxt = _NEXT_FIELD.search(segment, label.end() - label.start())
        return self._declared(segment[: nxt.start()] if nxt else segment)

    def _declared(self, text: str) -> TickedMark | None:
        if not self.has_tick(text):
            return None
        parsed = self._parse(text)
        if parsed is None:
            return None
        prefix, options, tail = parsed
        ticked = [o for o in options if o.ticked]
        if len(ticked) != 1 or ticked[0].level is None:
            return None
        levels = sum(o.level is not None for o in options)
        if levels < 2 and not _LABEL_END.search(prefix):
            return None
        if _EXAMPLE.search(prefix) or _EXAMPLE.search(tail):
            return None
        opt = ticked[0]
        after = _PERIOD_AFTER.match(text, opt.end)
        period_m = after or _PERIOD_FIELD.search(tail)
        period = re.sub(r"\s+", "", period_m.group(1)).translate(_DIGITS) if period_m else None
        end = after.end() if after else opt.end
        written = text[opt.start : end].translate(_DIGITS).strip()
        return TickedMark(opt.level, written, period)  # type: ignore[arg-type]

    # -- parsing ----------------------------------------------------------------------------
    def _tokens(self, text: str) -> list[_Token]:
        out: list[_Token] = []
        pos = 0
        for m in self._token_re.finditer(text):
            if m.start() > pos:
                out.append(_Token("other", pos, m.start()))
            kind = m.lastgroup or "other"
            level = None
            if kind == "level":
                level = self._level_of.get(self._compact(m.group()).lower())
            out.append(_Token(kind, m.start(), m.end(), level))
            pos = m.end()
        if pos < len(text):
            out.append(_Token("other", pos, len(text)))
        return _glued(out, text)

    def _parse(self, text: str) -> tuple[str, list[_Option], str] | None:
        """(text before the options, the options, text after them), or None when the row is
        no clean row of options (a level word glued to prose or outside the options)."""
        toks = self._tokens(text)
        boxes = [i for i, t in enumerate(toks) if t.is_box]
        words = [i for i, t in enumerate(toks) if t.kind == "level"]
        if not boxes:
            return None
        box_first = not words or boxes[0] < words[0]
        if box_first:
            run = _find_run(toks, boxes, _box_first, lambda t: text[t.start : t.end][0] in _STARS)
        else:
            run = _find_run(toks, boxes, _label_first, lambda t: text[t.end - 1] in ":：")
        if run is None:
            return None
        options, lo, hi = run
        start = toks[lo].start if lo < len(toks) else len(text)
        end = toks[hi - 1].end if hi > 0 else 0
        return text[:start], options, text[end:]


_WORD_GOES_ON = re.compile(r"[\u4e00-\u9fff](?<!级)")


def _glued(toks: list[_Token], text: str) -> list[_Token]:
    """A level word that runs on into more Chinese characters (``内部公开``, ``机密文件``) is
    another word, no level: one ``other`` token (``☑普通商密 □内部公开`` offers a non-level)."""
    out: list[_Token] = []
    for t in toks:
        prev = out[-1] if out else None
        if (
            t.kind == "other"
            and prev is not None
            and prev.kind == "level"
            and _WORD_GOES_ON.match(text, t.start)
        ):
            out[-1] = _Token("other", prev.start, t.end)
        else:
            out.append(t)
    return out


def _find_run(
    toks: list[_Token],
    boxes: list[int],
    reader: Callable[[list[_Token], int, Callable[[_Token], bool]], _Run | None],
    glue_ok: Callable[[_Token], bool],
) -> _Run | None:
    """The one run of options holding every level word of the row (runs read left to right,
    each from the first box after the previous one), or None."""
    words = {i for i, t in enumerate(toks) if t.kind == "level"}
    found: _Run | None = None
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


def _label_before(toks: list[_Token], box: int) -> int | None:
    j = _skip_sep_back(toks, box - 1)
    return j if j >= 0 and not toks[j].is_box else None


def _box_first(toks: list[_Token], box: int, glue_ok: Callable[[_Token], bool]) -> _Run | None:
    """Options written box then label (``□绝密 ☑机密``), from the box at ``box`` on."""
    options: list[_Option] = []
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
        options.append(_Option(label.level, toks[i].kind == "tick", toks[i].start, label.end))
        nxt = _skip_sep(toks, end)
        if nxt < len(toks) and toks[nxt].is_box:
            i = nxt
            continue
        return options, box, end


def _label_first(toks: list[_Token], box: int, glue_ok: Callable[[_Token], bool]) -> _Run | None:
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
    options: list[_Option] = []
    while True:
        b = _skip_sep(toks, i + 1)
        label = toks[i]
        options.append(_Option(label.level, toks[b].kind == "tick", label.start, toks[b].end))
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


def _skip_sep(toks: list[_Token], i: int) -> int:
    while i < len(toks) and toks[i].kind == "sep":
        i += 1
    return i


def _skip_sep_back(toks: list[_Token], i: int) -> int:
    while i >= 0 and toks[i].kind == "sep":
        i -= 1
    return i
