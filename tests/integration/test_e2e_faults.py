"""Fault injection through the SDK: retries, cut and stalled streams, odd framing, bad bodies.

The gateway's fault controller arms one failure at a time (``faults`` disarms everything before
and after each test); what the SDK put on the wire is read from httpx event hooks on the client
it was given (``wire``), and what the gateway saw from its echoed ``x-request-id`` and from the
faults it consumed.
"""

from __future__ import annotations

import secrets
from typing import Any, Callable, Dict, Type

import pytest

from meshapi import (
    APITimeoutError,
    ChatCompletionParams,
    ChatMessage,
    CompareParams,
    ImageGenerationParams,
    InternalServerError,
    InvalidResponseError,
    MeshAPIError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponsesParams,
    StreamInterruptedError,
)

CHAT = ChatCompletionParams(
    model="openai/gpt-4o-mini",
    messages=[ChatMessage(role="user", content="Tell me about the ocean and the waves.")],
)
UNICODE_CHAT = ChatCompletionParams(
    model="openai/gpt-4o-mini",
    messages=[ChatMessage(role="user", content="Say «Grüße aus Köln» 🎉 naïve café")],
)

STREAMS: Dict[str, Callable[[Any], Any]] = {
    "chat": lambda c: c.chat.completions.stream(CHAT),
    "responses": lambda c: c.responses.stream(
        ResponsesParams(model="openai/o4-mini", input="Explain recursion briefly.")
    ),
    "compare": lambda c: c.compare.stream(
        CompareParams(
            models=["openai/gpt-4o-mini", "anthropic/claude-haiku-4.5"],
            messages=[ChatMessage(role="user", content="Hi")],
            skip_comparison=True,
        )
    ),
    "images": lambda c: c.images.stream(
        ImageGenerationParams(
            model="openai/gpt-image-1", prompt="A fox", size="64x64", partial_images=3
        )
    ),
}


def my_request_id() -> str:
    return "req_it_" + secrets.token_hex(8)


def text_of(chunks: Any) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


# -- retries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "retry_after", "body"),
    [(503, 1, "json"), (429, 1, "json"), (502, None, "html"), (504, None, "json")],
    ids=["503-retry-after", "429-retry-after", "502-html", "504-backoff"],
)
async def test_retry_signal_then_success_repeats_the_same_idempotency_key_and_request_id(
    api: Any, faults: Any, wire: Any, status: int, retry_after: Any, body: str
) -> None:
    client = api.make(wire=wire)
    faults.fail_next(1, status, retry_after=retry_after, body=body)
    reply = await api.call(lambda c: c.chat.completions.create(CHAT), client)
    assert reply.choices[0].message.content
    assert faults.snapshot()["fail_next"] == [], "the gateway consumed the armed failure"
    assert [r.status_code for r in wire.responses] == [status, 200]
    keys = wire.header("idempotency-key")
    ids = wire.header("x-request-id")
    assert keys[0] and keys == [keys[0]] * 2, "one Idempotency-Key per call, kept on the retry"
    assert ids[0] and ids == [ids[0]] * 2, "one X-Request-Id per call, kept on the retry"
    # The gateway saw that id on both attempts: it answered each with it.
    assert [r.headers["x-request-id"] for r in wire.responses] == ids


async def test_500_is_never_retried(
    api: Any, faults: Any, wire: Any, assert_no_secret: Any
) -> None:
    faults.fail_next(2, 500, code="provider_job_failed", message="The provider job failed.")
    err = await api.raises(
        InternalServerError, lambda c: c.chat.completions.create(CHAT), api.make(wire=wire)
    )
    assert err.status == 500 and err.error_code == "provider_job_failed"
    assert len(wire.requests) == 1
    assert len(faults.snapshot()["fail_next"]) == 1, "the second armed 500 was never reached"
    assert err.request_id == wire.header("x-request-id")[0]
    assert_no_secret(err, api.gw.api_key)


async def test_429_asking_for_a_long_wait_raises_at_once_with_the_wait(
    api: Any, faults: Any, wire: Any, assert_no_secret: Any
) -> None:
    faults.fail_next(1, 429, retry_after=3600)
    err = await api.raises(
        RateLimitError, lambda c: c.chat.completions.create(CHAT), api.make(wire=wire)
    )
    assert err.status == 429 and err.error_code == "rate_limit_exceeded"
    assert err.retry_after_seconds == 3600
    assert len(wire.requests) == 1
    assert "3600" in str(err)
    assert_no_secret(err, api.gw.api_key)


async def test_retries_give_up_after_max_retries(api: Any, faults: Any, wire: Any) -> None:
    faults.fail_next(3, 503, retry_after=0)
    client = api.make(wire=wire, max_retries=2)
    err = await api.raises(InternalServerError, lambda c: c.chat.completions.create(CHAT), client)
    assert err.status == 503
    assert [r.status_code for r in wire.responses] == [503, 503, 503]
    assert len(set(wire.header("idempotency-key"))) == 1


async def test_html_502_page_gives_a_clear_error_when_retries_are_off(
    api: Any, faults: Any, wire: Any, assert_no_secret: Any
) -> None:
    faults.fail_next(1, 502, body="html")
    rid = my_request_id()
    err = await api.raises(
        InternalServerError,
        lambda c: c.chat.completions.create(CHAT, extra_headers={"X-Request-Id": rid}),
        api.make(wire=wire, max_retries=0),
    )
    assert err.status == 502 and err.error_code == "upstream_error"
    message = str(err)
    assert "502" in message and "Bad Gateway" in message and "<html>" not in message
    assert err.request_id == rid
    assert len(wire.requests) == 1
    assert_no_secret(err, api.gw.api_key)


