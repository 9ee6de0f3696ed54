"""Sensitive numbers (DESIGN.md info types): validators, masks, and the one masking function.

Pure, typed functions: each ``is_valid_*`` takes a compact candidate (separators already
removed) and says whether it is a real number of that type; each ``mask_*`` turns a value into
the masked sample a finding may carry. Check-digit algorithms come from python-stdnum
(``stdnum.cn.ric``, ``stdnum.luhn``, ``stdnum.cn.uscc``); the rules stdnum does not apply
(past birth date, issuer prefixes, GB 32100 structure) are written here.

:func:`mask_text` (and :func:`masked` for JSON-like values) is the one masking function for every
string that leaves a worker or is stored or shown — marking text and period, file and member
names, notes, error details, mail subjects: any resident ID, bank card, mobile or credit code that
these validators confirm is masked, also when it is glued to letters (``sfz110101….txt``,
``ID110101…``) or written in groups (``6222 0212 …``). It lives in the core so the ledger, the
cache, the scan JSON and the reports all use it (``detect/validators.py`` re-exports the rest).

To add a type: write ``is_valid_<type>`` and ``mask_<type>`` here with a table of valid and
invalid values in ``tests/detect/test_validators.py``, then wire it into ``detect/infoclass.py``
(its keywords into ``detect/infokeywords.py``) and :func:`_mask_candidate`.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache
from typing import Any

# GB/T 2260 province-level codes (first two digits of an area code).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)
_EARLIEST_BIRTH_YEAR = 1890
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_FIRST = frozenset("123456789ABCDEFGHNY")


@lru_cache(maxsize=8192)
def is_known_area_code(area: str) -> bool:
    """True when the 6-digit area code is in stdnum's GB/T 2260 table (any period)."""
    if area[:2] not in PROVINCE_CODES:
        return False
    if area[:2] in ("71", "81", "82", "83"):
        return True  # Taiwan, Hong Kong, Macao residence permits: no county table
    from stdnum import numdb

    return any("county" in props for _part, props in numdb.get("cn/loc").info(area))


def is_valid_resident_id(value: str, today: datetime.date | None = None) -> bool:
    """GB 11643 resident ID: 17 digits + check char, real area code, past plausible birth date."""
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit():
        return False
    last = value[17].upper()
    if not (last.isdigit() or last == "X"):
        return False
    number = value[:17] + last
    from stdnum.cn import ric  # late: the ledger imports this module and must start fast

    if ric.calc_check_digit(number) != last:
        return False
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born.year < _EARLIEST_BIRTH_YEAR or born > (today or datetime.date.today()):
        return False
    return is_known_area_code(number[:6])


