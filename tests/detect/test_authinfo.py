"""Issue 17: JR/T 0171-2020 classes, C3 detectors, card-network table, masking.

Values are generated with valid check digits (never real); files are real (python-docx,
openpyxl) where a layout matters.
"""

from __future__ import annotations

import pytest
from stdnum import luhn
from stdnum.cn import uscc

from secaudit.detect.authinfo import c3_values
from secaudit.detect.infoclass import classify
from secaudit.detect.registry import build_detectors, detect
from secaudit.detect.validators import card_issuer, is_valid_bank_card, mask_bank_card
from secaudit.model import TextChunk
from tests.detect.heldout_cases import credit_code, rid
from tests.detect.layout_builders import docx_with_table, xlsx_sheets

DETECTORS = build_detectors()


def card(prefix: str, length: int, n: int = 7) -> str:
    body = (prefix + str(4739201856473920 * (n + 3)))[: length - 1]
    return body + luhn.calc_check_digit(body)


PAN = card("622848", 19)


def findings(chunks: list[TextChunk]) -> dict[str, tuple[int, str | None, str | None]]:
    return {
        f.type: (f.count, f.sample, f.jrt_class)
        for f in detect(chunks, DETECTORS)
        if f.kind == "info_type" and f.type
    }


@pytest.mark.parametrize(
    ("value", "network"),
    [
        (card("62", 16), "unionpay"),
        (card("6217", 19), "unionpay"),
        (card("4", 16), "visa"),
        (card("53", 16), "mastercard"),
        (card("2221", 16), "mastercard"),
        (card("3530", 16), "jcb"),
        (card("37", 15), "amex"),
        (card("9558", 19), "pboc_debit"),
        (card("8123", 16), "unionpay"),
        (card("8123", 18), None),  # 81 BINs are 16 or 19 digits; an 18-digit 8… run is none
        (card("8200", 16), None),
        (card("4", 18), None),  # Visa has no 18-digit cards
        (card("53", 19), None),
        (card("37", 16), None),
        (card("91", 18), None),  # a credit-code-like run: no network starts with 91
        (card("11", 18), None),
    ],
)
def test_card_network_table(value: str, network: str | None) -> None:
    assert card_issuer(value) == network
    assert is_valid_bank_card(value) is (network is not None)


def _digit_credit_code(n: int) -> str:
    """An all-digit credit code that also passes Luhn (the shape reported as a card before)."""
    for k in range(n, n + 10_000):
        body = f"91330782{k:09d}"
        code = body + uscc.calc_check_digit(body + "0")
        if code.isdigit() and luhn.is_valid(code):
            return code
    raise AssertionError("no code")


def test_all_digit_credit_code_is_no_card() -> None:
    code = _digit_credit_code(1)
    assert classify("run", code) == ("cn_uscc", code)
    assert classify("run", credit_code(2)) == ("cn_uscc", credit_code(2))


@pytest.mark.parametrize(
    "header", ["统一社会信用代码", "对公账号", "结算账户", "纳税人识别号", "单位账号"]
)
def test_card_under_account_or_credit_code_header_is_no_card(header: str) -> None:
    rows = [["单位名称", header]] + [[f"单位{n}", card("62", 18, n)] for n in range(5)]
    assert "bank_card" not in findings(xlsx_sheets({"S": rows}))


def test_cards_under_card_header_are_cards_c2_and_masked_6_4() -> None:
    rows = [["姓名", "卡号"]] + [[f"客户{n}", card("6217", 19, n)] for n in range(5)]
    count, sample, cls = findings(xlsx_sheets({"S": rows}))["bank_card"]
    assert (count, cls) == (5, "C2")
    assert sample is not None and sample[6:-4] == "*" * 9 and sample == mask_bank_card(
        sample[:6] + "0" * 9 + sample[-4:]
    )


