"""Held-out style evaluation set: marks and numbers written the way real bank documents do.

Written independently of ``tests/corpus`` (other layouts, other phrasing, other number
generators) to check that the detection rules generalise. Each row is
``(id, builder, expected, reason)``; the reason says why a non-obvious expectation holds in
marking practice (GB/T 9704-2012, the 1999 edition, bank commercial-secret rules, issue 3).
Real files (docx/xlsx/pptx/pdf/txt in UTF-8, GBK, UTF-16) go through the real extractors.
Figures: ``python -m tests.detect.heldout_cases`` (quoted in ``docs/benchmarks.md``).
"""

from __future__ import annotations

import pytest

from tests.detect.heldout_cases import NOTICE as N
from tests.detect.heldout_cases import ORGAN as O
from tests.detect.heldout_cases import (
    SELF_CHECK,
    InfoCase,
    MarkCase,
    card,
    classify,
    credit_code,
    docx,
    gongwen,
    groups,
    info_counts,
    mobile,
    paras,
    pdf,
    pptx,
    rid,
    rid_with_x,
    score,
    txt,
    xlsx,
)

H = [("2024年一季度经营情况分析", 3, 6), ("计划财务部", 3, 9), ("2024年4月", 3, 11)]


def _m(id_: str, build, level: str, why: str = "") -> MarkCase:  # noqa: ANN001
    return MarkCase(id_, build, level, why)


MARKS_GBT = [
    _m("2012-copyno-mark-urgency", lambda: gongwen("000021", "机密★5年", "特急"), "secret"),
    _m("2012-cn-numeral-year", lambda: gongwen("000003", "秘密★一年", "加急"), "confidential"),
    _m("2012-cn-ten-years", lambda: gongwen("绝密★十年"), "top_secret", "十 is a numeral"),
    _m("2012-six-months", lambda: gongwen("秘密★6个月", "平急"), "confidential"),
    _m("2012-long-term", lambda: gongwen("000102", "机密★长期"), "secret"),
    _m("2012-until-date", lambda: gongwen("000145", "秘密★至2026年12月31日"), "confidential"),
    _m("2012-decrypt-condition", lambda: gongwen("机密★会议结束后解密"), "secret"),
    _m("2012-before-publication", lambda: gongwen("秘密★公布前"), "confidential"),
    _m("2012-copyno-label", lambda: gongwen("份号：000012", "机密★3年"), "secret"),
    _m("2012-field-two-lines", lambda: gongwen("密级：秘密", "保密期限：1年"), "confidential"),
    _m(
        "2012-field-and-period-one-line",
        lambda: gongwen("密级：机密    保密期限：5年"),
        "secret",
        "the 密级 and 保密期限 fields often share the first line of a 签报",
    ),
    _m("2012-spaced-field", lambda: gongwen("密 级：秘密"), "confidential"),
    _m("2012-field-commercial", lambda: gongwen("保密等级:核心商密"), "core_commercial"),
    _m("2012-combined-field", lambda: gongwen("密级和保密期限：机密★2年"), "secret"),
    _m("2012-mark-after-urgency", lambda: gongwen("000021", "特急", "机密★1年"), "secret"),
    _m("2012-bare-level", lambda: gongwen("秘密", "特急"), "confidential"),
    _m(
        "2012-urgency-label",
        lambda: gongwen("000007", "秘密★1年", "紧急程度：特急"),
        "confidential",
    ),
    _m("2012-mark-then-urgency-one-line", lambda: gongwen("秘密★1年　特急"), "confidential"),
    _m(
        "2012-mark-under-organ-header",
        lambda: paras(*O, "内部资料", *N),
        "internal",
        "misplaced below the red header, still the declared level in the front matter",
    ),
    _m(
        "2012-bare-after-organ-and-number",
        lambda: paras(*O, "秘密", *N),
        "confidential",
        "same: a level word alone on a front-matter line",
    ),
    _m("1999-copyno-gap-mark", lambda: gongwen("00032　　　　　　　　机密★2年"), "secret"),
    _m(
        "1999-number-label-mark",
        lambda: gongwen("编号：2024-015        机密"),
        "secret",
        "1999 edition: number left, level right on the same line",
    ),
    _m("1999-mark-one-space", lambda: gongwen("000008 秘密★1年"), "confidential"),
    _m("period-chinese-date", lambda: gongwen("机密★二〇二六年六月三十日前"), "secret"),
    _m("period-three-months", lambda: gongwen("秘密★3个月"), "confidential"),
    _m("period-half-year", lambda: gongwen("秘密★半年"), "confidential"),
    _m("space-after-star", lambda: gongwen("秘密★ 2年"), "confidential"),
    _m("spaces-everywhere", lambda: gongwen("机 密 ★ 10 年"), "secret"),
    _m("fullwidth-space-digits", lambda: gongwen("机　密★５年"), "secret"),
    _m("missing-star", lambda: gongwen("秘密 6个月"), "confidential", "non-standard, intent"),
    _m("long-term-no-star", lambda: gongwen("绝密 长期"), "top_secret", "non-standard, intent"),
    _m("star-first", lambda: gongwen("★机密"), "secret", "non-standard, intent counts"),
    _m("hollow-star", lambda: gongwen("机密☆5年"), "secret", "non-standard, intent counts"),
    _m("ascii-asterisk", lambda: gongwen("秘密*3年"), "confidential", "non-standard"),
    _m("middle-dot", lambda: gongwen("机密·10年"), "secret", "non-standard"),
    _m("triangle", lambda: gongwen("机密▲2年"), "secret", "▲ for ★ (font fallback): intent"),
    _m("triangle-first", lambda: gongwen("▲秘密"), "confidential", "non-standard"),
    _m("bracketed-mark", lambda: gongwen("【秘密】"), "confidential"),
    _m("field-with-period", lambda: gongwen("密级：秘密★6个月"), "confidential"),
    _m("field-internal", lambda: gongwen("密级: 内部"), "internal"),
    _m(
        "attachment-mark-mid-document",
        lambda: paras(*N, "附件", "秘密★1年", "2024年员工考核结果汇总表"),
        "confidential",
        "an attachment starts on its own page with its own mark",
    ),
]

