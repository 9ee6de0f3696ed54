"""Synthetic sensitive numbers with valid (or deliberately broken) check digits.

No real personal data: every value is generated from a seeded ``random.Random``; area codes
come from python-stdnum's GB/T 2260 table so resident IDs pass the area check.
"""

from __future__ import annotations

import datetime
import random

from stdnum import luhn
from stdnum.cn import ric, uscc

AREA_CODES = (
    "110105",
    "110108",
    "120101",
    "130102",
    "140105",
    "210102",
    "220102",
    "310104",
    "320102",
    "330106",
    "340102",
    "350102",
    "360102",
    "370102",
    "410102",
    "420102",
    "430102",
    "440106",
    "440305",
    "450102",
    "500103",
    "510104",
    "520102",
    "530102",
    "610102",
    "620102",
    "650102",
)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def resident_id(rng: random.Random) -> str:
    area = rng.choice(AREA_CODES)
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 55))
    body = f"{area}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def bad_resident_id(rng: random.Random) -> str:
    """18 digits that look like an ID but fail the check digit."""
    good = resident_id(rng)
    wrong = [c for c in "0123456789X" if c != good[-1]]
    return good[:-1] + rng.choice(wrong[:-1])


def bank_card(rng: random.Random, prefix: str | None = None, length: int | None = None) -> str:
    prefix = prefix or rng.choice(("622202", "622848", "621700", "623668", "436742", "518710"))
    if length is None:
        length = 19 if prefix.startswith("62") and rng.random() < 0.5 else 16
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    return body + luhn.calc_check_digit(body)


def bad_bank_card(rng: random.Random) -> str:
    good = bank_card(rng)
    return good[:-1] + str((int(good[-1]) + rng.randrange(1, 10)) % 10)


def mobile(rng: random.Random) -> str:
    head = rng.choice(("138", "139", "150", "186", "177", "199", "135", "158", "188", "166"))
    return head + "".join(str(rng.randrange(10)) for _ in range(8))


def credit_code(rng: random.Random) -> str:
    area = rng.choice(AREA_CODES)
    body = rng.choice("9151") + rng.choice("123") + area
    body += "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body + "0")


def bad_credit_code(rng: random.Random) -> str:
    good = credit_code(rng)
    return good[:-1] + rng.choice([c for c in USCC_ALPHABET if c != good[-1]])


def grouped(card: str, sep: str = " ") -> str:
    return sep.join(card[i : i + 4] for i in range(0, len(card), 4))
