"""Stream frames (chat chunks, responses events, compare events, image chunks) parse one by one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest
from pydantic import ValidationError

from meshapi import _types as t

FIXTURES = Path(__file__).parent / "fixtures"


def frames(name: str) -> List[Dict[str, Any]]:
    loaded: List[Dict[str, Any]] = json.loads((FIXTURES / name).read_bytes())
    return loaded


def chat_chunks() -> List[t.ChatCompletionChunk]:
    # Each frame is parsed from its own bytes, as the stream parser hands them over.
    return [
        t.ChatCompletionChunk.model_validate_json(json.dumps(f).encode())
        for f in frames("chat_completion_chunks.json")
    ]


def test_chat_chunks_rebuild_the_text_and_keep_extras() -> None:
    chunks = chat_chunks()
    assert {c.id for c in chunks} == {"chatcmpl-stream-1"}
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Let me check."
    assert chunks[0].mesh_chunk_seq == 0


def test_chat_chunks_tool_call_deltas_assemble_into_json_arguments() -> None:
    calls: Dict[int, Dict[str, str]] = {}
    for chunk in chat_chunks():
        for choice in chunk.choices:
            for part in choice.delta.tool_calls or []:
                call = calls.setdefault(part.index, {"id": "", "name": "", "arguments": ""})
                if part.id:
                    call["id"] = part.id
                if part.function is not None:
                    call["name"] += part.function.name or ""
                    call["arguments"] += part.function.arguments or ""
    assert calls == {0: {"id": "call_w1", "name": "get_weather", "arguments": '{"city": "Paris"}'}}
    assert json.loads(calls[0]["arguments"]) == {"city": "Paris"}


def test_chat_usage_chunk_has_no_choices_and_carries_usage_and_cost() -> None:
    chunks = chat_chunks()
    finish = chunks[-2]
    assert finish.choices[0].finish_reason == "tool_calls"
    assert finish.choices[0].delta.content is None
    last = chunks[-1]
    assert last.choices == []
    assert last.usage is not None
    assert (last.usage.prompt_tokens, last.usage.completion_tokens) == (40, 21)
    assert last.usage.total_tokens == 61
    assert last.cost == "0.0000186"


def test_chat_chunk_without_delta_or_with_empty_choices_parses() -> None:
    # Some providers send a bare finish chunk (no `delta`); the usage chunk has `choices: []`.
    head = b'{"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "a/b", '
    bare = t.ChatCompletionChunk.model_validate_json(
        head + b'"choices": [{"index": 0, "finish_reason": "stop"}]}'
    )
    assert bare.choices[0].delta.content is None
    assert bare.choices[0].finish_reason == "stop"
    usage_only = t.ChatCompletionChunk.model_validate_json(
        head + b'"choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 2, '
        b'"total_tokens": 3}}'
    )
    assert usage_only.choices == []


def test_chat_chunk_replayed_from_cache_is_one_whole_chunk() -> None:
    chunk = t.ChatCompletionChunk.model_validate_json(
        json.dumps(
            {
                "id": "chatcmpl-cached-5e1",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": "openai/gpt-4o-mini",
                "choices": [
                    {
                        "index": 0,
                        "delta": {"role": "assistant", "content": "Whole answer."},
                        "finish_reason": "stop",
                    }
                ],
            }
        )
    )
    assert chunk.id.startswith("chatcmpl-cached-")
    assert chunk.choices[0].delta.content == "Whole answer."


def test_chat_chunk_without_id_fails_validation() -> None:
    with pytest.raises(ValidationError, match="id"):
        t.ChatCompletionChunk.model_validate_json(b'{"choices": []}')


def test_responses_stream_events_carry_delta_text_item_and_response() -> None:
    events = [
        t.ResponsesStreamEvent.model_validate_json(json.dumps(f))
        for f in frames("responses_stream_events.json")
    ]
    assert [e.sequence_number for e in events] == list(range(7))
    assert events[0].type == "response.created"
    assert events[0].response is not None and events[0].response.status == "in_progress"
    assert events[1].item is not None and events[1].item.type == "message"
    assert events[2].part == {"type": "output_text", "text": "", "annotations": []}
    deltas = [e.delta for e in events if e.type == "response.output_text.delta"]
    assert deltas == ["Hello", " there"]
    assert events[4].obfuscation == "x9"
    assert events[5].text == "Hello there"
    done = events[-1]
    assert done.type == "response.completed"
    assert done.response is not None
    assert done.response.output_text == "Hello there"
    assert done.response.usage is not None and done.response.usage.total_tokens == 11


def test_responses_unknown_event_type_keeps_its_fields() -> None:
    event = t.ResponsesStreamEvent.model_validate_json(
        b'{"type": "response.web_search_call.searching", "sequence_number": 9, "item_id": "ws_1",'
        b' "query": "weather"}'
    )
    assert event.type == "response.web_search_call.searching"
    assert event.item_id == "ws_1"
    assert event.query == "weather"


def test_compare_stream_with_synthesis_flattens_each_event() -> None:
    events = [
        t.CompareStreamEvent.from_sse(f["event"], f["data"])
        for f in frames("compare_stream_synthesis.json")
    ]
    names = [e.event for e in events]
    assert names == [
        "meta",
        "model_chunk",
        "model_chunk",
        "model_done",
        "comparison_chunk",
        "comparison_chunk",
        "done",
    ]
    meta = events[0]
    assert meta.comparison_id == "cmp_s1"
    assert meta.models == ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5"]
    assert meta.comparison_model == "openai/gpt-4o-mini"
    assert meta.skip_comparison is False
    assert meta.data["mesh_region"] == "eu"
    assert meta.mesh_region == "eu"
    ok, failed = events[1], events[2]
    assert (ok.model, ok.delta, ok.latency_ms) == ("openai/gpt-4o-mini", "Paris.", 640)
    assert ok.usage is not None and ok.usage.total_tokens == 16
    assert (failed.error, failed.error_code) == ("rate limited upstream", "rate_limit_exceeded")
    assert failed.delta is None
    results = events[3].results
    assert results is not None
    assert [r.model for r in results] == ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5"]
    assert results[1].error_code == "rate_limit_exceeded"
    synthesis = "".join(e.delta or "" for e in events if e.event == "comparison_chunk")
    assert synthesis == "Only GPT answered."
    assert events[5].finish_reason == "stop"
    done = events[-1]
    assert (done.comparison_id, done.total_latency_ms, done.partial) == ("cmp_s1", 1710, True)
    assert done.comparison_fallback_used is False


def test_compare_stream_without_synthesis_interleaves_models() -> None:
    events = [
        t.CompareStreamEvent.from_sse(f["event"], f["data"])
        for f in frames("compare_stream_skip_comparison.json")
    ]
    assert events[0].skip_comparison is True
    assert events[0].comparison_model is None
    text: Dict[str, str] = {}
    for e in events:
        if e.event == "model_chunk":
            assert e.model is not None
            text[e.model] = text.get(e.model, "") + (e.delta or "")
    assert text == {
        "openai/gpt-4o-mini": "Paris.",
        "anthropic/claude-sonnet-4.5": "The capital is Paris.",
    }
    done_per_model = [e for e in events if e.event == "model_stream_done"]
    assert [e.model for e in done_per_model] == [
        "openai/gpt-4o-mini",
        "anthropic/claude-sonnet-4.5",
    ]
    assert all(e.finish_reason == "stop" and e.error is None for e in done_per_model)
    assert done_per_model[1].usage is not None
    assert done_per_model[1].usage.total_tokens == 20
    assert events[5].data["mesh_token_index"] == 2
    assert events[-1].event == "done"
    assert events[-1].total_latency_ms == 1203.7
    assert events[-1].partial is False


def test_compare_event_keeps_the_whole_payload_and_unknown_keys_as_attributes() -> None:
    payload = {"model": "m", "delta": "x", "data": "nested", "event": "other", "mesh_x": 1}
    event = t.CompareStreamEvent.from_sse("model_chunk", payload)
    assert event.event == "model_chunk"
    assert event.data == payload
    assert (event.model, event.delta) == ("m", "x")
    assert event.mesh_x == 1
    assert event.model_extra == {"mesh_x": 1}


@pytest.mark.parametrize(
    ("name", "payload", "expected"),
    [
        (None, {"type": "done", "comparison_id": "c"}, "done"),
        ("", {"comparison_id": "c"}, "message"),
        (None, {"type": 7}, "message"),
    ],
    ids=["type-from-payload", "empty-name-defaults-to-message", "non-string-type-ignored"],
)
def test_compare_event_without_sse_name(name: Any, payload: Dict[str, Any], expected: str) -> None:
    assert t.CompareStreamEvent.from_sse(name, payload).event == expected


def test_compare_event_with_a_wrongly_typed_field_fails_validation() -> None:
    with pytest.raises(ValidationError, match="latency_ms"):
        t.CompareStreamEvent.from_sse("model_chunk", {"model": "m", "latency_ms": "slow"})


def test_image_stream_events_parse_chunks_and_partial_images() -> None:
    events = [
        t.ImageStreamEvent.model_validate_json(json.dumps(f))
        for f in frames("image_stream_events.json")
    ]
    first, partial, last = events
    assert (first.object, first.status, first.data) == ("image.chunk", "in_progress", [])
    assert first.mesh_progress == 0.1
    assert partial.type == "image_generation.partial_image"
    assert (partial.b64_json, partial.partial_image_index) == ("iVBORw0KGgo=", 0)
    assert partial.size == "1024x1024"
    assert last.status == "completed"
    assert last.data is not None
    assert last.data[0].url == "https://cdn.meshapi.ai/images/img_02.png"
    assert last.usage is not None and last.usage.output_tokens == 4160