MARKS_COMMERCIAL = [
    _m("core-long-term", lambda: gongwen("核心商密★长期"), "core_commercial"),
    _m("core-spaced-star", lambda: gongwen("核心商密 ★ 长期"), "core_commercial"),
    _m(
        "core-bare",
        lambda: paras("核心商密", "江川农村商业银行", "2024年不良资产处置方案"),
        "core_commercial",
    ),
    _m("commercial-3y", lambda: gongwen("商密★3年"), "commercial"),
    _m("commercial-ordinary-bare", lambda: gongwen("普通商密"), "commercial"),
    _m("commercial-ordinary-2y", lambda: gongwen("普通商密★2年"), "commercial"),
    _m("commercial-short-bare", lambda: gongwen("商密"), "commercial"),
    _m("internal-keep", lambda: gongwen("内部资料 注意保存"), "internal"),
    _m("internal-comma-keep", lambda: gongwen("内部资料，严禁外传"), "internal"),
    _m("internal-use-dont-pass", lambda: gongwen("内部使用 请勿外传"), "internal"),
    _m("internal-restricted", lambda: gongwen("限内部使用"), "internal"),
    _m(
        "internal-only-restricted",
        lambda: gongwen("仅限内部使用"),
        "internal",
        "a circulation notice standing alone declares the internal level",
    ),
    _m(
        "internal-notice-line",
        lambda: paras("本资料仅供内部使用", "反洗钱岗位培训讲义", "第一讲 客户身份识别"),
        "internal",
        "a notice standing alone on the cover is the bank's internal mark (intent counts)",
    ),
    _m("internal-paren", lambda: gongwen("（内部资料）"), "internal"),
    _m("internal-bare", lambda: gongwen("内部"), "internal"),
]

