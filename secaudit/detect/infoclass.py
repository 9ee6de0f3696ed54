"""What a number candidate is: the validator that confirms a type and the labels that veto it.

:func:`classify` confirms a candidate (found by :mod:`secaudit.detect.numbercandidates`) with a
validator of :mod:`secaudit.detect.validators`, each distinct candidate once (a memo), and applies
the vetoes: a label before the value (订单号, 流水号 say it is no card; 账号 says an 11-digit
``1[3-9]…`` value is no phone) or its column header. The words that raise a finding's confidence
are :mod:`secaudit.detect.infokeywords`; the detector that counts findings is
:mod:`secaudit.detect.infotypes`.

To add a type: a validator + mask in ``validators.py``, a branch in :func:`_validate`, keywords in
``infokeywords.KEYWORDS``, and table rows in ``tests/detect/test_infotypes.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from secaudit.detect import validators as v

MASKS: dict[str, Callable[[str], str]] = {
    "cn_resident_id": v.mask_resident_id,
    "bank_card": v.mask_bank_card,
    "cn_mobile": v.mask_cn_mobile,
    "cn_uscc": v.mask_uscc,
}
TYPE_ORDER = tuple(MASKS)
_NOT_CARD_ACCOUNT = (
    r"|信用代码|社会信用|纳税人识别号|税号|组织机构代码|对公账|单位账|企业账|公司账"
    r"|基本户|一般户|基本存款账|一般存款账|结算账户|存款账户|账户账号|内部账"
)
"""Labels of credit codes and corporate/settlement account numbers: such a run is no card."""
_ANTI_CARD = re.compile(
    r"订单|流水|单号|编号|交易号|凭证|合同号|批次|序列号|条码|运单|发票|工单|批号"
    r"|参考号|商户号|终端号|授权号|授权码|检索号" + _NOT_CARD_ACCOUNT
)
_AMOUNT = r"|金额|余额|发生额|本金|利息|合计|总额|总计|借方|贷方|限额|额度|万元|（元）|\(元\)"
"""Labels and headers of amounts: an 11-19-digit amount is neither a phone nor a card."""
_ANTI_MOBILE = re.compile(
    r"账号|帐号|账户|户号|客户号|编号|流水|单号|凭证|合同|工号|批次|序号|代码|卡号|证件|订单|交易号"
    + _AMOUNT
)
"""Labels that make an 11-digit ``1[3-9]…`` value an account or serial number, not a phone."""
_HEADER_ANTI_MOBILE = re.compile(
    r"账号|帐号|账户|户号|客户号|卡号|流水|单号|凭证|合同|工号|证件|交易号" + _AMOUNT
)
_HEADER_ANTI_CARD = re.compile(
    r"流水|订单|单号|交易号|凭证|合同号|批次|序列号|条码|运单|发票|工单|参考号|商户号|终端号"
    + _NOT_CARD_ACCOUNT
    + _AMOUNT
)
"""Column headers that say what a column holds (a bare ``编号`` says nothing)."""
_MOBILE_LABEL = re.compile(r"手机|电话|联系|mobile|tel|phone", re.IGNORECASE)
_ANY_LABEL = re.compile(f"{_ANTI_CARD.pattern}|{_ANTI_MOBILE.pattern}")
CONTEXT_CHARS = 12


def classify(group: str, raw: str, context: str = "", header: str = "") -> tuple[str, str] | None:
    """(type, compact value) of a candidate, or None when no validator accepts it.

    ``context`` is the text just before the candidate on its line, ``header`` its column
    header in a table: a label such as 订单号 or 流水号 says the number is no card even when
    Luhn happens to hold; 账号 says an 11-digit ``1[3-9]…`` number is no mobile."""
    hit = _validate(group, raw)
    return None if hit is None else labelled(hit, context, header)


def validated(group: str, raw: str) -> tuple[str, str] | None:
    """What :func:`classify` returns without context: None here is None whatever the labels
    (the detector asks this first and looks at the line only for a valid number)."""
    return _validate(group, raw)


def labelled(hit: tuple[str, str], context: str, header: str = "") -> tuple[str, str] | None:
    """:func:`classify` of a candidate :func:`validated` found valid: the vetoes applied."""
    if hit[0] not in ("cn_mobile", "bank_card") or not vetoed(hit[0], context, header):
        return hit
    digits = hit[1]
    if len(digits) == 18 and v.is_valid_uscc(digits):
        return "cn_uscc", digits
    return None


def vetoed(typ: str, context: str, header: str = "") -> bool:
    """A label before the value on its line, or its column header, says it is no ``typ``."""
    if context and _ANY_LABEL.search(context):
        if typ == "bank_card" and _ANTI_CARD.search(context):
            return True
        if typ == "cn_mobile" and _last_label_wins(_ANTI_MOBILE, _MOBILE_LABEL, context):
            return True
    return bool(header) and _header_vetoes(typ, header)


@lru_cache(maxsize=1024)
def _header_vetoes(typ: str, header: str) -> bool:
    if typ == "bank_card":
        return _HEADER_ANTI_CARD.search(header) is not None
    return bool(_HEADER_ANTI_MOBILE.search(header) and not _MOBILE_LABEL.search(header))


def _maybe_valid_run() -> str:
    """A pattern for the digits of a ``run`` candidate that :func:`_validated` may accept (a
    superset: the first two digits and the length): 11 digits of a mobile range, 13 of a
    ``86`` mobile or a 13-digit card, any 18 (ID, credit code, card), and for the other lengths
    those of a card network (``CARD_NETWORKS``, ``tests/detect/test_infotype_fastpaths.py``)."""
    firsts: dict[int, set[str]] = {}
    for _name, ranges, lengths in v.CARD_NETWORKS:
        for lo, hi in ranges:
            pairs = (
                [lo + str(d) for d in range(10)]
                if len(lo) == 1
                else [f"{n:02d}" for n in range(int(lo[:2]), int(hi[:2]) + 1)]
            )
            for n in lengths:
                firsts.setdefault(n, set()).update(pairs)
    alts = ["1[3-9][0-9]{9}", "861[3-9][0-9]{9}", "[0-9]{18}"]
    for n, pairs in sorted(firsts.items()):
        if n != 18:
            alts.append(f"(?:{'|'.join(sorted(pairs))})[0-9]{{{n - 2}}}")
    return "|".join(alts)


MAYBE_VALID_RUN = _maybe_valid_run()
"""Digits of a ``run`` candidate that no validator accepts do not match this (the detector's
candidate finder passes over such plain runs: an account number of no card network)."""


_VALIDATED: dict[str, tuple[str, str] | None] = {}
"""Memo of :func:`_validate` (emptied when it holds :data:`_MEMO_SIZE` candidates)."""
_MEMO_SIZE = 1 << 16
_UNSEEN = ("", "")


def _validate(group: str, raw: str) -> tuple[str, str] | None:
    """(type, compact value) a validator confirms for a candidate; each distinct candidate is
    validated once (a statement repeats its own and its counterparties' numbers)."""
    key = group + "|" + raw
    hit = _VALIDATED.get(key, _UNSEEN)
    if hit is _UNSEEN:
        if len(_VALIDATED) >= _MEMO_SIZE:
            _VALIDATED.clear()
        hit = _VALIDATED[key] = _validated(group, raw)
    return hit


def _validated(group: str, raw: str) -> tuple[str, str] | None:
    digits = raw if raw.isdigit() else _SEPARATORS.sub("", raw)
    if group in ("mob", "plus"):
        digits = digits[-11:] if len(digits) in (13, 15) else digits
        return ("cn_mobile", digits) if _is_mobile(digits) else None
    if group == "grp":
        return ("bank_card", digits) if v.is_valid_bank_card(digits) else None
    if group == "idgrp":
        return ("cn_resident_id", digits.upper()) if v.is_valid_resident_id(digits) else None
    if group == "uscc":
        return ("cn_uscc", raw) if v.is_valid_uscc(raw) else None
    if len(digits) == 18 and v.is_valid_resident_id(digits):
        return "cn_resident_id", digits.upper()
    if len(digits) == 11 and _is_mobile(digits):
        return "cn_mobile", digits
    if len(digits) == 13 and digits.startswith("86") and _is_mobile(digits[2:]):
        return "cn_mobile", digits[2:]
    if len(digits) == 18 and v.is_resident_id_shaped(digits):
        return None  # an ID with a wrong check digit is a typo, not a card
    if len(digits) == 18 and v.is_valid_uscc(digits.upper()):
        return "cn_uscc", digits.upper()  # an all-digit credit code, whatever Luhn says
    if v.is_valid_bank_card(digits):
        return "bank_card", digits
    return None


_SEPARATORS = re.compile(r"[ +-]")


def _is_mobile(digits: str) -> bool:
    return v.is_valid_cn_mobile(digits) and len(set(digits[3:])) > 2


def _last_label_wins(label: re.Pattern[str], other: re.Pattern[str], context: str) -> bool:
    """``label`` occurs in ``context`` after the last occurrence of ``other`` (nearest wins)."""
    last = None
    for last in label.finditer(context):  # noqa: B007
        pass
    if last is None:
        return False
    return other.search(context, last.end()) is None
