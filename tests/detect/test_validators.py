"""Validator tables: valid and invalid values for every info type, and masking."""

from __future__ import annotations

import datetime
import random

import pytest

from secaudit.detect import validators as v
from tests.corpus import numbers as num

RNG = random.Random(7)
GOOD_IDS = [num.resident_id(RNG) for _ in range(20)]
GOOD_CARDS = [num.bank_card(RNG) for _ in range(20)]
GOOD_USCC = [num.credit_code(RNG) for _ in range(20)]


@pytest.mark.parametrize("value", [*GOOD_IDS, "11010519491231002X", "11010519491231002x"])
def test_valid_resident_ids(value: str) -> None:
    assert v.is_valid_resident_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "110105194912310021",  # wrong check digit
        "99010519491231002X",  # no such province
        "119999194912310024",  # province ok, no such county
        "110105194913310027",  # month 13
        "11010518800101001X",  # born before 1890
        "1101051949123100",  # too short
        "11010519491231002Y",
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits are not ASCII IDs
    ],
)
def test_invalid_resident_ids(value: str) -> None:
    assert not v.is_valid_resident_id(value)


def test_resident_id_birth_date_must_be_past() -> None:
    body = "11010520300101001"
    from stdnum.cn import ric

    value = body + ric.calc_check_digit(body + "0")
    assert not v.is_valid_resident_id(value)
    assert v.is_valid_resident_id(value, today=datetime.date(2031, 1, 1))


@pytest.mark.parametrize(
    "value",
    [
        *GOOD_CARDS,
        "4012888888881881",
        "5500000000000004",
        "378282246310005",
        "3530111333300000",
        "6011111111111117",
        "6212345678901232",
    ],
)
def test_valid_bank_cards(value: str) -> None:
    assert v.is_valid_bank_card(value)


@pytest.mark.parametrize(
    "value",
    [
        "4111111111111112",  # Luhn fails
        "1234567812345670",  # Luhn ok, no issuer starts with 1
        "7992739871300000",  # no issuer 7
        "6222222222222222",  # filler
        "411111111111",  # too short
        "41111111111111111111",  # too long
        "3782822463100050",  # Amex is 15 digits
    ],
)
def test_invalid_bank_cards(value: str) -> None:
    assert not v.is_valid_bank_card(value)


@pytest.mark.parametrize(
    "value",
    ["13812345678", "19912345678", "15000001234", "14712345678", "16612345678", "17012345678"]
    + ["17312345678", "19212345678", "19412345678", "16212345678", "14512345678"],
)
def test_valid_mobiles(value: str) -> None:
    assert v.is_valid_cn_mobile(value)


@pytest.mark.parametrize(
    "value",
    ["12812345678", "1381234567", "138123456789", "01012345678", "14112345678", "14212345678"]
    + ["16412345678", "17412345678", "15412345678", "14012345678", "16112345678", "17212345678"],
)
def test_invalid_mobiles(value: str) -> None:
    assert not v.is_valid_cn_mobile(value)


@pytest.mark.parametrize("value", [*GOOD_USCC, "91350100M000100Y43"])
def test_valid_uscc(value: str) -> None:
    assert v.is_valid_uscc(value)


@pytest.mark.parametrize(
    "value",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # short
        "9135010OM000100Y43",  # O is not in the alphabet
        "01350100M000100Y43",  # registration code 0
        "90350100M000100Y43",  # category 0
    ],
)
def test_invalid_uscc(value: str) -> None:
    assert not v.is_valid_uscc(value)


def test_masks_keep_only_the_ends() -> None:
    assert v.mask_resident_id("11010519491231002x") == "1101**********002X"
    assert v.mask_bank_card("6222021234567890123") == "622202*********0123"
    assert v.mask_cn_mobile("13812345678") == "138****5678"
    assert v.mask_uscc("91350100M000100Y43") == "9135**********0Y43"


def test_id_shaped_numbers() -> None:
    assert v.is_resident_id_shaped(num.bad_resident_id(RNG))
    assert not v.is_resident_id_shaped("622202123456789012")