MARKS_FILES = [
    _m("docx-header-secret", lambda: docx(N, header="机密★5年"), "secret"),
    _m(
        "docx-header-core",
        lambda: docx(N, header="江川农村商业银行　　核心商密"),
        "core_commercial",
    ),
    _m("docx-footer-internal", lambda: docx(N, footer="内部资料 请勿外传"), "internal"),
    _m("docx-footer-page-internal", lambda: docx(N, footer="第 1 页  内部资料"), "internal"),
    _m("docx-footer-notice", lambda: docx(N, footer="本资料仅供内部使用"), "internal"),
    _m("docx-gongwen", lambda: docx(["000016", "秘密★1年", "特急", *O, *N]), "confidential"),
    _m(
        "docx-table-heading-cell",
        lambda: docx(N, table=[["机密★5年", "", "编号：2024-03"]]),
        "secret",
        "a mark in the top cell of a layout table (heading position)",
    ),
    _m(
        "docx-draft-form",
        lambda: docx(["江川农村商业银行发文稿纸"], table=[["密级", "秘密", "缓急", "平急"]]),
        "confidential",
        "a filled 发文稿纸 field",
    ),
    _m(
        "xlsx-sheet-name-paren",
        lambda: xlsx({"客户明细（内部）": [["户名", "余额"], ["甲", 1]]}),
        "internal",
    ),
    _m("xlsx-sheet-name-lead", lambda: xlsx({"机密-授信审批": [["项目"], ["A"]]}), "secret"),
    _m(
        "xlsx-title-cell-paren",
        lambda: xlsx({"Sheet1": [["存款客户明细（内部资料）"], ["户名", "余额"], ["甲", 3]]}),
        "internal",
        "the mark written into the title row of the sheet",
    ),
    _m(
        "xlsx-top-right-cell",
        lambda: xlsx(
            {
                "S": [
                    ["2024年不良贷款清单", None, None, "秘密★1年"],
                    ["户名", "余额", "五级分类", "责任人"],
                ]
            }
        ),
        "confidential",
    ),
    _m(
        "xlsx-field-cell", lambda: xlsx({"S": [["密级：普通商密"], ["项目", "金额"]]}), "commercial"
    ),
    _m(
        "xlsx-label-value",
        lambda: xlsx({"S": [["密级", "核心商密"], ["项目", "金额"]]}),
        "core_commercial",
    ),
    _m(
        "pptx-title-mark-last",
        lambda: pptx([[*H, ("秘密", 20, 0.5)]]),
        "confidential",
        "text box added last, top right of the title slide",
    ),
    _m("pptx-title-mark-first", lambda: pptx([[("内部资料", 0.5, 0.5), *H]]), "internal"),
    _m(
        "pptx-second-slide-not-needed",
        lambda: pptx([[*H, ("机密★1年", 20, 0.5)], [("目录", 1, 1)]]),
        "secret",
    ),
    _m(
        "pdf-1999-copy-left-mark-right",
        lambda: pdf([("000032", 25, 20), ("机密★2年", 160, 20), ("江川农村商业银行文件", 50, 45)]),
        "secret",
    ),
    _m(
        "pdf-2012",
        lambda: pdf(
            [
                ("000032", 25, 20),
                ("秘密★6个月", 25, 28),
                ("特急", 25, 36),
                ("江川农村商业银行文件", 50, 55),
            ]
        ),
        "confidential",
    ),
    _m("txt-gbk-crlf", lambda: txt("\r\n".join(["机密★10年", *O, *N]), encoding="gbk"), "secret"),
    _m("txt-utf16-bare", lambda: txt("\r\n".join(["秘密", *N]), encoding="utf-16"), "confidential"),
    _m("txt-field-spaced", lambda: txt("\n".join(["密　级：机密", *N])), "secret"),
    _m("filename-only-bracket", lambda: docx(N, name="【内部】2024年培训计划.docx"), "internal"),
]

DEFINITIONS = [
    ["密级", "含义", "最长保密期限"],
    ["绝密", "最重要的国家秘密", "30年"],
    ["机密", "重要的国家秘密", "20年"],
    ["秘密", "一般的国家秘密", "10年"],
]
REGISTER = [["序号", "文件标题", "来文单位", "密级", "份数"]] + [
    [str(i), f"关于做好第{i}季度相关工作的通知", "人行江川县支行", "机密" if i % 3 else "秘密", "1"]
    for i in range(1, 13)
]
REGISTER_PERIOD = [["序号", "文件标题", "密级和保密期限", "份数"]] + [
    [str(i), f"第{i}号会议纪要", "秘密★1年" if i % 2 else "机密★5年", "2"] for i in range(1, 9)
]
REG_WHY = "column values describe the registered documents; the register declares no level"
EXAMPLES = [["标志", "示例"], ["国家秘密", "机密★10年"], ["商业秘密", "核心商密★5年"]]

