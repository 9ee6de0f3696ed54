"""The marking detector's fast paths on long prose find exactly what the plain ones do.

Each fast path is compared, on random texts made of the pieces that matter to it (level words
cut anywhere, 本/此, brackets, sentence ends, decoration, commas, Latin letters, white space),
with the straightforward definition it replaces:

- which lines a wrapped declaration or note may start (``WrappedLines.naming_lines``): the
  join is tried for every bracketed or unfinished line, as before the fast path;
- which body lines need ``_plain`` (``lines_of``): every line through ``_plain``;
- where declarations cut sentences and take decoration off (``declarations._sentences``,
  ``_decorated``) and which sentences they read (only those naming the document: 本/此/以上/上述).
"""

from __future__ import annotations

import random
import re
from bisect import bisect_right

from secaudit.detect import declarations as decl
from secaudit.detect import markings, markwraps
from secaudit.detect.markings import MarkingDetector
from secaudit.detect.marklines import Line, _plain, lines_of
from secaudit.detect.vocabulary import Vocabulary
from secaudit.model import Location, TextChunk

DETECTOR = MarkingDetector(Vocabulary.default())
WORDS = [w for w, _ in Vocabulary.default().all_words()]
PIECES = [
    *WORDS,
    *(w[: len(w) // 2] for w in WORDS),
    *(w[len(w) // 2 :] for w in WORDS),
    *"本此为属（(【〔［）)】〕］。！!；;，,：:★*_#>|~—-※■●▲\t \u3000",
    "本文件", "此件", "以上", "上述", "内部控制", "保密期限为5年", "不得外传", "资料", "审计",
    "Internal", "SECRET", "ıd", "K", "x", "1", "\xa0",
]  # fmt: skip


def _texts(rng: random.Random, lines: int = 12) -> list[str]:
    return [
        "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 10))) or "x"
        for _ in range(rng.randint(1, lines))
    ]


def _naming_reference(det: MarkingDetector, texts: list[str]) -> set[int]:
    """The rule as written before its fast path: every bracketed line, and every unfinished
    line naming 本/此, is joined to the next one and looked at for a hit across the join."""
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    joined = "\n".join(texts)
    named: set[int] = set()
    for m in det.grammar.hit_re.finditer(joined):
        first = bisect_right(starts, m.start()) - 1
        named.update(range(first, bisect_right(starts, m.end() - 1)))
    bracketed = {bisect_right(starts, m.start()) - 1 for m in re.finditer("[（(【〔［]", joined)}
    subjects = {bisect_right(starts, m.start()) - 1 for m in re.finditer("[本此]", joined)}
    bracketed.update(i for i in subjects if i not in named and markwraps._unfinished(texts[i]))
    span = det.wraps.span
    for i in sorted(bracketed):
        if i not in named and i + 1 < len(texts):
            left, right = texts[i].rstrip()[-span:], texts[i + 1].strip()[:span]
            if i + 1 in named or det.grammar.has_hit(left + right):
                named.add(i)
    return named


def _lines(texts: list[str]) -> list[Line]:
    chunk = TextChunk("\n".join(texts), Location.BODY)
    return [Line(t, chunk, False) for t in texts]


def test_naming_lines_match_the_join_tried_everywhere() -> None:
    rng = random.Random("naming")
    hits = 0
    for _ in range(6000):
        texts = _texts(rng)
        expected = _naming_reference(DETECTOR, texts)
        assert DETECTOR.wraps.naming_lines(_lines(texts)) == expected, texts
        hits += bool(expected)
    assert hits > 1000  # the pieces do make level words, across line ends too


def test_naming_lines_with_ascii_words_in_the_vocabulary() -> None:
    vocab = Vocabulary.default()
    words = {lv: (*ws, "Secret Use Only") for lv, ws in vocab.words.items()}
    det = MarkingDetector(Vocabulary(words))
    rng = random.Random("ascii")
    for _ in range(1500):
        texts = _texts(rng) + ["Secret Use", "only 本文件为", "Secret", "Use Only（"]
        rng.shuffle(texts)
        assert det.wraps.naming_lines(_lines(texts)) == _naming_reference(det, texts), texts


def test_wrapped_word_across_a_line_end_is_found() -> None:
    texts = ["正文", "（本资料属内", "部资料，不得外传）"]
    assert 1 in DETECTOR.wraps.naming_lines(_lines(texts))
    texts = ["正文", "本资料属内", "控制"]  # a sentence without a level word across the join
    assert 1 not in DETECTOR.wraps.naming_lines(_lines(texts))


def test_lines_of_fast_path_is_plain_on_every_line() -> None:
    rng = random.Random("plain")
    for _ in range(4000):
        text = "\n".join(_texts(rng, 8))
        chunk = TextChunk(text, Location.BODY)
        got = [ln.text for ln in lines_of([chunk], DETECTOR.grammar)]
        expected = [
            u
            for p in text.splitlines()
            if p and not p.isspace() and (u := _plain(p, DETECTOR.grammar))
        ]
        assert got == expected, text


def test_sentence_cuts_and_decoration_match_the_patterns() -> None:
    split = re.compile(r"(?<=[。！!；;])(?![）)】\]〕］])")
    rng = random.Random("sentences")
    for _ in range(20000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12)))
        assert decl._sentences(text) == split.split(text), text
        stripped = decl._DECOR.sub("", text) if decl._decorated(text) else text
        assert stripped == decl._DECOR.sub("", text), text


def _marks_reference(d: decl.Declarations, line: str) -> list[tuple[object, object]]:
    """``Declarations.marks`` reading every sentence (no subject-word skip)."""
    if not any(w in line for w in decl._SELF):
        return []
    text = decl._DECOR.sub("", line)
    if not text or len(text) > decl.MAX_LINE or d._gate.search(text) is None:
        return []
    sentences = [s for s in decl._sentences(text) if s.strip()]
    for k, sentence in enumerate(sentences):
        found = d._sentence(sentence.strip())
        if found is None:
            continue
        if k > 0 and not found[1]:
            return []
        if not all(d._is_handling(s) for s in sentences[k + 1 :]):
            return []
        return [found]
    return []


def test_declarations_read_only_sentences_naming_the_document() -> None:
    d = DETECTOR.declarations
    rng = random.Random("declarations")
    sentences = [
        "本文件为内部资料", "此件属核心商密", "以上内容为机密", "本制度汇编为普通商密",
        "不得外传", "请妥善保管", "各部门要加强内部控制", "会议研究了贷款定价", "注：本件为秘密",
        "（此件为机密，不得对外提供）",
    ]  # fmt: skip
    found = 0
    for _ in range(5000):
        line = "".join(
            rng.choice(sentences) + rng.choice(["。", "；", "，", "！", ""])
            for _ in range(rng.randint(1, 4))
        )
        got = [(m.level, m.note is None) for m, _c in d.marks(line)]
        assert got == _marks_reference(d, line), line
        found += bool(got)
    assert found > 500


def test_sentence_naming_the_document_and_a_level_read_around_the_level_words() -> None:
    d = DETECTOR.declarations
    pieces = [*PIECES, "。）", "；】", "！", "本行", "此外", "上述", "以上", "。", ";"]
    rng = random.Random("self and level")
    seen = set()
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        expected = any(decl.names_self(s) and d._gate.search(s) for s in decl._sentences(text))
        seen.add(expected)
        assert d._names_self_and_level(text) == expected, text
    assert seen == {True, False}


def test_one_pass_for_boxes_and_traditional_changes_no_finding(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Files with no character of the three passes skip them: the findings are those of the
    three passes run on every file."""
    lines = [
        "密级：□绝密 ☑机密 □秘密", "機密★10年", "\uf0fe机密 \uf0a8秘密", "(√)秘密 ( )机密",
        "内部资料", "本文件为内部资料，不得外传。", "【内部】工作方案", "正文（一）", "密级", "□",
        "☑", "核心商密", "各部门要加强内部控制", "[x] 普通商密", "（ ）绝密",
    ]  # fmt: skip
    rng = random.Random("special")
    docs = []
    for _ in range(600):
        body = "\n".join(rng.choice(lines) for _ in range(rng.randint(1, 12)))
        docs.append([TextChunk(body, Location.BODY), TextChunk("页眉", Location.HEADER)])
    fast = [list(DETECTOR.analyze(d)) for d in docs]
    monkeypatch.setattr(markings, "_SPECIAL", re.compile("(?s)."))
    assert [list(DETECTOR.analyze(d)) for d in docs] == fast
    assert sum(bool(f) for f in fast) > 300


def _unfinished_reference(text: str) -> bool:
    last = max(text.rfind("本"), text.rfind("此"))
    if last < 0:
        return False
    t = text.rstrip()
    if t[-1] in "。！!？?；;" or set("。！!？?；;") & set(t[last + 1 :]):
        return False
    start = max(t.rfind(c) for c in "。！!；;") + 1
    return markwraps._DECLARATION_START.match(t, start) is not None


def test_unfinished_matches_its_definition() -> None:
    rng = random.Random("unfinished")
    seen = set()
    for _ in range(20000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 10)))
        seen.add(markwraps._unfinished(text))
        assert markwraps._unfinished(text) == _unfinished_reference(text), text
    assert seen == {True, False}


def test_prose_lines_skipped_past_the_start_hold_no_mark(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A long body line past the start that names neither the document nor opens a bracket is
    tried only as a whole mark form: the findings are those of every rule tried on it."""
    from secaudit.detect import markbody

    prose = (
        "各部门要加强内部控制制度建设，落实岗位分离和授权管理要求，做好节假日期间的安全保卫工作。"
    )
    lines = [
        prose, prose + "本文件为内部资料", "（此件为机密，不得对外提供）", "内部资料 注意保存",
        "机密★10年", "本通知属内部文件，不得外传。", "普通商密 未经许可不得外传", prose * 2,
        "内部文件    某某农商银行授信审批部", "（本资料属内", "部资料，不得外传）", "秘密",
        prose * 2 + "（", "本资料为内部资料，不得外传）", prose + "（",
        "本通知属内部文件，仅限本行员工学习使用，不得外传，不得复制，不得转发，请妥善保管，阅后收回，"
        "违者追究责任，未经批准不得向外披露。",  # a declaration of 64 characters
    ]  # fmt: skip
    rng = random.Random("prose")
    docs = []
    for _ in range(500):
        body = "\n".join(rng.choice(lines) for _ in range(rng.randint(6, 16)))
        docs.append([TextChunk(body, Location.BODY)])
    fast = [list(DETECTOR.analyze(d)) for d in docs]
    monkeypatch.setattr(markbody, "HANDLING_MAX", 10**9)
    assert [list(DETECTOR.analyze(d)) for d in docs] == fast
    assert sum(bool(f) for f in fast) > 250


def test_a_line_without_a_level_word_holds_no_mark() -> None:
    """The body rules read only lines that name a level word (or join one): every reader of a
    start line finds nothing on a line the hit pattern does not match."""
    det = DETECTOR
    grammar = det.grammar
    pieces = [*PIECES, "☑", "□", "√", "(√)", "密级：", "123", "　", "银行", "【", "】", "★", "年"]
    rng = random.Random("no level word")
    tried = 0
    for _ in range(6000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        if grammar.has_hit(line):
            continue
        tried += 1
        for gapped, loose, ticks in (
            (True, False, True),
            (False, True, True),
            (False, False, False),
        ):
            assert grammar.line_marks(line, gapped=gapped, loose=loose, ticks=ticks) == [], line
        assert grammar.title_marks(line) == [], line
        assert det.handling.marks(line, body=True) == [], line
        assert det._sheets.title_cell(line) == [], line
        assert list(det.declarations.marks(line)) == [], line
    assert tried > 1500


def test_sheet_label_rows_told_by_their_level_character() -> None:
    """``marksheets._has_label`` looks for a ``密级`` label cell only in rows naming 级: every
    label pattern needs it (checked against the label pattern on every cell)."""
    from secaudit.detect.keyvalue import FIELD_LABEL
    from secaudit.detect.marksheets import _has_label

    labels = [
        *("密级", "密 级", "保密等级", "保密级别", "定密级别：", "Classification 密级", "密级程度"),
        *(
            "密级和保密期限",
            "文件密级:",
            "security level",
            "密級",
            "密",
            "级",
            "（内部）",
            "/ Class",
        ),
    ]
    pieces = [*labels, *PIECES[:40], "\t", "\t", " "]
    rng = random.Random("labels")
    seen = set()
    for _ in range(20000):
        row = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        expected = any(FIELD_LABEL.match(c) for c in row.split("\t"))
        seen.add(expected)
        assert _has_label(row) == expected, row
    assert seen == {True, False}


def test_native_hit_lines_are_the_lines_of_the_hit_pattern() -> None:
    """``hitlines.HitLines`` (Hyperscan) finds the same lines as ``hit_re.finditer``: words cut,
    spaced with blanks and ideographic spaces, next to line ends and lone surrogates."""
    hits = DETECTOR.wraps._hits
    assert hits is not None, "the default vocabulary has no cased letter: the native pass is used"
    pieces = [
        *PIECES,
        " ",
        "\u3000",
        "  ",
        "\n",
        "\n",
        "\ud800",
        "机 密",
        "内\u3000部",
        "核 心 商 密",
    ]
    rng = random.Random("hit lines")
    seen = 0
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        lines = text.split("\n")
        expected = {
            i for i, line in enumerate(lines) if DETECTOR.grammar.hit_re.search(line) is not None
        }
        assert hits.scan(text)[0] == expected, text
        seen += bool(expected)
    assert seen > 2000


def test_cased_vocabularies_find_hit_lines_with_re() -> None:
    vocab = Vocabulary.default()
    for extra in ("Secret", "ＳＥＣＲＥＴ"):  # Python folds full-width letters, Hyperscan does not
        words = {lv: (*ws, extra) for lv, ws in vocab.words.items()}
        det = MarkingDetector(Vocabulary(words))
        assert det.wraps._hits is None, extra
        texts = ["正文", f"{extra.lower()} 资料", "内部"]
        assert det.wraps.naming_lines(_lines(texts)) == {1, 2}


def test_native_supersets_hold_every_line_a_declaration_reader_needs() -> None:
    """The native pass's supersets: a line where a sentence names the document and a level (or
    where ``Declarations.marks`` finds a declaration) is in ``declaring``; a line
    ``markwraps._unfinished`` holds for is in ``running``."""
    hits = DETECTOR.wraps._hits
    assert hits is not None
    d = DETECTOR.declarations
    pieces = [*PIECES, "。）", "；】", "！", "本行", "此外", "上述", "以上内容", "（注：", "本件为",
              "商业秘密", "工作秘密", "核心商业秘密", "不得外传", "\ud800"]  # fmt: skip
    rng = random.Random("supersets")
    seen = [0, 0]
    for _ in range(4000):
        lines = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) or "x"
                 for _ in range(rng.randint(1, 8))]  # fmt: skip
        _named, declaring, running = hits.scan("\n".join(lines))
        for i, line in enumerate(lines):
            text = decl._DECOR.sub("", line)
            sentence = any(decl.names_self(s) and d._gate.search(s) for s in decl._sentences(text))
            if sentence or list(d.marks(line)):
                assert i in declaring, line
                seen[0] += 1
            if markwraps._unfinished(line):
                assert i in running, line
                seen[1] += 1
    assert min(seen) > 500


def test_native_line_facts_change_no_finding() -> None:
    """Documents of declarations, notes wrapped across lines and prose: the findings with the
    native pass's facts are those of the re path (no facts: every reader tried)."""
    fragments = [
        "（本资料属内", "部资料，不得外传）", "本材料定为核心", "商密，保密期限为5年，不得外传。",
        "本通知属内部文件，不得外传。", "各部门要加强内部控制制度建设，本次培训围绕柜面业务展开",
        "本次会议纪要为内部资料", "，仅限本行员工阅知。", "（此件为机密，不得对外提供）",
        "正文内容如下", "本手册为内部资料，仅限本行员工学习使用。请妥善保管。", "以上内容为机密",
        "发生额 12345678", "此件属核心商密 严禁外传", "（注：本件为普通商密，阅后收回）",
        # runs read across a line end: subjects, labels, brackets and decoration at a tail's front
        "本文件为内部资料。本次", "会议不得外传。", "**本次培训围绕柜面业务操作规范展开参训人员须",
        "注：本件", "【保密提示】本邮件及其附件属于", "普通商密，请勿转发。", "（本资料属于本行",
        "本季度信贷资产质量检查工作安排如下各支行应于", "本制度汇编为", "核心商密。", "此",
        "本行员工学习使用，不得外传。", "本次培训教材为本行内部资料", "会议研究了贷款定价。",
        "会议研究了贷款定价。本次培训围绕柜面业务操作规范展开参训人员须按时签到并",
        "各部门要加强内部控制。", "会议研究了贷款定价。本培训教", "材为核心商密，不得外传。",
        "（本件为内部资料。）本次培训围绕柜面业务操作规范展开参训", "（注：本件。）本培训教",
    ]  # fmt: skip
    rng = random.Random("facts")
    native = MarkingDetector(Vocabulary.default())
    skipped: list[bool] = []
    reads_nothing = native.wraps._run_reads_nothing

    def counting(*args: object) -> bool:
        skipped.append(reads_nothing(*args))  # type: ignore[arg-type]
        return skipped[-1]

    native.wraps._run_reads_nothing = counting  # type: ignore[method-assign]
    plain = MarkingDetector(Vocabulary.default())
    plain.wraps._hits = None
    found = 0
    for _ in range(3000):
        body = "\n".join(
            "".join(rng.choice(fragments) for _ in range(rng.randint(1, 3)))
            for _ in range(rng.randint(6, 14))
        )
        chunks = [TextChunk(body, Location.BODY)]
        got = list(native.analyze(chunks))
        assert got == list(plain.analyze(chunks)), body
        found += bool(got)
    assert found > 300
    assert sum(skipped) > 80 and not all(skipped)  # runs skipped, and runs read


def _free_subject_reference(d: decl.Declarations, s: str) -> object:
    """``Declarations._free_subject`` trying every phrase end from the second character."""
    m = decl._FREE_NP.match(s)
    if m is None:
        return None
    for end in range(2, m.end() + 1):
        if decl._FUNCTION.search(s, 1, end):
            return None
        if not decl._COPULA.match(s, end) or d._gate.search(s, 1, end):
            continue
        parts = decl._CLAUSES.split(s[end:].strip(), maxsplit=1)
        if d._level_clause(parts[0]) is None:
            continue
        if len(parts) < 2 or d._handling.search(parts[1]) is None:
            return None
        return d._clauses(s[end:])
    return None


def test_free_subject_starts_at_the_first_copula() -> None:
    d = DETECTOR.declarations
    pieces = [
        *("本", "此", "制度", "汇编", "测算", "次", "培训", "教材", "为", "属", "是", "系", "如"),
        *("的", "内部资料", "核心商密", "机密", "，", "不得外传", "请妥善保管", "仅限", "本行"),
        *("季度", "密级为", "属于", "涉及", "员工"),
    ]
    rng = random.Random("free subject")
    seen = set()
    for _ in range(30000):
        s = rng.choice(["本", "此"]) + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        expected = _free_subject_reference(d, s)
        seen.add(expected is None)
        assert d._free_subject(s) == expected, s
    assert seen == {True, False}


def test_a_short_unfinished_tail_is_read_across_the_line_end() -> None:
    """``Declarations.may_open`` decides nothing on fewer characters than a subject and its
    copula take: ``本培训教`` / ``材为核心商密，不得外传。`` is still read as one declaration."""
    prose = "各部门要加强岗位分离和授权管理，做好节假日期间的安全保卫工作。"
    body = "\n".join([prose] * 6 + ["本培训教", "材为核心商密，不得外传。", prose])
    chunks = [TextChunk(body, Location.BODY)]
    native = list(DETECTOR.analyze(chunks))
    assert [(f.level.value, f.text) for f in native] == [
        ("core_commercial", "本培训教材为核心商密，不得外传。")
    ]
    plain = MarkingDetector(Vocabulary.default())
    plain.wraps._hits = None
    assert list(plain.analyze(chunks)) == native
    assert (
        DETECTOR.declarations.may_open("本次培训围绕柜面业务操作规范展开参训人员须按时签到并")
        is False
    )


def test_the_opening_window_covers_a_subject_and_its_copula() -> None:
    """``declarations.OPEN_WINDOW`` is at least the widest listed subject, and the widest free
    subject plus the longest fixed copula a phrase end can be followed by."""
    try:
        from re import _parser as sre  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - Python < 3.11
        import sre_parse as sre  # type: ignore[no-redef]
    widest_copula = max(
        len(a) for a in ("已被确定为", "被确定为", "已确定为", "已被列为", "仅限于")
    )
    assert sre.parse(decl._SUBJECT.pattern).getwidth()[1] <= decl.OPEN_WINDOW
    assert sre.parse(decl._FREE_NP.pattern).getwidth()[1] + widest_copula <= decl.OPEN_WINDOW
