"""POST /v1/chat/completions: the deterministic engine, tools, streaming, audio, routing."""

from __future__ import annotations

import base64
import io
import json
import wave
from decimal import Decimal
from typing import Any, Dict, List

import httpx
import pytest
from gwkit import post_stream, schema_errors, sse_json

MINI = "openai/gpt-4o-mini"
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
FLIGHT_TOOL = {
    "type": "function",
    "function": {
        "name": "book_flight",
        "description": "Book a flight for passengers to a destination",
        "parameters": {
            "type": "object",
            "properties": {
                "destination": {"type": "string", "minLength": 2},
                "passengers": {"type": "integer", "minimum": 1, "maximum": 9},
                "cabin": {"type": "string", "enum": ["economy", "business", "first"]},
                "extras": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                "contact": {
                    "type": "object",
                    "properties": {"email": {"type": "string"}, "sms": {"type": "boolean"}},
                    "required": ["email", "sms"],
                    "additionalProperties": False,
                },
            },
            "required": ["destination", "passengers", "cabin", "extras", "contact"],
            "additionalProperties": False,
        },
    },
}


def chat(api: httpx.Client, content: Any = "Hello", **body: Any) -> Dict[str, Any]:
    payload: Dict[str, Any] = {
        "model": MINI,
        "messages": [{"role": "user", "content": content}],
        **body,
    }
    response = api.post("/v1/chat/completions", json=payload)
    assert response.status_code == 200, response.text
    result: Dict[str, Any] = response.json()
    return result


def text_of(result: Dict[str, Any], index: int = 0) -> str:
    content: str = result["choices"][index]["message"]["content"]
    return content


def test_the_completion_object_has_the_openai_shape(api: httpx.Client) -> None:
    result = chat(api, "What is the capital of France?")
    assert result["object"] == "chat.completion"
    assert result["id"].startswith("chatcmpl-")
    assert result["model"] == MINI
    choice = result["choices"][0]
    assert choice["finish_reason"] == "stop"
    assert choice["message"]["role"] == "assistant"
    assert "Paris" in choice["message"]["content"]
    usage = result["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_the_same_input_gives_the_same_reply_and_seed_or_temperature_change_it(
    api: httpx.Client,
) -> None:
    prompt = "Tell me something about distributed systems and consensus"
    first, second = text_of(chat(api, prompt)), text_of(chat(api, prompt))
    assert first == second
    seeded = {text_of(chat(api, prompt, seed=s)) for s in range(6)}
    assert len(seeded) > 1
    assert text_of(chat(api, prompt, seed=3)) == text_of(chat(api, prompt, seed=3))
    assert len({text_of(chat(api, prompt, temperature=t)) for t in (0.0, 0.5, 1.0, 1.5, 2.0)}) > 1


def test_different_models_answer_differently(api: httpx.Client) -> None:
    prompt = "Explain how vaccines train the immune system"
    replies = {
        text_of(chat(api, prompt, model=m))
        for m in ("openai/gpt-4o", "anthropic/claude-haiku-4.5", MINI)
    }
    assert len(replies) > 1


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("Say hi.", "Hi."),
        ("What is 12 * (3 + 4)?", "12 * (3 + 4) = 84."),
        ("Count to 5", "1, 2, 3, 4, 5."),
    ],
)
def test_simple_instructions_are_followed_exactly(
    api: httpx.Client, prompt: str, expected: str
) -> None:
    assert text_of(chat(api, prompt)) == expected


def test_multi_turn_context_is_used(api: httpx.Client) -> None:
    messages = [
        {"role": "user", "content": "My name is Ada and my favourite colour is green."},
        {"role": "assistant", "content": "Nice to meet you, Ada."},
        {"role": "user", "content": "What is my name?"},
    ]
    response = api.post("/v1/chat/completions", json={"model": MINI, "messages": messages})
    assert text_of(response.json()) == "Your name is Ada."
    messages[-1]["content"] = "What is my favourite colour?"
    assert text_of(
        api.post("/v1/chat/completions", json={"model": MINI, "messages": messages}).json()
    ) == ("Your favourite colour is green.")


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
def test_the_token_limit_cuts_the_reply_with_finish_reason_length(
    api: httpx.Client, field: str
) -> None:
    full = chat(api, "Count to 50")
    cut = chat(api, "Count to 50", **{field: 5})
    assert cut["choices"][0]["finish_reason"] == "length"
    assert cut["usage"]["completion_tokens"] == 5
    assert text_of(full).startswith(text_of(cut))
    assert len(text_of(cut)) < len(text_of(full))


def test_stop_sequences_end_the_reply_before_the_stop(api: httpx.Client) -> None:
    result = chat(api, "Count to 10", stop=["4,"])
    assert text_of(result) == "1, 2, 3, "
    assert result["choices"][0]["finish_reason"] == "stop"
    assert text_of(chat(api, "Count to 10", stop="7")) == "1, 2, 3, 4, 5, 6, "


