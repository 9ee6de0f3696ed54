"""Traditional Chinese characters of the detectors' words, read as their simplified forms.

Documents from Hong Kong, Macao and Taiwan correspondents, or typed with a traditional input
method, write ``機密★10年``, ``絕密★長期``, ``內部資料``, ``帳號``, ``身份證號碼``. The detectors'
grammar is written in simplified characters; :func:`simplified` maps, one character for one
(offsets do not move), every traditional character that the grammar's words contain, so the
same rules apply.
It is no general converter: only characters of the detectors' own words are in the table.

The table was made with OpenCC (``s2t``, ``s2tw``, ``s2hk``, character by character) over every
Chinese character in ``secaudit/detect/*.py``; ``tests/detect/test_traditional.py`` checks, with
OpenCC, that it still covers them when the grammar gains words (plus 簽, 複, 週 by hand).
"""

from __future__ import annotations

import re

TRADITIONAL = (
    "萬與業兩嚴個爲為舉義習億僅會傳關內冊寫農準憑別動單參發號國復學審對屬帳開張戶報無"
    "機權條標欄樣檔檢電碼祕稅籤簡類緊級紀納紙細終結絕統緩編聯範規訂認議記講證識詞話請"
    "讀課賬資轉運選銀鍵長閱閲頁題簽複週從圖掃時間"
    "書於劃則辦協臺員聲總擴據數匯洩稱經績見計說説載門項順預"
    "構組織"
    "務錄態網詢陸驗"
    "覽"
    "訓"
    "餘貸額"
    "後備應當毀溫燈負違郵銷須許點釋歸"
    "體團處職"
    "刪圍確誤進"
    "將屆測種"
    "價導線領"
)
SIMPLIFIED = (
    "万与业两严个为为举义习亿仅会传关内册写农准凭别动单参发号国复学审对属帐开张户报无"
    "机权条标栏样档检电码秘税签简类紧级纪纳纸细终结绝统缓编联范规订认议记讲证识词话请"
    "读课账资转运选银键长阅阅页题签复周从图扫时间"
    "书于划则办协台员声总扩据数汇泄称经绩见计说说载门项顺预"
    "构组织"
    "务录态网询陆验"
    "览"
    "训"
    "余贷额"
    "后备应当毁温灯负违邮销须许点释归"
    "体团处职"
    "删围确误进"
    "将届测种"
    "价导线领"
)
TO_SIMPLIFIED = str.maketrans(TRADITIONAL, SIMPLIFIED)
"""``str.translate`` table: each traditional character to its simplified form."""
_ANY_TRADITIONAL = re.compile(f"[{TRADITIONAL}]")


_VARIANTS: dict[str, str] = {}
for _t, _s in zip(TRADITIONAL, SIMPLIFIED, strict=True):
    _VARIANTS[_s] = _VARIANTS.get(_s, _s) + _t


def variants(char: str) -> str:
    """``char`` and every traditional character :func:`simplified` reads as it."""
    return _VARIANTS.get(char, char)


def has_traditional(text: str) -> bool:
    return _ANY_TRADITIONAL.search(text) is not None


def simplified(text: str) -> str:
    """``text`` with the table's traditional characters in simplified form (same length)."""
    return text.translate(TO_SIMPLIFIED)