NEGATIVES = [
    _m("self-check-notice", lambda: gongwen(text=SELF_CHECK), "none", "prose about secrecy work"),
    _m(
        "training-levels",
        lambda: paras(
            "保密知识培训讲义",
            "一、国家秘密的密级",
            "国家秘密分为“绝密”、“机密”、“秘密”三级。",
            "二、密级标志",
            "密级标志应标注在公文首页左上角，如：机密★1年。",
        ),
        "none",
    ),
    _m(
        "definitions-docx-table",
        lambda: docx(["国家秘密密级划分"], table=DEFINITIONS),
        "none",
        "a table defining levels",
    ),
    _m("definitions-xlsx", lambda: xlsx({"密级说明": DEFINITIONS}), "none"),
    _m("register-docx", lambda: docx(["涉密文件登记台账"], table=REGISTER), "none", REG_WHY),
    _m(
        "register-xlsx",
        lambda: xlsx({"登记台账": [["2024年来文登记台账"], *REGISTER]}),
        "none",
        REG_WHY,
    ),
    _m("register-xlsx-period-col", lambda: xlsx({"台账": REGISTER_PERIOD}), "none", REG_WHY),
    _m(
        "register-docx-period-col",
        lambda: docx(["文件登记簿"], table=REGISTER_PERIOD),
        "none",
        REG_WHY,
    ),
    _m(
        "register-txt-period-first",
        lambda: txt(
            "\n".join(
                ["密级和保密期限\t标题\t份数"] + [f"秘密★1年\t第{i}号纪要\t2" for i in range(6)]
            )
        ),
        "none",
        REG_WHY,
    ),
    _m(
        "examples-table",
        lambda: docx(["密级标志标注要求"], table=EXAMPLES),
        "none",
        "examples of marks in a training table",
    ),
    _m(
        "agreement-template",
        lambda: paras(
            "员工保密协议",
            "甲方：江川农村商业银行",
            "乙方：__________",
            "第一条 本协议所称商业秘密，是指甲方所有的不为公众所知悉的经营信息和技术信息。",
            "第二条 乙方不得向任何第三方披露甲方的核心商密和普通商密。",
            "第三条 乙方离职时应交回全部内部资料。",
        ),
        "none",
    ),
    _m(
        "news-report",
        lambda: paras(
            "我行开展保密宣传教育月活动",
            "本报讯 近日，江川农商银行组织员工观看警示教育片《绝密使命》，",
            "并就机密文件管理、内部资料保管开展知识测试。",
        ),
        "none",
    ),
    _m(
        "meeting-minutes",
        lambda: paras(
            "会议纪要",
            "时间：2024年5月6日",
            "议题：研究内部控制评价报告",
            "会议要求加强内部管理，严格内部转账和内部账户的审批。",
        ),
        "none",
    ),
    _m(
        "audit-report",
        lambda: paras(
            "内部审计报告", "一、审计发现", "内部账户余额长期挂账，内部评级结果未及时更新。"
        ),
        "none",
    ),
    _m(
        "job-description",
        lambda: paras(
            "岗位说明书",
            "岗位名称：保密管理员",
            "岗位职责：负责本行秘密载体的收发登记；组织定密工作；管理涉密人员。",
        ),
        "none",
    ),
    _m(
        "infosec-policy",
        lambda: paras("信息安全管理办法", "第三条 保障信息的机密性、完整性、可用性。"),
        "none",
    ),
    _m(
        "english-disclaimer",
        lambda: paras(
            "This e-mail is Confidential and intended solely for the addressee.",
            "Internal use of this message by others is prohibited.",
        ),
        "none",
        "English disclaimers are not marks unless the policy adds them",
    ),
    _m(
        "blank-form",
        lambda: paras("定密审批表", "密级：□绝密 □机密 □秘密", "保密期限：____年"),
        "none",
    ),
    _m(
        "example-after-label",
        lambda: paras(
            "公文格式培训", "密级和保密期限的标注位置", "机密★10年", "标注于版心左上角第二行。"
        ),
        "none",
        "a training slide showing where the mark goes",
    ),
    _m("example-quoted", lambda: paras("标注为“秘密★6个月”的文件，期满自行解密。"), "none"),
    _m("example-colon", lambda: paras("密级标注", "如：机密★1年", "例：秘密★6个月"), "none"),
    _m(
        "sample-two-lines-up",
        lambda: paras("附件2", "商业秘密标志式样", "（首页左上角）", "核心商密★5年"),
        "none",
        "式样 = specimen of the form",
    ),
    _m(
        "account-type-column",
        lambda: xlsx(
            {
                "账户": [
                    ["账户名称", "账户性质"],
                    ["应付利息", "内部"],
                    ["待清算款项", "内部"],
                    ["张某结算户", "外部"],
                ]
            }
        ),
        "none",
    ),
    _m(
        "transfer-column",
        lambda: xlsx({"流水": [["日期", "摘要", "金额"], ["2024-01-02", "内部转账", "1000.00"]]}),
        "none",
    ),
    _m(
        "internal-data-docx-table",
        lambda: docx(
            ["科目对照表"],
            table=[["科目名称", "账户性质"], ["应付利息", "内部"], ["待清算款项", "内部"]],
        ),
        "none",
    ),
    _m(
        "internal-chapter",
        lambda: txt("第四章 内部资料管理\n第十条 内部资料应当统一编号。\n"),
        "none",
    ),
    _m("work-title", lambda: paras("《机密档案》节目观后感", "这期节目讲述了……"), "none"),
    _m("header-internal-control", lambda: docx(N, header="江川农村商业银行内部控制手册"), "none"),
    _m("footer-department", lambda: docx(N, footer="内部控制部 编制  第3页"), "none"),
    _m("pledge-title", lambda: paras("涉密人员保密承诺书", "本人自愿遵守保密纪律。"), "none"),
    _m("rule-sentence", lambda: paras("秘密级及以上文件不得在互联网计算机上处理。"), "none"),
    _m(
        "filename-check-sheet",
        lambda: xlsx({"内部账户": [["a"]]}, name="保密工作内部检查表.xlsx"),
        "none",
    ),
    _m("sheet-internal-rating", lambda: xlsx({"内部评级": [["客户", "等级"]]}), "none"),
    _m(
        "numbered-definitions",
        lambda: paras("第五条 本行商业秘密分为：", "（一）核心商密；", "（二）普通商密。"),
        "none",
    ),
    _m("field-public", lambda: gongwen("密级：公开"), "none"),
    _m("field-none", lambda: gongwen("密级：无"), "none"),
    _m("field-nonsecret", lambda: gongwen("密级：非密"), "none"),
    _m("period-only", lambda: paras("保密期限：长期", "关于…"), "none"),
    _m("chat-discussion", lambda: paras("张三：这个方案先内部讨论一下", "李四：好的"), "none"),
    _m("pptx-level-line", lambda: pptx([[("国家秘密分为 绝密 机密 秘密 三级", 1, 1)]]), "none"),
    _m("unmarked-notice", lambda: gongwen("000021", "特急"), "none"),
    _m(
        "title-with-secret",
        lambda: paras("关于印发《江川农村商业银行商业秘密管理办法》的通知", "各支行："),
        "none",
    ),
    _m("marked-words-quoted", lambda: paras("第六条 标有“机密”字样的文件应当专柜保管。"), "none"),
    _m(
        "register-sheet-first-col",
        lambda: xlsx({"S": [["密级", "文件名称"], ["机密", "信贷计划"], ["秘密", "考核方案"]]}),
        "none",
        REG_WHY,
    ),
    _m("internal-room", lambda: paras("内部资料室管理规定", "第一条 为规范资料室管理……"), "none"),
    _m(
        "confidential-notice-en",
        lambda: docx(N, footer="CONFIDENTIALITY NOTICE: internal only"),
        "none",
    ),
    _m(
        "levels-in-heading-rows",
        lambda: paras(
            "国家秘密的密级",
            "绝密",
            "是最重要的国家秘密。",
            "机密",
            "是重要的国家秘密。",
            "秘密",
            "是一般的国家秘密。",
        ),
        "none",
        "a list of levels with definitions between them",
    ),
]

