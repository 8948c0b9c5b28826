"""POST /v1/chat/compare over real sockets against a LocalGateway."""

from __future__ import annotations

import json
import uuid
from typing import Any, Dict, Iterator, List, Optional, Tuple

import httpx
import pytest

from meshapi.testing import LocalGateway

MODEL_A = "openai/gpt-4o-mini"
MODEL_B = "anthropic/claude-haiku-4.5"
MODEL_C = "google/gemini-2.5-flash"
QUESTION = [{"role": "user", "content": "What is the capital of France?"}]


@pytest.fixture(scope="module")
def gw() -> Iterator[LocalGateway]:
    with LocalGateway() as gateway:
        yield gateway


@pytest.fixture
def client(gw: LocalGateway) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=gw.base_url, headers={"Authorization": f"Bearer {gw.api_key}"}, timeout=30
    ) as c:
        yield c


def compare(client: httpx.Client, **body: Any) -> httpx.Response:
    body.setdefault("messages", QUESTION)
    return client.post("/v1/chat/compare", json=body)


def sse_events(response: httpx.Response) -> List[Tuple[Optional[str], Any]]:
    """(event name, decoded data) per frame; the final [DONE] comes back as (None, "[DONE]")."""
    assert response.headers["content-type"].startswith("text/event-stream")
    events: List[Tuple[Optional[str], Any]] = []
    for frame in response.text.split("\n\n"):
        if not frame.strip():
            continue
        name: Optional[str] = None
        data: List[str] = []
        for line in frame.split("\n"):
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                data.append(line[len("data: ") :])
        text = "\n".join(data)
        events.append((name, text if text == "[DONE]" else json.loads(text)))
    return events


def test_compare_answers_every_model_with_a_synthesis(client: httpx.Client) -> None:
    response = compare(client, models=[MODEL_A, MODEL_B])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["object"] == "compare.completion"
    assert body["comparison_id"].startswith("cmp_")
    assert body["models"] == [MODEL_A, MODEL_B]
    request_id = response.headers["x-request-id"]
    assert [r["model"] for r in body["results"]] == [MODEL_A, MODEL_B]
    for result in body["results"]:
        assert set(result) >= {
            "model",
            "content",
            "response_body",
            "latency_ms",
            "error",
            "error_code",
            "usage",
            "request_id",
        }
        assert result["request_id"] == f"{request_id}::{result['model']}"
        assert result["error"] is None and result["error_code"] is None
        assert "Paris" in result["content"]
        assert result["response_body"]["object"] == "chat.completion"
        assert result["response_body"]["model"] == result["model"]
        assert result["response_body"]["choices"][0]["message"]["content"] == result["content"]
        assert result["usage"]["total_tokens"] > 0
        assert isinstance(result["latency_ms"], int) and result["latency_ms"] >= 0
    assert isinstance(body["comparison"], str) and body["comparison"]
    assert body["comparison_model"] == MODEL_A
    assert body["comparison_usage"]["total_tokens"] > 0
    assert body["comparison_fallback_used"] is False
    assert body["partial"] is False
    assert body["skip_comparison"] is False
    assert isinstance(body["total_latency_ms"], int) and body["total_latency_ms"] >= 0


def test_duplicate_models_are_removed_and_order_is_kept(client: httpx.Client) -> None:
    body = compare(client, models=[MODEL_B, MODEL_A, MODEL_B, MODEL_A], skip_comparison=True).json()
    assert body["models"] == [MODEL_B, MODEL_A]
    assert [r["model"] for r in body["results"]] == [MODEL_B, MODEL_A]


CHAT_MODELS = [
    "openai/gpt-4o-mini",
    "openai/gpt-4o",
    "openai/gpt-4.1",
    "openai/gpt-4.1-mini",
    "openai/gpt-4.1-nano",
    "anthropic/claude-haiku-4.5",
    "anthropic/claude-sonnet-4.5",
    "google/gemini-2.5-flash",
    "mistralai/mistral-large",
    "deepseek/deepseek-chat-v3.1",
    "x-ai/grok-3-mini",
]


