"""The grammar of a secrecy marking: which strings *stand as a mark*, and what they say.

A :class:`MarkGrammar` is compiled once per vocabulary. It offers

- :meth:`MarkGrammar.has_hit` / :meth:`MarkGrammar.hit_spans` — one pass of one compiled
  alternation of every level word (spaced variants included) over a chunk's text; lines without a
  hit are never parsed further;
- :meth:`MarkGrammar.line_marks` — the mark forms standing in one line: the whole line, or a
  segment set off by a gap (tab, ideographic space, two spaces) at its start, end or middle;
- :meth:`MarkGrammar.name_marks` — marks in a file, member, sheet or subject name (bracketed
  anywhere, or leading with a separator);
- :meth:`MarkGrammar.ticked_marks` — the level ticked in a form's row of boxes
  (``密级：□绝密 ☑机密 □秘密``, read by :mod:`secaudit.detect.ticked`); any other line with boxes
  is a choice list and holds no mark.

Form: ``[密级：][(]level[级][★|☆|*|·][period][)][ 注意保存]``; the period is a term (``10年``,
``6个月``, ``长期``), a date, a decryption time or condition (``解密时间：2028年1月1日``), or a
``保密期限：`` field further on the line. The level word may be spaced (``机 密``). A star
before the level, a hollow star, ``*``/``·`` or a bare space before a numeric period are
non-standard forms: still marks, with a note. The pattern pieces are
:mod:`secaudit.detect.markpatterns`: to accept a new kind of period or separator, extend them
there and add rows to ``tests/detect/test_markings.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from secaudit.detect.markpatterns import (
    ASCII_DIGITS,
    BOXES,
    CHOICE_GAP,
    CLOSE,
    FIELD,
    FIELD_PERIOD,
    GAP,
    LEAD,
    NAME_SEP,
    NAMED_FIELD,
    NAMED_LABEL,
    NUM_PERIOD,
    OPEN,
    OPENS,
    PERIOD,
    REPLY_PREFIX,
    STAR,
    STOP,
    SUFFIX,
    USE,
    compact,
    form_note,
    short_period,
    spaced,
)
from secaudit.detect.ticked import NOTE as TICKED_NOTE
from secaudit.detect.ticked import TickedRow
from secaudit.detect.vocabulary import Vocabulary
from secaudit.model import Level


@dataclass(frozen=True, slots=True)
class MarkMatch:
    """One mark form found in a line or name."""

    level: Level
    text: str
    """The marking as written (without a ``密级：`` field prefix or brackets)."""
    period: str | None
    note: str | None
    strong: bool
    """Star, field prefix, numeric period or ``注意保存`` suffix: a mark wherever it stands."""
    whole: bool
    """The mark is the whole line (brackets and field prefix aside)."""
    before: str = ""
    """Text of the line before the mark (empty when whole)."""
    after: str = ""
    """Text of the line after the mark."""
    ticked: bool = False
    """The level ticked in a form's row of boxes (``□绝密 ☑机密``)."""