QUIZ = [
    "保密知识测试题",
    "1.国家秘密的密级分为（ ）",
    "A. 绝密",
    "B. 机密",
    "C. 秘密",
    "D. 以上都是",
]
ROUND2 = [  # written after round 1 was fixed, run once before any further rule change
    _m("r2-docx-first-page-header", lambda: docx(N, first_header="绝密★"), "top_secret"),
    _m("r2-copyno-no-label", lambda: gongwen("No.0001234    秘密★1年"), "confidential"),
    _m("r2-field-space-colon", lambda: gongwen("密级 : 秘密"), "confidential"),
    _m(
        "r2-internal-for-reference",
        lambda: gongwen("内部资料 仅供参考"),
        "internal",
        "内部资料 with a circulation note",
    ),
    _m("r2-internal-circulate", lambda: gongwen("内部资料　内部传阅"), "internal"),
    _m("r2-commercial-long", lambda: gongwen("商密★长期"), "commercial"),
    _m("r2-highest-of-two", lambda: docx(["机密★1年", *N], header="内部资料"), "secret"),
    _m("r2-keywords-property", lambda: docx(N, keywords="机密;授信"), "secret"),
    _m(
        "r2-filename-star-in-brackets",
        lambda: docx(N, name="2024年薪酬方案（秘密★1年）.docx"),
        "confidential",
    ),
    _m("r2-sheet-bracket-name", lambda: xlsx({"【机密】客户": [["户名"], ["甲"]]}), "secret"),
    _m(
        "r2-xlsx-page-header",
        lambda: xlsx({"S": [["户名", "余额"]]}, header_right="机密★5年"),
        "secret",
    ),
    _m(
        "r2-pptx-title-many-lines",
        lambda: pptx(
            [
                [
                    ("2024年度全面风险管理报告", 2, 5),
                    ("（提交董事会审议稿）", 2, 7),
                    ("风险管理部", 2, 9),
                    ("二〇二四年四月", 2, 10),
                    ("江川农村商业银行", 2, 11),
                    ("机密", 21, 0.5),
                ]
            ]
        ),
        "secret",
        "a level word alone on the title slide",
    ),
    _m(
        "r2-pdf-header-right",
        lambda: pdf(
            [("江川农村商业银行", 20, 12), ("内部资料", 170, 12), ("2024年合规培训讲义", 40, 40)]
        ),
        "internal",
    ),
    _m(
        "r2-txt-gbk-commercial",
        lambda: txt("核心商密★3年\n" + "\n".join(N), encoding="gbk"),
        "core_commercial",
    ),
    _m(
        "r2-attachment-secret-bare",
        lambda: paras(*N, "附件2", "秘密", "贷款风险分类明细"),
        "none",
        "a bare word deep in the text is not a mark (only strong forms are)",
    ),
    _m("r2-quiz", lambda: paras(*QUIZ), "none", "options of a quiz question"),
    _m("r2-quiz-docx", lambda: docx(QUIZ), "none"),
    _m("r2-blank-field", lambda: gongwen("密级：________"), "none"),
    _m(
        "r2-leak-report",
        lambda: paras("关于一起失泄密事件的通报", "某支行员工将标有“机密”字样的文件带回家中。"),
        "none",
    ),
    _m("r2-chapter", lambda: paras("第三章 国家秘密的密级", "第八条 国家秘密分为三级。"), "none"),
    _m(
        "r2-training-slide-list",
        lambda: pptx(
            [[("密级标志", 1, 1), ("绝密★30年", 1, 3), ("机密★20年", 1, 5), ("秘密★10年", 1, 7)]]
        ),
        "none",
    ),
    _m("r2-training-slide-example", lambda: pptx([[("示例", 1, 1), ("秘密★6个月", 1, 3)]]), "none"),
    _m(
        "r2-header-internal-rules", lambda: docx(N, header="江川农商银行  内部管理制度汇编"), "none"
    ),
    _m("r2-xlsx-choice-header", lambda: xlsx({"S": [["内部", "外部"], ["3", "5"]]}), "none"),
    _m("r2-basis-line", lambda: paras("定密依据：《金融工作国家秘密目录》", "正文"), "none"),
    _m("r2-internal-staff", lambda: paras("内部员工通讯录", "张某 信贷部"), "none"),
]

