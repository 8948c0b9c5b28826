"""Client-side model fallback over real sockets, failures injected with the gateway's faults:
502/503/504 and model_not_found fall back (calls and streams, before the first chunk), auth and
rate-limit errors never do; the answer's _meta says which model served and which were tried."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from meshapi import AuthenticationError, InternalServerError, RateLimitError

A = "openai/gpt-4o-mini"
B = "anthropic/claude-haiku-4.5"
MISSING = "nobody/no-such-model"


def ask(model: str = A) -> Any:
    return {"model": model, "messages": [{"role": "user", "content": "Say hi."}]}


async def test_a_503_falls_back_to_the_next_model(api: Any, faults: Any, wire: Any) -> None:
    client = api.make(max_retries=0, wire=wire)
    faults.fail_next(1, 503)
    reply = await api.call(lambda c: c.chat.completions.create(ask(), fallback_models=[B]), client)
    assert reply.model == B
    assert reply._meta.model == B and reply._meta.models_tried == (A, B)
    import json

    assert [json.loads(r.content)["model"] for r in wire.requests] == [A, B]


async def test_model_not_found_falls_back_and_keyword_calls_work(api: Any) -> None:
    reply = await api.call(
        lambda c: c.chat.completions.create(
            model=MISSING, messages=[{"role": "user", "content": "Hi"}], fallback_models=[A]
        )
    )
    assert reply._meta.model == A and reply._meta.models_tried == (MISSING, A)


async def test_auth_and_rate_limit_errors_never_fall_back(api: Any, faults: Any) -> None:
    client = api.make(max_retries=0)
    faults.fail_next(1, 401)
    err = await api.raises(
        AuthenticationError, lambda c: c.chat.completions.create(ask(), fallback_models=[B]), client
    )
    assert err.models_tried == [A]
    faults.fail_next(1, 429)
    await api.raises(
        RateLimitError, lambda c: c.chat.completions.create(ask(), fallback_models=[B]), client
    )


async def test_every_model_failing_raises_the_last_error(api: Any, faults: Any) -> None:
    client = api.make(max_retries=0)
    faults.fail_next(2, 502)
    err = await api.raises(
        InternalServerError,
        lambda c: c.chat.completions.create(ask(), fallback_models=[B]),
        client,
    )
    assert err.status == 502 and err.models_tried == [A, B]


async def test_the_client_default_and_parse(api: Any, faults: Any) -> None:
    class Greeting(BaseModel):
        text: str

    client = api.make(max_retries=0, fallback_models=[B])
    faults.fail_next(1, 504)
    reply = await api.call(
        lambda c: c.chat.completions.parse(ask(), response_format=Greeting), client
    )
    assert isinstance(reply.choices[0].message.parsed, Greeting)
    assert reply._meta.models_tried == (A, B)
    faults.fail_next(1, 503)
    response = await api.call(
        lambda c: c.responses.create({"model": "openai/gpt-5-mini", "input": "Hi"}), client
    )
    assert response._meta.models_tried == ("openai/gpt-5-mini", B)


async def test_a_stream_falls_back_before_its_first_chunk(api: Any, faults: Any) -> None:
    client = api.make(max_retries=0)
    faults.fail_next(1, 503)  # refused at open
    stream = client.chat.completions.stream(ask(), fallback_models=[B])
    final = await api.call(lambda c: stream.get_final_completion())
    assert final.model == B and stream._meta.models_tried == (A, B)

    faults.inband_error("upstream_error", after=0)  # an error frame before any chunk
    stream = client.chat.completions.stream(ask(), fallback_models=[B])
    texts = [t async for t in stream.text_deltas()] if api.is_async else list(stream.text_deltas())
    assert texts and stream.current_completion_snapshot.model == B


async def test_a_stream_that_fails_after_output_does_not_fall_back(api: Any, faults: Any) -> None:
    client = api.make(max_retries=0)
    faults.inband_error("upstream_error", after=2)
    stream = client.chat.completions.stream(ask(), fallback_models=[B])
    chunks, err = await api.collect_until_error(lambda c: stream, client)
    assert len(chunks) == 2 and err.error_code == "upstream_error"