class MarkGrammar:
    """Compiled mark patterns for one vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        pairs = vocabulary.all_words()
        self._level_by_word = {compact(w).lower(): lv for w, lv in pairs}
        words = "|".join(spaced(w) for w, _ in pairs)
        self.hit_re = re.compile(words, re.IGNORECASE)
        core = (
            rf"(?:(?P<pre>[{STAR}])\s*)?(?P<lead>{LEAD})?(?P<level>{words})级?(?(lead)(?P<use>{USE})?)"
            rf"(?:\s*(?P<star>[{STAR}])\s*(?P<period>{PERIOD})?"
            rf"|(?:\s+|\s*[（(/／]\s*)(?P<numperiod>{NUM_PERIOD})(?P<nclose>\s*[）)])?)?"
            rf"(?P<suffix>{SUFFIX})?{STOP}"
        )
        self._core = core
        form = rf"(?:(?P<open>{OPEN})\s*)?{core}(?:\s*(?P<close>{CLOSE}))?(?:(?!\S)|(?={OPEN}))"
        self.form_re = re.compile(rf"(?<!\S)(?P<field>{FIELD})?{form}", re.IGNORECASE)
        self.named_form_re = re.compile(rf"(?<!\S)(?P<field>{NAMED_FIELD})?{form}", re.IGNORECASE)
        self.bracket_re = re.compile(rf"{OPEN}\s*{core}\s*{CLOSE}", re.IGNORECASE)
        self.trail_re = re.compile(rf"[-_—－~～\s]{core}\s*$", re.IGNORECASE)
        self.lead_re = re.compile(rf"^\s*(?:{FIELD})?{core}\s*(?={NAME_SEP})", re.IGNORECASE)
        self.title_re = re.compile(
            rf"^[^\s。，；;,]{{2,40}}?{OPEN}\s*{core}\s*{CLOSE}\s*$", re.IGNORECASE
        )
        self.prefix_re = re.compile(
            rf"^{OPEN}\s*{core}\s*{CLOSE}\s*[^\s。，；;,{STAR}][^。，；;,]{{1,40}}$",
            re.IGNORECASE,
        )
        self.box_re = re.compile(rf"〇\s*(?:{words})")
        self._ticked = TickedRow(words, self._level_by_word, compact)

    def form_for(self, text: str) -> re.Pattern[str]:
        """The mark-form pattern for ``text``: with named labels (``报表密级：``) only when it
        holds one."""
        if "级" in text and NAMED_LABEL.search(text):
            return self.named_form_re
        return self.form_re

    # -- hits -------------------------------------------------------------------------------
    def has_hit(self, text: str) -> bool:
        return self.hit_re.search(text) is not None

    def is_choice_list(self, text: str) -> bool:
        """A form or list offering levels as choices (``□绝密 □机密 □秘密``, ``绝密、机密``)."""
        if BOXES.search(text) or self.box_re.search(text):
            return True
        prev: tuple[int, Level] | None = None
        for m in self.hit_re.finditer(text):
            lv = self._level_by_word.get(compact(m.group()).lower())
            if lv is None:
                continue
            if prev and prev[1] != lv and CHOICE_GAP.fullmatch(text[prev[0] : m.start()]):
                return True
            prev = (m.end(), lv)
        return False

    # -- lines ------------------------------------------------------------------------------
    def line_marks(
        self, line: str, *, gapped: bool, loose: bool = False, ticks: bool = True
    ) -> list[MarkMatch]:
        """Mark forms standing in ``line``: the whole line, or (``gapped``) a segment set off
        by a gap, or (``loose``: headers, footers, property values) by any whitespace.
        ``ticks=False`` tells that the text around holds no tick at all (no ticked-box form)."""
        stripped = line.strip()
        if ticks and TickedRow.has_tick(stripped):
            ticked = self.ticked_marks(stripped)
            if ticked:
                return ticked
        if gapped or loose:
            matches = list(self.form_for(stripped).finditer(stripped))
        else:  # only a mark that is the whole line counts: one anchored try (most prose fails
            # at its first character)
            whole_line = self.form_for(stripped).fullmatch(stripped)
            matches = [whole_line] if whole_line is not None else []
        out = []
        for m in matches:
            if bool(m.group("open")) != bool(m.group("close")):
                continue
            whole = m.start() == 0 and m.end() == len(stripped)
            if not whole and not loose and not (gapped and _is_gapped(stripped, m)):
                continue
            out.append(self._match(m, whole=whole, field=bool(m.group("field"))))
        if out and self.is_choice_list(stripped):
            return []  # checked last: most lines hold no mark form at all
        return [_with_field_period(mark) for mark in out]

    def title_marks(self, line: str) -> list[MarkMatch]:
        """A bracketed mark closing or opening a short title line (``存款客户明细（内部资料）``,
        ``【内部】2023年度绩效考核方案``)."""
        m = self.title_re.match(line.strip()) or self.prefix_re.match(line.strip())
        if m is None or self.is_choice_list(line):
            return []
        found = self._match(m, whole=True, field=False)
        return [MarkMatch(found.level, found.text, found.period, found.note, True, True)]

    def ticked_marks(self, row: str) -> list[MarkMatch]:
        """The level ticked in a row of boxes (cells may be tab-separated), as a strong whole
        mark; [] for a blank, ambiguous or example row and for anything that is no form."""
        found = self._ticked.declared(row.strip())
        if found is None:
            return []
        return [
            MarkMatch(found.level, found.text, found.period, TICKED_NOTE, True, True, ticked=True)
        ]

    def options_only(self, text: str) -> bool:
        """``text`` is nothing but boxed options (``□绝密``): a cell of a form whose options stand
        one per cell or line."""
        return self._ticked.options_only(text)

    # -- names ------------------------------------------------------------------------------
    def name_marks(self, name: str, *, subject: bool = False) -> list[MarkMatch]:
        """Marks in a file/member/sheet name or an e-mail subject."""
        if self.is_choice_list(name):
            return []
        if subject:
            name = name[REPLY_PREFIX.match(name).end() :]  # type: ignore[union-attr]
        found = []
        m = self.lead_re.match(name) or self.lead_re.match(name[_ordinal_end(name) :])
        if m and _lead_stands(m):
            found.append(self._match(m, whole=True, field=False))
        stem = name if subject or "." not in name[-6:] else name.rsplit(".", 1)[0]
        t = self.trail_re.search(stem)
        if t and not (subject and compact(t.group("level")) == "内部"):
            found.append(self._match(t, whole=True, field=False))
        for b in self.bracket_re.finditer(name):
            if subject and name[: b.start()].strip() and name[b.end() :].strip():
                continue  # a subject starts or closes with its mark (标题（核心商密）)
            found.append(self._match(b, whole=True, field=False))
        return found

    # -- helpers ----------------------------------------------------------------------------
    def _match(self, m: re.Match[str], *, whole: bool, field: bool) -> MarkMatch:
        level_word = compact(m.group("level")).lower()
        level = self._level_by_word[level_word]
        start = next((m.start(g) for g in ("pre", "lead") if m.group(g)), m.start("level"))
        ends = ("level", "use", "star", "period", "numperiod", "nclose", "suffix")
        end = max(m.end(g) for g in ends)
        period_raw = m.group("period") or m.group("numperiod")
        period = short_period(period_raw) if period_raw else None
        if period_raw and period != compact(period_raw):  # free text cut: not copied whole
            grp = "period" if m.group("period") else "numperiod"
            end = m.start(grp)
            text = (m.string[start:end].translate(ASCII_DIGITS) + (period or "")).strip()
        else:
            text = m.string[start:end].translate(ASCII_DIGITS).strip()
        strong = bool(
            field or m.group("star") or m.group("numperiod") or m.group("suffix") or m.group("lead")
        )
        before, after = m.string[: m.start()].strip(), m.string[m.end() :].strip()
        return MarkMatch(level, text, period, form_note(m, level), strong, whole, before, after)


_NOT_LEVEL_NEXT = re.compile(r"[\s|｜丨/／-]*(?:外部|外包|外联|公开|非密|对外|不公开|一般)")
"""After a leading level, a word that makes the pair a choice or a contrast (``内部/外部``,
``商密/非密``), not a mark."""
_SLASH = re.compile(r"\s*[|｜丨/／]")


def _lead_stands(m: re.Match[str]) -> bool:
    """A level leading a name is its mark unless a contrasting word follows it, or it is a bare
    内部 set off only by a slash or bar (``内部/外包人员管理``, ``内部｜外部审计``: nouns)."""
    rest = m.string[m.end() :]
    if _NOT_LEVEL_NEXT.match(rest):
        return False
    return not (compact(m.group("level")) == "内部" and _SLASH.match(rest))


_ORDINAL_PREFIX = re.compile(
    r"\s*(?:(?:附件|附表)?[0-9０-９]{1,8}\s*[_\-—－.．、:：\s]|[(（][0-9０-９]{1,3}[)）])\s*"
)
"""A number leading a file name before its mark (``012_内部资料-说明``, ``20240315_普通商密_…``)."""


def _ordinal_end(name: str) -> int:
    m = _ORDINAL_PREFIX.match(name)
    return m.end() if m else 0


def _with_field_period(mark: MarkMatch) -> MarkMatch:
    """A mark without a period takes the one given beside it in a ``保密期限：`` field."""
    if mark.period is not None:
        return mark
    m = FIELD_PERIOD.search(mark.after)
    if m is None or "_" in m.group("period"):  # a blank form field (``保密期限：____年``)
        return mark
    return replace(mark, period=short_period(m.group("period")))


def _is_gapped(line: str, m: re.Match[str]) -> bool:
    """The match is set off from the rest of the line by gaps (or by the line's ends)."""
    before, after = line[: m.start()], line[m.end() :]
    ok_before = not before or bool(GAP.search(before[-2:]) or before.endswith("\t"))
    ok_after = not after or bool(GAP.match(after))
    if m.group("period") and after[:1] == " ":
        ok_after = True  # 机密★10年 正文… : a full star form needs only one space
    if m.group("star") and OPENS.match(after):
        ok_after = True  # 机密★10年（内部）: a star form followed by a bracketed remark
    return ok_before and ok_after
