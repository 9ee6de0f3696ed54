"""Marks written as a sentence: closing handling notes and declaration sentences.

Besides the mark forms of :mod:`.markforms`, bank documents declare their level in a sentence of
their own, standing as a whole line or paragraph:

- a closing handling note, usually bracketed: ``（此件为核心商密，不得外传）``,
  ``此件为内部资料，注意保存`` — a mark (high confidence when bracketed or carrying a handling
  clause);
- a declaration sentence: ``本方案属本行商业秘密（普通商密），未经批准不得向外披露。``,
  ``本手册为内部资料，仅限本行员工学习使用`` — the document names itself (本 + a document
  noun), says it *is* (为/属/属于/系) a level or 商业秘密, and what follows is only a handling or
  circulation clause; medium confidence (a sentence, not a form).

Prose about secrecy fails the shape: ``本制度所称商业秘密，是指……`` (no 为/属 after the subject),
``本办法属于内部规章`` (the level word is part of a longer noun), ``对标注为核心商密的文件……``
(does not start with the document's own name). The line must be the whole declaration, so a
quoted example inside a sentence never counts; the body rules add the example-context guard.
The level words come from the policy's vocabulary; the document nouns and handling words are
:data:`DOC_NOUNS` and :data:`HANDLING` (extend them, with rows in
``tests/detect/test_layout_marks.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from secaudit.detect.markforms import MarkMatch
from secaudit.detect.vocabulary import Vocabulary
from secaudit.model import Confidence, Level

DOC_NOUNS = (
    "方案|手册|报告|文档|材料|资料|办法|制度|规定|细则|计划|通知|纪要|表|清单|讲义|课件|汇编"
    "|指引|规程|预案|文件|稿|函|意见|总结|简报|台账|名单|合同|协议|说明书|标书|底稿"
)
HANDLING = r"不得|严禁|禁止|仅限|仅供|只限|只供|未经|请勿|切勿|注意|妥善|保密|勿|限于|限本行"
_SUBJECT = (
    rf"(?:(?P<note>此件|本件|此文件|本文件)|此(?:{DOC_NOUNS})|本文|此文|本(?:{DOC_NOUNS}))"
    r"(?:内容|所载(?:内容|信息))?"
)
_IS = r"(?:为|属于|属|系|是|已定为|定为|列为|涉及|含有|包含)"
_OWNER = r"(?:本行|我行|本公司|本社|本联社)?的?"
_KIND = r"(?:(?:学习|培训|参考|工作|传阅|管理)?(?:文件|资料|材料|信息|事项))?"
_CLOSE = r"[）)】\]]"
DECLARATION_NOTE = "声明句式标注（非标准密级标志）"


class Declarations:
    """Declaration and handling-note sentences for one vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        pairs = vocabulary.all_words()
        self._levels = dict(pairs)
        words = "|".join(re.escape(w) for w, _ in pairs)
        self._re = re.compile(
            rf"(?P<open>[（(【\[])?\s*{_SUBJECT}\s*{_IS}\s*{_OWNER}\s*(?P<biz>商业秘密)?"
            rf"\s*(?:[（(]\s*(?P<inner>{words})级?\s*[）)]|(?P<level>{words})级?)?\s*{_KIND}"
            rf"(?P<rest>\s*[，,；;、]\s*[^。；;）)】\]]{{0,40}})?\s*[。.]?\s*(?P<close>{_CLOSE})?"
        )
        self._handling = re.compile(HANDLING)

    def marks(self, line: str) -> Iterator[tuple[MarkMatch, Confidence]]:
        """The declaration ``line`` is, if it is one (at most one mark)."""
        text = line.strip()
        if len(text) > 80 or not text or text[0] not in "本此（(【[":
            return
        m = self._re.fullmatch(text)
        if m is None or bool(m.group("open")) != bool(m.group("close")):
            return
        word = m.group("inner") or m.group("level")
        level = self._levels.get(word) if word else None
        if level is None and m.group("biz"):
            level = Level.COMMERCIAL
        rest = m.group("rest") or ""
        if level is None or (rest and not self._handling.search(rest)):
            return
        note_form = bool(m.group("open")) or bool(m.group("note"))
        conf = Confidence.HIGH if note_form else Confidence.MEDIUM
        mark = MarkMatch(level, text, None, None if note_form else DECLARATION_NOTE, True, True)
        yield mark, conf
