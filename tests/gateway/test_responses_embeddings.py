"""POST /v1/responses (create and typed stream) and POST /v1/embeddings."""

from __future__ import annotations

import base64
import json
import math
import struct
import time
from typing import Any, Callable, Dict, List

import httpx
import pytest
from gwkit import client_for, post_stream, schema_errors, sse_json

from meshapi.testing import LocalGateway

REASONING = "openai/o4-mini"
WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Get current weather for a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}


def respond(api: httpx.Client, **body: Any) -> Dict[str, Any]:
    response = api.post("/v1/responses", json=body)
    assert response.status_code == 200, response.text
    result: Dict[str, Any] = response.json()
    return result


def test_a_response_has_a_message_item_and_usage(api: httpx.Client) -> None:
    result = respond(api, model="openai/gpt-4o-mini", input="What is the capital of Spain?")
    assert result["object"] == "response" and result["id"].startswith("resp_")
    assert result["status"] == "completed" and result["incomplete_details"] is None
    (message,) = result["output"]
    assert message["type"] == "message" and message["role"] == "assistant"
    assert message["content"][0]["type"] == "output_text"
    assert message["content"][0]["text"] == result["output_text"]
    assert "Madrid" in result["output_text"]
    usage = result["usage"]
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert usage["output_tokens_details"]["reasoning_tokens"] == 0


def test_a_reasoning_model_reasons_first_and_counts_reasoning_tokens(api: httpx.Client) -> None:
    low = respond(
        api, model=REASONING, input="Explain the halting problem.", reasoning={"effort": "low"}
    )
    high = respond(
        api,
        model=REASONING,
        input="Explain the halting problem.",
        reasoning={"effort": "high", "summary": "auto"},
    )
    assert [item["type"] for item in high["output"]] == ["reasoning", "message"]
    assert high["output"][0]["summary"][0]["type"] == "summary_text"
    assert low["output"][0]["summary"] == []
    low_tokens = low["usage"]["output_tokens_details"]["reasoning_tokens"]
    high_tokens = high["usage"]["output_tokens_details"]["reasoning_tokens"]
    assert 0 < low_tokens < high_tokens
    assert high["reasoning"]["effort"] == "high"


def test_max_output_tokens_makes_the_response_incomplete(api: httpx.Client) -> None:
    full = respond(api, model=REASONING, input="Explain the halting problem in detail.")
    reasoning = full["usage"]["output_tokens_details"]["reasoning_tokens"]
    cut = respond(
        api,
        model=REASONING,
        input="Explain the halting problem in detail.",
        max_output_tokens=reasoning + 3,
    )
    assert cut["status"] == "incomplete"
    assert cut["incomplete_details"] == {"reason": "max_output_tokens"}
    assert cut["usage"]["output_tokens"] == reasoning + 3
    assert full["output_text"].startswith(cut["output_text"])
    starved = respond(api, model=REASONING, input="Explain", max_output_tokens=5)
    assert starved["status"] == "incomplete"
    assert [item["type"] for item in starved["output"]] == ["reasoning"]


def test_reasoning_on_a_model_that_cannot_think_is_400(api: httpx.Client) -> None:
    response = api.post(
        "/v1/responses",
        json={"model": "openai/gpt-4o-mini", "input": "x", "reasoning": {"effort": "high"}},
    )
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_request",
        "message": "Model 'openai/gpt-4o-mini' does not support reasoning.",
    }


def test_function_tools_round_trip_through_function_call_output(api: httpx.Client) -> None:
    first = respond(
        api, model="openai/gpt-4o", input="What is the weather in Paris?", tools=[WEATHER]
    )
    (call,) = first["output"]
    assert call["type"] == "function_call" and call["name"] == "get_weather"
    assert schema_errors(json.loads(call["arguments"]), WEATHER["parameters"]) == []  # type: ignore[arg-type]
    follow_up = respond(
        api,
        model="openai/gpt-4o",
        tools=[WEATHER],
        input=[
            {"role": "user", "content": "What is the weather in Paris?"},
            call,
            {
                "type": "function_call_output",
                "call_id": call["call_id"],
                "output": '{"conditions": "rain"}',
            },
        ],
    )
    assert "rain" in follow_up["output_text"]


