"""The model catalogue and account errors (401/402/403/404/429) over real sockets."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from meshapi import (
    AuthenticationError,
    ChatCompletionParams,
    ChatMessage,
    ModelInfo,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
)
from meshapi.testing import LocalGateway


def new_key() -> str:
    return "rsk_" + secrets.token_hex(24)


CHAT = ChatCompletionParams(
    model="openai/gpt-4o-mini", messages=[ChatMessage(role="user", content="Hello")]
)


async def test_list_free_and_paid_partition_the_catalogue(api: Any) -> None:
    every = await api.call(lambda c: c.models.list())
    assert every and all(isinstance(m, ModelInfo) for m in every)
    assert all("/" in m.id for m in every)
    free = await api.call(lambda c: c.models.free())
    paid = await api.call(lambda c: c.models.paid())
    assert free and paid
    assert all(m.is_free for m in free) and not any(m.is_free for m in paid)
    assert sorted(m.id for m in free + paid) == sorted(m.id for m in every)
    listed_free = await api.call(lambda c: c.models.list(free=True))
    listed_paid = await api.call(lambda c: c.models.list(free=False))
    assert [m.id for m in listed_free] == [m.id for m in free]
    assert [m.id for m in listed_paid] == [m.id for m in paid]
    kinds = {m.model_type for m in every}
    assert {"chat", "reasoning", "embedding", "image", "audio", "realtime"} <= kinds


@pytest.mark.parametrize("model_id", ["openai/gpt-4o", "google/gemini-2.0-flash-exp:free"])
async def test_get_keeps_the_slash_of_the_model_id(api: Any, model_id: str) -> None:
    model = await api.call(lambda c: c.models.get(model_id))
    assert model.id == model_id
    assert model.context_length and model.context_length > 0
    assert model.pricing is not None
    listed = {m.id: m for m in await api.call(lambda c: c.models.list())}
    assert listed[model_id].model_dump() == model.model_dump()


async def test_unknown_model_is_not_found(api: Any) -> None:
    err = await api.raises(NotFoundError, lambda c: c.models.get("nobody/no-such-model"))
    assert err.status == 404 and err.request_id
    err = await api.raises(
        NotFoundError,
        lambda c: c.chat.completions.create(CHAT.model_copy(update={"model": "nobody/x"})),
    )
    assert err.error_code == "model_not_found"


CALLS = {
    "models.list": lambda c: c.models.list(),
    "chat.create": lambda c: c.chat.completions.create(CHAT),
    "chat.stream": lambda c: c.chat.completions.stream(CHAT),
}


@pytest.mark.parametrize("call", list(CALLS), ids=list(CALLS))
async def test_unknown_key_is_401(api: Any, call: str, assert_no_secret: Any) -> None:
    bad = new_key()
    client = api.make(token=bad)
    err = await api.raises(AuthenticationError, CALLS[call], client)
    assert err.status == 401 and err.error_code == "unauthorized"
    assert err.request_id and err.request_id.startswith("req_")
    assert_no_secret(err, bad, api.gw.api_key)
    assert bad not in repr(client)


@pytest.mark.parametrize("call", list(CALLS), ids=list(CALLS))
async def test_suspended_key_is_403(api: Any, call: str, assert_no_secret: Any) -> None:
    key = new_key()
    api.gw.add_key(key, suspended=True)
    err = await api.raises(PermissionDeniedError, CALLS[call], api.make(token=key))
    assert err.status == 403 and err.error_code == "forbidden"
    assert_no_secret(err, key)


@pytest.mark.parametrize("call", list(CALLS), ids=list(CALLS))
async def test_key_without_balance_is_402(api: Any, call: str, assert_no_secret: Any) -> None:
    key = new_key()
    api.gw.add_key(key, balance_usd=0.0)
    err = await api.raises(PaymentRequiredError, CALLS[call], api.make(token=key))
    assert err.status == 402 and err.error_code == "spend_limit_exceeded"
    assert_no_secret(err, key)


async def test_rpm_limit_raises_rate_limit_error_with_the_wait(
    api: Any, assert_no_secret: Any
) -> None:
    key = new_key()
    api.gw.add_key(key, rpm=2)
    # The wait a per-minute limit asks for is longer than this client will sleep.
    client = api.make(token=key, max_retry_wait=0.5)
    for _ in range(2):
        await api.call(lambda c: c.models.list(), client)
    err = await api.raises(RateLimitError, lambda c: c.models.list(), client)
    assert err.status == 429 and err.error_code == "rate_limit_exceeded"
    assert err.retry_after_seconds is not None and 0.5 < err.retry_after_seconds <= 60
    assert_no_secret(err, key)


async def test_keys_given_to_the_gateway_constructor_are_enforced(api: Any) -> None:
    suspended, broke, limited = new_key(), new_key(), new_key()
    with LocalGateway(
        api_keys=[
            {"key": suspended, "suspended": True},
            {"key": broke, "balance_usd": 0.0},
            {"key": limited, "rpm": 1},
        ]
    ) as other:

        def on_other(key: str, **options: Any) -> Any:
            return api.make(base_url=other.base_url, token=key, **options)

        await api.raises(PermissionDeniedError, lambda c: c.models.list(), on_other(suspended))
        await api.raises(PaymentRequiredError, lambda c: c.models.list(), on_other(broke))
        limited_client = on_other(limited, max_retry_wait=0.5)
        await api.call(lambda c: c.models.list(), limited_client)
        await api.raises(RateLimitError, lambda c: c.models.list(), limited_client)
        primary = await api.call(lambda c: c.models.list(), on_other(other.api_key))
        assert primary
