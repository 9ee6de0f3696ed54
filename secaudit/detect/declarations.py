"""Marks written as a sentence: closing handling notes and declaration sentences.

Besides the mark forms of :mod:`.markforms`, bank documents declare their level in a sentence of
their own:

- a closing handling note, usually bracketed: ``（此件为核心商密，不得外传）``,
  ``此件属核心商密 严禁外传``, ``（注：本件为普通商密，阅后收回）`` — a mark (high confidence: the
  note names the piece itself, 此件/本件/此文件/本文件, or is bracketed);
- a declaration sentence: ``本方案属本行商业秘密（普通商密），未经批准不得向外披露。``,
  ``本手册为内部资料，仅限本行员工学习使用。请妥善保管。``, ``本报告密级为普通商密…`` — the document
  names itself (本/此 + a document noun), says it *is* (为/属/属于/系/密级为…) a level, 商业秘密
  or 工作秘密, and every other clause is a handling or circulation clause; medium confidence.

How a line is read (:meth:`Declarations.marks`): markdown/decoration characters and a label
(``注：``, ``声明：``, ``保密提示：``) are taken off, the line is cut into sentences; a declaration
sentence counts when it opens the line, or closes a paragraph as a note (bracketed or 此件/本件),
and every sentence after it is a handling sentence. A sentence is cut into clauses (，； and
gaps): one descriptive clause may come first (``为本行内部规范性文件``, ``涉及客户信息``), then
clauses that state the level, then handling clauses only.

Prose about secrecy fails the shape: ``本制度所称商业秘密，是指……`` (no 为/属 after the subject),
``本办法属于内部规章`` / ``本报告为内部审计报告`` (the level word is part of a longer noun),
``对标注为核心商密的文件……`` (does not start with the document's own name), ``示例：本方案属…``
(an unknown label). The body rules add the example-context guard. Level words come from the
policy's vocabulary; the nouns and handling words are :data:`DOC_NOUNS` and :data:`HANDLING`
(extend them, with rows in ``tests/detect/test_declarations.py``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from itertools import chain
from re import Match

from secaudit.detect.markforms import MarkMatch
from secaudit.detect.vocabulary import Vocabulary
from secaudit.model import Confidence, Level

DOC_NOUNS = (
    "方案|手册|报告|文档|材料|资料|办法|制度|规定|细则|计划|通知|纪要|表格|表|清单|讲义|课件|汇编"
    "|指引|规程|预案|文件|稿|函|意见|总结|简报|台账|名单|合同|协议|说明书|标书|底稿|页|通报|邮件"
    "|附件|数据|汇报|演示文稿|幻灯片|PPT|请示|批复|会议纪要|明细|报表|档案|文|件"
)
HANDLING = (
    r"不得|严禁|禁止|仅限|仅供|只限|只供|未经|请勿|切勿|注意|妥善|保密|勿|限于|限本行|阅后|用后|收回|销毁"
    r"|违者|追究|须经|需经|应当|应|按照|遵守|负有|按规定|严格管理|仅发|只发|发至|阅知|知悉|传阅|外传"
    r"|外泄|扩散|转发|复制|复印|存档|归档|保管|翻印|涉密载体"
    # a mail's misdelivery clause
    r"|误收|误投|误发|收件人|发件人|删除"
)
_SUBJECT = re.compile(
    rf"(?:(?P<note>此件|本件|此文件|本文件)|[本此](?:{DOC_NOUNS})|(?:以上|上述)(?:内容|信息|数据|材料|资料))"
    r"(?:(?:及|和|与)(?:其)?(?:附件|所附(?:材料|文件)?|附表))?"
    r"(?:的)?(?:内容|所载(?:内容|信息|数据)?|所含(?:内容|信息|数据)|信息|数据)?"
)
_FREE_NP = re.compile(
    r"[本此](?!行|人|公司|社|联社|单位|部门|季|年|月|周|日|届|类|种|项|外|前|后)[\u4e00-\u9fff]{1,6}"
)
"""本/此 + up to six Chinese characters: a subject not in :data:`DOC_NOUNS` (``本制度汇编``), never
an owner, person or time (``本行``, ``本人``, ``本季度``, ``本年度``)."""
_FUNCTION = re.compile("[如若所的之在对将把被从于和与或等可能应已需须请是]")
"""Function words no subject noun phrase holds (``本邮件如涉及商业秘密…`` is a condition)."""
_SELF = ("本", "此", "以上", "上述")
"""A declaration names the document itself: one of these starts its subject."""


def names_self(text: str) -> bool:
    """``text`` holds one of :data:`_SELF` (spelled out: no generator per line)."""
    return "本" in text or "此" in text or "以上" in text or "上述" in text


_LABEL_WORDS = (
    r"(?:注|注意|备注|附注|说明|声明|特别声明|保密声明|提示|特别提示|保密提示|重要提示|温馨提示)"
)
_LABEL = re.compile(rf"^(?:{_LABEL_WORDS}\s*[:：]|[【\[［]\s*{_LABEL_WORDS}\s*[】\]］])\s*")
"""A label before the sentence: ``声明：``, or bracketed (``【保密提示】``, a mail disclaimer)."""
_DECOR = re.compile(r"^[\s>#*_~—\-※◆■●▲]+|[\s*_~—\-※◆■●▲]+$")
SENTENCE_ENDS = "。！!；;"
CLOSERS = "）)】]〕］"
SENTENCE_END = re.compile(f"[{SENTENCE_ENDS}](?![{re.escape(CLOSERS)}])")
"""Where a sentence ends: its closing mark, unless a closing bracket follows (the note goes on)."""
_DECOR_EDGE = frozenset(">#*_~—-※◆■●▲")


def _decorated(line: str) -> bool:
    """``line`` starts or ends with a character :data:`_DECOR` takes off (told without running
    it: its end alternative is tried at every position of the line)."""
    first, last = line[:1], line[-1:]
    return (
        first in _DECOR_EDGE or first.isspace() or last in _DECOR_EDGE or last.isspace()
    ) and bool(line)


def _sentences(text: str) -> list[str]:
    """``text`` cut after each sentence end (:data:`SENTENCE_END`); the pieces join to it."""
    out, start = [], 0
    for m in SENTENCE_END.finditer(text):
        out.append(text[start : m.end()])
        start = m.end()
    out.append(text[start:])
    return out


_CLAUSES = re.compile(r"\s*[，,；;]\s*|\s+")
_IS = (
    r"(?:的?密级\s*(?:为|是|[:：])?|属于|属|系|为|是|已被?(?:确)?定为|被?(?:确)?定为|已?被?列为|涉及|含有"
    r"|包含|均属|均为|按照?|参照"
    r"|仅限(?:于)?|仅供|只限|只供|限于)"
)
_STATE = r"(?:的)?(?:国家秘密(?:事项|载体)?|涉密(?:文件|载体|资料))"
"""``秘密级国家秘密``: a state-secret level names the secret kind after 级."""
_OWNER = (
    r"(?:本行|我行|本公司|本社|本联社"
    r"|[\u4e00-\u9fff]{2,16}?(?:农村商业银行|农商银行|农商行|银行|农村信用合作联社|联社|信用社))?"
    r"(?:员工|职工|工作人员|人员)?的?"
)
"""Whose secret it is: 本行…, or the bank named (``属某某农商银行普通商密``)."""
_KIND = r"(?:(?:内部)?(?:学习|培训|参考|工作|传阅|管理)?(?:文件|资料|材料|信息|事项|数据))?件?"
_COPULA = re.compile(_IS)
_DESCRIBE = re.compile(r"(?:为|是|系|涉及|包含|含有|载有|记载|列示)[^，,；;]{1,20}")
_OPEN, _CLOSE = "（(【[〔［", CLOSERS
PERIOD_CLAUSE = (
    r"保密期限\s*(?:为|是|[:：])?\s*"
    r"(?:[0-9０-９一二三四五六七八九十两]{1,3}\s*(?:年|个月|個月)|长期|永久)"
)
"""A period clause beside the level (``机密（保密期限：长期）``, ``保密期限为5年``)."""
BIZ_WORDS = {
    "核心商业秘密": Level.CORE_COMMERCIAL,
    "商业秘密": Level.COMMERCIAL,
    "工作秘密": Level.INTERNAL,
}
OPEN_WINDOW = 16
"""Characters at a sentence's front that decide whether it opens with a subject: the longest
listed subject (16 characters with 及其所附材料…所载内容) and a free subject (at most 7) with the
copula after it (at most 5 more: ``已被确定为``); ``tests/detect/test_marking_fastpaths.py`` checks
both widths against the patterns."""
DECLARATION_NOTE = "声明句式标注（非标准密级标志）"
MAX_LINE = 160
MAX_TEXT = 40
"""Most characters of a declaration a finding keeps as its text."""


class Declarations:
    """Declaration and handling-note sentences for one vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        pairs = vocabulary.all_words()
        self._levels = dict(pairs)
        words = "|".join(re.escape(w) for w, _ in pairs)
        biz = "|".join(BIZ_WORDS)
        self._gate = re.compile(rf"{biz}|{words}")
        self._clause = re.compile(
            rf"{_IS}?\s*{_OWNER}\s*(?P<biz>{biz})?\s*"
            rf"(?:[（(]\s*(?P<inner>{words})级?\s*[）)]|(?P<level>{words})(?:级别|级{_STATE}?)?)?"
            rf"(?:\s*[（(]\s*{PERIOD_CLAUSE}\s*[）)])?\s*{_KIND}"
            r"(?:(?:进行|从严)?(?:管理|保管))?"  # 按核心商密管理
        )
        self._handling = re.compile(HANDLING)
        self._gate_words = [*BIZ_WORDS, *(w for w, _ in pairs)]

    def gate_words(self) -> list[str]:
        """Every word a declaration's level clause may name (levels, 商业秘密…)."""
        return list(self._gate_words)

    def marks(self, line: str) -> Iterator[tuple[MarkMatch, Confidence]]:
        """The declaration ``line`` holds, if it holds one (at most one mark)."""
        if not names_self(line):  # the decoration stripped below holds none
            return
        text = _DECOR.sub("", line) if _decorated(line) else line
        if not text or len(text) > MAX_LINE:
            return
        if not self._names_self_and_level(text):
            return
        sentences = [s for s in _sentences(text) if s.strip()]
        gate = self._gate.search
        for k, sentence in enumerate(sentences):
            if not names_self(sentence) or gate(sentence) is None:
                continue  # a declaration sentence opens with its subject (本/此…) and names a level
            found = self._sentence(sentence.strip())
            if found is None:
                continue
            level, note_form = found
            if k > 0 and not note_form:
                return  # a declaration opens its line; only a note may close a paragraph
            if not all(self._is_handling(s) for s in sentences[k + 1 :]):
                return
            conf = Confidence.HIGH if note_form else Confidence.MEDIUM
            mark_text = "".join(sentences[k:]).strip()
            if len(mark_text) > MAX_TEXT:  # evidence keeps the declaration's head, not a passage
                mark_text = mark_text[:MAX_TEXT] + "…"
            note = None if note_form else DECLARATION_NOTE
            yield MarkMatch(level, mark_text, None, note, True, True), conf
            return

    def _names_self_and_level(self, text: str) -> bool:
        """Some sentence of ``text`` (as :func:`_sentences` cuts it) names the document and a
        level word: what a declaration needs. Only the sentence around each level word is read
        (found by bisecting the sentence ends): prose naming 本/此 in one sentence and 内部 in
        another is not cut into sentences."""
        hits = self._gate.finditer(text)
        first = next(hits, None)
        if first is None:
            return False
        ends = list(map(Match.end, SENTENCE_END.finditer(text)))  # where each sentence ends
        for m in chain((first,), hits):
            k = bisect_right(ends, m.start())
            if names_self(text[ends[k - 1] if k else 0 : ends[k] if k < len(ends) else len(text)]):
                return True
        return False

    def may_open(self, start: str) -> bool:
        """Whether a sentence beginning with ``start`` (its first part, e.g. the unfinished end
        of a wrapped line) may be a declaration, told from ``start`` alone: True unless, with or
        without a decoration, a bracket and a label taken off its front as :meth:`_sentence`
        does, at least :data:`OPEN_WINDOW` characters remain and they open with no listed
        subject (:data:`_SUBJECT`) and no free subject a copula follows (``本次培训…``)."""
        s = start.strip()
        for x in (s, _DECOR.sub("", s)) if _decorated(s) else (s,):
            if x[:1] in "【[［":
                x = _LABEL.sub("", x)
            for y in (x, x[1:].strip()) if x[:1] in _OPEN else (x,):
                if y[:1] not in "本此以上":  # no label starts with a subject's first character
                    y = _LABEL.sub("", y)
                if len(y) < OPEN_WINDOW or _SUBJECT.match(y):
                    return True
                m = _FREE_NP.match(y)
                # a copula starting by the phrase's end is found within 5 characters after it
                copula = _COPULA.search(y, 2, m.end() + 5) if m is not None else None
                if copula is not None and copula.start() <= m.end():  # type: ignore[union-attr]
                    return True
        return False

    # -- one sentence ---------------------------------------------------------------------------
    def _sentence(self, sentence: str) -> tuple[Level, bool] | None:
        """(level, note form) of a declaration sentence, else None."""
        s = sentence.rstrip("。.!！；; ")
        if s[:1] in "【[［":
            s = _LABEL.sub("", s)  # 【保密提示】本邮件…: a bracketed label, not a bracketed note
        bracketed = bool(s) and s[0] in _OPEN
        if bracketed != (bool(s) and s[-1] in _CLOSE):
            return None
        if bracketed:
            s = s[1:-1].strip().rstrip("。.!！；; ")
        s = _LABEL.sub("", s)
        if len(s) > 90:
            return None
        subject = _SUBJECT.match(s)
        level = self._clauses(s[subject.end() :]) if subject else None
        if level is None:
            level = self._free_subject(s)
            if level is None:
                return None
            return level, bracketed
        return level, bracketed or bool(subject.group("note"))  # type: ignore[union-attr]

    def _free_subject(self, s: str) -> Level | None:
        """The level a sentence states whose subject is 本/此 + a short noun phrase that is no
        listed document noun (``本制度汇编``, ``本培训教材``, ``本测算``): the phrase names no level
        and is no owner, person or time (``本行…``, ``本人…``, ``本季度…``), and a level clause led
        by a copula (为/属/仅限…) must follow it at once, then handling clauses only — at least
        one (``本题答案为机密。`` in a quiz declares nothing)."""
        m = _FREE_NP.match(s)
        if m is None:
            return None
        copula = _COPULA.search(s, 2)  # the first place a copula starts
        if copula is None or copula.start() > m.end():
            return None  # no phrase end a copula follows (only function words could stop it)
        for end in range(copula.start(), m.end() + 1):  # the shortest phrase a copula follows
            if _FUNCTION.search(s, 1, end):
                return None  # 本邮件如涉及…: a condition, no noun phrase
            if not _COPULA.match(s, end) or self._gate.search(s, 1, end):
                continue
            parts = _CLAUSES.split(s[end:].strip(), maxsplit=1)
            if self._level_clause(parts[0]) is None:
                continue
            if len(parts) < 2 or self._handling.search(parts[1]) is None:
                return None  # 本题答案为机密。: a free subject needs a handling clause
            return self._clauses(s[end:])
        return None

    def _clauses(self, rest: str) -> Level | None:
        """The level stated by the clauses after the subject, when every other clause is a
        handling clause (one descriptive clause may come first)."""
        clauses = [c for c in _CLAUSES.split(rest.strip()) if c]
        levels: list[Level] = []
        for pos, clause in enumerate(clauses):
            level = self._level_clause(clause)
            if level is not None:
                levels.append(level)
            elif levels and self._handling.search(clause) and len(clause) <= 40:
                continue
            elif pos == 0 and _DESCRIBE.fullmatch(clause):
                continue  # 为本行内部规范性文件，属内部资料…: a level clause must follow
            else:
                return None
        return Level.highest(levels) if levels else None

    def _level_clause(self, clause: str) -> Level | None:
        m = self._clause.fullmatch(clause)
        if m is None:
            return None
        word = m.group("inner") or m.group("level")
        if word:
            return self._levels.get(word)
        biz = m.group("biz")
        return BIZ_WORDS[biz] if biz else None

    def _is_handling(self, sentence: str) -> bool:
        s = sentence.strip().strip("（()）【】").rstrip("。.!！；; ")
        return len(s) <= 60 and self._handling.search(s) is not None
