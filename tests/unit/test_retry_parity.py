"""Sync and async decide alike: a property test.

Hypothesis writes a script of server answers (statuses, bodies, odd ``Retry-After`` headers and
``retry_after_seconds`` fields: negative, NaN, infinite, huge, HTTP dates in the past or far
future, garbage; transport failures), and the unit tests' fake gateway plays it to the sync
client and then to the async client. Their sleeps are recorded, not slept (``fake_gateway.Api``),
and the jitter is fixed. Both must make the same decisions: the same number of attempts, the
same waits, and the same outcome (the same result, or the same exception class, code, status
and ``retry_after_seconds``). Every wait must also be a finite number of seconds >= 0.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import math
import time
from types import SimpleNamespace
from typing import Any, Dict, List, Optional, Tuple
from unittest import mock

import httpx
from fake_gateway import Api, FakeGateway
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import meshapi._http

PATH = "/v1/chat/completions"
FROZEN_CLOCK = SimpleNamespace(
    time=lambda: 1_764_460_800.0,  # 2025-11-30
    sleep=time.sleep,
    monotonic=time.monotonic,
    perf_counter=time.perf_counter,
)
PARAMS = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}

COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "openai/gpt-4o-mini",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}
    ],
}
CHUNK = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": "openai/gpt-4o-mini",
    "choices": [{"index": 0, "delta": {"content": "ok"}}],
}
SSE = f"data: {json.dumps(CHUNK)}\n\ndata: [DONE]\n\n".encode()

# A Retry-After header as servers in the wild write it (or get it wrong).
retry_after_headers = st.one_of(
    st.sampled_from(
        [
            *("-1", "-0.5", "0", "2", "0.25", "120", "nan", "NaN", "inf", "-inf", "1e400"),
            *("99999999999", " 2 ", "", "soon", "1,5", "0x10"),
            email.utils.formatdate(0, usegmt=True),  # 1970: long past
            email.utils.formatdate(1_000_000_000, usegmt=True),  # 2001: past
            "Wed, 21 Oct 2095 07:28:00 GMT",  # far future: longer than any max_retry_wait
            "Wed, 21 Oct 2015 07:28:00",  # no zone
        ]
    ),
    st.integers(-5, 120).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
# A body retry_after_seconds (JSON carries NaN and Infinity when the server's encoder allows it).
retry_after_fields = st.one_of(
    st.sampled_from(
        [
            *(-1, -0.5, 0, 0.25, 2, 120, math.nan, math.inf, -math.inf, 1e308, 10**400),
            *("2", "-1", "nan", "x", True, None, [], {}),
        ]
    ),
    st.integers(-5, 120),
    st.floats(allow_nan=True, allow_infinity=True),
)


@st.composite
def failures(draw: Any) -> Dict[str, Any]:
    """One failed attempt: a transport error, or an error status with odd retry hints."""
    kind = draw(st.sampled_from(["status"] * 4 + ["connect_error", "read_error"]))
    if kind != "status":
        return {"kind": kind}
    status = draw(st.sampled_from([400, 500, 429, 429, 502, 503, 503, 504]))
    answer: Dict[str, Any] = {"kind": "status", "status": status}
    if draw(st.booleans()):
        answer["retry_after"] = draw(retry_after_headers)
    if draw(st.booleans()):
        answer["retry_after_seconds"] = draw(retry_after_fields)
    answer["body"] = draw(st.sampled_from(["envelope", "envelope", "top_level", "html", "empty"]))
    return answer


OK = {"kind": "status", "status": 200}
# A script: some failures, then (usually) success; the last answer repeats.
scripts = st.builds(
    lambda failed, then_ok: [*failed, OK] if then_ok else failed,
    st.lists(failures(), min_size=1, max_size=4),
    st.sampled_from([True, True, False]),
)


def respond(answer: Dict[str, Any], request: httpx.Request, stream: bool) -> httpx.Response:
    if answer["kind"] == "connect_error":
        raise httpx.ConnectError("refused", request=request)
    if answer["kind"] == "read_error":
        raise httpx.ReadError("reset", request=request)
    status = answer["status"]
    if status == 200:
        if stream:
            return httpx.Response(200, content=SSE, headers={"content-type": "text/event-stream"})
        return httpx.Response(200, json=COMPLETION)
    headers = {}
    if "retry_after" in answer:
        headers["Retry-After"] = answer["retry_after"]
    error: Dict[str, Any] = {"code": "upstream_error", "message": "busy"}
    body: Dict[str, Any] = {"error": error}
    if "retry_after_seconds" in answer:
        if answer["body"] == "top_level":
            body["retry_after_seconds"] = answer["retry_after_seconds"]
        else:
            error["retry_after_seconds"] = answer["retry_after_seconds"]
    if answer["body"] == "html":
        content = b"<html><title>502 Bad Gateway</title></html>"
        headers["content-type"] = "text/html"
    elif answer["body"] == "empty":
        content = b""
    else:
        content = json.dumps(body).encode()  # NaN and Infinity as JS literals, as some servers do
        headers["content-type"] = "application/json"
    return httpx.Response(status, content=content, headers=headers)


Outcome = Tuple[Any, ...]


def outcome_of(result: Any = None, error: Optional[BaseException] = None) -> Outcome:
    if error is None:
        return ("ok", type(result).__name__)
    return (
        type(error).__name__,
        getattr(error, "error_code", None),
        getattr(error, "status", None),
        repr(getattr(error, "retry_after_seconds", None)),
    )


def play(
    mode: str, script: List[Dict[str, Any]], stream: bool, options: Dict[str, Any]
) -> Tuple[int, List[float], Outcome]:
    """Play ``script`` to the ``mode`` client on the fake gateway: the attempts it made, the
    waits it asked for, and how the call ended."""
    gateway = FakeGateway()
    gateway.on("POST", PATH, *[lambda r, a=a: respond(a, r, stream) for a in script])
    api = Api(mode, gateway)
    client = api.make(**options)
    client._http.jitter = lambda: 0.5

    async def call() -> Outcome:
        try:
            if stream:
                result: Any = await api.collect(lambda c: c.chat.completions.stream(PARAMS), client)
            else:
                result = await api.call(lambda c: c.chat.completions.create(PARAMS), client)
        except Exception as exc:
            return outcome_of(error=exc)
        finally:
            await api.aclose()
        return outcome_of(result)

    # A wait given as an HTTP date depends on the clock: both clients read the same frozen one.
    with mock.patch.object(meshapi._http, "time", FROZEN_CLOCK):
        outcome = asyncio.run(call())
    return len(gateway.requests), api.sleeps, outcome


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    script=scripts,
    stream=st.sampled_from([False, False, True]),
    max_retries=st.sampled_from([1, 2, 3, 4, 0]),
    max_retry_wait=st.sampled_from([60.0, 1.0, 0.0]),
)
# The bug this test was written for: a body retry_after_seconds of -1 and no Retry-After header.
@example(
    script=[{"kind": "status", "status": 503, "retry_after_seconds": -1, "body": "envelope"}, OK],
    stream=False,
    max_retries=3,
    max_retry_wait=60.0,
)
def test_sync_and_async_clients_make_the_same_retry_decisions(
    script: List[Dict[str, Any]], stream: bool, max_retries: int, max_retry_wait: float
) -> None:
    options = {"max_retries": max_retries, "max_retry_wait": max_retry_wait}

    sync = play("sync", script, stream, options)
    async_ = play("async", script, stream, options)

    assert sync == async_
    attempts, sleeps, _ = sync
    assert attempts == len(sleeps) + 1
    assert all(math.isfinite(s) and 0 <= s <= max(max_retry_wait, 30.0) for s in sleeps)