@pytest.mark.parametrize(
    "body",
    [
        {"model": "openai/gpt-4o-mini"},
        {"model": "openai/gpt-4o-mini", "input": []},
        {"model": "openai/gpt-4o-mini", "input": [{"type": "telepathy"}]},
        {
            "model": "openai/gpt-4o-mini",
            "input": [{"role": "user", "content": [{"type": "smell"}]}],
        },
    ],
    ids=["no-input", "empty-input", "bad-item", "bad-part"],
)
def test_bad_responses_bodies_are_422(api: httpx.Client, body: Dict[str, Any]) -> None:
    response = api.post("/v1/responses", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["details"]


def test_models_without_the_responses_api_are_400_and_unknown_ones_404(api: httpx.Client) -> None:
    assert (
        api.post("/v1/responses", json={"model": "cohere/command-r-plus", "input": "x"}).status_code
        == 400
    )
    assert api.post("/v1/responses", json={"model": "acme/none", "input": "x"}).status_code == 404


def test_previous_response_id_continues_the_kept_conversation(
    api: httpx.Client, shared_gateway: Any
) -> None:
    first = respond(
        api, model="openai/gpt-4o-mini", input="My name is Ada.", instructions="Be brief."
    )
    second = respond(
        api,
        model="openai/gpt-4o-mini",
        input="What is my name?",
        previous_response_id=first["id"],
    )
    assert second["previous_response_id"] == first["id"]
    assert "Ada" in second["output_text"]
    # The earlier turns count as input; the earlier instructions are not carried over.
    assert second["usage"]["input_tokens"] > first["usage"]["input_tokens"]
    assert api.get(f"/v1/responses/{first['id']}").json()["output_text"] == first["output_text"]
    # Not kept: store false. Unknown, or another owner's: 404.
    unkept = respond(api, model="openai/gpt-4o-mini", input="x", store=False)
    assert api.get(f"/v1/responses/{unkept['id']}").status_code == 404
    missing = api.post(
        "/v1/responses",
        json={"model": "openai/gpt-4o-mini", "input": "x", "previous_response_id": "resp_nope"},
    )
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    shared_gateway.add_key("rsk_other_owner_responses", owner="usr_other_responses")
    other = api.get(
        f"/v1/responses/{first['id']}",
        headers={"Authorization": "Bearer rsk_other_owner_responses"},
    )
    assert other.status_code == 404


def stream_events(api: httpx.Client, **body: Any) -> List[Dict[str, Any]]:
    response = post_stream(api, "/v1/responses", {**body, "stream": True})
    assert response.status_code == 200
    frames = sse_json(response.text)
    assert frames[-1] == (None, "[DONE]")
    for name, data in frames[:-1]:
        assert name == data["type"]
    return [data for _, data in frames[:-1]]


def test_the_stream_sends_typed_events_in_order_with_sequence_numbers(api: httpx.Client) -> None:
    events = stream_events(
        api, model=REASONING, input="Explain recursion.", reasoning={"summary": "auto"}
    )
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    types = [e["type"] for e in events]
    assert types[:2] == ["response.created", "response.in_progress"]
    assert types[-1] == "response.completed"
    message_start = types.index("response.content_part.added")
    expected_tail = [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert types[-4:] == expected_tail
    assert set(types[message_start + 1 : -4]) == {"response.output_text.delta"}
    assert "response.reasoning_summary_text.delta" in types
    text = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
    final = events[-1]["response"]
    assert final["output_text"] == text
    plain = respond(api, model=REASONING, input="Explain recursion.", reasoning={"summary": "auto"})
    assert plain["output_text"] == text


def test_an_incomplete_stream_ends_with_response_incomplete(api: httpx.Client) -> None:
    events = stream_events(
        api, model="openai/gpt-4o-mini", input="Count to 30", max_output_tokens=4
    )
    assert events[-1]["type"] == "response.incomplete"
    assert events[-1]["response"]["status"] == "incomplete"


def test_a_streamed_function_call_has_argument_deltas(api: httpx.Client) -> None:
    events = stream_events(api, model="openai/gpt-4o", input="weather in Oslo?", tools=[WEATHER])
    deltas = "".join(
        e["delta"] for e in events if e["type"] == "response.function_call_arguments.delta"
    )
    done = next(e for e in events if e["type"] == "response.function_call_arguments.done")
    assert json.loads(deltas) == json.loads(done["arguments"]) == {"city": "Oslo"}


# -- embeddings ------------------------------------------------------------------------------------


def embed(api: httpx.Client, **body: Any) -> Dict[str, Any]:
    body.setdefault("model", "openai/text-embedding-3-small")
    response = api.post("/v1/embeddings", json=body)
    assert response.status_code == 200, response.text
    result: Dict[str, Any] = response.json()
    return result


def cosine(a: List[float], b: List[float]) -> float:
    return sum(x * y for x, y in zip(a, b))


def test_embeddings_are_unit_vectors_with_lexical_similarity(api: httpx.Client) -> None:
    texts = [
        "The cat sat on the mat",
        "A cat was sitting on a mat",
        "Quarterly revenue grew by ten percent",
        "The cat sat on the mat",
    ]
    result = embed(api, input=texts)
    assert result["object"] == "list" and result["model"] == "openai/text-embedding-3-small"
    vectors = [item["embedding"] for item in result["data"]]
    assert [item["index"] for item in result["data"]] == [0, 1, 2, 3]
    assert all(len(v) == 1536 for v in vectors)
    assert all(abs(math.sqrt(cosine(v, v)) - 1) < 1e-9 for v in vectors)
    assert vectors[0] == vectors[3]
    assert cosine(vectors[0], vectors[1]) > 0.3
    assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]) + 0.2
    assert result["usage"]["prompt_tokens"] == result["usage"]["total_tokens"] > 0


