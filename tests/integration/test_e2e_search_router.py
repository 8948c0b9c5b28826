"""Moderations, web search, router select, model search / get / list filters, stored responses
and the 0.1.11 request fields, sync and async (one body each), over real sockets."""

from __future__ import annotations

import secrets
from typing import Any, List

import pytest

from meshapi import (
    ChatCompletionParams,
    ChatMessage,
    ContentPartInputAudio,
    ContentPartText,
    ContentPartVideo,
    EmbeddingsParams,
    ImageEmbeddingUrl,
    ImageGenerationParams,
    InputAudio,
    MeshAPIError,
    ModelInfo,
    ModelSearchParams,
    ModelsPage,
    ModerationImageUrl,
    ModerationInputItem,
    ModerationParams,
    ModerationResponse,
    MultimodalEmbeddingInput,
    NotFoundError,
    PermissionDeniedError,
    ResponsesListResponse,
    ResponsesParams,
    RouterSelectParams,
    RouterSelectResponse,
    VideoEmbeddingUrl,
    VideoUrl,
    WebSearchParams,
    WebSearchResponse,
)
from meshapi.testing import LocalGateway


def _user(text: str) -> ChatMessage:
    return ChatMessage(role="user", content=text)


# -- moderations ------------------------------------------------------------------------------


async def test_moderations_flag_violence_not_a_picnic(api: Any) -> None:
    result = await api.call(
        lambda c: c.moderations.create(
            ModerationParams(input=["I will kill you and stab your family.", "A picnic by a lake."])
        )
    )
    assert isinstance(result, ModerationResponse)
    violent, benign = result.results
    assert violent.flagged and violent.categories["violence"]
    assert violent.category_scores["violence"] >= 0.5
    assert not benign.flagged and not any(benign.categories.values())
    assert {"harassment", "hate", "self-harm", "sexual", "violence"} <= set(benign.categories)


async def test_moderations_of_text_and_image_parts_and_a_dict(api: Any) -> None:
    parts = [
        ModerationInputItem(type="text", text="hello"),
        ModerationInputItem(
            type="image_url", image_url=ModerationImageUrl(url="https://i.example/gore.png")
        ),
    ]
    result = await api.call(lambda c: c.moderations.create(ModerationParams(input=parts)))
    assert [r.flagged for r in result.results] == [False, True]
    as_dict = await api.call(lambda c: c.moderations.create({"input": "I will murder him."}))
    assert as_dict.results[0].flagged and as_dict.model == "omni-moderation-latest"


async def test_moderations_with_a_chat_model_is_a_clear_400(api: Any) -> None:
    err = await api.raises(
        MeshAPIError,
        lambda c: c.moderations.create(ModerationParams(input="x", model="openai/gpt-4o")),
    )
    assert err.status == 400 and "not a moderation model" in str(err)


# -- web search -------------------------------------------------------------------------------


async def test_web_search(api: Any) -> None:
    res = await api.call(
        lambda c: c.web.search(
            WebSearchParams(query="latest news on Mars rovers", max_results=3, include_answer=True)
        )
    )
    assert isinstance(res, WebSearchResponse)
    assert res.provider == "native" and res.answer and res.request_id.startswith("req_")
    assert 1 <= len(res.results) <= 3
    assert all(hit.url.startswith("https://") and hit.title for hit in res.results)
    scores = [hit.score or 0 for hit in res.results]
    assert scores == sorted(scores, reverse=True)
    tavily = await api.call(
        lambda c: c.web.search({"query": "Python interpreter lock", "provider": "tavily"})
    )
    assert tavily.provider == "tavily" and tavily.answer is None
    assert "interpreter" in tavily.results[0].content.lower()


# -- router -----------------------------------------------------------------------------------


async def test_router_select(api: Any) -> None:
    sel = await api.call(
        lambda c: c.router.select(RouterSelectParams(messages=[_user("Prove that 2+2=4.")]))
    )
    assert isinstance(sel, RouterSelectResponse)
    assert (sel.model, sel.auto_router.fallback_used, sel.reasoning_effort) == (
        "openai/o4-mini",
        False,
        "high",
    )
    other = await api.call(
        lambda c: c.router.select(
            RouterSelectParams(messages=[_user("Prove it.")], exclude_models=["openai/o4-mini"])
        )
    )
    assert other.model != "openai/o4-mini"
    plain = await api.call(
        lambda c: c.router.select({"messages": [{"role": "user", "content": "Hi"}]})
    )
    assert plain.auto_router.fallback_used and plain.auto_router.fallback_reason


