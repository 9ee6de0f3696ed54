"""The grammar of a secrecy marking: which strings *stand as a mark*, and what they say.

A :class:`MarkGrammar` is compiled once per vocabulary. It offers

- :meth:`MarkGrammar.has_hit` / :attr:`MarkGrammar.hit_re` — one pass of one compiled
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
non-standard forms: still marks, with a note. To accept a new kind of period or
separator, extend the patterns below (label words and glosses: :mod:`.marklabels`; how a period
is kept: :mod:`.markperiods`) and add rows to ``tests/detect/test_markings.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from secaudit.detect.marklabels import FIELD, NAMED_FIELD, NAMED_LABEL, without_glosses
from secaudit.detect.marklabels import LABEL_PREFIX as LABEL_PREFIX  # re-exported (keyvalue)
from secaudit.detect.marklabels import LABEL_WORDS as LABEL_WORDS
from secaudit.detect.markperiods import FIELD_PERIOD, short_period
from secaudit.detect.markperiods import compact as _compact
from secaudit.detect.ticked import NOTE as TICKED_NOTE
from secaudit.detect.ticked import TickedRow
from secaudit.detect.vocabulary import Vocabulary
from secaudit.model import Level

_STAR = "★☆*＊·・•●▲△"
_NUM = r"[0-9０-９一二三四五六七八九十两〇零百]{1,4}"
_PERIOD = (
    r"(?:解密时间|解密日期|解密条件|保密期限)\s*[:：]\s*[^\s,，。;；★☆]{1,30}"
    r"|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?(?:之前|前|止)?"
    r"|\d{4}[/／.\-]\d{1,2}[/／.\-]\d{1,2}(?:之前|前|止)?"
    rf"|{_NUM}\s*(?:年|个月|個月|月|日|天|周)(?:以内|内)?"
    r"|长期|永久"
    r"|[^\s★☆*＊·・•●▲△,，。;；:：、()（）\[\]［］【】〔〕“”\"'‘’《》<>〈〉/／|｜丨]{1,20}"
)
_NUM_PERIOD = rf"{_NUM}\s*(?:年|个月|個月)|长期"
_SUFFIX = (
    r"[,，、\s|｜丨/／—–-]*(?:注意保存|注意保密|妥善保管|注意保管|严禁复制|仅供参考|(?:仅限)?内部传阅"
    r"|(?:未经[^\s，,。;；]{0,6}?[，,]?)?(?:不得|严禁|禁止|请勿|切勿)(?:外传|外泄|外借|复制|转发|扩散"
    r"|泄露|翻印|对外(?:提供|披露|发布|传播)?|向外(?:提供|披露)?)"
    r"|(?:仅限|仅供|只限|只供|限)[^\s，,。;；]{0,10}?(?:使用|阅读|传阅|学习|查阅|交流|参考|阅知))"
)
_OPEN = "[【(（〔［\\[〈<]"
_CLOSE = "[】)）〕］\\]〉>]"
_OPENS = re.compile(_OPEN)
_GAP = re.compile(r"\t|\u3000|\s{2,}")
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９＊", "0123456789*")
_BOXES = re.compile("[□☐▢☑☒■▣○◯]")
_CHOICE_GAP = re.compile(r"[\s、,，/／|｜丨;；或和及与()（）]*")
_NOTES = {"☆": "☆", "*": "*", "＊": "*", "·": "·", "・": "·", "•": "·", "●": "·", "▲": "▲"}
_NOTES["△"] = "▲"
_LEAD = (
    r"(?:本(?:资料|文件|文档|材料|报告|手册|讲义|课件|简报|表|页)|此件|本件|此文件)?"
    r"(?:仅供|仅限|只供|只限)"
)
"""A circulation notice before the level word (``本资料仅供内部使用``): a mark, strong."""
_USE = r"(?:参考|传阅|阅读|学习|交流)"
_STOP = r"(?:\s*[。.!！])?"
_NAME_SEP = r"(?:[-_—－~～.。、:：\s★☆|｜丨/／]|$)"
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|回复|转发|答复)\s*[:：]\s*)*", re.IGNORECASE)


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


def _spaced(word: str) -> str:
    if word.isascii():
        return re.escape(word)
    return r"[ \u3000]{0,2}".join(re.escape(c) for c in word)


class MarkGrammar:
    """Compiled mark patterns for one vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        pairs = vocabulary.all_words()
        self._level_by_word = {_compact(w).lower(): lv for w, lv in pairs}
        words = "|".join(_spaced(w) for w, _ in pairs)
        self.hit_re = re.compile(words, re.IGNORECASE)
        core = (
            rf"(?:(?P<pre>[{_STAR}])\s*)?(?P<lead>{_LEAD})?(?P<level>{words})级?(?(lead)(?P<use>{_USE})?)"
            rf"(?:\s*(?P<star>[{_STAR}])\s*(?P<period>{_PERIOD})?"
            rf"|(?:\s+|\s*[（(/／]\s*)(?P<numperiod>{_NUM_PERIOD})(?P<nclose>\s*[）)])?)?"
            rf"(?P<suffix>{_SUFFIX})?{_STOP}"
        )
        self._core = core
        form = rf"(?:(?P<open>{_OPEN})\s*)?{core}(?:\s*(?P<close>{_CLOSE}))?(?:(?!\S)|(?={_OPEN}))"
        # a bracket may open before the 密级 label as well: （密级：核心商密） closes a document
        fopen = rf"(?:(?P<fopen>{_OPEN})\s*(?=(?:文件|文档|资料|信息|保|报|密)))?"
        self.form_re = re.compile(rf"(?<!\S){fopen}(?P<field>{FIELD})?{form}", re.IGNORECASE)
        self.named_form_re = re.compile(
            rf"(?<!\S){fopen}(?P<field>{NAMED_FIELD})?{form}", re.IGNORECASE
        )
        self.bracket_re = re.compile(rf"{_OPEN}\s*{core}\s*{_CLOSE}", re.IGNORECASE)
        # a sequence number may follow the trailing level (考核办法_核心商密_187)
        self.trail_re = re.compile(
            rf"[-_—－~～\s]{core}(?:[-_—－~～\s][0-9０-９]{{1,6}})?\s*$", re.IGNORECASE
        )
        self.lead_re = re.compile(rf"^\s*(?:{FIELD})?{core}\s*(?={_NAME_SEP})", re.IGNORECASE)
        self.title_re = re.compile(
            rf"^[^\s。，；;,]{{2,40}}?{_OPEN}\s*{core}\s*{_CLOSE}\s*$", re.IGNORECASE
        )
        self.prefix_re = re.compile(
            rf"^{_OPEN}\s*{core}\s*{_CLOSE}\s*[^\s。，；;,{_STAR}][^。，；;,]{{1,40}}$",
            re.IGNORECASE,
        )
        self.box_re = re.compile(rf"〇\s*(?:{words})")
        self._ticked = TickedRow(words, self._level_by_word, _compact)

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
        if _BOXES.search(text) or self.box_re.search(text):
            return True
        prev: tuple[int, Level] | None = None
        for m in self.hit_re.finditer(text):
            lv = self._level_by_word.get(_compact(m.group()).lower())
            if lv is None:
                continue
            if prev and prev[1] != lv and _CHOICE_GAP.fullmatch(text[prev[0] : m.start()]):
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
        stripped = without_glosses(line).strip()
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
            opened = bool(m.group("open")) + bool(m.group("fopen") and m.group("field"))
            if opened != bool(m.group("close")):
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
            name = name[_REPLY_PREFIX.match(name).end() :]  # type: ignore[union-attr]
        found = []
        m = self.lead_re.match(name) or self.lead_re.match(name[_ordinal_end(name) :])
        if m and _lead_stands(m):
            found.append(self._match(m, whole=True, field=False))
        stem = name if subject or "." not in name[-6:] else name.rsplit(".", 1)[0]
        t = self.trail_re.search(stem)
        if t and not (subject and _compact(t.group("level")) == "内部"):
            found.append(self._match(t, whole=True, field=False))
        for b in self.bracket_re.finditer(name):
            if subject and name[: b.start()].strip() and name[b.end() :].strip():
                continue  # a subject starts or closes with its mark (标题（核心商密）)
            found.append(self._match(b, whole=True, field=False))
        return found

    # -- helpers ----------------------------------------------------------------------------
    def _match(self, m: re.Match[str], *, whole: bool, field: bool) -> MarkMatch:
        level_word = _compact(m.group("level")).lower()
        level = self._level_by_word[level_word]
        start = next((m.start(g) for g in ("pre", "lead") if m.group(g)), m.start("level"))
        ends = ("level", "use", "star", "period", "numperiod", "nclose", "suffix")
        end = max(m.end(g) for g in ends)
        period_raw = m.group("period") or m.group("numperiod")
        period = short_period(period_raw) if period_raw else None
        if period_raw and period != _compact(period_raw):  # free text cut: not copied whole
            grp = "period" if m.group("period") else "numperiod"
            end = m.start(grp)
            text = (m.string[start:end].translate(_ASCII_DIGITS) + (period or "")).strip()
        else:
            text = m.string[start:end].translate(_ASCII_DIGITS).strip()
        strong = bool(
            field or m.group("star") or m.group("numperiod") or m.group("suffix") or m.group("lead")
        )
        before, after = m.string[: m.start()].strip(), m.string[m.end() :].strip()
        return MarkMatch(level, text, period, _note(m, level), strong, whole, before, after)


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
    return not (_compact(m.group("level")) == "内部" and _SLASH.match(rest))


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
    ok_before = not before or bool(_GAP.search(before[-2:]) or before.endswith("\t"))
    ok_after = not after or bool(_GAP.match(after))
    if m.group("period") and after[:1] == " ":
        ok_after = True  # 机密★10年 正文… : a full star form needs only one space
    if m.group("star") and _OPENS.match(after):
        ok_after = True  # 机密★10年（内部）: a star form followed by a bracketed remark
    return ok_before and ok_after


def _note(m: re.Match[str], level: Level) -> str | None:
    notes = []
    if m.group("pre"):
        notes.append("非标准标注形式: 星号前置")
    star = m.group("star")
    if star and star in _NOTES:
        notes.append(f"非标准标注形式: {_NOTES[star]}")
    if m.group("numperiod"):
        notes.append("非标准标注形式: 缺少★")
    if star and not m.group("period"):
        notes.append("未标保密期限，按默认期限")
    if (star or m.group("pre")) and level is Level.INTERNAL:
        # DESIGN.md: commercial secrets take the same form (核心商密★5年); internal material
        # has no period form
        notes.append("★为国家秘密标志，内部资料使用属非规范")
    return "；".join(notes) or None