# -- request ids --------------------------------------------------------------------------------


async def test_client_request_id_is_echoed_and_kept_on_errors(api: Any, wire: Any) -> None:
    client = api.make(wire=wire)
    rid = my_request_id()
    await api.call(lambda c: c.models.list(extra_headers={"X-Request-Id": rid}), client)
    assert wire.responses[-1].headers["x-request-id"] == rid
    rid2 = my_request_id()
    err = await api.raises(
        NotFoundError,
        lambda c: c.models.get("nobody/none", extra_headers={"X-Request-Id": rid2}),
        client,
    )
    assert err.request_id == rid2
    # Without one, the SDK makes its own req_... id and the error carries it.
    err = await api.raises(NotFoundError, lambda c: c.models.get("nobody/none"), client)
    sent = wire.header("x-request-id")[-1]
    assert sent and sent.startswith("req_") and err.request_id == sent


# -- streams ------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["reset", "eof"])
@pytest.mark.parametrize("kind", list(STREAMS))
async def test_stream_cut_before_done_raises_stream_interrupted(
    api: Any, faults: Any, kind: str, how: str, assert_no_secret: Any
) -> None:
    faults.drop_stream_after(2, how=how)
    items, err = await api.collect_until_error(STREAMS[kind])
    assert isinstance(err, StreamInterruptedError)
    assert err.error_code == "stream_interrupted"
    assert len(items) == 2, "the frames sent before the cut are delivered"
    assert err.request_id and err.request_id.startswith("req_")
    assert_no_secret(err, api.gw.api_key)


async def test_stream_that_was_cut_is_not_retried(api: Any, faults: Any, wire: Any) -> None:
    faults.drop_stream_after(3)
    _, err = await api.collect_until_error(
        lambda c: c.chat.completions.stream(CHAT), api.make(wire=wire)
    )
    assert isinstance(err, StreamInterruptedError)
    assert len(wire.requests) == 1


@pytest.mark.parametrize("kind", ["create", "stream"])
async def test_stall_before_the_first_byte_times_out(
    api: Any, faults: Any, wire: Any, kind: str, assert_no_secret: Any
) -> None:
    faults.stall(3.0)
    client = api.make(wire=wire, timeout=0.5)
    call = (
        (lambda c: c.chat.completions.create(CHAT))
        if kind == "create"
        else (lambda c: c.chat.completions.stream(CHAT))
    )
    err = await api.raises(APITimeoutError, call, client)
    assert err.error_code == "timeout"
    assert len(wire.requests) == 1, "a read timeout is not retried: the server may be working"
    assert err.request_id == wire.header("x-request-id")[0]
    assert_no_secret(err, api.gw.api_key)


async def test_stall_mid_stream_times_out_after_the_frames_that_arrived(
    api: Any, faults: Any
) -> None:
    faults.stall(3.0, where="mid_stream", after=3)
    client = api.make(timeout=0.5)
    items, err = await api.collect_until_error(lambda c: c.chat.completions.stream(CHAT), client)
    assert isinstance(err, APITimeoutError)
    assert len(items) == 3
    assert err.request_id


@pytest.mark.parametrize(
    ("code", "error_type"),
    [
        ("rate_limit_exceeded", RateLimitError),
        ("upstream_error", InternalServerError),
        ("forbidden", PermissionDeniedError),
    ],
)
async def test_inband_error_frame_raises_the_matching_error_with_the_request_id(
    api: Any, faults: Any, code: str, error_type: Type[MeshAPIError], assert_no_secret: Any
) -> None:
    faults.inband_error(code, after=2, message=f"Injected {code}.")
    rid = my_request_id()
    items, err = await api.collect_until_error(
        lambda c: c.chat.completions.stream(CHAT, extra_headers={"X-Request-Id": rid})
    )
    assert type(err) is error_type
    assert err.error_code == code
    assert err.request_id == rid
    assert f"Injected {code}." in str(err)
    assert len(items) == 2
    assert_no_secret(err, api.gw.api_key)


@pytest.mark.parametrize("mode", ["crlf", "keepalive", "fragment"])
async def test_stream_framing_variants_parse_to_the_same_chunks(
    api: Any, faults: Any, mode: str
) -> None:
    plain = await api.collect(lambda c: c.chat.completions.stream(UNICODE_CHAT))
    if mode == "fragment":
        faults.fragment(1)  # one byte per write: frames and UTF-8 characters split
    else:
        getattr(faults, mode)(True)
    framed = await api.collect(lambda c: c.chat.completions.stream(UNICODE_CHAT))
    # Ids and timestamps differ per request; everything else is the same.
    volatile = {"id", "created"}
    assert [c.model_dump(exclude=volatile) for c in framed] == [
        c.model_dump(exclude=volatile) for c in plain
    ]
    assert "Grüße" in text_of(framed) and "🎉" in text_of(framed)


async def test_malformed_frame_raises_invalid_response(
    api: Any, faults: Any, assert_no_secret: Any
) -> None:
    faults.malformed_frame(after=2)
    items, err = await api.collect_until_error(lambda c: c.chat.completions.stream(CHAT))
    assert isinstance(err, InvalidResponseError)
    assert err.error_code == "invalid_response"
    assert err.request_id
    assert len(items) == 2
    assert_no_secret(err, api.gw.api_key)