@pytest.mark.parametrize(
    ("models", "status"),
    [
        ([], 422),
        (CHAT_MODELS, 422),
        (CHAT_MODELS[:10], 200),
        (CHAT_MODELS[:10] + CHAT_MODELS[:1], 200),  # eleven entries, ten distinct models
    ],
    ids=["none", "eleven", "ten", "eleven-with-a-duplicate"],
)
def test_compare_accepts_one_to_ten_distinct_models(
    client: httpx.Client, models: List[str], status: int
) -> None:
    response = compare(client, models=models, skip_comparison=True)
    assert response.status_code == status, response.text
    if status == 422:
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        assert error["details"][0]["loc"][:2] == ["body", "models"]
    else:
        assert len(response.json()["results"]) == 10


def test_an_unknown_model_is_a_partial_failure_with_its_own_error(client: httpx.Client) -> None:
    body = compare(client, models=[MODEL_A, "nobody/nothing-1"]).json()
    assert body["partial"] is True
    good, bad = body["results"]
    assert good["error"] is None and "Paris" in good["content"]
    assert bad["model"] == "nobody/nothing-1"
    assert bad["error_code"] == "model_not_found"
    assert "nobody/nothing-1" in bad["error"]
    assert bad["content"] is None and bad["response_body"] is None and bad["usage"] is None
    assert body["comparison"]


def test_every_model_failing_is_a_502_with_the_nested_envelope(client: httpx.Client) -> None:
    response = compare(client, models=["nobody/one", "nobody/two"])
    assert response.status_code == 502
    body = response.json()
    assert set(body) == {"detail", "request_id"}
    assert body["request_id"] == response.headers["x-request-id"]
    error = body["detail"]["error"]
    assert error["code"] == "all_models_failed"
    assert error["message"]
    assert error["details"] == [
        {
            "model": "nobody/one",
            "error": "Model 'nobody/one' was not found.",
            "error_code": "model_not_found",
        },
        {
            "model": "nobody/two",
            "error": "Model 'nobody/two' was not found.",
            "error_code": "model_not_found",
        },
    ]


def test_models_failing_for_another_reason_also_give_all_models_failed(
    client: httpx.Client,
) -> None:
    # The models exist, but a per-model override makes each request invalid for the engine.
    response = compare(
        client,
        models=[MODEL_A, MODEL_B],
        model_overrides=[
            {"model": MODEL_A, "max_tokens": -5},
            {"model": MODEL_B, "max_tokens": -5},
        ],
    )
    assert response.status_code == 502, response.text
    details = response.json()["detail"]["error"]["details"]
    assert [d["model"] for d in details] == [MODEL_A, MODEL_B]
    assert all(d["error_code"] == "validation_error" for d in details)


def test_the_comparison_model_can_be_chosen_and_falls_back_when_it_fails(
    client: httpx.Client,
) -> None:
    chosen = compare(client, models=[MODEL_A, MODEL_B], comparison_model=MODEL_C).json()
    assert chosen["comparison_model"] == MODEL_C
    assert chosen["comparison_fallback_used"] is False
    fallback = compare(client, models=[MODEL_A, MODEL_B], comparison_model="nobody/judge").json()
    assert fallback["comparison_fallback_used"] is True
    assert fallback["comparison_model"] == MODEL_A
    assert fallback["comparison"]
    # The first model failed, so the synthesis falls to the first model that answered.
    partial = compare(client, models=["nobody/one", MODEL_B]).json()
    assert partial["comparison_model"] == MODEL_B
    assert partial["comparison_fallback_used"] is True


def test_skip_comparison_returns_only_the_model_answers(client: httpx.Client) -> None:
    body = compare(client, models=[MODEL_A, MODEL_B], skip_comparison=True).json()
    assert body["skip_comparison"] is True
    assert body["comparison"] is None
    assert body["comparison_model"] is None
    assert body["comparison_usage"] is None
    assert all(r["content"] for r in body["results"])


def test_model_overrides_apply_to_their_model_only(client: httpx.Client) -> None:
    body = compare(
        client,
        models=[MODEL_A, MODEL_B],
        messages=[{"role": "user", "content": "Explain how rainbows form in detail."}],
        model_overrides=[{"model": MODEL_B, "max_tokens": 2}],
        skip_comparison=True,
    ).json()
    full, cut = body["results"]
    assert full["response_body"]["choices"][0]["finish_reason"] == "stop"
    assert cut["response_body"]["choices"][0]["finish_reason"] == "length"
    assert cut["usage"]["completion_tokens"] <= 2 < full["usage"]["completion_tokens"]


