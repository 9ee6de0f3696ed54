"""The ``密级`` field labels before a mark's level and the English glosses around them.

``密级：机密``, ``文件密级｜内部``, ``报表密级：普通商密``, ``Classification 密级: 内部资料``,
``机密 (SECRET)``: the label words and separators here are shared by the mark forms of
:mod:`.markforms` and the label cells of :mod:`.keyvalue`; :func:`without_glosses` takes the
English glosses off a line before either reads it.
"""

from __future__ import annotations

import re

LABEL_PREFIX = r"(?:(?!绝密|机密|秘密|商密|涉密|定密|核心|普通)[\u4e00-\u9fff]){1,6}"
"""What a label may name before 密级/保密等级 (``报表密级``, ``资料密级``, ``台账保密等级``): a few
Chinese characters that do not start a level word (``秘密级`` is a value, not a label)."""
LABEL_WORDS = r"密级标识|密级标志|保密等级|保密级别|定密级别|定密等级|密\s?级"
"""The words of a 密级 field label, shared by the mark forms here and the label cells of
:mod:`.keyvalue` (one list: a label one of them learns, the other reads too)."""
_LABELS = rf"密级(?:和|及|与)保密期限|(?:文件|文档|资料|信息)密级|{LABEL_WORDS}"
_NAMED = rf"{LABEL_PREFIX}(?:密\s?级|保密等级|保密级别)"
_GLOSS_SEP = (
    # an English gloss after the label: 密级(Classification)、密级/Classification
    r"(?:\s*(?:[(（]\s*[A-Za-z][A-Za-z ]{1,19}[)）]|[/／]\s*[A-Za-z][A-Za-z ]{1,19}))?"
    r"\s*(?:[:：|｜丨/／=＝]\s*|\s+)"
)
"""Between a label and its value: a colon, a bar (``密级｜绝密``, ``密级 | 绝密``, ``密级丨绝密``),
a slash, an equals sign (``定密级别=秘密``, a form's field), a tab or spaces — the same in body
lines, cells, headers and footers."""
_GLOSS_WORD = (
    r"(?i:(?:security\s+|secrecy\s+|document\s+)?(?:classification|level)"
    r"|confidentiality(?:\s+level)?)"
)
FIELD = rf"(?:{_LABELS}){_GLOSS_SEP}"
NAMED_FIELD = rf"(?:{_LABELS}|{_NAMED}(?=\s*[:：|｜丨=＝])){_GLOSS_SEP}"
"""With any other named label, which needs its colon (``报表密级：普通商密``); compiled apart and
used only on lines that hold such a label (:data:`NAMED_LABEL`): the prefix costs every line."""
NAMED_LABEL = re.compile(rf"{_NAMED}\s*[:：|｜丨=＝]")
_GLOSSES = re.compile(
    rf"^\s*{_GLOSS_WORD}\s*[:：]?\s*(?=(?:\S{{0,6}})(?:{_LABELS}))"
    rf"|(?<=[级别])\s+{_GLOSS_WORD}(?=\s*[:：|｜丨])"
    r"|\s+\((?=[A-Za-z .\-]{2,30}\))(?=[^)]*(?:secret|confidential|internal|restricted"
    r"|classified|proprietary|use\s+only))[^)]*\)",
    re.IGNORECASE,
)
"""English glosses, decoration around a mark: before or after a 密级 label
(``Classification 密级: 内部资料``, ``密级 Classification：普通商密``) and in ASCII brackets after
a level, a space before them (``机密 (SECRET)``, ``内部文件 (Internal Use Only)``)."""
LATIN = re.compile("[A-Za-z]")


def without_glosses(line: str) -> str:
    """``line`` without English glosses (:data:`_GLOSSES`); most lines hold no Latin letter."""
    return _GLOSSES.sub("", line) if LATIN.search(line) else line