FORM_WHY = "one level ticked in the form's 密级 row: the drafter declared it"
TICKED = [
    _m(
        "tick-pdf-approval-form",
        lambda: pdf(
            [
                ("呈 批 件", 90, 20),
                ("来文单位：风险管理部", 20, 40),
                ("密级：□绝密  □机密  ■秘密", 120, 40),
                ("事由：关于不良贷款核销的请示", 20, 55),
            ]
        ),
        "confidential",
        FORM_WHY,
    ),
    _m(
        "tick-docx-draft-sheet",
        lambda: docx(
            ["江川农村商业银行发文稿纸"],
            table=[
                ["签发", "会签", "核稿", "拟稿"],
                ["密级", "□核心商密 √普通商密 □内部", "保密期限", "3年"],
            ],
        ),
        "commercial",
        FORM_WHY,
    ),
    _m(
        "tick-xlsx-register-form",
        lambda: xlsx(
            {"审批": [["涉密事项审批表"], ["申请人", "甲"], ["密级", "机密（√）秘密（ ）"]]}
        ),
        "secret",
        "tick after the word, full-width brackets",
    ),
    _m(
        "tick-gbk-text",
        lambda: txt(
            "定密审批表\n事项：年度考核方案\n密级：[ ]绝密 [x]机密 [ ]秘密\n", encoding="gbk"
        ),
        "secret",
    ),
    _m("tick-header", lambda: docx(N, header="密级：○核心商密 √普通商密"), "commercial"),
    _m(
        "tick-blank-xlsx-form",
        lambda: xlsx({"审批": [["定密审批表"], ["密级", "□绝密", "□机密", "□秘密"]]}),
        "none",
        "a blank form declares nothing",
    ),
    _m(
        "tick-two-ticked",
        lambda: docx(["定密审批表"], table=[["密级", "□绝密 ■机密 ■秘密"]]),
        "none",
        "two levels ticked: ambiguous, no declaration",
    ),
    _m(
        "tick-instructions",
        lambda: paras("填表说明", "密级栏在对应密级前的□内打√，如：", "□绝密 √机密 □秘密"),
        "none",
        "instructions with a specimen row",
    ),
    _m(
        "tick-bullets",
        lambda: pptx(
            [[("保密要点", 1, 1), ("■ 机密文件专柜存放", 1, 3), ("■ 绝密文件双人管理", 1, 5)]]
        ),
        "none",
        "■ bullets in a slide are no boxes",
    ),
    _m(
        "tick-checklist",
        lambda: paras("保密自查表", "√ 已对照绝密、机密、秘密三级标准完成定密", "√ 已建立台账"),
        "none",
    ),
]

MARK_CASES = [*MARKS_GBT, *MARKS_COMMERCIAL, *MARKS_FILES, *NEGATIVES, *ROUND2, *TICKED]

# --- info types ------------------------------------------------------------------------------
ID1, ID2, IDX = rid(1), rid(2), rid_with_x(5)
C19, C16 = card(1), card(2, "622588", 16)
M1, M2 = mobile(1), mobile(2)
U1 = credit_code(1)


def _i(id_: str, text: str, counts: dict[str, int], why: str = "") -> InfoCase:
    return InfoCase(id_, lambda: paras(text), counts, why)


