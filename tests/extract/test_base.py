"""ExtractContext.chunk builds its chunks without the dataclass ``__init__``: the same chunks."""

from __future__ import annotations

import dataclasses
import pickle
import random

import pytest

from secaudit.errors import LimitError
from secaudit.extract import base
from secaudit.extract.base import ExtractContext, make_chunk
from secaudit.limits import Limits
from secaudit.model import Location, TextChunk


def _values(rng: random.Random) -> tuple[object, ...]:
    return (
        "".join(rng.choice("机密 a\t\n1") for _ in range(rng.randint(0, 12))),
        rng.choice(list(Location)),
        rng.choice([None, "", "a.zip", "a.zip/b.docx"]),
        rng.randint(0, 10**6),
        rng.choice([None, "", "表1", "title"]),
        rng.random() < 0.5,
        rng.random() < 0.5,
    )


def test_the_fast_maker_is_in_use() -> None:
    assert make_chunk is not TextChunk
    assert tuple(f.name for f in dataclasses.fields(TextChunk)) == base._CHUNK_FIELDS


def test_made_chunks_equal_constructed_ones() -> None:
    rng = random.Random(18)
    for _ in range(3000):
        values = _values(rng)
        made, built = make_chunk(*values), TextChunk(*values)  # type: ignore[arg-type]
        assert type(made) is TextChunk
        assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
        assert dataclasses.astuple(made) == values
        assert pickle.loads(pickle.dumps(made)) == built  # noqa: S301 (our own bytes)
        with pytest.raises(dataclasses.FrozenInstanceError):
            made.text = "x"  # type: ignore[misc]


def test_context_chunk_stamps_the_member_and_counts_characters() -> None:
    ctx = ExtractContext(limits=Limits(max_text_chars=10), member="a.zip/b.xlsx")
    chunk = ctx.chunk("机密", Location.HEADER, index=2, key="表", standalone=True)
    assert chunk == TextChunk("机密", Location.HEADER, "a.zip/b.xlsx", 2, "表", True, False)
    assert ctx.chunk("12345678") == TextChunk("12345678", member="a.zip/b.xlsx")
    with pytest.raises(LimitError):
        ctx.chunk("x")