async def test_model_auto_on_chat_responses_and_embeddings(api: Any) -> None:
    chat = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(model="auto", messages=[_user("Prove the theorem.")])
        )
    )
    assert chat.model == "openai/o4-mini"
    reply = await api.call(
        lambda c: c.responses.create(ResponsesParams(model="auto", input="Hello there"))
    )
    assert reply.model == "openai/gpt-4o-mini"
    vectors = await api.call(
        lambda c: c.embeddings.create(EmbeddingsParams(model="auto", input="hello"))
    )
    assert vectors.model == "openai/text-embedding-3-small"


@pytest.fixture(scope="module")
def switched_off() -> Any:
    with LocalGateway(web_search_enabled=False, auto_router_enabled=False) as gateway:
        yield gateway


async def test_switched_off_features_raise_permission_denied(api: Any, switched_off: Any) -> None:
    client = api.make(base_url=switched_off.base_url, token=switched_off.api_key)
    err = await api.raises(
        PermissionDeniedError, lambda c: c.web.search(WebSearchParams(query="x")), client
    )
    assert err.status == 403 and err.error_code == "forbidden"
    err = await api.raises(
        PermissionDeniedError,
        lambda c: c.router.select(RouterSelectParams(messages=[_user("x")])),
        client,
    )
    assert "AUTO_ROUTER_ENABLED" in str(err)


# -- models -----------------------------------------------------------------------------------


async def test_models_search_pages_and_facet(api: Any) -> None:
    page = await api.call(
        lambda c: c.models.search(ModelSearchParams(q="gpt", free=False, sort="name", limit=3))
    )
    assert isinstance(page, ModelsPage) and page.limit == 3 and page.offset == 0
    assert len(page.items) == 3 and page.total > 3 and page.brands == ["OpenAI"]
    names = [m.name or "" for m in page.items]
    assert names == sorted(names, key=str.lower)
    ids: List[str] = []
    offset = 0
    while True:
        chunk = await api.call(
            lambda c, at=offset: c.models.search(
                {"q": "gpt", "sort": "id", "limit": 4, "offset": at}
            )
        )
        ids += [m.id for m in chunk.items]
        offset += len(chunk.items)
        if offset >= chunk.total:
            break
    assert len(ids) == page.total == len(set(ids))
    everything = await api.call(lambda c: c.models.search())
    assert everything.limit == 20 and len(everything.brands) > 5
    two_brands = await api.call(
        lambda c: c.models.search(ModelSearchParams(brand=["Google", "Anthropic"], limit=100))
    )
    assert {m.brand for m in two_brands.items} == {"Google", "Anthropic"}


async def test_models_get_and_list_filters(api: Any) -> None:
    gpt4o = await api.call(lambda c: c.models.get("openai/gpt-4o"))
    assert isinstance(gpt4o, ModelInfo) and gpt4o.id == "openai/gpt-4o"
    await api.raises(NotFoundError, lambda c: c.models.get("openai/../../v1/models"))
    embedding = await api.call(lambda c: c.models.list(type="embedding", provider="openai"))
    assert embedding and all(m.model_type == "embedding" for m in embedding)
    assert all(m.id.startswith("openai/") for m in embedding)
    free_text = await api.call(lambda c: c.models.list(free=True, type="text"))
    assert free_text and all(m.is_free for m in free_text)


# -- stored responses ------------------------------------------------------------------------


async def test_stored_responses_list_get_and_continue(api: Any, gw: LocalGateway) -> None:
    key = "rsk_" + secrets.token_hex(24)
    gw.add_key(key, owner="usr_" + secrets.token_hex(6))
    client = api.make(token=key)
    first = await api.call(
        lambda c: c.responses.create(
            ResponsesParams(model="openai/gpt-4o-mini", input="My name is Ada.")
        ),
        client,
    )
    second = await api.call(
        lambda c: c.responses.create(
            ResponsesParams(
                model="openai/gpt-4o-mini",
                input="What is my name?",
                previous_response_id=first.id,
            )
        ),
        client,
    )
    assert "Ada" in second.output_text and second.previous_response_id == first.id
    fetched = await api.call(lambda c: c.responses.get(first.id), client)
    assert fetched.id == first.id and fetched.output_text == first.output_text
    page = await api.call(lambda c: c.responses.list(limit=1), client)
    assert isinstance(page, ResponsesListResponse)
    assert [j.id for j in page.data] == [second.id] and page.has_more
    rest = await api.call(lambda c: c.responses.list(after=page.last_id), client)
    assert [j.id for j in rest.data] == [first.id] and not rest.has_more
    await api.raises(NotFoundError, lambda c: c.responses.get("resp_../nope"), client)
    with pytest.raises(ValueError, match="limit must be between 1 and 100"):
        await api.call(lambda c: c.responses.list(limit=500), client)