ROWS = "\n".join(f"客户{i}\t{rid(i)}\t{card(i)}\t{mobile(i)}" for i in range(10, 15))
INFO_CASES = [
    _i(
        "sentence-id-mobile",
        f"客户王某，身份证号码{ID1}，手机{M1}。",
        {"cn_resident_id": 1, "cn_mobile": 1},
    ),
    _i("sentence-id-lower-x", f"证件号码{IDX.lower()}，已核实。", {"cn_resident_id": 1}),
    _i("id-in-parens", f"借款人（身份证：{ID2}）", {"cn_resident_id": 1}),
    _i("id-grouped-684", f"身份证 {groups(ID1, (6, 8))}", {"cn_resident_id": 1}),
    _i("table-tab-rows", ROWS, {"cn_resident_id": 5, "bank_card": 5, "cn_mobile": 5}),
    _i("card-4444", f"卡号{groups(C16, (4, 4, 4))}", {"bank_card": 1}),
    _i("card-44443", f"借记卡：{groups(C19, (4, 4, 4, 4))}", {"bank_card": 1}),
    _i("card-4444-dash", f"卡号 {groups(C16, (4, 4, 4), '-')}。", {"bank_card": 1}),
    _i(
        "card-6-13",
        f"账号 {groups(C19, (6,))}",
        {"bank_card": 1},
        "6-13 grouping printed on passbooks",
    ),
    _i("card-old-9558", f"卡号{card(4, '955880', 19)}", {"bank_card": 1}),
    _i("card-visa", f"信用卡 {groups(card(5, '427020', 16), (4, 4, 4))}", {"bank_card": 1}),
    _i("mobile-plus86-dash", f"联系电话：+86-{M1}", {"cn_mobile": 1}),
    _i("mobile-paren-86", f"手机(+86){M2}", {"cn_mobile": 1}),
    _i("mobile-paren-86-space", f"手机 (+86) {groups(M1, (3, 4))}", {"cn_mobile": 1}),
    _i("mobile-0086", f"Tel: 0086 {M1}", {"cn_mobile": 1}),
    _i("mobile-0086-glued", f"电话 0086{M2}", {"cn_mobile": 1}, "0086 is the country prefix"),
    _i("mobile-0086-dash", f"电话 0086-{groups(M1, (3, 4), '-')}", {"cn_mobile": 1}),
    _i(
        "mobile-fullwidth",
        "手机：" + M1.translate({48 + i: 0xFF10 + i for i in range(10)}),
        {"cn_mobile": 1},
    ),
    _i("mobiles-slash", f"联系人电话{M1}/{M2}", {"cn_mobile": 2}),
    _i("mobiles-list", f"手机：{groups(M1, (3, 4))}、{groups(M2, (3, 4))}", {"cn_mobile": 2}),
    _i("mobile-ext", f"手机{M1}转8001", {"cn_mobile": 1}),
    _i("uscc-sentence", f"统一社会信用代码：{U1}；法定代表人：李某", {"cn_uscc": 1}),
    _i("uscc-digits-only", f"信用代码 {credit_code(7)}", {"cn_uscc": 1}),
    _i("duplicates-once", f"{ID1}\n{ID1}\n{M1} {M1}", {"cn_resident_id": 1, "cn_mobile": 1}),
    # hard negatives
    _i("id-bad-check", f"身份证号码{rid(3, ok=False)}", {}),
    _i("id-future-birth", f"身份证号码{rid(4, born='20350101')}", {}, "birth date in the future"),
    _i("id-bad-area", f"身份证号码{rid(4, area='990101')}", {}, "no such area code"),
    _i("id-bad-area-00", f"身份证{rid(6, area='000000')}", {}),
    _i("id-in-order-number", f"订单号2{ID1}7", {}),
    _i("id-glued-letters", f"NO{ID1}", {}, "digits glued to letters do not count"),
    _i("id-then-letters", f"{ID1}ab", {}),
    _i("card-bad-luhn", f"卡号{card(6, ok=False)}", {}),
    _i("card-unknown-issuer", f"号码 {card(6, '100000', 16)}", {}, "Luhn holds, no issuer"),
    _i("card-masked", f"卡号 {C16[:6]}******{C16[-4:]}", {}),
    _i("card-masked-groups", f"卡号 {C16[:4]} {C16[4:6]}** **** {C16[-4:]}", {}),
    _i("mobile-masked", f"手机 {M1[:3]}****{M1[-4:]}", {}),
    _i("landline", "电话：0571-86001234，传真(0571)86001235", {}),
    _i("service-number", "客服热线 400-820-8820 或 96008", {}),
    _i("timestamp-14", "交易时间20241231235959", {}),
    _i("timestamp-17", "流水20241231235959123", {}),
    _i("date-time-12", "202412311230", {}),
    _i("mobile-like-in-long-run", f"单号2024{M1}88", {}),
    _i("mobile-glued-letters", f"SN{M1}X", {}),
    _i("amount-yuan", f"贷款余额{M1}元", {}, "a quantity followed by 元 is an amount"),
    _i("amount-symbol", f"合计¥{M2}.00", {}),
    _i("amount-decimal", f"{M1}.5", {}),
    _i("account-11-label", "结算账号：13104455678", {}, "11-digit account number, not a phone"),
    _i("uscc-lowercase", f"统一社会信用代码：{U1.lower()}", {}, "GB 32100 uses capitals only"),
    _i("uscc-bad-check", f"信用代码：{credit_code(2, ok=False)}", {}),
    _i("uscc-forbidden-letter", f"信用代码：{U1[:9]}O{U1[10:]}", {}, "I O Z S V not allowed"),
    _i("old-15-digit-id", "身份证 330782610301011", {}, "the contract type is the 18-char ID"),
]
STATEMENT = [["账号", "户名", "交易日期", "金额"]] + [
    [f"1{3 + i % 6}{i:02d}{(i * 7919) % 10**7:07d}", f"客户{i}", "2024-03-01", "100.00"]
    for i in range(6)
]
INFO_CASES += [
    InfoCase(
        "statement-11-digit-accounts",
        lambda: xlsx({"对账单": STATEMENT}),
        {},
        "account numbers of a statement: column 账号, not phones",
    ),
    InfoCase(
        "statement-txt-accounts",
        lambda: txt("\n".join("\t".join(r) for r in STATEMENT)),
        {},
        "same in a tab-separated export",
    ),
    InfoCase(
        "xlsx-customers",
        lambda: xlsx(
            {
                "客户": [["姓名", "证件号码", "手机", "卡号"]]
                + [[f"客户{i}", rid(20 + i), int(mobile(20 + i)), card(20 + i)] for i in range(4)]
            }
        ),
        {"cn_resident_id": 4, "cn_mobile": 4, "bank_card": 4},
        "mobiles stored as numbers",
    ),
    InfoCase(
        "xlsx-serial-column",
        lambda: xlsx(
            {
                "流水": [["交易流水号", "金额"]]
                + [[card(30 + i, "622700", 19), "10.00"] for i in range(3)]
            }
        ),
        {},
        "Luhn-valid values in a 流水号 column are serial numbers, not cards",
    ),
    InfoCase(
        "docx-customer-table",
        lambda: docx(
            ["客户信息"],
            table=[
                ["姓名", "身份证号", "手机"],
                ["甲", rid(40), mobile(40)],
                ["乙", rid(41), mobile(41)],
            ],
        ),
        {"cn_resident_id": 2, "cn_mobile": 2},
    ),
    InfoCase(
        "gbk-text",
        lambda: txt(f"客户：{ID1}，卡号{C19}\n", encoding="gbk"),
        {"cn_resident_id": 1, "bank_card": 1},
    ),
]

