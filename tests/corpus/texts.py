"""Text material for the labelled corpus: marks in their real forms, neutral and negative prose.

Marks follow GB/T 9704 practice (``机密★10年``, level alone, top right after the copy number)
and bank commercial-secret practice (``核心商密★5年``, ``内部资料 注意保存``), plus the
non-standard forms seen in real files. Hard negatives are the bank's own training material:
prose about secrecy work, agreement templates, blank forms, level lists, data columns.
"""

from __future__ import annotations

import random

LEVEL_WORDS = {
    "top_secret": ("绝密",),
    "secret": ("机密",),
    "confidential": ("秘密",),
    "core_commercial": ("核心商密",),
    "commercial": ("普通商密", "商密"),
    "internal": ("内部", "内部资料", "限内部使用", "内部使用"),
}
LEVELS = tuple(LEVEL_WORDS)
STATE = ("top_secret", "secret", "confidential")
PERIODS = ("10年", "5年", "1年", "30年", "20年", "长期", "6个月", "3年", "2年", "15日")
CONDITIONS = ("启用前", "会议开始前", "2026年6月30日前", "公开发布前", "项目验收后")


def star_mark(level: str, rng: random.Random, *, style: str = "standard") -> str:
    """A ``密级★期限`` mark of ``level`` in one of the forms seen in practice."""
    word = rng.choice(LEVEL_WORDS[level])
    if level == "internal":
        return rng.choice((word, "内部资料 注意保存", "内部资料，注意保存", "【内部资料】"))
    period = rng.choice(PERIODS)
    forms = {
        "standard": f"{word}★{period}",
        "nostar": f"{word}★",
        "condition": f"{word}★{rng.choice(CONDITIONS)}",
        "hollow": f"{word}☆{period}",
        "dot": f"{word}·{period}",
        "prestar": f"★{word}",
        "space": f"{word} {period}",
        "spaced": " ".join(word) + f"★{period}" if len(word) == 2 else f"{word}★{period}",
        "fullwidth": f"{word}★{period}".translate(_FULLWIDTH),
        "field": f"密级：{word}",
        "field_star": f"密级：{word}★{period}",
        "bare": word,
        "bracket": f"【{word}】",
    }
    return forms[style]


_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
STYLES = (
    "standard",
    "nostar",
    "condition",
    "hollow",
    "dot",
    "prestar",
    "space",
    "spaced",
    "fullwidth",
    "field",
    "field_star",
    "bare",
    "bracket",
)

