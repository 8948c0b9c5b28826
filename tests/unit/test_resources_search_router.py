"""Moderations, web search, router select, model search/get/list filters and stored responses:
the exact request on the wire (query encoding, encoded ids, the fields always sent), client-side
refusals, and the 0.1.11 public names of these groups, built from their published fields."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict

import pytest
from pydantic import BaseModel

import meshapi
from meshapi import (
    ChatMessage,
    InputAudio,
    InvalidRequestError,
    ModelSearchParams,
    ModelsPage,
    ModerationParams,
    ModerationResponse,
    MultimodalEmbeddingInput,
    ResponsesListResponse,
    ResponsesParams,
    RouterSelectParams,
    RouterSelectResponse,
    WebSearchParams,
    WebSearchResponse,
)

if TYPE_CHECKING:
    from fake_gateway import Api, FakeGateway

PAGE = {"items": [], "total": 0, "limit": 10, "offset": 20, "brands": ["OpenAI"]}


async def test_model_search_query_repeats_list_keys_and_spells_booleans(
    api: Api, gateway: FakeGateway
) -> None:
    gateway.on("GET", "/v1/models/search", gateway.reply_json(PAGE))
    params = ModelSearchParams(
        q="gpt 4o",
        free=False,
        discounted=True,
        input_modality=["text", "image"],
        brand=["OpenAI", "Google"],
        sort="name",
        order="desc",
        limit=10,
        offset=20,
    )
    page = await api.call(lambda c: c.models.search(params))
    assert isinstance(page, ModelsPage) and page.brands == ["OpenAI"]
    seen = gateway.last
    assert seen.raw_path == "/v1/models/search"
    assert seen.url.query.decode() == (
        "q=gpt+4o&free=false&discounted=true&input_modality=text&input_modality=image"
        "&brand=OpenAI&brand=Google&sort=name&order=desc&limit=10&offset=20"
    )
    await api.call(lambda c: c.models.search())
    assert gateway.last.url.query == b""


async def test_model_search_refuses_bad_queries_before_sending(
    api: Api, gateway: FakeGateway
) -> None:
    before = len(gateway.requests)
    with pytest.raises(InvalidRequestError, match="limit"):
        await api.call(lambda c: c.models.search({"limit": 0}))
    with pytest.raises(InvalidRequestError, match="brands"):
        await api.call(lambda c: c.models.search(brands=["x"]))  # a typo of `brand`
    with pytest.raises(InvalidRequestError, match="sort"):
        await api.call(lambda c: c.models.search({"sort": "price"}))
    with pytest.raises(TypeError, match="expects a ModelSearchParams"):
        await api.call(lambda c: c.models.search("gpt"))
    with pytest.raises(InvalidRequestError, match="params object and the keyword"):
        await api.call(lambda c: c.models.search({"q": "a"}, q="b"))
    assert len(gateway.requests) == before


async def test_models_list_filters_and_get_encoding(api: Api, gateway: FakeGateway) -> None:
    await api.call(lambda c: c.models.list(free=True, type="text", provider="openai"))
    assert gateway.last.url.query.decode() == "free=true&type=text&provider=openai"
    await api.call(lambda c: c.models.list())
    assert gateway.last.url.query == b""
    with pytest.raises(ValueError, match="type must be one of text, embedding"):
        await api.call(lambda c: c.models.list(type="chat"))
    with pytest.raises(ValueError, match="provider must be a non-empty string"):
        await api.call(lambda c: c.models.list(provider=" "))
    gateway.on("GET", "/v1/models/{mid:path}", gateway.reply_json(gateway.bodies.model_info()))
    await api.call(lambda c: c.models.get("google/gemini-2.0-flash-exp:free"))
    assert gateway.last.raw_path == "/v1/models/google/gemini-2.0-flash-exp%3Afree"
    with pytest.raises(ValueError, match="invalid model id"):
        await api.call(lambda c: c.models.get("openai/"))


async def test_responses_list_and_get(api: Api, gateway: FakeGateway) -> None:
    listing = {"object": "list", "data": [{"id": "resp_1", "status": "completed"}],
               "has_more": False, "first_id": "resp_1", "last_id": "resp_1"}  # fmt: skip
    gateway.on("GET", "/v1/responses", gateway.reply_json(listing))
    gateway.on(
        "GET", "/v1/responses/{rid}", gateway.reply_json(gateway.bodies.responses_response())
    )
    page = await api.call(lambda c: c.responses.list(after="resp_0", limit=5))
    assert isinstance(page, ResponsesListResponse) and page.data[0].status == "completed"
    assert gateway.last.url.query.decode() == "after=resp_0&limit=5"
    await api.call(lambda c: c.responses.get("../admin"))
    assert gateway.last.raw_path == "/v1/responses/..%2Fadmin"
    await api.call(lambda c: c.responses.get("resp_a/b?c"))
    assert gateway.last.raw_path == "/v1/responses/resp_a%2Fb%3Fc"
    with pytest.raises(ValueError, match="limit must be between 1 and 100"):
        await api.call(lambda c: c.responses.list(limit=0))
    with pytest.raises(ValueError, match="must not be empty"):
        await api.call(lambda c: c.responses.get(""))


MODERATION = {"id": "modr-1", "model": "omni-moderation-latest",
              "results": [{"flagged": False, "categories": {}, "category_scores": {}}]}  # fmt: skip
WEB = {"query": "q", "answer": None, "results": [{"title": "t", "url": "https://u"}],
       "provider": "native"}  # fmt: skip
ROUTER = {"model": "openai/o4-mini", "auto_router": {"fallback_used": False}}


async def test_the_fields_always_sent(api: Api, gateway: FakeGateway) -> None:
    gateway.on("POST", "/v1/moderations", gateway.reply_json(MODERATION))
    gateway.on("POST", "/v1/web/search", gateway.reply_json(WEB))
    gateway.on("POST", "/v1/router/select", gateway.reply_json(ROUTER))
    result = await api.call(lambda c: c.moderations.create(ModerationParams(input="hi")))
    assert isinstance(result, ModerationResponse)
    assert gateway.last.json == {"input": "hi", "model": "omni-moderation-latest"}
    res = await api.call(lambda c: c.web.search(WebSearchParams(query="q")))
    assert isinstance(res, WebSearchResponse) and res.request_id == ""
    assert gateway.last.json == {
        "query": "q",
        "max_results": 5,
        "search_depth": "basic",
        "include_answer": False,
    }
    sel = await api.call(
        lambda c: c.router.select(
            RouterSelectParams(messages=[ChatMessage(role="user", content="x")])
        )
    )
    assert isinstance(sel, RouterSelectResponse) and sel.reasoning_effort is None
    assert gateway.last.json == {
        "messages": [{"role": "user", "content": "x"}],
        "api_type": "completions",
    }
    assert [s.raw_path for s in gateway.requests[-3:]] == [
        "/v1/moderations",
        "/v1/web/search",
        "/v1/router/select",
    ]


@pytest.mark.parametrize(
    ("build", "needle"),
    [
        (lambda: ModerationParams(input=[]), "at least one"),
        (lambda: ModerationParams(input=[{"type": "text"}]), "needs text"),
        (lambda: ModerationParams(input=[{"type": "image_url"}]), "needs image_url"),
        (lambda: ModerationParams(input="x", modle="y"), "modle"),
        (lambda: WebSearchParams(query=""), "query"),
        (lambda: WebSearchParams(query="x" * 2001), "query"),
        (lambda: WebSearchParams(query="x", max_results=21), "max_results"),
        (lambda: WebSearchParams(query="x", search_depth="deep"), "search_depth"),
        (lambda: WebSearchParams(query="x", provider="bing"), "provider"),
        (lambda: RouterSelectParams(messages=[]), "messages"),
        (lambda: RouterSelectParams(messages=[{"role": "user"}], api_type="images"), "api_type"),
        (lambda: InputAudio(format="wav"), "exactly one of data"),
        (lambda: InputAudio(format="wav", data="AA==", url="https://a"), "data, url"),
        (lambda: MultimodalEmbeddingInput(type="image_url"), "needs image_url"),
        (lambda: ResponsesParams(input="x", max_tool_calls=11), "max_tool_calls"),
        (lambda: ResponsesParams(input="x", user="u" * 257), "user"),
        (lambda: meshapi.EmbeddingsParams(model="m", input="x", dimensions=0), "dimensions"),
        (lambda: meshapi.ImageGenerationParams(prompt="p", seed=-2), "seed"),
        (lambda: meshapi.ChatCompletionParams(messages=[], timeout=0), "timeout"),
        (lambda: meshapi.ChatCompletionParams(messages=[], reasoning_effort="max"), "reasoning"),
    ],
)
def test_bad_input_is_refused_naming_what_is_wrong(build: Any, needle: str) -> None:
    with pytest.raises(InvalidRequestError, match=needle):
        build()


# The 0.1.11 public names of these groups, each built from its published fields.
BUILT: Dict[str, Dict[str, Any]] = {
    "ContentPartVideo": {"type": "video_url", "video_url": {"url": "https://v/x.mp4"}, "fps": "1"},
    "VideoUrl": {"url": "https://v/x.mp4"},
    "ImageEmbeddingUrl": {"url": "https://i/x.png"},
    "VideoEmbeddingUrl": {"url": "https://v/x.mp4"},
    "MultimodalEmbeddingInput": {"type": "text", "text": "t", "image_url": None,
                                 "video_url": None},
    "ModelSearchParams": {"q": "gpt", "free": True, "discounted": False,
                          "input_modality": ["text"], "output_modality": ["text"],
                          "brand": ["OpenAI"], "sort": "context_length", "order": "desc",
                          "limit": 5, "offset": 0},
    "ModelsPage": {"items": [{"id": "openai/gpt-4o", "name": "GPT-4o", "is_free": False}],
                   "total": 1, "limit": 5, "offset": 0, "brands": ["OpenAI"]},
    "ResponsesListItem": {"id": "resp_1", "object": "response", "model": "m", "provider": "p",
                          "status": "completed", "created_at": 1, "completed_at": 2,
                          "usage_synced": True},
    "ResponsesListResponse": {"object": "list", "data": [{"id": "resp_1"}], "has_more": True,
                              "first_id": "resp_1", "last_id": "resp_1"},
    "ModerationParams": {"input": "x", "model": "omni-moderation-latest"},
    "ModerationImageUrl": {"url": "https://i/x.png"},
    "ModerationInputItem": {"type": "image_url", "text": None,
                            "image_url": {"url": "https://i/x.png"}},
    "ModerationResult": {"flagged": True, "categories": {"violence": True},
                         "category_scores": {"violence": 0.9}},
    "ModerationResponse": {"id": "modr-1", "model": "m", "results": [{"flagged": False}]},
    "WebSearchParams": {"query": "q", "model": None, "provider": "tavily", "max_results": 20,
                        "search_depth": "advanced", "include_domains": ["a.example"],
                        "exclude_domains": ["b.example"], "include_answer": True},
    "WebSearchResultItem": {"title": "t", "url": "https://u", "content": "c", "score": 0.5,
                            "published_date": "2025-01-01"},
    "WebSearchResponse": {"query": "q", "answer": "a", "results": [], "provider": "native",
                          "request_id": "req_1"},
    "RouterSelectParams": {"messages": [{"role": "user", "content": "x"}],
                           "api_type": "embeddings", "exclude_models": ["openai/o3"]},
    "AutoRouterMeta": {"fallback_used": True, "fallback_reason": "no_rule_matched"},
    "RouterSelectResponse": {"model": "m", "auto_router": {"fallback_used": False},
                             "reasoning_effort": "low"},
}  # fmt: skip
RESOURCES = {
    "ModerationsResource": "moderations",
    "WebResource": "web",
    "RouterResource": "router",
}


@pytest.mark.parametrize("name", sorted(BUILT))
def test_each_0_1_11_name_imports_and_builds_from_its_listed_fields(name: str) -> None:
    cls = getattr(meshapi, name)
    assert name in meshapi.__all__
    assert issubclass(cls, BaseModel)
    # Every listed field is a declared field (not an extra kept from the wire) ...
    assert set(BUILT[name]) <= set(cls.model_fields), set(BUILT[name]) - set(cls.model_fields)
    built = cls.model_validate(BUILT[name])
    assert not built.model_extra
    # ... and holds what it was given (nested models dumped back, unset Nones left out).
    assert built.model_dump(exclude_unset=True) == BUILT[name]


@pytest.mark.parametrize(("name", "attribute"), sorted(RESOURCES.items()))
def test_the_resource_classes_are_the_client_namespaces(name: str, attribute: str) -> None:
    sync_cls, async_cls = getattr(meshapi, name), getattr(meshapi, "Async" + name)
    with meshapi.MeshAPI(base_url="http://127.0.0.1:9", token="rsk_x") as client:
        assert isinstance(getattr(client, attribute), sync_cls)
    client_async = meshapi.AsyncMeshAPI(base_url="http://127.0.0.1:9", token="rsk_x")
    assert isinstance(getattr(client_async, attribute), async_cls)


def test_upstream_timeout_goes_on_the_wire_as_timeout() -> None:
    from meshapi.resources.chat import CREATE

    messages = [{"role": "user", "content": "hi"}]
    by_keywords = CREATE.build(
        (), kwargs={"model": "m", "messages": messages, "upstream_timeout": 30, "timeout": 5}
    )
    assert by_keywords.body is not None and by_keywords.body["timeout"] == 30
    assert "upstream_timeout" not in by_keywords.body and by_keywords.timeout == 5
    as_in_0_1_11 = meshapi.ChatCompletionParams(model="m", messages=messages, timeout=30)
    assert as_in_0_1_11.to_wire()["timeout"] == 30
    responses = meshapi.ResponsesParams(input="x", upstream_timeout=12)
    assert responses.to_wire() == {"input": "x", "timeout": 12}


def test_reasoning_details_and_thought_signatures_go_back_on_the_next_turn() -> None:
    reply = meshapi.ChatCompletionResponse.model_validate(
        {
            "id": "c",
            "object": "chat.completion",
            "created": 1,
            "model": "google/gemini-3-flash-preview",
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": None,
                        "reasoning_details": [{"type": "reasoning.text", "text": "..."}],
                        "tool_calls": [
                            {
                                "id": "call_1",
                                "function": {"name": "f", "arguments": "{}"},
                                "thought_signature": "sig==",
                            }
                        ],
                    },
                }
            ],
        }
    )
    wire = reply.choices[0].message.to_param().model_dump(exclude_none=True)
    assert wire["reasoning_details"] == [{"type": "reasoning.text", "text": "..."}]
    assert wire["tool_calls"][0]["thought_signature"] == "sig=="
