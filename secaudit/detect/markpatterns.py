"""The pieces of the secrecy-marking grammar: the pattern sources every mark form is built from.

:mod:`secaudit.detect.markforms` compiles them, with the level words of a vocabulary, into a
:class:`~secaudit.detect.markforms.MarkGrammar`. Here: the star and period forms
(:data:`PERIOD`, :data:`NUM_PERIOD`), the ``密级：`` field labels (:data:`FIELD`,
:data:`NAMED_FIELD`, :data:`LABEL_PREFIX`), the handling suffixes (:data:`SUFFIX`), brackets,
gaps and boxes; :func:`short_period`, the period as the evidence keeps it, and
:func:`form_note`, the note a non-standard form earns. To accept a new kind of period or
separator, extend these patterns and add rows to ``tests/detect/test_markings.py``.
"""

from __future__ import annotations

import re
import unicodedata

from secaudit.model import Level

STAR = "★☆*＊·・•●▲△"
_NUM = r"[0-9０-９一二三四五六七八九十两〇零百]{1,4}"
PERIOD = (
    r"(?:解密时间|解密日期|解密条件|保密期限)\s*[:：]\s*[^\s,，。;；★☆]{1,30}"
    r"|\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?(?:之前|前|止)?"
    r"|\d{4}[/／.\-]\d{1,2}[/／.\-]\d{1,2}(?:之前|前|止)?"
    rf"|{_NUM}\s*(?:年|个月|個月|月|日|天|周)(?:以内|内)?"
    r"|长期|永久"
    r"|[^\s★☆*＊·・•●▲△,，。;；:：、()（）\[\]［］【】〔〕“”\"'‘’《》<>〈〉/／|｜丨]{1,20}"
)
NUM_PERIOD = rf"{_NUM}\s*(?:年|个月|個月)|长期"
LABEL_PREFIX = r"(?:(?!绝密|机密|秘密|商密|涉密|定密|核心|普通)[\u4e00-\u9fff]){1,6}"
"""What a label may name before 密级/保密等级 (``报表密级``, ``资料密级``, ``台账保密等级``): a few
Chinese characters that do not start a level word (``秘密级`` is a value, not a label)."""
_LABELS = (
    r"密级(?:和|及|与)保密期限|密级标识|密级标志|(?:文件|文档|资料|信息)密级"
    r"|保密等级|保密级别|密\s?级"
)
_NAMED = rf"{LABEL_PREFIX}(?:密\s?级|保密等级|保密级别)"
_GLOSS_SEP = (
    # an English gloss after the label: 密级(Classification)、密级/Classification
    r"(?:\s*(?:[(（]\s*[A-Za-z][A-Za-z ]{1,19}[)）]|[/／]\s*[A-Za-z][A-Za-z ]{1,19}))?"
    r"\s*(?:[:：|｜丨/／]\s*|\s+)"
)
"""Between a label and its value: a colon, a bar (``密级｜绝密``, ``密级 | 绝密``, ``密级丨绝密``),
a slash, a tab or spaces — the same in body lines, cells, headers and footers."""
FIELD = rf"(?:{_LABELS}){_GLOSS_SEP}"
NAMED_FIELD = rf"(?:{_LABELS}|{_NAMED}(?=\s*[:：|｜丨])){_GLOSS_SEP}"
"""With any other named label, which needs its colon (``报表密级：普通商密``); compiled apart and
used only on lines that hold such a label (:data:`NAMED_LABEL`): the prefix costs every line."""
NAMED_LABEL = re.compile(rf"{_NAMED}\s*[:：|｜丨]")
SUFFIX = (
    r"[,，、\s|｜丨/／—–-]*(?:注意保存|注意保密|妥善保管|注意保管|严禁复制|仅供参考|(?:仅限)?内部传阅"
    r"|(?:未经[^\s，,。;；]{0,6}?[，,]?)?(?:不得|严禁|禁止|请勿|切勿)(?:外传|外泄|外借|复制|转发|扩散"
    r"|泄露|翻印|对外(?:提供|披露|发布|传播)?|向外(?:提供|披露)?)"
    r"|(?:仅限|仅供|只限|只供|限)[^\s，,。;；]{0,10}?(?:使用|阅读|传阅|学习|查阅|交流|参考|阅知))"
)
OPEN = "[【(（〔［\\[〈<]"
CLOSE = "[】)）〕］\\]〉>]"
OPENS = re.compile(OPEN)
FIELD_PERIOD = re.compile(r"(?:保密期限|保密期)\s*[:：]\s*(?P<period>[^\s/／|｜丨]{1,20})")
"""A period given in a field of its own beside the mark (``密级：秘密    保密期限：5年``)."""
GAP = re.compile(r"\t|\u3000|\s{2,}")
ASCII_DIGITS = str.maketrans("０１２３４５６７８９＊", "0123456789*")
BOXES = re.compile("[□☐▢☑☒■▣○◯]")
CHOICE_GAP = re.compile(r"[\s、,，/／|｜丨;；或和及与()（）]*")
_NOTES = {"☆": "☆", "*": "*", "＊": "*", "·": "·", "・": "·", "•": "·", "●": "·", "▲": "▲"}
_NOTES["△"] = "▲"
LEAD = (
    r"(?:本(?:资料|文件|文档|材料|报告|手册|讲义|课件|简报|表|页)|此件|本件|此文件)?"
    r"(?:仅供|仅限|只供|只限)"
)
"""A circulation notice before the level word (``本资料仅供内部使用``): a mark, strong."""
USE = r"(?:参考|传阅|阅读|学习|交流)"
STOP = r"(?:\s*[。.!！])?"
NAME_SEP = r"(?:[-_—－~～.。、:：\s★☆|｜丨/／]|$)"
REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|回复|转发|答复)\s*[:：]\s*)*", re.IGNORECASE)