async def test_a_background_response_completes(api: Any) -> None:
    job = await api.call(
        lambda c: c.responses.create(
            ResponsesParams(model="openai/gpt-4o-mini", input="Say hi.", background=True)
        )
    )
    assert job.status == "in_progress"
    for _ in range(200):
        done = await api.call(lambda c: c.responses.get(job.id))
        if done.status == "completed":
            break
    assert done.status == "completed" and done.output_text


# -- new request fields -----------------------------------------------------------------------


async def test_video_parts_audio_urls_and_new_chat_fields(api: Any) -> None:
    video = ContentPartVideo(video_url=VideoUrl(url="https://v.example/clip.mp4"), fps="1")
    reply = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(
                model="google/gemini-3-flash-preview",
                messages=[
                    ChatMessage(role="user", content=[ContentPartText(text="What is it?"), video])
                ],
                reasoning_effort="low",
                response_format={"type": "json_object"},
                timeout=30,
                transforms=["middle-out"],
            )
        )
    )
    assert reply.choices[0].finish_reason == "stop"
    audio = ContentPartInputAudio(
        input_audio=InputAudio(url="https://a.example/x.wav", format="wav")
    )
    heard = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(
                model="openai/gpt-4o-audio-preview",
                messages=[ChatMessage(role="user", content=[audio])],
            )
        )
    )
    assert "I heard 1 audio clip" in (heard.choices[0].message.content or "")


async def test_multimodal_embeddings_and_image_generation_fields(api: Any) -> None:
    inputs = [
        MultimodalEmbeddingInput(type="text", text="a lake"),
        MultimodalEmbeddingInput(
            type="image_url", image_url=ImageEmbeddingUrl(url="https://i.example/l.png")
        ),
        MultimodalEmbeddingInput(
            type="video_url", video_url=VideoEmbeddingUrl(url="https://v.example/l.mp4")
        ),
    ]
    result = await api.call(
        lambda c: c.embeddings.create(
            EmbeddingsParams(model="twelvelabs/marengo-2.7", input=inputs, dimensions=8)
        )
    )
    assert [len(d.vector()) for d in result.data] == [8, 8, 8]
    err = await api.raises(
        MeshAPIError,
        lambda c: c.embeddings.create(
            EmbeddingsParams(model="openai/text-embedding-3-small", input=inputs)
        ),
    )
    assert err.error_code == "model_capability_not_supported"
    image = await api.call(
        lambda c: c.images.generate(
            ImageGenerationParams(
                model="openai/gpt-image-1",
                prompt="a fox",
                seed=7,
                background="transparent",
                output_compression=80,
                watermark=False,
            )
        )
    )
    assert image.data


async def test_the_new_methods_take_keyword_arguments_and_per_call_options(api: Any) -> None:
    result = await api.call(
        lambda c: c.moderations.create(input="I will murder you.", timeout=10, max_retries=0)
    )
    assert result.results[0].flagged
    res = await api.call(lambda c: c.web.search(query="sourdough bread", max_results=1))
    assert len(res.results) == 1 and "sourdough" in res.results[0].title
    sel = await api.call(
        lambda c: c.router.select(
            messages=[{"role": "user", "content": "Fix this bug"}], extra_headers={"X-A": "1"}
        )
    )
    assert sel.model == "anthropic/claude-sonnet-4.5"
    page = await api.call(lambda c: c.models.search(q="claude", limit=2, timeout=10))
    assert len(page.items) == 2 and page.brands == ["Anthropic"]
    reply = await api.call(
        lambda c: c.chat.completions.create(
            model="openai/gpt-4o-mini",
            messages=[{"role": "user", "content": "Hi"}],
            upstream_timeout=30,
            timeout=20,
        )
    )
    assert reply.choices