def test_dimensions_and_base64_encoding(api: httpx.Client) -> None:
    floats = embed(api, input="hello world", dimensions=64)["data"][0]["embedding"]
    packed = embed(api, input="hello world", dimensions=64, encoding_format="base64")["data"][0][
        "embedding"
    ]
    unpacked = struct.unpack("<64f", base64.b64decode(packed))
    assert len(floats) == 64
    assert all(abs(a - b) < 1e-6 for a, b in zip(floats, unpacked))


def test_token_list_inputs_are_embedded(api: httpx.Client) -> None:
    single = embed(api, input=[101, 2023, 102])
    many = embed(api, input=[[101, 2023], [7, 8, 9]])
    assert len(single["data"]) == 1 and len(many["data"]) == 2
    assert many["usage"]["prompt_tokens"] == 5


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"input": ""}, 422),
        ({"input": []}, 422),
        ({"input": ["ok", " "]}, 422),
        ({"input": [[]]}, 422),
        ({"input": "x", "dimensions": 0}, 422),
        ({"input": "x", "dimensions": 5000}, 400),
        ({"input": "x", "encoding_format": "hex"}, 422),
        ({"input": "x", "model": "openai/gpt-4o"}, 400),
        ({"input": "x", "model": "acme/none"}, 404),
        ({"model": "openai/text-embedding-3-small"}, 422),
    ],
    ids=[
        "empty",
        "empty-list",
        "blank-item",
        "empty-tokens",
        "zero-dims",
        "too-many-dims",
        "bad-encoding",
        "chat-model",
        "unknown-model",
        "no-input",
    ],
)
def test_bad_embedding_requests_are_rejected_clearly(
    api: httpx.Client, body: Dict[str, Any], status: int
) -> None:
    body.setdefault("model", "openai/text-embedding-3-small")
    response = api.post("/v1/embeddings", json=body)
    assert response.status_code == status, response.text
    codes = {400: "invalid_request", 404: "model_not_found", 422: "validation_error"}
    assert response.json()["error"]["code"] == codes[status]


def test_kept_responses_are_listed_newest_first_with_a_cursor(
    make_gateway: Callable[..., LocalGateway],
) -> None:
    gateway = make_gateway()
    with client_for(gateway) as client:
        ids = [
            client.post(
                "/v1/responses", json={"model": "openai/gpt-4o-mini", "input": f"n{i}"}
            ).json()["id"]
            for i in range(5)
        ]
        client.post(
            "/v1/responses", json={"model": "openai/gpt-4o-mini", "input": "x", "store": False}
        )
        first = client.get("/v1/responses", params={"limit": 2}).json()
        assert [j["id"] for j in first["data"]] == ids[::-1][:2]
        assert first["has_more"] is True and first["last_id"] == ids[3]
        assert (
            first["data"][0]["status"] == "completed" and first["data"][0]["provider"] == "openai"
        )
        rest = client.get("/v1/responses", params={"after": first["last_id"]}).json()
        assert [j["id"] for j in rest["data"]] == ids[::-1][2:] and rest["has_more"] is False
        assert client.get("/v1/responses", params={"after": "resp_nope"}).status_code == 400
        assert client.get("/v1/responses", params={"limit": 0}).status_code == 422
        gateway.add_key("rsk_someone_else_list", owner="usr_someone_else")
        other = client.get(
            "/v1/responses", headers={"Authorization": "Bearer rsk_someone_else_list"}
        ).json()
        assert other["data"] == [] and other["has_more"] is False


def test_a_background_response_is_in_progress_then_completed(
    make_gateway: Callable[..., LocalGateway],
) -> None:
    gateway = make_gateway(options={"responses_background_seconds": 0.3})
    with client_for(gateway) as client:
        body = {"model": "openai/gpt-4o-mini", "input": "Say hi.", "background": True}
        created = client.post("/v1/responses", json=body).json()
        assert created["status"] == "in_progress" and created["output"] == []
        assert created["background"] is True
        listed = client.get("/v1/responses").json()["data"][0]
        assert (listed["id"], listed["status"], listed["completed_at"]) == (
            created["id"],
            "in_progress",
            None,
        )
        for _ in range(100):
            fetched = client.get(f"/v1/responses/{created['id']}").json()
            if fetched["status"] == "completed":
                break
            time.sleep(0.02)
        assert fetched["status"] == "completed" and fetched["output_text"]
        assert client.get("/v1/responses").json()["data"][0]["usage_synced"] is True
        streamed = client.post("/v1/responses", json={**body, "stream": True})
        assert streamed.status_code == 400 and "cannot be streamed" in streamed.text
        unstored = client.post("/v1/responses", json={**body, "store": False})
        assert unstored.status_code == 400 and "must be stored" in unstored.text