TITLES = (
    "关于2024年信贷投放计划的通知",
    "关于调整个人存款利率的请示",
    "第三季度风险排查情况报告",
    "关于开展反洗钱专项检查的方案",
    "2025年度经营目标分解表",
    "关于不良贷款清收工作的会议纪要",
    "网点装修改造项目预算",
    "关于客户经理绩效考核办法的通知",
    "年度财务决算报告",
    "关于成立数字化转型工作小组的通知",
)
NEUTRAL = (
    "各支行、总行各部室：",
    "为进一步做好相关工作，现将有关事项通知如下。",
    "一、提高认识，加强组织领导，明确责任分工。",
    "二、各单位要结合实际制定实施方案，确保工作落到实处。",
    "三、请于本月底前将落实情况报送总行办公室。",
    "本季度各项存款余额较年初增长8.6%，贷款余额增长7.2%。",
    "会议听取了风险管理部关于资产质量的汇报。",
    "联系人：办公室 王某，联系电话：0571-87654321。",
    "特此通知。",
)
SECRECY_PROSE = (
    "各支行、各部门要严格保守国家秘密，不得泄露商业秘密。",
    "机密文件应当专柜保管，严禁在互联网计算机上存储、处理。",
    "根据《内部控制制度》第十二条，内部审计部门每年至少开展一次专项检查。",
    "信息系统应当保障数据的机密性、完整性和可用性。",
    "标注为“机密★1年”的文件，保密期限届满即自行解密。",
    "组织全体员工观看电影《绝密使命》，学习革命先辈的保密精神。",
    "国家秘密的密级分为绝密、机密、秘密三级。",
    "商业秘密分为核心商密和普通商密，应当按规定标注密级和保密期限。",
    "本行内部资料的管理办法另行制定。",
    "任何标有机密的文件不得带出办公场所。",
    "乙方不得向任何第三方泄露甲方的商业秘密及内部资料。",
    "对内部人员的系统访问权限每季度复核一次。",
    "涉密载体应当登记造册，秘密级以上文件须经审批后方可复制。",
    "内部审计发现，部分网点存在将内部使用的文件存放在外网电脑上的问题。",
    "保密期限届满的，自行解密；解密条件另行规定的，从其规定。",
    "绝密级国家秘密保密期限一般不超过三十年。",
)
NEG_TITLES = (
    "内部控制制度",
    "关于加强保密工作的通知",
    "保密协议（模板）",
    "保密培训笔记",
    "内部审计报告",
    "机密文件管理办法",
    "《绝密使命》观后感",
    "2024年保密工作总结",
    "商业秘密保护管理规定",
    "内部资料管理办法",
    "保密知识测试题",
    "内部使用说明",
)
NEG_SPECIAL = (
    ["文件密级：□绝密 □机密 □秘密 □内部", "保密期限：____年"],
    ["密级标注示例：", "机密★10年", "上述标注位于首页左上角。"],
    ["国家秘密的密级和最长保密期限：", "绝密★30年", "机密★20年", "秘密★10年"],
    [
        "CONFIDENTIAL: This e-mail and any attachments are confidential and intended solely "
        "for the addressee."
    ],
    ["标注格式如下：", "核心商密★5年"],
    ["密级：公开", "本文件可对外发布。"],
    ["密级：非密"],
    ["□核心商密 □普通商密 □内部 □公开"],
    [
        "涉密文件登记簿",
        "序号\t文件名称\t密级\t份数",
        "1\t2024年信贷计划\t机密\t3",
        "2\t考核方案\t秘密★1年\t2",
    ],
)

# --- forms with a row of level boxes (勾选式密级栏) -------------------------------------------
FORM_TITLES = ("定密审批表", "发文稿纸", "呈批件", "涉密文件登记表", "定密事项审批表")
FORM_FIELDS = (
    "文件标题：关于2024年信贷投放计划的请示",
    "承办部门：计划财务部",
    "拟稿人：王某　　核稿人：李某",
    "份数：3份",
    "签发人：",
)
STATE_OPTIONS = ("绝密", "机密", "秘密")
COMMERCIAL_OPTIONS = ("核心商密", "普通商密", "内部")
TICK_STYLES = {
    "box": ("☑{w}", "□{w}"),
    "filled": ("■{w}", "□{w}"),
    "cross": ("☒{w}", "☐{w}"),
    "check": ("√{w}", "□{w}"),
    "after": ("{w}√", "{w}□"),
    "paren": ("(√){w}", "( ){w}"),
    "fullparen": ("{w}（√）", "{w}（ ）"),
    "bracket": ("[x]{w}", "[ ]{w}"),
}
GBK_TICK_STYLES = ("filled", "check", "after", "paren", "fullparen", "bracket")
"""Styles whose glyphs exist in GBK and in the PDF CID font STSong-Light."""


def form_options(level: str) -> tuple[str, ...]:
    """The options a form offers next to ``level`` (state or commercial levels)."""
    return STATE_OPTIONS if level in STATE else COMMERCIAL_OPTIONS


def ticked_cells(options: tuple[str, ...], ticked: set[str], style: str) -> list[str]:
    """One cell per option, the options in ``ticked`` ticked in ``style``."""
    on, off = TICK_STYLES[style]
    return [(on if w in ticked else off).format(w=w) for w in options]


def ticked_row(options: tuple[str, ...], ticked: set[str], style: str) -> str:
    return " ".join(ticked_cells(options, ticked, style))
