"""RAG decisions that need no I/O: signed upload URLs, vector storage, search ranking.

Rule: this module does no I/O and reads no clock; callers pass ``now``.

Signed URLs: ``<base>/v1/uploads/<file_id>?expires=<unix seconds>&signature=<hex>`` where the
signature is HMAC-SHA256 over ``"<METHOD>\\n<file_id>\\n<expires>"`` with the gateway's secret.
The method is signed so that a download link (GET) cannot be replayed as an upload (PUT).
The signature is checked before the expiry, so a forged ``expires`` is reported as a bad
signature rather than as an expired one.
"""

from __future__ import annotations

import array
import hashlib
import hmac
import math
import operator
import sys
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence
from urllib.parse import urlencode

__all__ = [
    "Candidate",
    "SignatureError",
    "cosine",
    "matches_filter",
    "pack_vector",
    "rank",
    "sign",
    "signed_url",
    "unpack_vector",
    "verify",
]


class SignatureError(Exception):
    """A signed URL was refused; ``code`` is ``invalid_signature`` or ``signature_expired``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def sign(secret: bytes, method: str, file_id: str, expires: int) -> str:
    """The hex HMAC-SHA256 signature of one (method, file, expiry)."""
    if not secret:
        raise ValueError("the signing secret is empty")
    message = f"{method.upper()}\n{file_id}\n{expires}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def signed_url(base_url: str, secret: bytes, method: str, file_id: str, expires: int) -> str:
    """The full URL that lets its holder ``method`` the file until ``expires``."""
    query = urlencode({"expires": expires, "signature": sign(secret, method, file_id, expires)})
    return f"{base_url.rstrip('/')}/v1/uploads/{file_id}?{query}"


def verify(
    secret: bytes,
    method: str,
    file_id: str,
    expires: Optional[str],
    signature: Optional[str],
    now: float,
) -> None:
    """Accept the query parameters of a signed URL or raise :class:`SignatureError`."""
    if not expires or not signature:
        missing = [n for n, v in (("expires", expires), ("signature", signature)) if not v]
        raise SignatureError(
            "invalid_signature", f"the URL is not signed: missing {' and '.join(missing)}"
        )
    try:
        expires_at = int(expires)
    except ValueError:
        raise SignatureError(
            "invalid_signature", "the URL's 'expires' is not a unix timestamp"
        ) from None
    expected = sign(secret, method, file_id, expires_at)
    if not hmac.compare_digest(expected, signature.lower()):
        raise SignatureError(
            "invalid_signature",
            f"the signature does not match this URL (for {method.upper()} of this file)",
        )
    if now > expires_at:
        raise SignatureError(
            "signature_expired",
            f"the signed URL expired {int(now - expires_at)} seconds ago; ask for a new one",
        )


# ---------------------------------------------------------------------------------------------
# Vectors


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
