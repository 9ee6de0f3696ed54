"""A level followed by handling clauses: ``普通商密 未经许可不得外传``, ``内部资料 仅供参考``.

Slide and page footers, text boxes at the foot of a slide and cover lines write the level and
then one or more handling clauses in the writer's own words (``未经书面许可不得复制或向第三方
披露``, ``核心商密——未经授权禁止传播``, ``普通商密（未经许可不得外传）``). The fixed suffixes of
:mod:`.markforms` cannot list them all; here the line is the level (a ``密级：`` field and
brackets and a letterhead name before it allowed), a separator, and a rest in which *every*
clause is a handling clause — it holds one of :data:`HANDLING_WORDS` — or a page
number. Such a line is a strong whole mark.

Prose fails the shape: the level word must be followed by a separator (``普通商密文件不得外传``
is a sentence), and a clause without a handling word (``核心商密 文件管理办法``) rejects the line.
To accept another handling verb, extend :data:`HANDLING_WORDS` and add rows to
``tests/detect/test_declarations.py``.
"""

from __future__ import annotations

import re

from secaudit.detect.markforms import MarkMatch
from secaudit.detect.vocabulary import Vocabulary

HANDLING_WORDS = (
    r"不得|严禁|禁止|请勿|切勿|勿|未经|仅限|仅供|只限|只供|限于|注意保|妥善|阅后|违者|保密|保存"
    r"|保管|传阅|不外传|不对外|按规定|仅发|只发|发至|阅知|知悉范围|误收|非收件人|通知发件人"
    r"|用后|收回|销毁"
)
_FIELD = r"(?:(?:文件|文档)?密级\s*[:：|｜丨/／]\s*)?"
_UNIT = (
    r"[^\s，,。；;：:|｜丨/／·•・—–\-、]{1,20}?"
    r"(?:银行|行|社|公司|部|室|中心|处|科|组|办|局|集团|委员会)"
    r"(?:[（(][^（()）\s]{1,12}?(?:部|室|中心|处|科|组|办|支行|分行)[）)])?"  # 某行（零售业务部）
)
_ISSUER = rf"(?:{_UNIT}(?:\s*[|｜丨/／·•・—–\-、]\s*|\s+)){{0,3}}"
"""A letterhead or unit name before the level, set off by a gap or a separator
(``江川农商银行 普通商密 严禁外传``, ``某某农商银行零售业务部｜机密``,
``某行｜秘密｜未经许可不得外传``).
With a name, the handling rest is optional: ``unit｜level`` is a running header's mark."""
_SEP = r"[\s·•・|｜丨/／—–\-，,、；;：:（(【\[]+"
_SPLIT = re.compile(r"[\s·•・|｜丨/／—–\-，,；;：:（）()【】\[\]。.!！]+")
_PAGE = re.compile(
    r"第\s*\d*\s*页(?:\s*[,，/]?\s*共\s*\d*\s*页)?|\d+\s*/\s*\d+|[-—]\s*\d+\s*[-—]|page\s*\d*",
    re.IGNORECASE,
)
_NOUN_NEXT = re.compile(r"(?:的)?(?:文件|资料|材料|信息|事项|载体|数据|人员|内容|等级|级)")
"""In a body line, a noun right after the level and a space: the pair is a noun phrase in a
sentence (``机密 文件应当妥善保管``, a Markdown ``**机密** 文件…`` once its emphasis is read); a
running line (``核心商密 资料不得外传``) keeps it."""
MAX_LINE = 60
_SCOPE = re.compile(
    r"限(?!制|额|期|时|度|价|量|定)[\u4e00-\u9fff]{1,12}"
    r"(?:条线|部门|部|室|中心|支行|分行|人员|领导|阅|阅知|阅读|使用|传阅|知悉)"
)
"""A circulation scope after the level (``普通商密（限授信条线）``, ``机密（限行领导阅）``)."""
_ISSUER_SEP = r"\s*[|｜丨/／·•・—–\-、]\s*"
"""Between a unit name and the level in a running line: a bar, slash, dot, dash or 、
(``机密、某某农村商业银行``)."""
_LEADING_ISSUER = re.compile(rf"(?:{_UNIT}{_ISSUER_SEP})+")
_TRAILING_ISSUER = re.compile(rf"(?:{_ISSUER_SEP}{_UNIT})+$")


def without_issuer(line: str) -> str:
    """``line`` without the unit names that lead or close it, each set off by a separator
    (``某行｜机密★5年``, ``机密｜某行零售业务部`` → the mark); ``line`` itself when none does."""
    text = line.strip()
    m = _LEADING_ISSUER.match(text)
    if m and m.end() < len(text):
        text = text[m.end() :]
    t = _TRAILING_ISSUER.search(text)
    return text[: t.start()] if t and t.start() > 0 else text


class HandlingLines:
    """Lines made of a level and handling clauses, for one vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        pairs = vocabulary.all_words()
        self._levels = dict(pairs)
        words = "|".join(re.escape(w) for w, _ in pairs)
        self._re = re.compile(
            rf"(?P<issuer>{_ISSUER}){_FIELD}(?P<open>[【(（\[〔])?\s*(?P<level>{words})级?\s*"
            rf"(?P<close>[】)）\]〕])?(?:(?:(?P<sep>{_SEP})|(?<=[】)）\]〕]))(?P<rest>.+))?"
        )
        self._handling = re.compile(HANDLING_WORDS)

    def marks(self, line: str, *, body: bool = False) -> list[MarkMatch]:
        """The mark ``line`` is, when it is a level followed only by handling clauses
        (``body``: a body line, where level + space + noun is a sentence's subject)."""
        text = line.strip()
        if not text or len(text) > MAX_LINE:
            return []
        m = self._re.fullmatch(text)
        if m is None:
            return []
        rest = m.group("rest") or ""
        closed = bool(m.group("close"))
        if m.group("open") and not closed and rest[-1:] in "】)）]〕":
            rest, closed = rest[:-1], True  # （机密  请妥善保管，不得复印）: the note closes
        if bool(m.group("open")) != closed:
            return []
        if body and (m.group("sep") or " ").isspace() and _NOUN_NEXT.match(rest):
            return []  # 机密 文件应当妥善保管: the level qualifies a noun, a sentence
        clauses = [c for c in _SPLIT.split(_PAGE.sub(" ", rest)) if c]
        if not clauses and not m.group("issuer"):
            return []  # a bare level: the mark grammar's business
        if not all(self._is_handling(c) for c in clauses):
            return []
        level = self._levels[m.group("level")]
        return [MarkMatch(level, text, None, None, True, True)]

    def _is_handling(self, clause: str) -> bool:
        if len(clause) > 24:
            return False
        return self._handling.search(clause) is not None or _SCOPE.fullmatch(clause) is not None
