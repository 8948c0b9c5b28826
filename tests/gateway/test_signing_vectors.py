"""Signed URLs, vector packing and search ranking for RAG (no I/O)."""

from __future__ import annotations

import struct
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

import pytest

from meshapi.testing._core.signing import SignatureError, sign, signed_url, verify
from meshapi.testing._engines.vectors import (
    Candidate,
    cosine,
    matches_filter,
    pack_vector,
    rank,
    unpack_vector,
)

SECRET = b"test-secret-0123456789"
NOW = 1_750_000_000.0


def url_params(url: str) -> Dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_a_signed_url_points_at_the_gateway_and_verifies_for_its_method() -> None:
    url = signed_url("http://127.0.0.1:8000/", SECRET, "PUT", "file_01", int(NOW) + 60)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "http",
        "127.0.0.1:8000",
        "/v1/uploads/file_01",
    )
    params = url_params(url)
    assert params["expires"] == str(int(NOW) + 60)
    verify(SECRET, "put", "file_01", params["expires"], params["signature"], NOW)


@pytest.mark.parametrize(
    ("method", "file_id", "expires_delta", "signature_change", "secret"),
    [
        ("GET", "file_01", 0, None, SECRET),
        ("PUT", "file_02", 0, None, SECRET),
        ("PUT", "file_01", -3600, None, SECRET),
        ("PUT", "file_01", 0, "0" * 64, SECRET),
        ("PUT", "file_01", 0, None, b"another-secret"),
    ],
    ids=["other-method", "other-file", "forged-expiry", "forged-signature", "other-secret"],
)
def test_any_change_to_a_signed_url_is_an_invalid_signature(
    method: str,
    file_id: str,
    expires_delta: int,
    signature_change: Optional[str],
    secret: bytes,
) -> None:
    expires = int(NOW) + 60
    signature = sign(SECRET, "PUT", "file_01", expires)
    with pytest.raises(SignatureError) as info:
        verify(
            secret,
            method,
            file_id,
            str(expires + expires_delta),
            signature_change or signature,
            NOW,
        )
    # A forged expiry in the past must not be reported as "expired": the signature is checked first.
    assert info.value.code == "invalid_signature"


def test_a_genuine_url_past_its_expiry_is_reported_as_expired() -> None:
    expires = int(NOW) - 5
    signature = sign(SECRET, "PUT", "file_01", expires)
    with pytest.raises(SignatureError) as info:
        verify(SECRET, "PUT", "file_01", str(expires), signature, NOW)
    assert info.value.code == "signature_expired"
    assert "expired 5 seconds ago" in info.value.message
    verify(SECRET, "PUT", "file_01", str(expires), signature, expires)  # the last valid second


@pytest.mark.parametrize(
    ("expires", "signature", "needle"),
    [
        (None, "abc", "missing expires"),
        ("123", None, "missing signature"),
        (None, None, "missing expires and signature"),
        ("soon", "abc", "not a unix timestamp"),
    ],
    ids=["no-expires", "no-signature", "neither", "bad-expires"],
)
def test_unsigned_or_malformed_urls_say_what_is_missing(
    expires: Optional[str], signature: Optional[str], needle: str
) -> None:
    with pytest.raises(SignatureError, match=needle) as info:
        verify(SECRET, "PUT", "file_01", expires, signature, NOW)
    assert info.value.code == "invalid_signature"


def test_signing_with_an_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        sign(b"", "PUT", "file_01", 1)


def test_vectors_are_stored_as_little_endian_float32() -> None:
    vector = [0.5, -1.25, 3.0e-3, 0.0]
    blob = pack_vector(vector)
    assert blob == struct.pack("<4f", *vector)
    assert list(unpack_vector(blob)) == pytest.approx(vector, rel=1e-6)


def test_a_blob_that_is_not_whole_floats_is_rejected() -> None:
    with pytest.raises(ValueError, match="7 bytes"):
        unpack_vector(b"\x00" * 7)


def test_cosine_similarity() -> None:
    assert cosine([1.0, 2.0], [2.0, 4.0]) == pytest.approx(1.0)
    assert cosine([1.0, 0.0], [0.0, 3.0]) == pytest.approx(0.0)
    assert cosine([1.0, 0.0], [-1.0, 0.0]) == pytest.approx(-1.0)
    assert cosine([0.0, 0.0], [1.0, 1.0]) == 0.0
    with pytest.raises(ValueError, match="different lengths"):
        cosine([1.0], [1.0, 2.0])


def test_metadata_filters_match_on_equality_of_every_key() -> None:
    metadata = {"team": "hr", "year": 2025, "tags": ["a"]}
    assert matches_filter(metadata, None)
    assert matches_filter(metadata, {})
    assert matches_filter(metadata, {"team": "hr", "year": 2025})
    assert matches_filter(metadata, {"tags": ["a"]})
    assert not matches_filter(metadata, {"team": "it"})
    assert not matches_filter(metadata, {"year": "2025"})
    assert not matches_filter(metadata, {"missing": None})


def candidate(
    file_id: str, index: int, vector: List[float], created: float, **meta: Any
) -> Candidate:
    return Candidate(
        file_id=file_id,
        chunk_index=index,
        vector=vector,
        created_at=created,
        metadata=meta,
        payload={"file_id": file_id, "chunk_index": index},
    )


CANDIDATES = [
    candidate("f1", 0, [1.0, 0.0, 0.0], 100.0, team="hr"),
    candidate("f1", 1, [0.8, 0.6, 0.0], 100.0, team="hr"),
    candidate("f2", 0, [0.0, 1.0, 0.0], 200.0, team="it"),
    candidate("f3", 0, [0.6, 0.0, 0.8], 300.0, team="hr"),
    candidate("f3", 1, [1.0, 0.0, 0.0], 300.0, team="hr"),
]


def keys(results: List[Dict[str, Any]]) -> List[Any]:
    return [(r["file_id"], r["chunk_index"]) for r in results]


def test_rank_orders_by_score_and_breaks_ties_by_file_and_chunk() -> None:
    results = rank([1.0, 0.0, 0.0], CANDIDATES, top_k=10)
    assert keys(results) == [("f1", 0), ("f3", 1), ("f1", 1), ("f3", 0), ("f2", 0)]
    assert [r["score"] for r in results] == pytest.approx([1.0, 1.0, 0.8, 0.6, 0.0])


def test_rank_returns_at_most_top_k() -> None:
    assert keys(rank([1.0, 0.0, 0.0], CANDIDATES, top_k=2)) == [("f1", 0), ("f3", 1)]
    with pytest.raises(ValueError, match="top_k"):
        rank([1.0, 0.0, 0.0], CANDIDATES, top_k=0)


def test_rank_filters_by_file_ids_metadata_and_inclusive_date_range() -> None:
    query = [1.0, 0.0, 0.0]
    assert keys(rank(query, CANDIDATES, top_k=10, file_ids=["f2", "f3"])) == [
        ("f3", 1),
        ("f3", 0),
        ("f2", 0),
    ]
    assert keys(rank(query, CANDIDATES, top_k=10, metadata_filter={"team": "it"})) == [("f2", 0)]
    assert keys(rank(query, CANDIDATES, top_k=10, date_from=200.0, date_to=300.0)) == [
        ("f3", 1),
        ("f3", 0),
        ("f2", 0),
    ]
    assert keys(rank(query, CANDIDATES, top_k=10, date_to=100.0)) == [("f1", 0), ("f1", 1)]
    assert rank(query, CANDIDATES, top_k=10, file_ids=[]) == []