INFO_CASES += [
    _i("r2-id-with-gender", f"身份证号：{IDX}（男）", {"cn_resident_id": 1}),
    _i("r2-ids-list", f"{rid(50)}、{rid(51)}、{rid(52)}", {"cn_resident_id": 3}),
    _i("r2-card-dash-19", f"卡号：{groups(C19, (4, 4, 4, 4), '-')}", {"bank_card": 1}),
    _i("r2-mobile-mixed-sep", f"+86 {M1[:3]}-{M1[3:7]}-{M1[7:]}", {"cn_mobile": 1}),
    _i("r2-mobile-semicolon", f"手机号:{groups(M2, (3, 4))};", {"cn_mobile": 1}),
    _i("r2-id-glued-name", f"张三{ID2}", {"cn_resident_id": 1}),
    _i("r2-contract-number", f"合同编号：{card(60, '622700', 16)}", {}),
    _i(
        "r2-reference-number",
        f"交易参考号 {card(61, '621700', 16)}",
        {},
        "POS reference numbers are no cards",
    ),
    _i("r2-merchant-number", f"商户号{card(62, '622202', 16)}", {}),
    _i("r2-extension", "电话 0571-88886666-8001", {}),
    _i("r2-thousands", "余额 13,712,345,678.00", {}),
]
INFO_CASES += [
    InfoCase(
        "r2-counterparty-cards",
        lambda: xlsx(
            {"流水": [["对方账号", "对方户名"]] + [[card(70 + i), f"客户{i}"] for i in range(3)]}
        ),
        {"bank_card": 3},
        "a 账号 column of valid UnionPay numbers holds cards",
    ),
    InfoCase(
        "r2-customer-number-col",
        lambda: txt(
            "\n".join(["客户号\t户名"] + [f"1{5 + i % 4}{i:09d}\t客户{i}" for i in range(5)])
        ),
        {},
        "11-digit customer numbers",
    ),
    InfoCase(
        "r2-uscc-table",
        lambda: xlsx(
            {
                "企业": [["企业名称", "统一社会信用代码"]]
                + [[f"企业{i}", credit_code(80 + i)] for i in range(3)]
            }
        ),
        {"cn_uscc": 3},
    ),
]


@pytest.mark.parametrize("case", MARK_CASES, ids=lambda c: c.id)
def test_marking(case: MarkCase) -> None:
    assert classify(case.build()) == case.level, case.why


@pytest.mark.parametrize("case", INFO_CASES, ids=lambda c: c.id)
def test_info_types(case: InfoCase) -> None:
    assert info_counts(case.build()) == case.counts, case.why


def test_set_size_and_balance() -> None:
    assert len(MARK_CASES) + len(INFO_CASES) >= 150
    assert sum(c.level == "none" for c in MARK_CASES) >= len(MARK_CASES) // 3
    assert len({c.id for c in MARK_CASES} | {c.id for c in INFO_CASES}) == len(MARK_CASES) + len(
        INFO_CASES
    )


def test_scorer_reports_perfect_figures() -> None:
    s = score(MARK_CASES[:8] + NEGATIVES[:4], INFO_CASES[:6])
    assert s["marking"] == (1.0, 1.0, 1.0) and s["info"] == (1.0, 1.0, 1.0), s["failures"]