def test_n_returns_that_many_choices_the_first_equal_to_a_single_reply(api: httpx.Client) -> None:
    prompt = "Describe the ocean tides and the moon"
    result = chat(api, prompt, n=3)
    assert [c["index"] for c in result["choices"]] == [0, 1, 2]
    assert text_of(result, 0) == text_of(chat(api, prompt))
    assert len({text_of(result, i) for i in range(3)}) > 1


def test_image_and_audio_parts_are_accepted_and_acknowledged(api: httpx.Client) -> None:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(b"\x00\x00" * 24000)
    parts = [
        {"type": "text", "text": "What do you see and hear?"},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
        {
            "type": "input_audio",
            "input_audio": {"data": base64.b64encode(buffer.getvalue()).decode(), "format": "wav"},
        },
    ]
    result = chat(api, parts, model="google/gemini-2.5-flash")
    assert "1 image (example.com/cat.png)" in text_of(result)
    assert "1 audio clip (wav, 1.5 s)" in text_of(result)
    assert result["usage"]["prompt_tokens_details"]["audio_tokens"] == 15


def test_an_image_for_a_text_only_model_is_400(api: httpx.Client) -> None:
    parts = [{"type": "image_url", "image_url": {"url": "https://example.com/x.png"}}]
    response = api.post(
        "/v1/chat/completions",
        json={
            "model": "meta-llama/llama-3.3-70b-instruct",
            "messages": [{"role": "user", "content": parts}],
        },
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"


def test_bad_base64_audio_is_422(api: httpx.Client) -> None:
    parts = [{"type": "input_audio", "input_audio": {"data": "***", "format": "wav"}}]
    response = api.post(
        "/v1/chat/completions",
        json={
            "model": "openai/gpt-4o-audio-preview",
            "messages": [{"role": "user", "content": parts}],
        },
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"][-1] == "data"


def test_usage_and_cost_follow_the_catalogue_prices(api: httpx.Client) -> None:
    model = api.get("/v1/models/anthropic/claude-sonnet-4.5").json()
    result = chat(api, "Explain photosynthesis", model=model["id"])
    usage, pricing = result["usage"], model["pricing"]
    expected = Decimal(usage["prompt_tokens"]) / 1000 * Decimal(
        str(pricing["prompt_usd_per_1k"])
    ) + Decimal(usage["completion_tokens"]) / 1000 * Decimal(str(pricing["completion_usd_per_1k"]))
    assert isinstance(result["cost"], str)
    assert abs(Decimal(result["cost"]) - expected) < Decimal("0.00000001")
    free = chat(api, "Hi", model="meta-llama/llama-3.3-70b-instruct:free")
    assert Decimal(free["cost"]) == 0


def test_an_unknown_model_is_404_model_not_found(api: httpx.Client) -> None:
    response = api.post(
        "/v1/chat/completions",
        json={"model": "acme/none", "messages": [{"role": "user", "content": "x"}]},
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "model_not_found"


@pytest.mark.parametrize(
    "model", ["openai/text-embedding-3-small", "openai/gpt-image-1", "openai/gpt-realtime-mini"]
)
def test_a_model_that_cannot_chat_is_400(api: httpx.Client, model: str) -> None:
    response = api.post(
        "/v1/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": "x"}]},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"


def test_a_missing_model_without_a_template_is_422(api: httpx.Client) -> None:
    response = api.post(
        "/v1/chat/completions", json={"messages": [{"role": "user", "content": "x"}]}
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"] == ["body", "model"]


def test_the_models_list_falls_back_and_says_so_in_headers(api: httpx.Client) -> None:
    body = {
        "model": "acme/gone",
        "models": ["acme/also-gone", MINI],
        "messages": [{"role": "user", "content": "Hi"}],
    }
    response = api.post("/v1/chat/completions", json=body)
    assert response.status_code == 200
    assert response.json()["model"] == MINI
    assert response.headers["X-Mesh-Routing-Fallback"] == "true"
    assert response.headers["X-Mesh-Routing-Model"] == MINI
    assert response.headers["X-Mesh-Routing-Attempts"] == "3"
    direct = api.post("/v1/chat/completions", json={"model": MINI, "messages": body["messages"]})
    assert "X-Mesh-Routing-Fallback" not in direct.headers
    assert direct.headers["X-Mesh-Routing-Attempts"] == "1"


# -- tools -------------------------------------------------------------------------------------


def tool_calls(result: Dict[str, Any]) -> List[Dict[str, Any]]:
    calls: List[Dict[str, Any]] = result["choices"][0]["message"]["tool_calls"]
    return calls


def test_a_tool_is_called_when_the_prompt_asks_for_it(api: httpx.Client) -> None:
    result = chat(
        api,
        "What is the weather in Paris?",
        model="openai/gpt-4o",
        tools=[WEATHER_TOOL],
        tool_choice="auto",
    )
    choice = result["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] is None
    (call,) = tool_calls(result)
    assert call["type"] == "function" and call["id"].startswith("call_")
    assert call["function"]["name"] == "get_weather"
    assert json.loads(call["function"]["arguments"]) == {"city": "Paris"}


def test_no_tool_is_called_when_the_prompt_is_unrelated_or_choice_is_none(
    api: httpx.Client,
) -> None:
    unrelated = chat(api, "Write a haiku about spring", tools=[WEATHER_TOOL])
    assert "tool_calls" not in unrelated["choices"][0]["message"]
    refused = chat(api, "What is the weather in Paris?", tools=[WEATHER_TOOL], tool_choice="none")
    assert refused["choices"][0]["finish_reason"] == "stop"


def test_tool_choice_forces_a_named_tool_or_any_tool(api: httpx.Client) -> None:
    forced = chat(
        api,
        "Write a haiku about spring",
        tools=[WEATHER_TOOL, FLIGHT_TOOL],
        tool_choice={"type": "function", "function": {"name": "book_flight"}},
    )
    assert tool_calls(forced)[0]["function"]["name"] == "book_flight"
    required = chat(api, "Write a haiku", tools=[WEATHER_TOOL], tool_choice="required")
    assert tool_calls(required)[0]["function"]["name"] == "get_weather"


def test_tool_arguments_are_valid_against_a_rich_schema_and_use_the_prompt(
    api: httpx.Client,
) -> None:
    prompt = (
        "Please book a flight to Lisbon for 3 passengers in business class,"
        " email me at ana@example.org"
    )
    result = chat(api, prompt, tools=[WEATHER_TOOL, FLIGHT_TOOL])
    (call,) = tool_calls(result)
    assert call["function"]["name"] == "book_flight"
    args = json.loads(call["function"]["arguments"])
    schema = FLIGHT_TOOL["function"]["parameters"]  # type: ignore[index]
    assert schema_errors(args, schema) == []
    assert args["destination"] == "Lisbon"
    assert args["passengers"] == 3
    assert args["cabin"] == "business"
    assert args["contact"]["email"] == "ana@example.org"


def test_two_cities_give_parallel_calls_unless_disabled(api: httpx.Client) -> None:
    prompt = "What is the weather in Paris and London?"
    calls = tool_calls(chat(api, prompt, tools=[WEATHER_TOOL]))
    assert [json.loads(c["function"]["arguments"])["city"] for c in calls] == ["Paris", "London"]
    assert len({c["id"] for c in calls}) == 2
    single = tool_calls(chat(api, prompt, tools=[WEATHER_TOOL], parallel_tool_calls=False))
    assert len(single) == 1


def test_after_a_tool_result_the_model_answers_from_it(api: httpx.Client) -> None:
    first = chat(api, "What is the weather in Paris?", tools=[WEATHER_TOOL])
    call = tool_calls(first)[0]
    messages = [
        {"role": "user", "content": "What is the weather in Paris?"},
        first["choices"][0]["message"],
        {
            "role": "tool",
            "tool_call_id": call["id"],
            "content": json.dumps({"temperature_c": 18, "conditions": "sunny"}),
        },
    ]
    result = api.post(
        "/v1/chat/completions", json={"model": MINI, "messages": messages, "tools": [WEATHER_TOOL]}
    )
    text = text_of(result.json())
    assert result.json()["choices"][0]["finish_reason"] == "stop"
    assert "get_weather" in text and "Paris" in text and "18" in text and "sunny" in text


def test_a_tool_message_without_tool_call_id_is_422(api: httpx.Client) -> None:
    body = {"model": MINI, "messages": [{"role": "tool", "content": "x"}]}
    assert api.post("/v1/chat/completions", json=body).status_code == 422


def test_forcing_a_tool_that_was_not_offered_is_400(api: httpx.Client) -> None:
    body = {
        "model": MINI,
        "messages": [{"role": "user", "content": "x"}],
        "tools": [WEATHER_TOOL],
        "tool_choice": {"type": "function", "function": {"name": "nope"}},
    }
    assert api.post("/v1/chat/completions", json=body).status_code == 400


def test_json_schema_response_format_gives_valid_json(api: httpx.Client) -> None:
    schema = {
        "type": "object",
        "properties": {
            "answer": {"type": "string"},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": ["answer", "confidence"],
    }
    result = chat(
        api,
        "What is the capital of Italy?",
        response_format={"type": "json_schema", "json_schema": {"name": "qa", "schema": schema}},
    )
    data = json.loads(text_of(result))
    assert schema_errors(data, schema) == []
    assert "Rome" in data["answer"]
    as_object = json.loads(text_of(chat(api, "Hi", response_format={"type": "json_object"})))
    assert isinstance(as_object, dict)


# -- audio output --------------------------------------------------------------------------------


def test_an_audio_model_returns_a_wav_and_its_transcript(api: httpx.Client) -> None:
    result = chat(
        api,
        "Say hello world",
        model="openai/gpt-4o-audio-preview",
        modalities=["text", "audio"],
        audio={"voice": "alloy", "format": "wav"},
    )
    audio = result["choices"][0]["message"]["audio"]
    assert audio["transcript"] == "Hello world."
    with wave.open(io.BytesIO(base64.b64decode(audio["data"]))) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 24000)
        assert wav.getnframes() > 0
    assert result["usage"]["completion_tokens_details"]["audio_tokens"] > 0


def test_audio_output_needs_an_audio_model_and_a_supported_format(api: httpx.Client) -> None:
    body = {
        "model": MINI,
        "messages": [{"role": "user", "content": "x"}],
        "modalities": ["text", "audio"],
    }
    assert api.post("/v1/chat/completions", json=body).status_code == 400
    body.update(model="openai/gpt-4o-audio-preview", audio={"format": "mp3"})
    response = api.post("/v1/chat/completions", json=body)
    assert response.status_code == 501
    assert response.json()["error"]["code"] == "not_implemented"


# -- streaming -------------------------------------------------------------------------------------


def stream_chat(api: httpx.Client, **body: Any) -> List[Any]:
    payload = {
        "model": MINI,
        "messages": [{"role": "user", "content": "Write a haiku about Python."}],
        **body,
    }
    response = post_stream(api, "/v1/chat/completions", {**payload, "stream": True})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    frames = sse_json(response.text)
    assert frames[-1] == (None, "[DONE]")
    return [data for _, data in frames[:-1]]


def test_a_stream_sends_the_role_first_then_tokens_and_matches_the_plain_reply(
    api: httpx.Client,
) -> None:
    chunks = stream_chat(api)
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert len([c for c in chunks if c["choices"] and c["choices"][0]["delta"].get("content")]) > 5
    plain = api.post(
        "/v1/chat/completions",
        json={
            "model": MINI,
            "messages": [{"role": "user", "content": "Write a haiku about Python."}],
        },
    ).json()
    assert text == text_of(plain)
    last = chunks[-1]
    assert last["choices"][0]["finish_reason"] == "stop"
    assert last["usage"] == plain["usage"]
    assert last["cost"] == plain["cost"]


def test_include_usage_adds_a_final_chunk_with_no_choices(api: httpx.Client) -> None:
    chunks = stream_chat(api, stream_options={"include_usage": True})
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["total_tokens"] > 0
    assert isinstance(chunks[-1]["cost"], str)
    assert "usage" not in chunks[-2]
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"


def test_a_streamed_tool_call_assembles_into_valid_arguments(api: httpx.Client) -> None:
    chunks = stream_chat(
        api,
        messages=[{"role": "user", "content": "What is the weather in Paris?"}],
        tools=[WEATHER_TOOL],
    )
    deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
    parts = [d["tool_calls"][0] for d in deltas if d.get("tool_calls")]
    assert parts[0]["id"].startswith("call_") and parts[0]["function"]["name"] == "get_weather"
    arguments = "".join(p["function"].get("arguments", "") for p in parts)
    assert json.loads(arguments) == {"city": "Paris"}
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_a_stream_with_a_token_limit_ends_with_length(api: httpx.Client) -> None:
    chunks = stream_chat(api, max_tokens=3)
    content = [c for c in chunks if c["choices"] and c["choices"][0]["delta"].get("content")]
    assert len(content) == 3
    assert chunks[-1]["choices"][0]["finish_reason"] == "length"


def test_a_stream_request_that_fails_validation_is_a_plain_http_error(api: httpx.Client) -> None:
    response = post_stream(
        api,
        "/v1/chat/completions",
        {"model": "acme/none", "stream": True, "messages": [{"role": "user", "content": "x"}]},
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "model_not_found"


def test_an_audio_stream_carries_transcript_and_data_deltas(api: httpx.Client) -> None:
    chunks = stream_chat(
        api,
        model="openai/gpt-4o-audio-preview",
        messages=[{"role": "user", "content": "Say good morning"}],
        modalities=["text", "audio"],
        audio={"voice": "alloy", "format": "pcm16"},
    )
    audio = [
        c["choices"][0]["delta"]["audio"]
        for c in chunks
        if c["choices"] and "audio" in c["choices"][0]["delta"]
    ]
    transcript = "".join(a.get("transcript", "") for a in audio)
    pcm = b"".join(base64.b64decode(a["data"]) for a in audio if "data" in a)
    assert transcript == "Good morning."
    assert len(pcm) % 2 == 0 and len(pcm) > 0
