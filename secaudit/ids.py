"""The contract ids of DESIGN.md as ``str`` enums: levels (ordered), channels, host roles,
locations, error reasons, severities and confidences.

The values are exactly the ids JSON, policies and the ledger use; :mod:`secaudit.model` re-exports
them beside the value types that carry them. Add a member only when DESIGN.md's contract gains
the id.
"""

from __future__ import annotations

from enum import Enum
from typing import Any


class Level(str, Enum):
    """Secrecy level, ordered from highest to lowest (contract ids)."""

    TOP_SECRET = "top_secret"
    SECRET = "secret"
    CONFIDENTIAL = "confidential"
    CORE_COMMERCIAL = "core_commercial"
    COMMERCIAL = "commercial"
    INTERNAL = "internal"
    NONE = "none"

    @property
    def rank(self) -> int:
        """Higher is more secret: top_secret = 6 … none = 0."""
        return _LEVEL_RANK[self]

    @property
    def zh(self) -> str:
        return _LEVEL_ZH[self]

    @property
    def is_state_secret(self) -> bool:
        return self in (Level.TOP_SECRET, Level.SECRET, Level.CONFIDENTIAL)

    @classmethod
    def highest(cls, levels: Any) -> Level:
        best = cls.NONE
        for lv in levels:
            if lv is not None and Level(lv).rank > best.rank:
                best = Level(lv)
        return best


_LEVEL_ORDER = [
    Level.NONE,
    Level.INTERNAL,
    Level.COMMERCIAL,
    Level.CORE_COMMERCIAL,
    Level.CONFIDENTIAL,
    Level.SECRET,
    Level.TOP_SECRET,
]
_LEVEL_RANK = {lv: i for i, lv in enumerate(_LEVEL_ORDER)}
_LEVEL_ZH = {
    Level.TOP_SECRET: "绝密",
    Level.SECRET: "机密",
    Level.CONFIDENTIAL: "秘密",
    Level.CORE_COMMERCIAL: "核心商密",
    Level.COMMERCIAL: "普通商密",
    Level.INTERNAL: "内部",
    Level.NONE: "无",
}


class Channel(str, Enum):
    """Where a file was found (contract ids)."""

    REMOVABLE_MEDIA = "removable_media"
    INTERNET_HOST = "internet_host"
    EMAIL = "email"
    LOCAL = "local"


class HostRole(str, Enum):
    INTERNET = "internet"
    INTRANET = "intranet"
    CLASSIFIED = "classified"


class Location(str, Enum):
    """Where inside a file a finding was made (contract ids)."""

    BODY = "body"
    HEADER = "header"
    FOOTER = "footer"
    PROPERTY = "property"
    FILENAME = "filename"
    SHEET_NAME = "sheet_name"
    SUBJECT = "subject"
    COMMENT = "comment"


class ErrorReason(str, Enum):
    """Why a file or member was not (fully) read (contract ids)."""

    ENCRYPTED = "encrypted"
    CORRUPT = "corrupt"
    TOO_LARGE = "too_large"
    LIMIT = "limit"
    TIMEOUT = "timeout"
    UNSUPPORTED = "unsupported"
    PERMISSION = "permission"
    VANISHED = "vanished"


class Severity(str, Enum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return {"low": 0, "medium": 1, "high": 2, "critical": 3}[self.value]

    @property
    def zh(self) -> str:
        return {"low": "低", "medium": "中", "high": "高", "critical": "严重"}[self.value]


class Confidence(str, Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


INFO_TYPE_CLASS: dict[str, str] = {
    "cn_resident_id": "C2",
    "bank_card": "C2",
    "cn_mobile": "C2",
    "cn_uscc": "C1",
    "card_cvn": "C3",
    "card_track": "C3",
    "auth_secret": "C3",
    "otp_code": "C3",
}
"""Info-type ids and their JR/T 0171-2020 class of personal financial information: C3 is
authentication information (card verification codes, magnetic track data, passwords and PINs,
one-time codes), C2 identifies a person or an account (resident ID, card and account numbers,
mobile), C1 the rest (a company's unified social credit code: no personal information, public
registry data, the lowest class). Findings carry the class as ``jrt_class``."""
INFO_CLASS_ZH = {
    "C3": "C3类（用户鉴别信息）",
    "C2": "C2类（可识别特定个人身份与金融状况的信息）",
    "C1": "C1类（机构内部使用的信息）",
}
