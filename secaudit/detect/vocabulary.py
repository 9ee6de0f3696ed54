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

INTERNAL_SCOPES = ("内部", "行内", "本行内部", "限本行内部", "限行内")
INTERNAL_KINDS = ("资料", "文件", "材料", "使用", "参考", "传阅")
INTERNAL_WORDS = tuple(
    s + k
    for s in INTERNAL_SCOPES
    for k in INTERNAL_KINDS
    if not (s.startswith("限") and k != "使用")
)
"""Internal-use wordings banks write (``本行内部资料``, ``行内使用``, ``内部传阅``): scope × kind.
Like every level word they mark only where they stand as a mark, never in running prose."""

DEFAULT_WORDS: dict[Level, tuple[str, ...]] = {
    Level.TOP_SECRET: ("绝密",),
    Level.SECRET: ("机密",),
    Level.CONFIDENTIAL: ("秘密",),
    Level.CORE_COMMERCIAL: ("核心商密",),
    Level.COMMERCIAL: ("普通商密", "商密"),
    Level.INTERNAL: ("内部", "限内部使用", *INTERNAL_WORDS),
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
