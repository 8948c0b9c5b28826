"""Size caps and deadlines (meshapi._limits), decided with no network and a clock of our own."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from typing import List

import httpx
import pytest

import meshapi
from meshapi import APITimeoutError, InvalidResponseError, MeshAPIError, ResponseTooLargeError
from meshapi._errors import error_from_response
from meshapi._http import SyncHttpClient
from meshapi._limits import BodyReader, Deadline, Limits, Timeout


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def chunks(data: bytes, size: int) -> List[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


# -- caps ------------------------------------------------------------------------------------------


def test_a_body_past_max_response_bytes_raises_naming_the_option() -> None:
    reader = BodyReader(1000, option="max_response_bytes", what="the response to GET /v1/models")
    reader.feed(b"x" * 600)
    with pytest.raises(ResponseTooLargeError) as info:
        reader.feed(b"x" * 600)
    err = info.value
    assert isinstance(err, MeshAPIError)
    assert (err.error_code, err.limit, err.limit_bytes) == (
        "response_too_large",
        "max_response_bytes",
        1000,
    )
    assert "max_response_bytes=1000" in str(err) and "GET /v1/models" in str(err)


def test_a_body_of_exactly_the_cap_is_accepted() -> None:
    reader = BodyReader(1000, option="max_response_bytes", what="x")
    for chunk in chunks(b"y" * 1000, 7):
        reader.feed(chunk)
    assert reader.finish() == b"y" * 1000


def test_an_error_body_keeps_its_first_bytes_and_says_so() -> None:
    reader = BodyReader(100, option="max_error_body_bytes", what="x", truncate=True)
    reader.feed(b"a" * 60)
    assert not reader.full
    reader.feed(b"b" * 60)
    assert reader.full and reader.truncated
    assert reader.finish() == b"a" * 60 + b"b" * 40


def test_a_gzip_bomb_is_refused_at_the_cap_with_memory_bounded() -> None:
    # 64 MB of zeros in ~64 KB of gzip, arriving in 64 KB reads as from a socket.
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)
    reader = BodyReader(1024 * 1024, option="max_response_bytes", what="x", content_encoding="gzip")
    assert reader.raw
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError):
            for chunk in chunks(bomb, 64 * 1024):
                reader.feed(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The cap (1 MiB) and one inflate step, not the 64 MB one 64 KB read would inflate to.
    assert peak < 8 * 1024 * 1024


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "deflate", "deflate-raw"])
def test_compressed_bodies_are_inflated_in_steps_to_the_same_bytes(encoding: str) -> None:
    body = b'{"data": [' + b",".join(b'{"id": "m%d"}' % i for i in range(20_000)) + b"]}"
    if encoding in ("gzip", "x-gzip"):
        wire = gzip.compress(body)
    elif encoding == "deflate":
        wire = zlib.compress(body)
    else:  # raw deflate, as some servers send "deflate"
        packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        wire = packer.compress(body) + packer.flush()
    header = "deflate" if encoding == "deflate-raw" else encoding
    reader = BodyReader(
        10 * len(body), option="max_response_bytes", what="x", content_encoding=header
    )
    for chunk in chunks(wire, 333):
        reader.feed(chunk)
    assert reader.finish() == body


def test_a_corrupt_gzip_body_is_an_invalid_response() -> None:
    reader = BodyReader(
        1000, option="max_response_bytes", what="the response to GET /x", content_encoding="gzip"
    )
    with pytest.raises(InvalidResponseError) as info:
        reader.feed(b"this is not gzip at all")
    assert "not valid gzip" in str(info.value)


def test_identity_and_unknown_encodings_are_left_to_the_http_library() -> None:
    assert not BodyReader(1, option="o", what="x").raw
    assert not BodyReader(1, option="o", what="x", content_encoding="br").raw


def test_an_error_built_from_a_cut_body_says_it_was_cut_and_keeps_little() -> None:
    head = b'{"error": {"code": "upstream_error", "message": "' + b"x" * 20_000
    err = error_from_response(502, head[:8192], content_type="application/json", truncated=True)
    assert err.status == 502
    assert "longer than max_error_body_bytes=8192" in err.message
    assert len(err.message) < 400 and len(err.body) <= 8192 + 100


def test_a_huge_error_message_is_clipped() -> None:
    body = b'{"error": {"code": "upstream_error", "message": "' + b"m" * 100_000 + b'"}}'
    err = error_from_response(502, body, content_type="application/json")
    assert err.error_code == "upstream_error"
    assert len(err.message) < 9 * 1024 and "more characters not kept" in err.message


def test_a_huge_non_json_error_body_is_clipped() -> None:
    err = error_from_response(500, b"<p>" + b"z" * 100_000, content_type="text/html")
    assert len(err.body) < 9 * 1024


# -- deadline --------------------------------------------------------------------------------------


def test_the_deadline_passes_after_its_seconds() -> None:
    clock = FakeClock()
    deadline = Deadline(10.0, clock)
    clock.now += 9.9
    deadline.check("GET /v1/models")
    assert deadline.allows(0.05) and not deadline.allows(0.2)
    clock.now += 0.1
    with pytest.raises(APITimeoutError) as info:
        deadline.check("GET /v1/models", "req_1")
    assert info.value.error_code == "timeout" and info.value.request_id == "req_1"
    assert "total_timeout=10s" in str(info.value)


def test_a_body_trickling_past_the_deadline_is_given_up() -> None:
    clock = FakeClock()
    reader = BodyReader(10**9, option="max_response_bytes", what="x", deadline=Deadline(3.0, clock))
    with pytest.raises(APITimeoutError):
        for _ in range(1000):  # a byte a second: every read within any read timeout
            clock.now += 1
            reader.feed(b"{")
    assert reader.size == 3


def test_limits_validate_their_values() -> None:
    for bad in (0, -1, 1.5, True, "10"):
        with pytest.raises(ValueError, match="max_response_bytes"):
            Limits(max_response_bytes=bad)  # type: ignore[arg-type]
    for bad_seconds in (0, -2.0, float("nan"), "5"):
        with pytest.raises(ValueError, match="total_timeout"):
            Limits(total_timeout=bad_seconds)  # type: ignore[arg-type]
    assert Limits(total_timeout=None).total_timeout is None
    assert Limits(total_timeout=float("inf")).total_timeout is None


def test_a_per_call_timeout_with_a_total_overrides_the_clients() -> None:
    limits = Limits(total_timeout=600.0)
    assert limits.total_for(None) == 600.0
    assert limits.total_for(30.0) == 600.0
    assert limits.total_for(httpx.Timeout(5.0)) == 600.0
    assert limits.total_for(Timeout(5.0, total=20.0)) == 20.0
    assert limits.total_for(Timeout(5.0)) == 600.0
    assert meshapi.Timeout is Timeout
    assert Timeout(5.0, connect=1.0, total=9.0).as_dict()["connect"] == 1.0
    assert Timeout(5.0, total=9.0) == Timeout(5.0, total=9.0) != Timeout(5.0, total=8.0)
    assert "total=9.0" in repr(Timeout(5.0, total=9.0))
    with pytest.raises(ValueError, match="total"):
        Timeout(5.0, total=-1)


def test_each_attempt_waits_no_longer_than_the_time_left() -> None:
    http = SyncHttpClient(base_url="http://127.0.0.1:9", token="rsk_x", timeout=60.0)
    clock = FakeClock()
    http.clock = clock
    try:
        deadline = http.deadline_for(Timeout(60.0, total=5.0), stream=False)
        assert deadline is not None
        request = httpx.Request(
            "GET",
            "http://127.0.0.1:9/v1/models",
            extensions={"timeout": httpx.Timeout(60.0, connect=2.0).as_dict()},
        )
        clock.now += 4.0
        http.bound_attempt(request, deadline)
        assert request.extensions["timeout"] == {
            "connect": 1.0,
            "read": 1.0,
            "write": 1.0,
            "pool": 1.0,
        }
        assert http.deadline_for(None, stream=True) is None  # streams: the stall timeout instead
    finally:
        http.close()


def test_clients_take_the_caps_and_the_deadline() -> None:
    client = meshapi.MeshAPI(
        base_url="http://127.0.0.1:9",
        token="rsk_x",
        total_timeout=30.0,
        max_response_bytes=1000,
        max_event_bytes=2000,
        max_error_body_bytes=300,
    )
    with client:
        limits = client._http.limits
        assert (
            limits.total_timeout,
            limits.max_response_bytes,
            limits.max_event_bytes,
            limits.max_error_body_bytes,
        ) == (30.0, 1000, 2000, 300)
    with pytest.raises(ValueError, match="max_event_bytes"):
        meshapi.AsyncMeshAPI(base_url="http://127.0.0.1:9", token="rsk_x", max_event_bytes=0)