def test_an_override_for_a_model_not_compared_is_422(client: httpx.Client) -> None:
    response = compare(
        client, models=[MODEL_A], model_overrides=[{"model": MODEL_B, "temperature": 1}]
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"] == ["body", "model_overrides", 0, "model"]


def test_a_template_supplies_the_messages_and_its_variables_are_required(
    client: httpx.Client,
) -> None:
    assert compare(client, models=[MODEL_A], messages=[]).status_code == 422
    body: Dict[str, Any] = {
        "models": [MODEL_A, MODEL_B],
        "template": "summarize",
        "variables": {"sentences": 1, "text": "The meeting moved to Tuesday at noon."},
        "skip_comparison": True,
    }
    response = client.post("/v1/chat/compare", json=body)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["model"] for r in results] == [MODEL_A, MODEL_B]  # the template's model does not win
    assert all(r["error"] is None and r["content"] for r in results)
    del body["variables"]["text"]
    missing = client.post("/v1/chat/compare", json=body)
    assert missing.status_code == 422
    assert "text" in json.dumps(missing.json()["error"])


def test_streaming_with_synthesis_sends_the_events_in_protocol_order(client: httpx.Client) -> None:
    plain = compare(client, models=[MODEL_A, "nobody/x", MODEL_B]).json()
    response = compare(client, models=[MODEL_A, "nobody/x", MODEL_B], stream=True)
    assert response.status_code == 200
    events = sse_events(response)
    names = [name for name, _ in events]
    assert names[:1] == ["meta"]
    assert sorted(names[1:4]) == ["model_chunk"] * 3
    assert names[4] == "model_done"
    n_comparison = names.count("comparison_chunk")
    assert n_comparison >= 2
    assert names[5 : 5 + n_comparison] == ["comparison_chunk"] * n_comparison
    assert names[5 + n_comparison :] == ["done", None]
    assert events[-1][1] == "[DONE]"

    meta = events[0][1]
    assert meta["models"] == [MODEL_A, "nobody/x", MODEL_B]
    assert meta["comparison_model"] == MODEL_A and meta["skip_comparison"] is False
    chunks = {payload["model"]: payload for name, payload in events if name == "model_chunk"}
    assert set(chunks) == {MODEL_A, "nobody/x", MODEL_B}
    for model, expected in zip(plain["models"], plain["results"]):
        chunk = chunks[model]
        assert set(chunk) == {"model", "delta", "latency_ms", "error", "error_code", "usage"}
        assert chunk["delta"] == (expected["content"] or "")  # the engine is deterministic
        assert chunk["error_code"] == expected["error_code"]
    assert [r["model"] for r in events[4][1]["results"]] == plain["models"]
    pieces = [payload for name, payload in events if name == "comparison_chunk"]
    assert "".join(p["delta"] for p in pieces) == plain["comparison"]
    assert pieces[-1]["finish_reason"] == "stop"
    assert all(p["finish_reason"] is None for p in pieces[:-1])
    done = events[-2][1]
    assert done["comparison_id"] == meta["comparison_id"]
    assert done["partial"] is True
    assert done["comparison_model"] == MODEL_A
    assert done["comparison_fallback_used"] is False
    assert isinstance(done["total_latency_ms"], int)


