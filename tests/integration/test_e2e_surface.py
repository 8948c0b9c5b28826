"""The everyday surface over real sockets, sync and async from one body: keyword arguments,
per-call options, ``_meta``, raw and streaming responses, ``with_options``, logging, errors."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

import httpx
import pytest
from conftest import Api, WireLog

from meshapi import (
    APIResponse,
    AsyncAPIResponse,
    ChatCompletionParams,
    ChatCompletionResponse,
    ClientClosedError,
    InvalidRequestError,
    MeshAPIError,
    ResponseMeta,
)
from meshapi.testing import FaultController, LocalGateway

MODEL = "openai/gpt-4o-mini"
MESSAGES: List[Dict[str, Any]] = [{"role": "user", "content": "Say hi"}]


async def test_keyword_arguments_send_the_same_body_as_a_params_object(api: Api) -> None:
    wire = WireLog()
    client = api.make(wire=wire)
    by_object = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(model=MODEL, messages=MESSAGES, temperature=0, seed=1)
        ),
        client,
    )
    by_keywords = await api.call(
        lambda c: c.chat.completions.create(model=MODEL, messages=MESSAGES, temperature=0, seed=1),
        client,
    )
    assert isinstance(by_keywords, ChatCompletionResponse)
    assert wire.requests[0].content == wire.requests[1].content
    assert by_keywords.choices[0].message.content == by_object.choices[0].message.content


async def test_keyword_arguments_work_on_streams_and_path_methods(api: Api, own_key: str) -> None:
    client = api.make(token=own_key)
    chunks = await api.collect(
        lambda c: c.chat.completions.stream(model=MODEL, messages=MESSAGES), client
    )
    assert chunks and chunks[-1].usage is not None
    made = await api.call(
        lambda c: c.templates.create(name="kw-template", system="Be brief.", model=MODEL), client
    )
    changed = await api.call(lambda c: c.templates.update(made.id, description="new"), client)
    assert changed.description == "new"


async def test_a_params_object_and_keywords_together_are_refused_before_sending(api: Api) -> None:
    wire = WireLog()
    client = api.make(wire=wire)
    err = await api.raises(
        InvalidRequestError,
        lambda c: c.chat.completions.create({"model": MODEL, "messages": MESSAGES}, seed=1),
        client,
    )
    assert "not both" in str(err) and "seed" in str(err)
    assert isinstance(err, ValueError) and isinstance(err, MeshAPIError)
    assert wire.requests == []


async def test_a_typo_in_a_nested_dict_is_refused_naming_it(api: Api) -> None:
    err = await api.raises(
        InvalidRequestError,
        lambda c: c.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "contnet": "hi"}]
        ),
    )
    assert "messages.0.contnet: unknown field" in str(err)


async def test_per_call_options_reach_the_wire(api: Api) -> None:
    wire = WireLog()
    client = api.make(wire=wire)
    await api.call(
        lambda c: c.chat.completions.create(
            model=MODEL,
            messages=MESSAGES,
            extra_headers={"X-Trace": "t-1"},
            extra_query={"trace": "q-1"},
            extra_body={"top_k": 3},
            idempotency_key="idem-123",
            timeout=30,
            max_retries=0,
        ),
        client,
    )
    sent = wire.requests[0]
    assert sent.headers["x-trace"] == "t-1"
    assert sent.headers["idempotency-key"] == "idem-123"
    assert sent.url.params["trace"] == "q-1"
    assert b'"top_k":3' in sent.content
    assert sent.extensions["timeout"]["read"] == 30


async def test_per_call_max_retries_replaces_the_clients(api: Api, faults: FaultController) -> None:
    client = api.make(max_retries=3)
    faults.fail_next(1, 503, retry_after=0)
    err = await api.raises(MeshAPIError, lambda c: c.models.list(max_retries=0), client)
    assert err.status == 503
    faults.fail_next(1, 503, retry_after=0)
    models = await api.call(lambda c: c.models.list(), client)
    assert models


async def test_timeout_none_and_infinite_timeouts_work(api: Api) -> None:
    client = api.make(timeout=None)
    assert (await api.call(lambda c: c.models.get(MODEL), client)).id == MODEL
    reply = await api.call(lambda c: c.models.get(MODEL, timeout=float("inf")))
    assert reply.id == MODEL
    huge = api.make(timeout=1e300)
    assert (await api.call(lambda c: c.models.free(), huge)) is not None


async def test_every_answer_page_and_stream_says_how_it_arrived(
    api: Api, faults: FaultController
) -> None:
    faults.fail_next(1, 503, retry_after=0)
    reply = await api.call(lambda c: c.chat.completions.create(model=MODEL, messages=MESSAGES))
    meta = reply._meta
    assert isinstance(meta, ResponseMeta)
    assert meta.status_code == 200 and meta.retries == 1 and meta.elapsed > 0
    assert meta.request_id and meta.request_id.startswith("req_")
    assert meta.routing["model"] == MODEL and meta.resolved_model == MODEL
    assert meta.headers["content-type"].startswith("application/json")

    page = await api.call(lambda c: c.batches.list(limit=1))
    assert page._meta is not None and page._meta.status_code == 200

    stream = api.client.chat.completions.stream(model=MODEL, messages=MESSAGES)
    assert stream._meta is None  # not open yet
    chunks = await api.collect(lambda c: stream)
    assert chunks and stream._meta is not None and stream._meta.request_id == stream.request_id


async def test_with_raw_response_gives_the_http_response_and_the_parsed_answer(api: Api) -> None:
    raw = await api.call(
        lambda c: c.with_raw_response.chat.completions.create(model=MODEL, messages=MESSAGES)
    )
    assert isinstance(raw, (APIResponse, AsyncAPIResponse))
    assert isinstance(raw.http_response, httpx.Response)
    assert raw.status_code == 200 and raw.headers["x-request-id"] == raw.request_id
    parsed = await api.call(lambda c: raw.parse())
    assert isinstance(parsed, ChatCompletionResponse)
    assert parsed._meta is not None and parsed._meta.request_id == raw.request_id


async def test_with_streaming_response_leaves_the_body_unread_until_asked(api: Api) -> None:
    if api.is_async:
        async with api.client.with_streaming_response.models.get(MODEL) as response:
            assert not response.http_response.is_stream_consumed
            parsed = await response.parse()
    else:
        with api.client.with_streaming_response.models.get(MODEL) as response:
            assert not response.http_response.is_stream_consumed
            parsed = response.parse()
    assert parsed.id == MODEL
    assert response.http_response.is_closed


async def test_a_stream_method_refuses_a_response_mode(api: Api) -> None:
    err = await api.raises(
        InvalidRequestError,
        lambda c: c.with_raw_response.chat.completions.stream(model=MODEL, messages=MESSAGES),
    )
    assert "stream.response" in str(err)


async def test_with_options_shares_the_connection_pool(api: Api) -> None:
    client = api.make()
    quick = client.with_options(timeout=5, max_retries=0, default_headers={"X-Team": "a"})
    assert quick._http.client is client._http.client
    assert quick._http.timeout.read == 5 and quick._http.max_retries == 0
    assert (await api.call(lambda c: c.models.get(MODEL), quick)).id == MODEL
    await api.call(lambda c: c.close(), quick)  # closing the copy leaves the pool open
    assert (await api.call(lambda c: c.models.get(MODEL), client)).id == MODEL


async def test_a_closed_client_says_so(api: Api) -> None:
    client = api.make()
    await api.call(lambda c: c.close(), client)
    err = await api.raises(ClientClosedError, lambda c: c.models.list(), client)
    assert "closed" in str(err)


async def test_api_key_is_accepted_as_well_as_token(api: Api, gw: LocalGateway) -> None:
    client = api.make(token=None, api_key=gw.api_key)
    assert (await api.call(lambda c: c.models.get(MODEL), client)).id == MODEL


async def test_logs_never_hold_the_key_or_a_signature(
    api: Api, own_key: str, faults: FaultController, caplog: pytest.LogCaptureFixture
) -> None:
    client = api.make(token=own_key)
    with caplog.at_level(logging.DEBUG, logger="meshapi"):
        faults.fail_next(1, 503, retry_after=0)
        await api.call(lambda c: c.chat.completions.create(model=MODEL, messages=MESSAGES), client)
        await api.call(
            lambda c: c.rag.upload_file(
                file_name="a.txt", mime_type="text/plain", content=b"hello", embed=False
            ),
            client,
        )
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert own_key not in text
    assert "signature=REDACTED" in text  # the signed URL was logged, its signature was not
    assert "signature=" not in text.replace("signature=REDACTED", "")
    info = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    request_lines = [m for m in info if "/v1/chat/completions -> 200" in m]
    assert len(request_lines) == 1
    assert "1 retries" in request_lines[0] and "request_id=req_" in request_lines[0]
    assert any(m.startswith("retrying POST") and "status 503" in m for m in info)
    assert any(
        r.levelno == logging.DEBUG and '"messages"' in r.getMessage() for r in caplog.records
    )


async def test_nothing_is_logged_unless_asked(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="meshapi"):
        await api.call(lambda c: c.models.get(MODEL))
    assert [r for r in caplog.records if r.name.startswith("meshapi")] == []
