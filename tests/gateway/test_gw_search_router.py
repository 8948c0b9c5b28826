"""Moderations, web search, the auto router (select and ``model: "auto"``), model search and the
``type``/``provider`` filters of the model list, over HTTP against the local gateway."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, Dict, List

import httpx
import pytest
from gwkit import client_for

from meshapi.testing import LocalGateway
from meshapi.testing._engines import router as router_engine
from meshapi.testing._engines.moderation import CATEGORIES

USER = "user"


def _msg(text: str) -> Dict[str, Any]:
    return {"role": USER, "content": text}


# -- moderations ------------------------------------------------------------------------------


def test_violent_text_is_flagged_and_benign_text_is_not(api: httpx.Client) -> None:
    inputs = ["I will kill you and stab your family.", "What a lovely day for a picnic."]
    response = api.post("/v1/moderations", json={"input": inputs})
    assert response.status_code == 200
    body = response.json()
    assert body["id"].startswith("modr-") and body["model"] == "omni-moderation-latest"
    violent, benign = body["results"]
    assert violent["flagged"] is True
    assert violent["categories"]["violence"] is True
    assert violent["category_scores"]["violence"] >= 0.5
    assert benign["flagged"] is False
    assert set(benign["categories"]) == set(CATEGORIES)
    assert all(score < 0.01 for score in benign["category_scores"].values())


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("You are a pathetic idiot and a loser.", "harassment"),
        ("I want to kill myself tonight.", "self-harm"),
        ("I want to kill myself tonight.", "self-harm/intent"),
        ("They are subhuman vermin, exterminate them.", "hate"),
        ("Send me explicit sex porn.", "sexual"),
        ("The photo showed gore and dismembered bodies.", "violence/graphic"),
    ],
)
def test_each_usual_category_can_be_flagged(api: httpx.Client, text: str, category: str) -> None:
    (result,) = api.post("/v1/moderations", json={"input": text}).json()["results"]
    assert result["flagged"] is True
    assert result["categories"][category] is True, result["category_scores"]


def test_the_same_text_gets_the_same_scores(api: httpx.Client) -> None:
    first = api.post("/v1/moderations", json={"input": "hello there"}).json()["results"]
    again = api.post("/v1/moderations", json={"input": "hello there"}).json()["results"]
    assert first == again


def test_one_result_per_part_with_images_judged_by_their_url(api: httpx.Client) -> None:
    parts = [
        {"type": "text", "text": "a calm lake"},
        {"type": "image_url", "image_url": {"url": "https://img.example/gore-and-blood.png"}},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
    ]
    results = api.post("/v1/moderations", json={"input": parts}).json()["results"]
    assert [r["flagged"] for r in results] == [False, True, False]
    assert results[1]["category_applied_input_types"]["violence"] == ["image"]


def test_bad_moderation_input_is_refused_with_the_reason(api: httpx.Client) -> None:
    empty = api.post("/v1/moderations", json={"input": []})
    assert empty.status_code == 422 and "empty" in empty.json()["error"]["message"]
    no_text = api.post("/v1/moderations", json={"input": [{"type": "text"}]})
    assert no_text.status_code == 422 and "needs 'text'" in no_text.text
    chat_model = api.post("/v1/moderations", json={"input": "x", "model": "openai/gpt-4o"})
    assert chat_model.status_code == 400
    assert "not a moderation model" in chat_model.json()["error"]["message"]
    image = {"type": "image_url", "image_url": {"url": "https://a.example/x.png"}}
    text_only = api.post(
        "/v1/moderations", json={"input": [image], "model": "text-moderation-latest"}
    )
    assert text_only.status_code == 400 and "text only" in text_only.json()["error"]["message"]


# -- web search -------------------------------------------------------------------------------


def test_web_search_ranks_the_corpus_and_answers(api: httpx.Client) -> None:
    body = {"query": "latest news on Mars rovers", "max_results": 3, "include_answer": True}
    response = api.post("/v1/web/search", json=body)
    assert response.status_code == 200
    result = response.json()
    assert result["query"] == body["query"] and result["provider"] == "native"
    assert result["request_id"] == response.headers["x-request-id"]
    hits = result["results"]
    assert 1 <= len(hits) <= 3
    assert all("rover" in (h["title"] + h["content"]).lower() for h in hits)
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True) and all(0 < s < 1 for s in scores)
    assert all(h["url"].startswith("https://") and h["published_date"] for h in hits)
    assert "Mars" in result["answer"]


def test_web_search_options(api: httpx.Client) -> None:
    query = {"query": "Mars rover"}
    plain = api.post("/v1/web/search", json=query).json()
    assert plain["answer"] is None and len(plain["results"]) <= 5
    only = api.post(
        "/v1/web/search", json={**query, "include_domains": ["news.example.com"]}
    ).json()
    assert only["results"] and all("news.example.com" in h["url"] for h in only["results"])
    without = api.post(
        "/v1/web/search", json={**query, "exclude_domains": ["science.example.org"]}
    ).json()
    assert all("science.example.org" not in h["url"] for h in without["results"])
    deep = api.post("/v1/web/search", json={**query, "search_depth": "advanced"}).json()
    assert len(deep["results"][0]["content"]) > len(plain["results"][0]["content"])
    tavily = api.post("/v1/web/search", json={**query, "provider": "tavily"}).json()
    assert tavily["provider"] == "tavily"
    nothing = api.post("/v1/web/search", json={"query": "zzqxv"}).json()
    assert nothing["results"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"query": ""}, "query"),
        ({"query": "x" * 2001}, "query"),
        ({"query": "x", "max_results": 21}, "max_results"),
        ({"query": "x", "search_depth": "deep"}, "search_depth"),
        ({"query": "x", "provider": "bing"}, "provider"),
    ],
)
def test_bad_web_search_bodies_are_422_naming_the_field(
    api: httpx.Client, body: Dict[str, Any], field: str
) -> None:
    response = api.post("/v1/web/search", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"][:2] == ["body", field]


def test_web_search_finds_the_callers_rag_files(make_gateway: Callable[..., LocalGateway]) -> None:
    gateway = make_gateway(options={"rag_embed_delay": 0})
    with client_for(gateway) as client:
        created = client.post(
            "/v1/files",
            json={"file_name": "zebra-handbook.txt", "mime_type": "text/plain"},
        ).json()
        text = b"Zebras in our office get a striped onboarding badge on their first day."
        put = httpx.put(created["signed_url"], content=text, headers={"Content-Type": "text/plain"})
        assert put.status_code < 300
        client.post("/v1/files/embed", json={"file_ids": [created["file_id"]]})
        for _ in range(200):
            status = client.get(f"/v1/files/{created['file_id']}").json()["embedding_status"]
            if status == "ready":
                break
            time.sleep(0.02)
        hits = client.post("/v1/web/search", json={"query": "zebra onboarding badge"}).json()
    (first, *_) = hits["results"]
    assert first["title"] == "zebra-handbook.txt"
    assert f"/v1/files/{created['file_id']}#chunk-0" in first["url"]


def test_a_corpus_of_ones_own(make_gateway: Callable[..., LocalGateway], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.json"
    doc = {"title": "Quokka facts", "url": "https://q.example/quokka", "content": "Quokkas smile."}
    corpus.write_text(json.dumps({"documents": [doc]}), encoding="utf-8")
    gateway = make_gateway(options={"web_search_corpus": str(corpus)})
    with client_for(gateway) as client:
        hits = client.post("/v1/web/search", json={"query": "quokka"}).json()["results"]
        assert [h["url"] for h in hits] == ["https://q.example/quokka"]
        assert client.post("/v1/web/search", json={"query": "Mars"}).json()["results"] == []


# -- router -----------------------------------------------------------------------------------


def _select(api: httpx.Client, text: str, **extra: Any) -> Dict[str, Any]:
    response = api.post("/v1/router/select", json={"messages": [_msg(text)], **extra})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(
    ("text", "model", "effort"),
    [
        ("Prove that 2+2=4.", "openai/o4-mini", "high"),
        ("What is 17 * 23?", "openai/o4-mini", "medium"),
        ("Fix the bug in this function:\n```\ndef f(): return 1/0\n```", None, None),
    ],
)
def test_router_rules(api: httpx.Client, text: str, model: Any, effort: Any) -> None:
    selection = _select(api, text)
    expected = model or router_engine.RULES["code"][0]
    assert selection["model"] == expected
    assert selection["auto_router"] == {"fallback_used": False}
    assert selection["reasoning_effort"] == effort


def test_router_long_context_images_and_embeddings(api: httpx.Client) -> None:
    long_text = "word " * (router_engine.LONG_CONTEXT_TOKENS + 10)
    assert _select(api, long_text)["model"] == router_engine.RULES["long_context"][0]
    image = {"type": "image_url", "image_url": {"url": "https://a.example/cat.png"}}
    message = {"role": USER, "content": [{"type": "text", "text": "what is it?"}, image]}
    vision = api.post("/v1/router/select", json={"messages": [message]}).json()
    assert vision["model"] == router_engine.RULES["vision"][0]
    embed = _select(api, "anything", api_type="embeddings")
    assert embed["model"] == router_engine.DEFAULT_EMBEDDING_MODEL


def test_router_falls_back_when_no_rule_applies_or_all_are_excluded(api: httpx.Client) -> None:
    plain = _select(api, "Hello!")
    assert plain["model"] == router_engine.DEFAULT_MODEL
    assert plain["auto_router"] == {"fallback_used": True, "fallback_reason": "no_rule_matched"}
    first, second, third = router_engine.RULES["reasoning"]
    assert _select(api, "Prove it.", exclude_models=[first])["model"] == second
    excluded = _select(api, "Prove it.", exclude_models=[first, second, third])
    assert excluded["model"] not in (first, second, third)
    assert excluded["auto_router"]["fallback_used"] is True
    assert excluded["auto_router"]["fallback_reason"] == "all_candidates_excluded"


def test_router_for_the_responses_api_picks_a_model_that_supports_it(api: httpx.Client) -> None:
    models = {m["id"]: m for m in api.get("/v1/models").json()}
    chosen = _select(api, "Solve this equation step by step", api_type="responses")["model"]
    assert models[chosen]["supports_responses_api"] is True


@pytest.mark.parametrize(
    "body",
    [{"messages": []}, {"messages": [_msg("x")], "api_type": "images"}, {"api_type": "responses"}],
)
def test_bad_router_bodies_are_422(api: httpx.Client, body: Dict[str, Any]) -> None:
    assert api.post("/v1/router/select", json=body).status_code == 422


def test_model_auto_routes_chat_responses_and_embeddings(api: httpx.Client) -> None:
    chat = api.post(
        "/v1/chat/completions", json={"model": "auto", "messages": [_msg("Prove Fermat.")]}
    )
    assert chat.status_code == 200 and chat.json()["model"] == "openai/o4-mini"
    assert chat.headers["x-mesh-routing-model"] == "openai/o4-mini"
    stream = api.post(
        "/v1/chat/completions",
        json={"model": "auto", "stream": True, "messages": [_msg("Hello")]},
    )
    assert stream.status_code == 200 and router_engine.DEFAULT_MODEL in stream.text
    reply = api.post("/v1/responses", json={"model": "auto", "input": "Prove the lemma."})
    assert reply.status_code == 200 and reply.json()["model"] == "openai/o4-mini"
    vectors = api.post("/v1/embeddings", json={"model": "auto", "input": ["a", "b"]})
    assert vectors.json()["model"] == router_engine.DEFAULT_EMBEDDING_MODEL


def test_switched_off_web_search_and_router_answer_403(
    make_gateway: Callable[..., LocalGateway],
) -> None:
    gateway = make_gateway(web_search_enabled=False, auto_router_enabled=False)
    with client_for(gateway) as client:
        calls: List[httpx.Response] = [
            client.post("/v1/web/search", json={"query": "x"}),
            client.post("/v1/router/select", json={"messages": [_msg("x")]}),
            client.post("/v1/chat/completions", json={"model": "auto", "messages": [_msg("x")]}),
            client.post("/v1/embeddings", json={"model": "auto", "input": "x"}),
        ]
        assert [c.status_code for c in calls] == [403] * 4
        assert all(c.json()["error"]["code"] == "forbidden" for c in calls)
        assert "WEB_SEARCH_ENABLED" in calls[0].json()["error"]["message"]
        assert "AUTO_ROUTER_ENABLED" in calls[1].json()["error"]["message"]
        # The rest of the gateway is untouched.
        ok = client.post("/v1/chat/completions", json={"model": "openai/gpt-4o-mini",
                                                      "messages": [_msg("x")]})  # fmt: skip
        assert ok.status_code == 200


def test_switches_must_be_booleans() -> None:
    with pytest.raises(ValueError, match="must be true or false"):
        LocalGateway(options={"web_search_enabled": "no"})


# -- new content parts ------------------------------------------------------------------------


def test_video_parts_and_audio_by_url_in_chat(api: httpx.Client) -> None:
    video = {"type": "video_url", "video_url": {"url": "https://v.example/clip.mp4"}, "fps": "2"}
    message = {"role": USER, "content": [{"type": "text", "text": "What happens?"}, video]}
    body = {"model": "google/gemini-3-flash-preview", "messages": [message]}
    reply = api.post("/v1/chat/completions", json=body)
    assert reply.status_code == 200
    assert "I received 1 video" in reply.json()["choices"][0]["message"]["content"]
    refused = api.post("/v1/chat/completions", json={**body, "model": "openai/gpt-4o-mini"})
    assert refused.status_code == 400 and "video" in refused.json()["error"]["message"]
    audio = {"type": "input_audio", "input_audio": {"url": "https://a.example/x.wav"}}
    heard = api.post(
        "/v1/chat/completions",
        json={"model": "openai/gpt-4o-audio-preview", "messages": [{"role": USER,
              "content": [audio]}]},
    )  # fmt: skip
    assert heard.status_code == 200, heard.text
    both = {"type": "input_audio", "input_audio": {"url": "https://a", "data": "AAAA"}}
    twice = api.post(
        "/v1/chat/completions",
        json={"model": "openai/gpt-4o-audio-preview", "messages": [{"role": USER,
              "content": [both]}]},
    )  # fmt: skip
    assert twice.status_code == 422 and "exactly one" in twice.text


def test_multimodal_embedding_inputs(api: httpx.Client) -> None:
    parts = [
        {"type": "text", "text": "a lake"},
        {"type": "image_url", "image_url": {"url": "https://i.example/lake.png"}},
        {"type": "video_url", "video_url": {"url": "https://v.example/lake.mp4"}},
    ]
    result = api.post("/v1/embeddings", json={"model": "twelvelabs/marengo-2.7", "input": parts})
    assert result.status_code == 200
    assert [d["index"] for d in result.json()["data"]] == [0, 1, 2]
    refused = api.post(
        "/v1/embeddings", json={"model": "openai/text-embedding-3-small", "input": parts}
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "model_capability_not_supported"
    assert "input[1] is an image" in refused.json()["error"]["message"]


# -- models -----------------------------------------------------------------------------------


def test_the_type_and_provider_filters(api: httpx.Client) -> None:
    embedding = api.get("/v1/models", params={"type": "embedding"}).json()
    assert embedding and all(m["model_type"] == "embedding" for m in embedding)
    text = api.get("/v1/models", params={"type": "text", "provider": "anthropic"}).json()
    assert text and all(m["id"].startswith("anthropic/") for m in text)
    free_text = api.get("/v1/models", params={"type": "text", "free": "true"}).json()
    assert free_text and all(m["is_free"] for m in free_text)
    bad = api.get("/v1/models", params={"type": "hologram"})
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["loc"] == ["query", "type"]


def test_model_search_fuzzy_facet_and_pages(api: httpx.Client) -> None:
    page = api.get("/v1/models/search", params={"q": "gpt", "limit": 3}).json()
    assert page["limit"] == 3 and page["offset"] == 0 and len(page["items"]) == 3
    assert page["total"] >= 5 and page["brands"] == ["OpenAI"]
    typo = api.get("/v1/models/search", params={"q": "gtp", "limit": 100}).json()
    assert typo["total"] == page["total"]
    by_brand = api.get("/v1/models/search", params={"q": "antropic"}).json()
    assert by_brand["items"] and all(m["brand"] == "Anthropic" for m in by_brand["items"])
    seen: List[str] = []
    offset = 0
    while True:
        chunk = api.get(
            "/v1/models/search", params={"sort": "id", "limit": 7, "offset": offset}
        ).json()
        seen += [m["id"] for m in chunk["items"]]
        offset += 7
        if offset >= chunk["total"]:
            break
    assert seen == sorted(m["id"] for m in api.get("/v1/models").json())


def test_model_search_filters_and_sort(api: httpx.Client) -> None:
    brands = [("brand", "Google"), ("brand", "Anthropic"), ("limit", "100")]
    two = api.get("/v1/models/search", params=brands).json()
    assert {m["brand"] for m in two["items"]} == {"Google", "Anthropic"}
    assert len(two["brands"]) > 2  # the facet ignores the brand filter itself
    free = api.get("/v1/models/search", params={"free": "true", "limit": 100}).json()
    assert free["items"] and all(m["is_free"] for m in free["items"])
    disc = api.get("/v1/models/search", params={"discounted": "true", "limit": 100}).json()
    assert all(float(m["pricing"]["discount_pct"]) > 0 for m in disc["items"])
    vision = api.get(
        "/v1/models/search",
        params=[("input_modality", "image"), ("input_modality", "audio"), ("limit", "100")],
    ).json()
    assert all({"image", "audio"} <= set(m["input_modalities"]) for m in vision["items"])
    longest = api.get(
        "/v1/models/search", params={"sort": "context_length", "order": "desc", "limit": 2}
    ).json()["items"]
    assert longest[0]["context_length"] >= longest[1]["context_length"]


@pytest.mark.parametrize(
    "params",
    [{"sort": "price"}, {"order": "up"}, {"limit": "0"}, {"limit": "101"}, {"offset": "-1"}],
)
def test_bad_model_search_queries_are_422(api: httpx.Client, params: Dict[str, str]) -> None:
    response = api.get("/v1/models/search", params=params)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"] == ["query", next(iter(params))]


def test_the_catalogue_has_the_0_1_11_chat_and_moderation_models(api: httpx.Client) -> None:
    for model_id, kind in [
        ("google/gemini-3-flash-preview", "chat"),
        ("openai/omni-moderation-latest", "moderation"),
        ("openai/o4-mini", "reasoning"),
        ("openai/gpt-5-nano", "reasoning"),
    ]:
        assert api.get(f"/v1/models/{model_id}").json()["model_type"] == kind


@pytest.mark.parametrize(
    ("path", "extra", "field"),
    [
        ("/v1/responses", {"max_tool_calls": 11}, "max_tool_calls"),
        ("/v1/responses", {"user": "u" * 257}, "user"),
        ("/v1/responses", {"timeout": 0}, "timeout"),
        ("/v1/chat/completions", {"timeout": -1}, "timeout"),
        ("/v1/chat/completions", {"transforms": "middle-out"}, "transforms"),
    ],
)
def test_the_new_request_limits_are_checked(
    api: httpx.Client, path: str, extra: Dict[str, Any], field: str
) -> None:
    body: Dict[str, Any] = {"model": "openai/gpt-4o-mini", **extra}
    if path == "/v1/responses":
        body["input"] = "hi"
    else:
        body["messages"] = [_msg("hi")]
    response = api.post(path, json=body)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"][:2] == ["body", field]


def test_the_new_request_fields_are_accepted(api: httpx.Client) -> None:
    chat = {"model": "openai/gpt-4o-mini", "messages": [_msg("hi")], "timeout": 30,
            "cache": True, "transforms": ["middle-out"], "reasoning_effort": "low"}  # fmt: skip
    assert api.post("/v1/chat/completions", json=chat).status_code == 200
    reply = {"model": "openai/o4-mini", "input": "hi", "max_tool_calls": 3, "timeout": 30,
             "include": ["reasoning.encrypted_content"], "plugins": [{"id": "web"}],
             "thinking": {"type": "enabled"}, "caching": True, "expire_at": 1999999999}  # fmt: skip
    assert api.post("/v1/responses", json=reply).status_code == 200
