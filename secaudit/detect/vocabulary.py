"""The marking vocabulary: which words mark which level.

DESIGN.md's set is the default; a policy may add words (a bank's own marks, or English
``CONFIDENTIAL`` if it wants those flagged) under ``markings:``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from secaudit.model import Level

DEFAULT_WORDS: dict[Level, tuple[str, ...]] = {
    Level.TOP_SECRET: ("绝密",),
    Level.SECRET: ("机密",),
    Level.CONFIDENTIAL: ("秘密",),
    Level.CORE_COMMERCIAL: ("核心商密",),
    Level.COMMERCIAL: ("普通商密", "商密"),
    Level.INTERNAL: ("内部", "内部资料", "内部文件", "内部材料", "限内部使用", "内部使用"),
}


@dataclass(frozen=True)
class Vocabulary:
    """Marking words per level (longest match wins when words overlap)."""

    words: Mapping[Level, tuple[str, ...]]

    @classmethod
    def default(cls) -> Vocabulary:
        return cls(dict(DEFAULT_WORDS))

    @classmethod
    def extended(cls, extra: Mapping[str, list[str]] | None) -> Vocabulary:
        """The default vocabulary plus ``extra`` (level id → additional words)."""
        merged = {lv: list(ws) for lv, ws in DEFAULT_WORDS.items()}
        for level_id, words in (extra or {}).items():
            level = Level(level_id)
            merged.setdefault(level, [])
            merged[level].extend(w for w in words if w not in merged[level])
        return cls({lv: tuple(ws) for lv, ws in merged.items()})

    def level_of(self, word: str) -> Level | None:
        for level, ws in self.words.items():
            if word in ws:
                return level
        return None

    def all_words(self) -> list[tuple[str, Level]]:
        """Every (word, level), longest word first."""
        pairs = [(w, lv) for lv, ws in self.words.items() for w in ws]
        return sorted(pairs, key=lambda p: (-len(p[0]), p[0]))

    def fingerprint(self) -> str:
        data = {
            lv.value: list(ws) for lv, ws in sorted(self.words.items(), key=lambda x: x[0].value)
        }
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:16]
