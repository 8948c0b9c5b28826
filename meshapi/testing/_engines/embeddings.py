"""Deterministic text embeddings with real lexical similarity.

Rule: a vector is a signed feature hash of the text, normalised to unit length. Features are
words (lower-cased, lightly stemmed), word pairs and character trigrams, so texts sharing words
(or word stems) have a positive cosine similarity, unrelated texts land near zero, and the same
text always gives the same vector. Used by /v1/embeddings and by RAG search.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from typing import Dict, List, Optional, Sequence, Tuple

__all__ = ["DEFAULT_DIMENSIONS", "cosine", "embed_text", "embed_texts"]

DEFAULT_DIMENSIONS = 1536

_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _features(text: str) -> Dict[str, float]:
    words = [_stem(w) for w in _WORD_RE.findall(text.lower())]
    feats: Dict[str, float] = {}
    for word in words:
        feats["w:" + word] = feats.get("w:" + word, 0.0) + 1.0
        padded = f"<{word}>"
        for i in range(len(padded) - 2):
            key = "c:" + padded[i : i + 3]
            feats[key] = feats.get(key, 0.0) + 0.25
    for first, second in zip(words, words[1:]):
        key = f"b:{first} {second}"
        feats[key] = feats.get(key, 0.0) + 0.5
    # Dampen repeated features so one word said ten times does not drown the rest.
    return {k: 1.0 + math.log(v) if v > 1.0 else v for k, v in feats.items()}


@functools.lru_cache(maxsize=65536)
def _slot(feature: str, dims: int) -> Tuple[int, float]:
    digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % dims, (1.0 if (value >> 63) & 1 else -1.0)


@functools.lru_cache(maxsize=4096)
def _embed_cached(text: str, dims: int) -> Tuple[float, ...]:
    vector = [0.0] * dims
    for feature, weight in _features(text).items():
        index, sign = _slot(feature, dims)
        vector[index] += sign * weight
    norm = math.sqrt(sum(v * v for v in vector))
    if norm == 0.0:
        # Text with no words at all (empty, punctuation): a fixed unit vector.
        index, sign = _slot("<empty>", dims)
        vector[index] = sign
        return tuple(vector)
    return tuple(v / norm for v in vector)


def embed_text(text: str, dims: int = 1536) -> List[float]:
    """The unit vector for ``text`` in ``dims`` dimensions."""
    if dims < 1:
        raise ValueError("dims must be >= 1")
    return list(_embed_cached(text, dims))


def cosine(a: List[float], b: List[float]) -> float:
    """Cosine similarity of two vectors of equal length."""
    dot = sum(x * y for x, y in zip(a, b))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


def embed_texts(texts: Sequence[str], dimensions: Optional[int] = None) -> List[List[float]]:
    """Deterministic unit vectors with lexical similarity (1536 dimensions by default)."""
    dims = dimensions or DEFAULT_DIMENSIONS
    return [embed_text(text, dims) for text in texts]
