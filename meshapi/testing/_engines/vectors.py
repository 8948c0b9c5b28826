"""Stored vectors and search ranking: float32 packing, cosine similarity, metadata filters.

Rule: this module does no I/O and reads no clock.
"""

from __future__ import annotations

import array
import math
import operator
import sys
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

__all__ = [
    "Candidate",
    "cosine",
    "matches_filter",
    "pack_vector",
    "rank",
    "unpack_vector",
]


def pack_vector(vector: Sequence[float]) -> bytes:
    """Little-endian float32 bytes, the same layout as the embeddings API's base64 form."""
    packed = array.array("f", vector)
    if sys.byteorder != "little":
        packed.byteswap()
    return packed.tobytes()


def unpack_vector(blob: bytes) -> array.array[float]:
    """The inverse of :func:`pack_vector`."""
    if len(blob) % 4:
        raise ValueError(f"a float32 vector blob cannot be {len(blob)} bytes long")
    values = array.array("f")
    values.frombytes(blob)
    if sys.byteorder != "little":
        values.byteswap()
    return values


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity; 0.0 when either vector is all zeros. Lengths must match."""
    if len(a) != len(b):
        raise ValueError(f"vectors of different lengths: {len(a)} and {len(b)}")
    dot = sum(map(operator.mul, a, b))
    norm = math.sqrt(sum(map(operator.mul, a, a))) * math.sqrt(sum(map(operator.mul, b, b)))
    return dot / norm if norm else 0.0


# ---------------------------------------------------------------------------------------------
# Search


def matches_filter(metadata: Mapping[str, Any], wanted: Optional[Mapping[str, Any]]) -> bool:
    """True when every key of ``wanted`` is in ``metadata`` with an equal value."""
    if not wanted:
        return True
    return all(key in metadata and metadata[key] == value for key, value in wanted.items())


@dataclass(frozen=True)
class Candidate:
    """One stored chunk with what the search needs to filter, score and report it."""

    file_id: str
    chunk_index: int
    vector: Sequence[float]
    created_at: float
    metadata: Mapping[str, Any]
    payload: Mapping[str, Any]


def rank(
    query: Sequence[float],
    candidates: Iterable[Candidate],
    *,
    top_k: int,
    file_ids: Optional[Sequence[str]] = None,
    metadata_filter: Optional[Mapping[str, Any]] = None,
    date_from: Optional[float] = None,
    date_to: Optional[float] = None,
) -> List[Dict[str, Any]]:
    """The ``top_k`` candidates that pass the filters, best cosine score first.

    ``date_from``/``date_to`` bound the file's ``created_at`` inclusively. Equal scores keep a
    stable order (file, then chunk index) so the same search always answers the same way.
    """
    if top_k < 1:
        raise ValueError("top_k must be at least 1")
    allowed = set(file_ids) if file_ids is not None else None
    scored: List[Dict[str, Any]] = []
    for cand in candidates:
        if allowed is not None and cand.file_id not in allowed:
            continue
        if date_from is not None and cand.created_at < date_from:
            continue
        if date_to is not None and cand.created_at > date_to:
            continue
        if not matches_filter(cand.metadata, metadata_filter):
            continue
        result = dict(cand.payload)
        result["score"] = round(cosine(query, cand.vector), 6)
        result["_order"] = (cand.file_id, cand.chunk_index)
        scored.append(result)
    scored.sort(key=lambda r: (-r["score"], r["_order"]))
    best = scored[:top_k]
    for result in best:
        del result["_order"]
    return best
