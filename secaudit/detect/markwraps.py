"""Declarations and closing notes a PDF wrapped across lines, for the marking detector's body rules.

A PDF breaks its lines where the page ends them, even inside a word: ``（本资料属内`` /
``部资料，不得外传）``, ``本材料定为核心`` / ``商密，保密期限为5年…``. :class:`WrappedLines`
says which lines may start such a sentence (:meth:`~WrappedLines.naming_lines`: a line naming a
level word, or one whose bracket is still open or whose last sentence is unfinished when a
level word appears once the next line is joined to it) and reads the sentence across them
(:meth:`~WrappedLines.declared`). Both look at a join only where it can make a hit — the next
line names a level word, or the line ends in a word's character — so long prose costs one
native pass for the hit lines (:mod:`.hitlines`) and a few set lookups per line
(``tests/detect/test_marking_fastpaths.py`` compares them with the rule tried at every line).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add, attrgetter, itemgetter
from re import Match

from secaudit.detect.declarations import CLOSERS, SENTENCE_ENDS, Declarations, names_self
from secaudit.detect.hitlines import hit_lines_for
from secaudit.detect.infokeywords import IGNORECASE_FOLDS
from secaudit.detect.markforms import MarkGrammar, MarkMatch
from secaudit.detect.marklines import Line
from secaudit.detect.vocabulary import Vocabulary

OPEN_BRACKETS = re.compile("[（(【〔［]")
_CLOSE_BRACKETS = re.compile("[）)】〕］]")
_ASCII_FOLDS = frozenset(IGNORECASE_FOLDS)


class WrappedLines:
    """Wrapped declarations and notes for one vocabulary."""

    def __init__(
        self, vocabulary: Vocabulary, grammar: MarkGrammar, declarations: Declarations
    ) -> None:
        self.grammar = grammar
        self.declarations = declarations
        words = [w for w, _ in vocabulary.all_words()]
        self.span = 3 * max(len(w) for w in words)
        """Longest hit: a word with up to two spaces between its characters."""
        self._word_chars = frozenset("".join(w for w in words if not w.isascii()))
        self._ascii_words = any(c.isascii() and c.isalpha() for w in words for c in w)
        ends = "".join(sorted(self._word_chars))
        if self._ascii_words:
            ends += "\x00-\x7f" + "".join(IGNORECASE_FOLDS)
        self._join_end = re.compile(rf"[{ends}]|\s")
        """A line ending in one of these may run on into a word (:meth:`_in_words`, or white
        space before its last character)."""
        cased = any(c.lower() != c.upper() for w in words for c in w)  # IGNORECASE folds them
        supersets = ((_self_and_level(declarations), False), (_RUNS_ON, True))
        self._hits = None if cased else hit_lines_for(grammar.hit_re.pattern, supersets)

    def naming_lines(self, lines: list[Line]) -> set[int]:
        """Indices of the lines that name a level word (one pass of the hit pattern over all
        lines), and of lines whose bracket is still open at their end, or whose last sentence
        is unfinished (:func:`_unfinished`), when the word appears only once the next line is
        joined to them (a closing note or declaration wrapped by a PDF)."""
        return self.line_facts(lines).named

    def line_facts(self, lines: list[Line]) -> LineFacts:
        """:meth:`naming_lines`, with what the same native pass tells about the rest."""
        texts = list(map(attrgetter("text"), lines))
        joined = "\n".join(texts)
        if self._hits is not None:
            named, declaring, running = self._hits.scan(joined)
            facts = LineFacts(named, declaring, running)
        else:  # no native pass: the hit pattern, each hit's lines mapped in C
            starts = list(accumulate(map(add, map(len, texts[:-1]), repeat(1)), initial=0))
            hits = list(self.grammar.hit_re.finditer(joined))
            firsts = list(map(bisect_right, repeat(starts), map(Match.start, hits)))
            lasts = list(map(bisect_right, repeat(starts), map(_last_char, hits)))
            named = {k - 1 for k in firsts}  # bisect_right counts from 1
            if firsts != lasts:  # a hit across a line end
                for first, last in zip(firsts, lasts, strict=True):
                    named.update(range(first - 1, last))
            facts = LineFacts(named, None, None)
        span = self.span  # a hit across the join lies within this many characters of it
        joins = self._joins_at
        # a join can make a hit only when the next line names one, or a word runs across the line
        # end (the line ends in a word's character): those lines are read, not every line
        try:
            ends = "".join(map(itemgetter(-1), texts))
        except IndexError:  # an empty line: no fast path
            ends = "".join(t[-1:] or "\n" for t in texts)
        maybe = {j - 1 for j in named} | {m.start() for m in self._join_end.finditer(ends)}
        wrapped: set[int] = set()
        for i in sorted(maybe - named):
            if i < 0 or i + 1 >= len(texts):
                continue
            if i + 1 not in named:
                left, right = texts[i].rstrip(), texts[i + 1].strip()
                if not (left and right and joins(left[-1], right[0])):
                    continue
                if not self.grammar.has_hit(left[-span:] + right[:span]):
                    continue
            text = texts[i]
            if OPEN_BRACKETS.search(text) or (facts.may_run_on(i, text) and _unfinished(text)):
                wrapped.add(i)
        facts.named = named | wrapped
        return facts

    def _run_reads_nothing(self, lines: list[Line], i: int, facts: LineFacts) -> bool:
        """Line ``i`` ends in an unfinished sentence, yet reading it with the next line can find
        nothing: neither line holds a sentence naming the document and a level on its own
        (``facts.declaring``), the next line ends the run (it ends a sentence and its last one
        names no 本/此), and the sentence across the join cannot open as a declaration
        (:meth:`.declarations.Declarations.may_open` on its part in line ``i``)."""
        if facts.declaring is None or facts.running is None:
            return False
        j = i + 1
        if i in facts.declaring or j in facts.declaring or j in facts.running:
            return False
        after = lines[j].text
        if not ("。" in after or "；" in after or ";" in after or "！" in after or "!" in after):
            return False  # the sentence may run on into the line after
        text = lines[i].text.rstrip()
        start = max(map(text.rfind, SENTENCE_ENDS)) + 1
        while start and text[start : start + 1] in _CLOSERS:  # no end: a closing bracket follows
            start = max(text.rfind(c, 0, start - 1) for c in SENTENCE_ENDS) + 1
        return not self.declarations.may_open(text[start:])

    def _joins_at(self, last: str, first: str) -> bool:
        """A level word can run across a line end between these two characters: each is a
        character of a word (an ASCII word: any ASCII character, and the four others Python's
        ``IGNORECASE`` folds to one), never white space (the lines are stripped)."""
        return self._in_words(last) and self._in_words(first)

    def _in_words(self, char: str) -> bool:
        return char in self._word_chars or (
            self._ascii_words and (char.isascii() or char in _ASCII_FOLDS)
        )

    @staticmethod
    def may_declare(text: str, i: int = -1, facts: LineFacts | None = None) -> bool:
        """:meth:`declared` can find something on a line only when it names the document
        (本/此/以上/上述: a declaration, an unfinished one) or opens a bracket (a note); with
        ``facts`` (line ``i``), only when a sentence names the document and a level or its last
        sentence names 本/此, or it opens a bracket."""
        if facts is not None and facts.declaring is not None and facts.running is not None:
            if i not in facts.declaring and i not in facts.running:
                return OPEN_BRACKETS.search(text) is not None
        return names_self(text) or OPEN_BRACKETS.search(text) is not None

    def declared(
        self, lines: list[Line], i: int, joined: set[int], facts: LineFacts | None = None
    ) -> list[MarkMatch]:
        """The declaration or closing note on line ``i``; a note whose bracket is still open at
        the line's end, or a declaration whose sentence runs on past it (wrapped by a PDF's line
        breaks, even inside a word: ``本材料定为核心`` / ``商密，保密期限为5年…``), is read with
        the next lines up to the sentence's end; those lines go into ``joined``. ``facts``
        (:meth:`line_facts` of ``lines``) spare the readers lines that cannot hold either."""
        text = lines[i].text
        found: list[MarkMatch] = []
        if facts is None or facts.may_declare(i):
            found = [m for m, _c in self.declarations.marks(text)]
        if found or i + 1 >= len(lines):
            return found
        opened = OPEN_BRACKETS.search(text) is not None and len(OPEN_BRACKETS.findall(text)) > len(
            _CLOSE_BRACKETS.findall(text)
        )
        if not opened and not ((facts is None or facts.may_run_on(i, text)) and _unfinished(text)):
            return found
        if not opened and facts is not None and self._run_reads_nothing(lines, i, facts):
            return found
        run = text.rstrip()
        for j in range(i + 1, min(i + 1 + _WRAP_LINES, len(lines))):
            run += lines[j].text.strip()
            found = [m for m, _c in self.declarations.marks(run)]
            if found:
                joined.update(range(i + 1, j + 1))
                return found
            if not _unfinished(run):
                break
        return found


@dataclass(slots=True)
class LineFacts:
    """What one pass over a member's lines tells: the lines naming a level word (and those a
    wrapped declaration may start on), and — from the native pass only, else ``None`` —
    supersets of the lines where a sentence names the document and a level
    (:meth:`.declarations.Declarations.marks` can find something) and of those whose last
    sentence names 本/此 (:func:`_unfinished` can hold)."""

    named: set[int]
    declaring: set[int] | None
    running: set[int] | None

    def may_declare(self, i: int) -> bool:
        return self.declaring is None or i in self.declaring

    def may_run_on(self, i: int, text: str) -> bool:
        if self.running is None:
            return "本" in text or "此" in text
        return i in self.running


_SELF = "(?:本|此|以上|上述)"
_IN_SENTENCE = f"(?:[^{SENTENCE_ENDS}\\n]|[{SENTENCE_ENDS}][{re.escape(CLOSERS)}])"
"""A character of a sentence as :mod:`.declarations` cuts them: no sentence end, unless a
closing bracket follows it."""
_RUNS_ON = f"(?:本|此)[^{SENTENCE_ENDS}\\n]*$"
"""A line whose last sentence names 本/此 (multi-line ``$``): every line :func:`_unfinished`
holds for matches it."""


def _self_and_level(declarations: Declarations) -> str:
    """A superset pattern of the lines :meth:`.declarations.Declarations.marks` can read a
    declaration on: a self-word and a level word (or 商业秘密…) in one sentence, either order;
    a level word holding a character of a self-word matches alone."""
    gate = declarations.gate_words()
    with_self = [w for w in gate if any(c in w for c in "本此以上述")]
    level = "|".join(re.escape(w) for w in gate)
    alone = "|".join(re.escape(w) for w in with_self)
    pattern = f"{_SELF}{_IN_SENTENCE}*(?:{level})|(?:{level}){_IN_SENTENCE}*{_SELF}"
    return f"{pattern}|{alone}" if alone else pattern


def _last_char(m: Match[str]) -> int:
    return m.end() - 1


_WRAP_LINES = 2
"""Most lines after its first a wrapped declaration sentence is read across."""
_ENDS = re.compile("[。！!？?；;]")
"""A sentence's end (a question too)."""
_CLOSERS = frozenset(CLOSERS)
_DECLARATION_START = re.compile(
    r"[\s>#*_~—\-※◆■●▲]*(?:[（(【〔［\[]\s*)?(?:[^\s，,。；;：:（(【〔［\[]{1,8}[：:】\]］]\s*)?"
    r"(?:[（(【〔［\[]\s*)?(?:本|此)"
)


def _unfinished(text: str) -> bool:
    """``text`` is the first part of a sentence a PDF wrapped: it stops without a sentence's
    end, and its last, unfinished sentence names the document (本/此) — a declaration opens
    with its subject, so a 本 in an earlier, finished sentence of the line starts none."""
    last = max(text.rfind("本"), text.rfind("此"))
    if last < 0:
        return False
    t = text.rstrip()
    if _ENDS.search(t, last + 1):  # t's last character included (本/此 themselves are no end)
        return False
    # the declaration reader's last sentence must open as a declaration does (decoration, a
    # label, a bracket, then its subject): wrapped prose naming 本 mid-sentence is not joined
    start = max(map(t.rfind, SENTENCE_ENDS)) + 1
    return _DECLARATION_START.match(t, start) is not None
