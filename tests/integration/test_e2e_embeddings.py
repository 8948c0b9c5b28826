"""Embeddings over real sockets: dimensions, base64, and similarity that means something."""

from __future__ import annotations

import math
import struct
from typing import Any, List

import numpy

from meshapi import EmbeddingsParams

MODEL = "openai/text-embedding-3-small"


def cosine(a: List[float], b: List[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    return dot / (math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b)))


def as_float32(values: List[float]) -> List[float]:
    return [struct.unpack("<f", struct.pack("<f", v))[0] for v in values]


async def test_default_and_requested_dimensions(api: Any) -> None:
    full = await api.call(
        lambda c: c.embeddings.create(EmbeddingsParams(model=MODEL, input="hello world"))
    )
    assert full.object == "list" and full.model == MODEL
    assert len(full.data) == 1 and full.data[0].index == 0
    assert len(full.data[0].embedding) == 1536
    assert full.usage is not None and full.usage.prompt_tokens > 0

    small = await api.call(
        lambda c: c.embeddings.create(
            EmbeddingsParams(model=MODEL, input=["hello world", "goodbye world"], dimensions=256)
        )
    )
    assert [d.index for d in small.data] == [0, 1]
    assert all(len(d.embedding) == 256 for d in small.data)
    for item in small.data:
        assert math.isclose(math.sqrt(sum(x * x for x in item.vector())), 1.0, rel_tol=1e-6)


async def test_base64_vectors_decode_to_the_float_result(api: Any) -> None:
    texts = ["The cat sat on the mat.", "Quarterly revenue grew by eight percent."]
    floats = await api.call(
        lambda c: c.embeddings.create(EmbeddingsParams(model=MODEL, input=texts, dimensions=64))
    )
    packed = await api.call(
        lambda c: c.embeddings.create(
            EmbeddingsParams(model=MODEL, input=texts, dimensions=64, encoding_format="base64")
        )
    )
    for f, b in zip(floats.data, packed.data):
        # base64 is decoded as the answer is parsed (a numpy array: numpy is installed in dev)
        assert isinstance(b.embedding, numpy.ndarray) and b.embedding.dtype == numpy.float32
        assert isinstance(f.embedding, list)
        assert b.embedding.tolist() == as_float32(f.embedding)
        # base64 carries float32: the float result rounded to float32 is exactly what decodes.
        assert b.vector() == as_float32(f.embedding)


async def test_similar_sentences_are_closer_than_unrelated_ones(api: Any) -> None:
    result = await api.call(
        lambda c: c.embeddings.create(
            EmbeddingsParams(
                model=MODEL,
                input=[
                    "The cat sat on the mat.",
                    "A cat was sitting on a mat.",
                    "Quarterly revenue grew by eight percent.",
                ],
            )
        )
    )
    cat, cat_again, revenue = (d.vector() for d in result.data)
    assert cosine(cat, cat_again) > cosine(cat, revenue) + 0.2
    same = await api.call(
        lambda c: c.embeddings.create(
            EmbeddingsParams(model=MODEL, input="The cat sat on the mat.")
        )
    )
    assert same.data[0].vector() == cat, "same input, same vector"
