"""What every resource call shares on the wire, sync and async: headers, retries, errors.

Retries are instant: the fixture's clients record the delays they were asked to sleep in
``api.sleeps`` instead of sleeping, so the delays themselves are asserted.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Type

import httpx
import pytest

import meshapi
from meshapi import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ChatCompletionParams,
    ChatMessage,
    ConflictError,
    InternalServerError,
    InvalidResponseError,
    MeshAPIError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

if TYPE_CHECKING:
    from fake_gateway import Api

Call = Callable[[Any], Any]

REQUEST_ID = re.compile(r"^req_[0-9A-Z]{26}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
CHAT = ChatCompletionParams(
    model="openai/gpt-4o-mini", messages=[ChatMessage(role="user", content="Héllo ✓")]
)
PATH = "/v1/chat/completions"


def create(c: Any) -> Any:
    return c.chat.completions.create(CHAT)


def stream(c: Any) -> Any:
    return c.chat.completions.stream(CHAT)


# -- headers ---------------------------------------------------------------------------------

# (call, is it a stream, method that must be on the wire)
HEADER_CALLS: Dict[str, Any] = {
    "GET models.list": (lambda c: c.models.list(), False, "GET"),
    "POST chat.create": (create, False, "POST"),
    "POST chat.stream": (stream, True, "POST"),
    "PATCH templates.update": (
        lambda c: c.templates.update("t1", {"model": "a/b"}),
        False,
        "PATCH",
    ),
    "DELETE templates.delete": (lambda c: c.templates.delete("t1"), False, "DELETE"),
}


async def _invoke(api: Api, call: Call, is_stream: bool, client: Any = None) -> Any:
    if is_stream:
        return await api.collect(call, client)
    return await api.call(call, client)


@pytest.mark.parametrize("name", list(HEADER_CALLS))
async def test_every_request_carries_auth_sdk_and_request_id_headers(api: Api, name: str) -> None:
    call, is_stream, method = HEADER_CALLS[name]
    await _invoke(api, call, is_stream)

    seen = api.gateway.last
    assert seen.method == method
    assert seen.headers["authorization"] == f"Bearer {api.gateway.token}"
    assert seen.headers["x-meshapi-sdk"] == f"python/{meshapi.__version__}"
    assert REQUEST_ID.match(seen.headers["x-request-id"])
    assert seen.headers.get_list("x-request-id") == [seen.headers["x-request-id"]]
    expected_accept = "text/event-stream" if is_stream else "application/json"
    assert seen.headers["accept"] == expected_accept


@pytest.mark.parametrize("name", list(HEADER_CALLS))
async def test_idempotency_key_is_sent_on_post_patch_delete_only(api: Api, name: str) -> None:
    call, is_stream, method = HEADER_CALLS[name]
    await _invoke(api, call, is_stream)

    keys = api.gateway.last.headers.get_list("idempotency-key")
    if method == "GET":
        assert keys == []
    else:
        assert len(keys) == 1 and UUID.match(keys[0])


async def test_a_request_id_given_in_extra_headers_is_kept(api: Api) -> None:
    await api.call(
        lambda c: c.chat.completions.create(CHAT, extra_headers={"X-Request-Id": "req_mine"})
    )
    assert api.gateway.last.headers.get_list("x-request-id") == ["req_mine"]


async def test_a_lowercase_request_id_in_extra_headers_is_kept_alone(api: Api) -> None:
    await api.call(lambda c: c.models.list(extra_headers={"x-request-id": "req_lower"}))
    assert api.gateway.last.headers.get_list("x-request-id") == ["req_lower"]


async def test_an_idempotency_key_given_in_any_case_replaces_the_sdk_one(api: Api) -> None:
    await api.call(lambda c: c.templates.delete("t1", extra_headers={"idempotency-key": "k-1"}))
    assert api.gateway.last.headers.get_list("idempotency-key") == ["k-1"]


async def test_the_json_body_is_compact_utf8(api: Api) -> None:
    await api.call(create)

    seen = api.gateway.last
    assert seen.headers["content-type"] == "application/json"
    expected = json.dumps(seen.json, separators=(",", ":"), ensure_ascii=False).encode()
    assert seen.content == expected
    assert "Héllo ✓".encode() in seen.content


async def test_idempotency_key_and_request_id_are_stable_across_retries_of_one_call(
    api: Api,
) -> None:
    gw = api.gateway
    busy = gw.reply_error(503, "upstream_error", "busy", headers={"Retry-After": "0"})
    gw.on("POST", PATH, busy, busy, gw.reply_json(gw.bodies.chat_completion()))

    reply = await api.call(create)

    assert reply.choices[0].message.content == "Paris."
    assert len(gw.requests) == 3
    keys = {s.headers["idempotency-key"] for s in gw.requests}
    rids = {s.headers["x-request-id"] for s in gw.requests}
    assert len(keys) == 1 and len(rids) == 1
    assert api.sleeps == [0.0, 0.0]


async def test_two_calls_get_different_idempotency_keys_and_request_ids(api: Api) -> None:
    await api.call(create)
    await api.call(create)

    first, second = api.gateway.requests
    assert first.headers["idempotency-key"] != second.headers["idempotency-key"]
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


# -- retries ---------------------------------------------------------------------------------


async def test_503_with_retry_after_is_retried_after_that_wait_then_succeeds(api: Api) -> None:
    gw = api.gateway
    gw.on(
        "POST",
        PATH,
        gw.reply_error(503, "upstream_error", "busy", headers={"Retry-After": "2"}),
        gw.reply_json(gw.bodies.chat_completion()),
    )

    reply = await api.call(create)

    assert reply.id == "chatcmpl-01JDXA"
    assert len(gw.requests) == 2
    assert api.sleeps == [2.0]


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_gateway_retry_statuses_are_retried_with_backoff(api: Api, status: int) -> None:
    gw = api.gateway
    gw.on(
        "POST",
        PATH,
        gw.reply_error(status, "upstream_error", "x"),
        gw.reply_error(status, "upstream_error", "x"),
        gw.reply_json(gw.bodies.chat_completion()),
    )

    await api.call(create)

    assert len(gw.requests) == 3
    # Exponential backoff with jitter in [0.75, 1.0] of 0.5 s, then 1 s.
    assert 0.375 <= api.sleeps[0] <= 0.5
    assert 0.75 <= api.sleeps[1] <= 1.0


async def test_backoff_doubles_from_half_a_second(api: Api) -> None:
    client = api.make(max_retries=4)
    client._http.jitter = lambda: 0.0  # no jitter: the exact schedule
    gw = api.gateway
    gw.on(
        "POST",
        PATH,
        gw.reply_raw(b"", 503),
        *[gw.reply_raw(b"", 503)] * 3,
        gw.reply_json(gw.bodies.chat_completion()),
    )

    await api.call(create, client)

    assert api.sleeps == [0.5, 1.0, 2.0, 4.0]


async def test_the_body_retry_after_seconds_is_used_when_there_is_no_header(api: Api) -> None:
    gw = api.gateway
    gw.on(
        "POST",
        PATH,
        gw.reply_error(503, "upstream_error", "busy", retry_after_seconds=4),
        gw.reply_json(gw.bodies.chat_completion()),
    )

    await api.call(create)

    assert api.sleeps == [4.0]


@pytest.mark.parametrize("odd", [-1, "-1", "nan", "inf", "soon", True])
async def test_an_unusable_body_retry_after_seconds_falls_back_to_backoff_in_both_clients(
    api: Api, odd: Any
) -> None:
    # Regression: -1 once reached time.sleep(-1) in the sync client (ValueError) while the async
    # client retried; both now read the field with the one parser and back off instead.
    gw = api.gateway
    gw.on(
        "POST",
        PATH,
        gw.reply_error(503, "upstream_error", "busy", retry_after_seconds=odd),
        gw.reply_json(gw.bodies.chat_completion()),
    )

    await api.call(create)

    assert len(gw.requests) == 2
    assert len(api.sleeps) == 1 and 0.375 <= api.sleeps[0] <= 0.5


async def test_retry_after_as_an_http_date_is_understood(api: Api) -> None:
    gw = api.gateway
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    gw.on(
        "POST",
        PATH,
        gw.reply_error(503, "upstream_error", "busy", headers={"Retry-After": when}),
        gw.reply_json(gw.bodies.chat_completion()),
    )

    await api.call(create)

    (delay,) = api.sleeps
    # The date has one-second precision: between 28 and 30 s from now, never the backoff.
    assert 28.0 <= delay <= 30.0


async def test_500_is_not_retried(api: Api) -> None:
    gw = api.gateway
    gw.on("POST", PATH, gw.reply_error(500, "provider_job_failed", "the provider job failed"))

    with pytest.raises(InternalServerError) as info:
        await api.call(create)

    assert len(gw.requests) == 1
    assert (info.value.status, info.value.error_code) == (500, "provider_job_failed")
    assert api.sleeps == []


@pytest.mark.parametrize(
    "status, code, cls",
    [
        (400, "invalid_request", BadRequestError),
        (401, "unauthorized", AuthenticationError),
        (402, "spend_limit_exceeded", PaymentRequiredError),
        (403, "forbidden", PermissionDeniedError),
        (404, "model_not_found", NotFoundError),
        (409, "conflict", ConflictError),
        (422, "validation_error", UnprocessableEntityError),
    ],
)
async def test_client_errors_are_not_retried_and_raise_their_subclass(
    api: Api, status: int, code: str, cls: Type[MeshAPIError]
) -> None:
    gw = api.gateway
    gw.on("POST", PATH, gw.reply_error(status, code, f"{code} happened"))

    with pytest.raises(cls) as info:
        await api.call(create)

    assert len(gw.requests) == 1
    assert (info.value.status, info.value.error_code) == (status, code)
    assert info.value.message == f"{code} happened"
    assert api.sleeps == []


async def test_429_asking_longer_than_max_retry_wait_raises_at_once(api: Api) -> None:
    gw = api.gateway
    gw.on(
        "POST",
        PATH,
        gw.reply_error(
            429,
            "rate_limit_exceeded",
            "daily limit reached",
            headers={"Retry-After": "3600"},
            retry_after_seconds=3600,
        ),
    )

    with pytest.raises(RateLimitError) as info:
        await api.call(create)

    assert len(gw.requests) == 1
    assert info.value.retry_after_seconds == 3600.0
    assert info.value.error_code == "rate_limit_exceeded"
    assert api.sleeps == []


async def test_max_retry_wait_is_the_callers_cap(api: Api) -> None:
    client = api.make(max_retry_wait=5)
    gw = api.gateway
    gw.on(
        "POST",
        PATH,
        gw.reply_error(429, "rate_limit_exceeded", "slow down", headers={"Retry-After": "6"}),
    )

    with pytest.raises(RateLimitError) as info:
        await api.call(create, client)

    assert len(gw.requests) == 1
    assert info.value.retry_after_seconds == 6.0


async def test_429_with_a_short_retry_after_is_retried(api: Api) -> None:
    gw = api.gateway
    gw.on(
        "POST",
        PATH,
        gw.reply_error(429, "rate_limit_exceeded", "slow down", headers={"Retry-After": "1"}),
        gw.reply_json(gw.bodies.chat_completion()),
    )

    await api.call(create)

    assert len(gw.requests) == 2
    assert api.sleeps == [1.0]


@pytest.mark.parametrize("max_retries", [0, 1, 2])
async def test_exhausted_retries_raise_the_last_error_after_max_retries_plus_one_requests(
    api: Api, max_retries: int
) -> None:
    client = api.make(max_retries=max_retries)
    gw = api.gateway
    gw.on(
        "POST",
        PATH,
        *[
            gw.reply_error(503, "upstream_error", f"attempt {i + 1}", headers={"Retry-After": "0"})
            for i in range(max_retries + 1)
        ],
    )

    with pytest.raises(InternalServerError) as info:
        await api.call(create, client)

    assert len(gw.requests) == max_retries + 1
    assert info.value.message == f"attempt {max_retries + 1}"
    assert info.value.status == 503
    assert len(api.sleeps) == max_retries


async def test_connect_errors_are_retried(api: Api) -> None:
    gw = api.gateway
    refused = gw.reply_raises(httpx.ConnectError, "[Errno 111] Connection refused")
    gw.on("POST", PATH, refused, refused, gw.reply_json(gw.bodies.chat_completion()))

    reply = await api.call(create)

    assert reply.choices[0].message.content == "Paris."
    assert len(gw.requests) == 3
    assert len({s.headers["idempotency-key"] for s in gw.requests}) == 1
    assert len(api.sleeps) == 2


async def test_connect_errors_exhausting_retries_raise_api_connection_error(api: Api) -> None:
    client = api.make(max_retries=2)
    gw = api.gateway
    gw.on("POST", PATH, gw.reply_raises(httpx.ConnectError, "[Errno 111] Connection refused"))

    with pytest.raises(APIConnectionError) as info:
        await api.call(create, client)

    assert not isinstance(info.value, APITimeoutError)
    assert len(gw.requests) == 3
    assert info.value.error_code == "connection_error"
    assert info.value.status is None
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert "POST https://gw.test/v1/chat/completions" in str(info.value)
    assert REQUEST_ID.match(info.value.request_id or "")


async def test_a_read_timeout_raises_api_timeout_error_without_retrying(api: Api) -> None:
    gw = api.gateway
    gw.on("POST", PATH, gw.reply_raises(httpx.ReadTimeout, "The read operation timed out"))

    with pytest.raises(APITimeoutError) as info:
        await api.call(create)

    assert isinstance(info.value, APIConnectionError)
    assert len(gw.requests) == 1
    assert info.value.error_code == "timeout"
    assert api.sleeps == []


@pytest.mark.parametrize(
    "status, headers",
    [(429, {"Retry-After": "0"}), (502, {}), (503, {"Retry-After": "0"}), (504, {})],
)
async def test_a_stream_answered_with_a_retry_status_is_retried_like_any_request(
    api: Api, status: int, headers: Dict[str, str]
) -> None:
    # The status comes before any event: nothing was delivered, so the stream is sent again,
    # as the same request (same Idempotency-Key and X-Request-Id).
    gw = api.gateway
    gw.on(
        "POST",
        PATH,
        gw.reply_error(status, "upstream_error", "busy", headers=headers),
        gw.reply_sse(gw.bodies.chat_chunks()),
    )

    chunks = await api.collect(stream)

    assert chunks
    assert len(gw.requests) == 2
    first, second = gw.requests
    for name in ("idempotency-key", "x-request-id"):
        assert first.headers[name] == second.headers[name]
    assert len(api.sleeps) == 1


async def test_a_stream_asked_to_wait_longer_than_max_retry_wait_is_not_retried(api: Api) -> None:
    gw = api.gateway
    gw.on(
        "POST",
        PATH,
        gw.reply_error(429, "rate_limit_exceeded", "slow down", headers={"Retry-After": "3600"}),
        gw.reply_sse(gw.bodies.chat_chunks()),
    )

    with pytest.raises(MeshAPIError) as info:
        await api.collect(stream)

    assert (info.value.status, info.value.retry_after_seconds) == (429, 3600)
    assert len(gw.requests) == 1
    assert api.sleeps == []


async def test_a_stream_whose_connection_failed_before_any_byte_is_retried(api: Api) -> None:
    gw = api.gateway
    gw.on(
        "POST",
        PATH,
        gw.reply_raises(httpx.ConnectError, "[Errno 111] Connection refused"),
        gw.reply_sse(gw.bodies.chat_chunks()),
    )

    chunks = await api.collect(stream)

    assert len(gw.requests) == 2
    assert len({s.headers["idempotency-key"] for s in gw.requests}) == 1
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Hello"


# -- errors from bodies ----------------------------------------------------------------------

HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body></html>"
)


class ErrorCase:
    def __init__(
        self,
        responder: Callable[[Any], Any],
        cls: Type[MeshAPIError],
        status: int,
        code: str,
        message: str,
        request_id: Optional[str],
        details: Optional[List[Any]] = None,
    ) -> None:
        self.responder = responder
        self.cls = cls
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.details = details


PER_MODEL = [
    {"model": "openai/gpt-4o-mini", "error": "timed out", "error_code": "upstream_error"},
    {"model": "anthropic/claude-sonnet-4.5", "error": "overloaded", "error_code": "upstream_error"},
]
VALIDATION = [{"loc": ["body", "messages"], "msg": "Field required", "type": "missing"}]

ERROR_CASES: Dict[str, ErrorCase] = {
    "envelope-with-body-request-id": ErrorCase(
        lambda gw: gw.reply_error(
            402, "spend_limit_exceeded", "Account balance is zero", request_id="req_FROMBODY"
        ),
        PaymentRequiredError,
        402,
        "spend_limit_exceeded",
        "Account balance is zero",
        "req_FROMBODY",
    ),
    "fastapi-404-detail": ErrorCase(
        lambda gw: gw.reply_json(
            {"detail": "Not Found"}, 404, headers={"x-request-id": "req_FROMHEADER"}
        ),
        NotFoundError,
        404,
        "not_found",
        "Not Found",
        "req_FROMHEADER",
    ),
    "fastapi-422-list-detail": ErrorCase(
        lambda gw: gw.reply_json(
            {"detail": VALIDATION}, 422, headers={"x-request-id": "req_FROMHEADER"}
        ),
        UnprocessableEntityError,
        422,
        "validation_error",
        "messages: Field required",
        "req_FROMHEADER",
        VALIDATION,
    ),
    "compare-all-models-failed": ErrorCase(
        lambda gw: gw.reply_json(
            {
                "detail": {
                    "error": {
                        "code": "all_models_failed",
                        "message": "All 2 models failed",
                        "details": PER_MODEL,
                    },
                    "request_id": "req_COMPARE",
                }
            },
            502,
        ),
        InternalServerError,
        502,
        "all_models_failed",
        "All 2 models failed",
        "req_COMPARE",
        PER_MODEL,
    ),
    "html-502-page": ErrorCase(
        lambda gw: gw.reply_raw(
            HTML_502, 502, "text/html", headers={"x-request-id": "req_FROMHEADER"}
        ),
        InternalServerError,
        502,
        "upstream_error",
        "502 Bad Gateway",
        "req_FROMHEADER",
    ),
    "empty-body": ErrorCase(
        lambda gw: gw.reply_raw(b"", 400, "", headers={"x-request-id": "req_FROMHEADER"}),
        BadRequestError,
        400,
        "invalid_request",
        "empty body",
        "req_FROMHEADER",
    ),
}


@pytest.mark.parametrize("case", list(ERROR_CASES.values()), ids=list(ERROR_CASES))
async def test_error_bodies_become_the_right_error_with_status_code_message_and_request_id(
    api: Api, case: ErrorCase
) -> None:
    client = api.make(max_retries=0)
    api.gateway.on("POST", PATH, case.responder(api.gateway))

    with pytest.raises(case.cls) as info:
        await api.call(create, client)

    err = info.value
    assert (err.status, err.error_code, err.request_id) == (case.status, case.code, case.request_id)
    assert case.message in err.message
    assert err.details == case.details
    text = str(err)
    for part in (str(case.status), case.code, case.message, str(case.request_id)):
        assert part in text


async def test_without_a_request_id_from_the_server_the_clients_own_is_reported(
    api: Api,
) -> None:
    client = api.make(max_retries=0)
    api.gateway.echo_request_id = False
    api.gateway.on("POST", PATH, api.gateway.reply_error(409, "conflict", "name taken"))

    with pytest.raises(ConflictError) as info:
        await api.call(create, client)

    sent = api.gateway.last.headers["x-request-id"]
    assert info.value.request_id == sent
    assert sent in str(info.value)


# -- invalid responses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, verb, path, body, field",
    [
        (create, "POST", PATH, {"object": "chat.completion", "choices": []}, "id"),
        (
            lambda c: c.models.list(),
            "GET",
            "/v1/models",
            [{"id": "openai/gpt-4o"}, {"name": "no id"}],
            "1.id",
        ),
        (lambda c: c.templates.get("t1"), "GET", "/v1/templates/t1", {"id": "t1"}, "name"),
        (lambda c: c.batches.get("b1"), "GET", "/v1/batches/b1", {"id": "b1"}, "status"),
        (
            create,
            "POST",
            PATH,
            {"id": "c1", "object": "chat.completion", "model": "a/b", "choices": []},
            "created",
        ),
        (
            lambda c: c.rag.list(),
            "GET",
            "/v1/files",
            {"files": [], "limit": 20, "offset": 0},
            "total",
        ),
        (
            lambda c: c.rag.search({"query": "q"}),
            "POST",
            "/v1/files/search",
            {"results": [{"score": "high", "text": "x"}]},
            "results.0.score",
        ),
    ],
    ids=[
        "chat-missing-id",
        "models-item-missing-id",
        "template-missing-name",
        "batch-missing-status",
        "chat-missing-created",
        "rag-list-missing-total",
        "search-bad-score",
    ],
)
async def test_a_200_body_not_matching_its_model_raises_invalid_response_naming_the_field(
    api: Api, call: Call, verb: str, path: str, body: Any, field: str
) -> None:
    api.gateway.on(verb, path, api.gateway.reply_json(body))

    with pytest.raises(InvalidResponseError) as info:
        await api.call(call)

    err = info.value
    assert err.error_code == "invalid_response"
    assert err.status == 200
    assert f"{field}:" in err.message
    assert REQUEST_ID.match(err.request_id or "")
    assert len(api.gateway.requests) == 1


async def test_a_200_html_body_raises_invalid_response_saying_it_is_not_json(api: Api) -> None:
    api.gateway.on(
        "POST", PATH, api.gateway.reply_raw(b"<html><body>Welcome</body></html>", 200, "text/html")
    )

    with pytest.raises(InvalidResponseError) as info:
        await api.call(create)

    assert info.value.error_code == "invalid_response"
    assert "not valid JSON" in info.value.message
    assert "<html>" in info.value.message
    assert isinstance(info.value, MeshAPIError)


async def test_an_invalid_response_reports_the_clients_request_id_when_the_server_sends_none(
    api: Api,
) -> None:
    api.gateway.echo_request_id = False
    api.gateway.on("POST", PATH, api.gateway.reply_json({"choices": []}))

    with pytest.raises(InvalidResponseError) as info:
        await api.call(create)

    assert info.value.request_id == api.gateway.last.headers["x-request-id"]