def spaced(word: str) -> str:
    if word.isascii():
        return re.escape(word)
    return r"[ \u3000]{0,2}".join(re.escape(c) for c in word)


def compact(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


MAX_FREE_PERIOD = 10
"""Most characters of free text a period keeps (a decryption condition, an odd term)."""
_LABEL = re.compile(r"^(?:解密时间|解密日期|解密条件|保密期限):")
_LONG_DIGITS = re.compile(r"[0-9]{9,}")
_CN = "[0-9〇零一二三四五六七八九十两]"
_TERM = re.compile(
    rf"{_CN}{{2,4}}年{_CN}{{1,3}}月(?:{_CN}{{1,3}}日)?(?:之前|前|止)?"
    rf"|{_CN}{{1,4}}(?:年|个月|個月|月|日|天|周)(?:以内|内)?|长期|永久|半年"
)
"""A term or a date, kept whole however long."""


def short_period(raw: str) -> str:
    """A period as the evidence keeps it: a term or a date whole (``10年``,
    ``解密时间:2028年1月1日``); free text — a decryption condition that runs into the document's
    words — cut to
    :data:`MAX_FREE_PERIOD` characters with ``…``, so a finding never carries a sentence (or a
    number) copied from the document. Any number left in it is masked later
    (:func:`secaudit.sensitive.mask_text`)."""
    period = compact(raw)
    label = _LABEL.match(period)
    head = label.group() if label else ""
    rest = period[len(head) :]
    if _TERM.fullmatch(rest):
        return period
    if len(rest) > MAX_FREE_PERIOD:
        rest = rest[:MAX_FREE_PERIOD] + "…"
    # no term or date holds 9 digits in a row: that is the start of a number, not a period
    return head + _LONG_DIGITS.sub(lambda d: d.group()[:4] + "*" * (len(d.group()) - 4), rest)


def form_note(m: re.Match[str], level: Level) -> str | None:
    """The notes a mark form earns: a non-standard star or period form, no period, a star on
    internal material."""
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