def test_streaming_with_skip_comparison_interleaves_tokens_then_ends_each_model(
    client: httpx.Client,
) -> None:
    messages = [{"role": "user", "content": "Write a haiku about autumn leaves."}]
    plain = compare(client, models=[MODEL_A, MODEL_B], messages=messages, skip_comparison=True)
    expected = {r["model"]: r for r in plain.json()["results"]}
    response = compare(
        client,
        models=[MODEL_A, MODEL_B, "nobody/x"],
        messages=messages,
        skip_comparison=True,
        stream=True,
    )
    events = sse_events(response)
    names = [name for name, _ in events]
    assert names[0] == "meta" and events[0][1]["skip_comparison"] is True
    assert names[-2:] == ["done", None]
    assert set(names[1:-2]) == {"model_chunk", "model_stream_done"}
    body = events[1:-2]
    for model in (MODEL_A, MODEL_B):
        positions = [i for i, (_, p) in enumerate(body) if p["model"] == model]
        own = [body[i] for i in positions]
        # All of a model's tokens, then exactly one model_stream_done for it.
        assert [n for n, _ in own] == ["model_chunk"] * (len(own) - 1) + ["model_stream_done"]
        tokens = [p for _, p in own[:-1]]
        assert len(tokens) > 3
        assert "".join(t["delta"] for t in tokens) == expected[model]["content"]
        assert [t["finish_reason"] for t in tokens] == [None] * (len(tokens) - 1) + ["stop"]
        finished = own[-1][1]
        assert finished["finish_reason"] == "stop"
        assert finished["error"] is None
        assert (
            finished["usage"]["completion_tokens"] == expected[model]["usage"]["completion_tokens"]
        )
    a_positions = [
        i for i, (n, p) in enumerate(body) if n == "model_chunk" and p["model"] == MODEL_A
    ]
    b_positions = [
        i for i, (n, p) in enumerate(body) if n == "model_chunk" and p["model"] == MODEL_B
    ]
    assert b_positions[0] < a_positions[-1] and a_positions[0] < b_positions[-1]  # interleaved
    failed = [p for n, p in body if n == "model_stream_done" and p["model"] == "nobody/x"]
    assert failed == [
        {
            "model": "nobody/x",
            "finish_reason": None,
            "usage": None,
            "error": "Model 'nobody/x' was not found.",
            "error_code": "model_not_found",
        }
    ]
    done = events[-2][1]
    assert done["partial"] is True
    assert done["comparison_id"] == events[0][1]["comparison_id"]


@pytest.mark.parametrize("skip", [False, True], ids=["synthesis", "skip-comparison"])
def test_streaming_with_only_unknown_models_is_a_plain_502(
    client: httpx.Client, skip: bool
) -> None:
    response = compare(
        client, models=["nobody/one", "nobody/two"], stream=True, skip_comparison=skip
    )
    assert response.status_code == 502
    assert response.json()["detail"]["error"]["code"] == "all_models_failed"


@pytest.mark.parametrize("skip", [False, True], ids=["synthesis", "skip-comparison"])
def test_streaming_where_every_model_fails_later_ends_with_an_in_band_error(
    client: httpx.Client, skip: bool
) -> None:
    overrides = [{"model": MODEL_A, "max_tokens": -1}, {"model": MODEL_B, "max_tokens": -1}]
    response = compare(
        client,
        models=[MODEL_A, MODEL_B],
        model_overrides=overrides,
        stream=True,
        skip_comparison=skip,
    )
    assert response.status_code == 200
    events = sse_events(response)
    assert events[0][0] == "meta"
    last_name, last = events[-1]
    assert last_name is None and last["error"]["code"] == "all_models_failed"
    assert [d["model"] for d in last["error"]["details"]] in (
        [MODEL_A, MODEL_B],
        [MODEL_B, MODEL_A],
    )
    assert "done" not in [name for name, _ in events]


def test_a_compare_counts_as_one_request_against_the_rate_limit(gw: LocalGateway) -> None:
    key = f"rsk_{uuid.uuid4().hex}"
    gw.add_key(key, rpm=2)
    with httpx.Client(base_url=gw.base_url, headers={"Authorization": f"Bearer {key}"}) as c:
        three = [MODEL_A, MODEL_B, MODEL_C]
        assert compare(c, models=three).status_code == 200
        assert compare(c, models=three).status_code == 200
        limited = compare(c, models=three)
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limit_exceeded"


def test_compare_needs_a_valid_key(gw: LocalGateway) -> None:
    response = httpx.post(
        f"{gw.base_url}/v1/chat/compare", json={"models": [MODEL_A], "messages": QUESTION}
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_malformed_body_is_422_with_details(client: httpx.Client) -> None:
    response = client.post(
        "/v1/chat/compare",
        json={"models": "openai/gpt-4o-mini", "messages": QUESTION, "temperature": 9},
    )
    assert response.status_code == 422
    locs: List[Dict[str, Any]] = [d["loc"] for d in response.json()["error"]["details"]]
    assert ["body", "models"] in locs and ["body", "temperature"] in locs