def is_resident_id_shaped(value: str) -> bool:
    """18 characters with a real area code and a plausible birth date (check digit aside)."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return born.year >= _EARLIEST_BIRTH_YEAR and is_known_area_code(value[:6])


CARD_NETWORKS: tuple[tuple[str, tuple[tuple[str, str], ...], frozenset[int]], ...] = (
    ("unionpay", (("62", "62"),), frozenset(range(16, 20))),
    ("unionpay", (("8100", "8171"),), frozenset({16, 19})),
    ("visa", (("4", "4"),), frozenset({13, 16, 19})),
    ("mastercard", (("51", "55"), ("2221", "2720")), frozenset({16})),
    ("amex", (("34", "34"), ("37", "37")), frozenset({15})),
    ("jcb", (("3528", "3589"),), frozenset(range(16, 20))),
    ("discover", (("6011", "6011"), ("644", "649"), ("65", "65")), frozenset({16})),
    ("pboc_debit", (("9555", "9555"), ("9558", "9559")), frozenset(range(16, 20))),
)
"""Card networks: (name, prefix ranges (low, high, compared on the low's length), lengths).
UnionPay issues 62 BINs, 16–19 digits (and a few 8100–8171 BINs, 16 or 19); Chinese banks'
Visa (4), Mastercard (51–55, 2221–2720), JCB (3528–3589) and Amex (34/37, 15 digits) co-branded
cards follow those networks' lengths; 9555/9558/9559 are the old PBOC domestic debit BINs."""


def card_issuer(value: str) -> str | None:
    """The card network a number's prefix and length belong to, or None."""
    n = len(value)
    for name, ranges, lengths in CARD_NETWORKS:
        if n in lengths and any(lo <= value[: len(lo)] <= hi for lo, hi in ranges):
            return name
    return None


def is_valid_bank_card(value: str) -> bool:
    """13–19 digits, Luhn check, known issuer prefix for its length."""
    if not (13 <= len(value) <= 19) or not value.isascii() or not value.isdigit():
        return False
    key = value[:4] + str(len(value))  # the prefixes of CARD_NETWORKS hold at most 4 digits
    known = _ISSUER_KNOWN.get(key)
    if known is None:
        known = _ISSUER_KNOWN[key] = card_issuer(value) is not None
    if not known or len(set(value)) < 3:  # no network's, or a 6222222222222222-like filler
        return False
    from stdnum import luhn

    return luhn.is_valid(value)


_ISSUER_KNOWN: dict[str, bool] = {}
"""Whether a card network issues numbers with these 4 first digits and this length (at most
70,000 keys: 10,000 prefixes × 7 lengths), filled as candidates come: most 13–19-digit numbers
in a statement are account numbers of no network."""


MOBILE_PREFIXES = frozenset(
    [f"13{d}" for d in range(10)]
    + ["145", "147", "149"]
    + [f"15{d}" for d in range(10) if d != 4]
    + ["162", "165", "166", "167"]
    + ["170", "171", "173", "175", "176", "177", "178"]
    + [f"18{d}" for d in range(10)]
    + [f"19{d}" for d in range(10)]
)
"""The first three digits of the 11-digit public mobile numbers MIIT has allocated (170/171
virtual operators, 162/165/167 too). 140–144, 146, 148 are 13-digit IoT ranges, 154, 160/161,
163, 164, 168, 169 and 172/174 (IoT, satellite) are no 11-digit public mobile range."""


def is_valid_cn_mobile(value: str) -> bool:
    """Mainland mobile: 11 digits in an allocated range (:data:`MOBILE_PREFIXES`; country code
    already removed)."""
    return len(value) == 11 and value.isascii() and value.isdigit() and value[:3] in MOBILE_PREFIXES


def is_valid_uscc(value: str) -> bool:
    """GB 32100 unified social credit code: structure + check character."""
    if len(value) != 18 or any(c not in _USCC_ALPHABET for c in value):
        return False
    if value[0] not in _USCC_FIRST or value[1] == "0":
        return False
    if not value[2:8].isdigit() or not ("10" <= value[2:4] <= "83"):
        return False
    from stdnum.cn import uscc

    return uscc.calc_check_digit(value) == value[17]


def _mask(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def mask_resident_id(value: str) -> str:
    """``110105194912310021`` → ``1101**********0021``."""
    return _mask(value.upper(), 4, 4)


def mask_bank_card(value: str) -> str:
    """Keep the issuer prefix (6) and the last 4 digits."""
    return _mask(value, 6, 4)


def mask_cn_mobile(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    return _mask(value, 3, 4)


def mask_uscc(value: str) -> str:
    """Keep the first 4 and last 4 characters."""
    return _mask(value, 4, 4)


# -- the one masking function ------------------------------------------------------------------

KEEP_KEYS = frozenset(
    {
        "sha256",
        "hash",
        "prev",
        "prev_hash",
        "last_hash",
        "serial",
        "fs_uuid",
        "scan_id",
        "key",
        "fingerprint",
        "sample",
    }
)
"""JSON keys whose values are digests, device ids or already-masked samples: left alone."""

_D = "[0-9\uff10-\uff19]"  # ASCII and full-width digits
_RUN = re.compile(rf"(?<!{_D}){_D}{{10,19}}(?!{_D})[XxＸｘ]?")
"""A digit run bounded by non-digits only — letters may touch it (``sfz110101….txt``)."""
_GROUPED = re.compile(rf"(?<!{_D}){_D}{{2,6}}(?:[ \-]{_D}{{2,6}}){{1,5}}(?!{_D})[XxＸｘ]?")
"""Digits in groups split by one space or dash (``6222 0212 3456 7890 128``, ``138-1234-5678``)."""
_ALNUM18 = re.compile(r"[0-9A-Z]{18,}")
_QUICK = re.compile(rf"{_D}(?:[ \-]?{_D}){{9}}|[0-9A-Z]{{18}}")
"""Something that may hold a number: 10 digits (in groups or not) or 18 credit-code characters."""
_GROUPS = re.compile(r"[ \-]")


def mask_text(text: str) -> str:
    """``text`` with every validated sensitive number masked (see the module docstring)."""
    if not _QUICK.search(text):  # the common case (no 10 digits or 18 code characters)
        return text
    text = _RUN.sub(_mask_digits, text)
    text = _GROUPED.sub(_mask_digits, text)  # what pass one masked holds '*': no longer matches
    return _ALNUM18.sub(_mask_uscc_run, text)


def masked(value: Any, key: str | None = None) -> Any:
    """A copy of a JSON-like ``value`` with :func:`mask_text` applied to every string, except
    under :data:`KEEP_KEYS`."""
    if isinstance(value, str):
        return value if key in KEEP_KEYS else mask_text(value)
    if isinstance(value, dict):
        return {k: masked(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [masked(v, key) for v in value]
    return value


_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")


def _mask_digits(m: re.Match[str]) -> str:
    raw = m.group()
    compact = _GROUPS.sub("", raw).translate(_FULL_WIDTH)
    for value, tail in ((compact, ""), (compact[:-1], compact[-1:])):
        if tail in ("", "X", "x"):
            hidden = _mask_candidate(value) or _mask_prefixed_mobile(value)
            if hidden is not None:
                return hidden + tail
    return raw


def _mask_prefixed_mobile(value: str) -> str | None:
    """``86 138 1234 5678``: a mobile behind the country code."""
    if len(value) == 13 and value.startswith("86") and is_valid_cn_mobile(value[2:]):
        return "86" + mask_cn_mobile(value[2:])
    return None


def _mask_candidate(value: str) -> str | None:
    if len(value) == 18 and is_valid_resident_id(value):
        return mask_resident_id(value)
    if 13 <= len(value) <= 19 and is_valid_bank_card(value):
        return mask_bank_card(value)
    if len(value) == 11 and is_valid_cn_mobile(value):
        return mask_cn_mobile(value)
    if len(value) == 18 and is_valid_uscc(value):
        return mask_uscc(value)
    return None


def _mask_uscc_run(m: re.Match[str]) -> str:
    run = m.group()
    if run.isdigit():
        return run  # digit runs were handled above
    for i in range(len(run) - 17):
        window = run[i : i + 18]
        if is_valid_uscc(window) and not window.isdigit():
            return run[:i] + mask_uscc(window) + _mask_uscc_run_tail(run[i + 18 :])
    return run


def _mask_uscc_run_tail(rest: str) -> str:
    return _ALNUM18.sub(_mask_uscc_run, rest) if len(rest) >= 18 else rest
