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

from secaudit.detect.tickruns import Option, Token, box_first, find_run, glued, label_first
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
BOX_GATE_FIRST = "■☑☒▣√✓✔✅□☐▢○◯(（[［【"
"""Every :data:`BOX_GATE` match starts with one of these."""
BOX_GATE = re.compile(
    f"[{re.escape(BOX_GATE_FIRST)}]"
    r"(?:(?<=[(（\[［【])[ \u3000_]*[√✓✔xX)）\]］】]|(?<![(（\[［【]))"
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
class TickedMark:
    """The level a ticked row declares."""

    level: Level
    text: str
    """The ticked option as written (``☑机密``, ``机密√``, ``☑机密★10年``)."""
    period: str | None


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
    def _tokens(self, text: str) -> list[Token]:
        out: list[Token] = []
        pos = 0
        for m in self._token_re.finditer(text):
            if m.start() > pos:
                out.append(Token("other", pos, m.start()))
            kind = m.lastgroup or "other"
            level = None
            if kind == "level":
                level = self._level_of.get(self._compact(m.group()).lower())
            out.append(Token(kind, m.start(), m.end(), level))
            pos = m.end()
        if pos < len(text):
            out.append(Token("other", pos, len(text)))
        return glued(out, text)

    def _parse(self, text: str) -> tuple[str, list[Option], str] | None:
        """(text before the options, the options, text after them), or None when the row is
        no clean row of options (a level word glued to prose or outside the options)."""
        toks = self._tokens(text)
        boxes = [i for i, t in enumerate(toks) if t.is_box]
        words = [i for i, t in enumerate(toks) if t.kind == "level"]
        if not boxes:
            return None
        if not words or boxes[0] < words[0]:  # box before its label
            run = find_run(toks, boxes, box_first, lambda t: text[t.start : t.end][0] in _STARS)
        else:
            run = find_run(toks, boxes, label_first, lambda t: text[t.end - 1] in ":：")
        if run is None:
            return None
        options, lo, hi = run
        start = toks[lo].start if lo < len(toks) else len(text)
        end = toks[hi - 1].end if hi > 0 else 0
        return text[:start], options, text[end:]