def test_resident_id_masked_4_4_and_c2() -> None:
    chunks = [TextChunk(f"身份证号：{rid(3)}")]
    count, sample, cls = findings(chunks)["cn_resident_id"]
    assert cls == "C2" and sample is not None
    assert sample[:4] == rid(3)[:4] and sample[-4:] == rid(3)[-4:] and set(sample[4:-4]) == {"*"}


C3_POSITIVE = [
    (f"卡号：{PAN} 有效期：12/27 CVV2：123", "card_cvn"),
    (f"信用卡 {card('4', 16)}，背面CVN2：481", "card_cvn"),
    (f";{PAN}=27121010000012345?", "card_track"),
    (f"%B{PAN}^ZHANG/SAN^2712101000000000000?", "card_track"),
    ("客户交易密码：852963", "auth_secret"),
    ("查询密码：135790", "auth_secret"),
    ("网银登录密码为Abc@2024", "auth_secret"),
    ("PIN=4712", "auth_secret"),
    ("短信验证码：483920", "otp_code"),
    ("动态口令：771204", "otp_code"),
]


@pytest.mark.parametrize(("text", "typ"), C3_POSITIVE)
def test_c3_values_found_fully_masked(text: str, typ: str) -> None:
    found = findings([TextChunk(text)])
    assert typ in found
    count, sample, cls = found[typ]
    assert (count, sample, cls) == (1, "***", "C3")


C3_NEGATIVE = [
    "CVN2：456",  # no card number or expiry near it
    "查询密码：******",
    "密码：由客户自行设置",
    "请输入短信验证码完成登录。",
    "密码柜：3个",
    "交易密码不得告知他人，验证码仅用于本人操作。",
    f";{PAN[:-1]}{(int(PAN[-1]) + 1) % 10}=27121010000012345?",  # PAN fails Luhn
    f";{PAN}=27131010000012345?",  # month 13
    "密码：abcdefgh",  # no digit: a placeholder word, not a written password
    "弱口令举例：密码：123456、888888",
    "短信模板示例：您的验证码：123456，5分钟内有效",
]


@pytest.mark.parametrize("text", C3_NEGATIVE)
def test_c3_hard_negatives(text: str) -> None:
    assert c3_values(text) == {}


def test_password_column_in_a_sheet() -> None:
    rows = [["姓名", "卡号", "查询密码"]] + [
        [f"客户{n}", card("6217", 19, n), f"{135790 + n * 7}"] for n in range(4)
    ]
    assert findings(xlsx_sheets({"S": rows}))["auth_secret"] == (4, "***", "C3")


def test_otp_list_in_a_word_table() -> None:
    rows = [["序号", "手机尾号", "验证码"]] + [[str(n), f"{1200 + n}", f"{482913 + n}"]
                                                for n in range(1, 4)]
    assert findings(docx_with_table(rows, before=["验证码发送记录"]))["otp_code"][0] == 3


def test_jrt_class_in_finding_json() -> None:
    f = next(f for f in detect([TextChunk("查询密码：135790")], DETECTORS) if f.type)
    assert f.to_json()["jrt_class"] == "C3" and f.to_json()["sample"] == "***"
    marking = next(f for f in detect([TextChunk("机密★5年")], DETECTORS))
    assert "jrt_class" not in marking.to_json()


@pytest.mark.parametrize("header", ["交易金额", "账户余额", "贷款本金", "发生额（元）"])
def test_amount_column_is_neither_mobile_nor_card(header: str) -> None:
    amounts = ["13800000000", "15912345670", card("62", 16, 3), card("4", 16, 5)]
    rows = [["日期", header]] + [[f"2024-03-0{n + 1}", a] for n, a in enumerate(amounts)]
    found = findings(xlsx_sheets({"S": rows}))
    assert "cn_mobile" not in found and "bank_card" not in found


def test_amount_label_before_an_11_digit_value_is_no_mobile() -> None:
    assert "cn_mobile" not in findings([TextChunk("本期贷款余额 13800000000，较上期增长。")])
