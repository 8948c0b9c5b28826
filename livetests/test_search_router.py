"""Moderations, web search, router select, model search and stored responses.

Against a real gateway, web search and the router may be switched off (``WEB_SEARCH_ENABLED``,
``AUTO_ROUTER_ENABLED``) and moderation may be unavailable: those answer 403/404/501/503, and
the test is skipped saying so. Against the local gateway every one of them must work.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

import pytest

from meshapi import MeshAPIError, ModelSearchParams, ResponsesParams

from .config import LiveConfig

UNAVAILABLE = {403, 404, 501, 503}


async def _or_skip(config: LiveConfig, what: str, call: Callable[[], Awaitable[Any]]) -> Any:
    try:
        return await call()
    except MeshAPIError as exc:
        if config.local or exc.status not in UNAVAILABLE:
            raise
        pytest.skip(f"{what} is unavailable on this gateway ({exc.status} {exc.error_code})")


async def test_moderations_one_result_per_input(api: Any, config: LiveConfig) -> None:
    result = await _or_skip(
        config,
        "moderation",
        lambda: api.call(
            lambda c: c.moderations.create({"input": ["I will kill you.", "Have a nice day."]})
        ),
    )
    assert len(result.results) == 2
    assert result.results[0].flagged and not result.results[1].flagged
    assert result.results[0].category_scores


async def test_web_search(api: Any, config: LiveConfig) -> None:
    res = await _or_skip(
        config,
        "web search",
        lambda: api.call(lambda c: c.web.search({"query": "Mars rover", "max_results": 3})),
    )
    assert res.provider and len(res.results) <= 3
    assert all(hit.url.startswith("http") for hit in res.results)


async def test_router_select(api: Any, config: LiveConfig) -> None:
    messages = [{"role": "user", "content": "Prove that 2+2=4."}]
    sel = await _or_skip(
        config,
        "the auto router",
        lambda: api.call(lambda c: c.router.select({"messages": messages})),
    )
    assert "/" in sel.model
    excluded = await api.call(
        lambda c: c.router.select({"messages": messages, "exclude_models": [sel.model]})
    )
    assert excluded.model != sel.model or excluded.auto_router.fallback_used


async def test_models_search_and_get(api: Any, config: LiveConfig) -> None:
    page = await api.call(lambda c: c.models.search(ModelSearchParams(q="gpt", limit=5)))
    assert page.limit == 5 and len(page.items) <= 5 and page.total >= len(page.items)
    assert page.brands
    model = await api.call(lambda c: c.models.get(config.model))
    assert model.id == config.model


async def test_stored_response_is_retrievable(api: Any, config: LiveConfig) -> None:
    reply = await api.call(
        lambda c: c.responses.create(
            ResponsesParams(model=config.model, input="Say hi.", store=True)
        )
    )
    fetched = await api.call(lambda c: c.responses.get(reply.id))
    assert fetched.id == reply.id
    page = await api.call(lambda c: c.responses.list(limit=5))
    assert len(page.data) <= 5
