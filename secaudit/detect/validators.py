"""Validators and masks of the info types, as the detectors use them.

They live in the shared core (:mod:`secaudit.sensitive`) so that the one masking function applied
to every string leaving a worker, the ledger, the cache and the reports is driven by exactly the
validators the detector uses. To add a type, see that module.
"""

from __future__ import annotations

from secaudit.sensitive import (
    CARD_NETWORKS,
    PROVINCE_CODES,
    card_issuer,
    is_known_area_code,
    is_resident_id_shaped,
    is_valid_bank_card,
    is_valid_cn_mobile,
    is_valid_resident_id,
    is_valid_uscc,
    mask_bank_card,
    mask_cn_mobile,
    mask_resident_id,
    mask_uscc,
)

__all__ = [
    "CARD_NETWORKS",
    "PROVINCE_CODES",
    "card_issuer",
    "is_known_area_code",
    "is_resident_id_shaped",
    "is_valid_bank_card",
    "is_valid_cn_mobile",
    "is_valid_resident_id",
    "is_valid_uscc",
    "mask_bank_card",
    "mask_cn_mobile",
    "mask_resident_id",
    "mask_uscc",
]
