"""The stream core: [DONE], truncation, in-band errors, bad frames. No network."""

from __future__ import annotations

import json

import pytest

from meshapi import (
    ChatCompletionChunk,
    CompareStreamEvent,
    InvalidResponseError,
    MeshAPIError,
    RateLimitError,
    ResponsesStreamEvent,
    StreamInterruptedError,
)
from meshapi._streaming import StreamCore, dict_decoder, model_decoder

CHUNK = {
    "id": "chatcmpl-1",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": "openai/gpt-4o-mini",
    "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}],
}


def frame(payload: object, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(payload)}\n\n".encode()


def chat_core() -> StreamCore[ChatCompletionChunk]:
    return StreamCore(model_decoder(ChatCompletionChunk), "req_H", "POST /v1/chat/completions")


def test_done_ends_the_stream_and_later_bytes_are_ignored() -> None:
    core = chat_core()
    items = core.feed(frame(CHUNK) + b"data: [DONE]\n\n" + frame(CHUNK))
    assert len(items) == 1 and items[0].choices[0].delta.content == "Hi"
    assert core.done
    core.finish()  # no error


def test_items_before_an_error_frame_in_the_same_chunk_arrive_before_the_error() -> None:
    # How the bytes are cut into chunks (aiohttp hands over all it has buffered) must not lose
    # the items that came before an in-band error.
    core = chat_core()
    payload = {"error": {"code": "rate_limit_exceeded", "message": "RPM hit"}}
    items = core.feed(frame(CHUNK) + frame(CHUNK) + frame(payload) + frame(CHUNK))
    assert [i.choices[0].delta.content for i in items] == ["Hi", "Hi"]
    assert core.done, "the read loops stop here and call finish()"
    with pytest.raises(RateLimitError):
        core.finish()
    core.finish()  # raised once


def test_eof_before_done_raises_stream_interrupted() -> None:
    core = chat_core()
    core.feed(frame(CHUNK))
    with pytest.raises(StreamInterruptedError) as info:
        core.finish()
    assert info.value.error_code == "stream_interrupted"
    assert info.value.request_id == "req_H"
    assert isinstance(info.value, MeshAPIError)


def test_eof_in_the_middle_of_a_frame_raises_stream_interrupted() -> None:
    core = chat_core()
    assert core.feed(frame(CHUNK)[:30]) == []
    with pytest.raises(StreamInterruptedError):
        core.finish()


def test_empty_stream_raises_stream_interrupted() -> None:
    with pytest.raises(StreamInterruptedError):
        chat_core().finish()


def test_inband_error_frame_raises_the_mapped_error_with_frame_request_id() -> None:
    core = chat_core()
    payload = {
        "error": {"code": "rate_limit_exceeded", "message": "RPM hit"},
        "request_id": "req_F",
    }
    with pytest.raises(RateLimitError) as info:
        core.feed(frame(payload))
    assert (info.value.error_code, info.value.message, info.value.request_id) == (
        "rate_limit_exceeded",
        "RPM hit",
        "req_F",
    )


def test_inband_error_without_request_id_uses_the_response_header() -> None:
    with pytest.raises(MeshAPIError) as info:
        chat_core().feed(frame({"error": {"code": "upstream_error", "message": "provider down"}}))
    assert info.value.request_id == "req_H" and info.value.status == 502


def test_a_chunk_whose_content_mentions_error_is_not_an_error() -> None:
    chunk = json.loads(json.dumps(CHUNK))
    chunk["choices"][0]["delta"]["content"] = 'the "error" key'
    (item,) = chat_core().feed(frame(chunk))
    assert item.choices[0].delta.content == 'the "error" key'


def test_invalid_json_frame_raises_and_is_not_skipped() -> None:
    with pytest.raises(InvalidResponseError) as info:
        chat_core().feed(b"data: {not json}\n\n")
    assert info.value.error_code == "invalid_response"
    assert "not valid JSON" in str(info.value)


def test_frame_missing_a_required_field_names_it() -> None:
    bad = {k: v for k, v in CHUNK.items() if k != "id"}
    with pytest.raises(InvalidResponseError) as info:
        chat_core().feed(frame(bad))
    assert "id: Field required" in str(info.value)


def test_invalid_utf8_in_the_stream_raises_invalid_response() -> None:
    with pytest.raises(InvalidResponseError):
        chat_core().feed(b"data: \xff\n\n")


def test_responses_error_event_shape_raises() -> None:
    core = StreamCore(model_decoder(ResponsesStreamEvent), None, "POST /v1/responses")
    with pytest.raises(MeshAPIError) as info:
        core.feed(
            frame({"type": "error", "code": "upstream_error", "message": "gone"}, event="error")
        )
    assert (info.value.error_code, info.value.message) == ("upstream_error", "gone")


def test_responses_events_keep_their_fields() -> None:
    core = StreamCore(model_decoder(ResponsesStreamEvent), None, "POST /v1/responses")
    (event,) = core.feed(
        frame(
            {"type": "response.output_text.delta", "delta": "He", "sequence_number": 3},
            "response.output_text.delta",
        )
    )
    assert event.type == "response.output_text.delta"
    assert event.delta == "He"  # type: ignore[attr-defined]


def compare_core() -> StreamCore[CompareStreamEvent]:
    return StreamCore(
        dict_decoder(CompareStreamEvent.from_sse, "CompareStreamEvent"), None, "compare"
    )


def test_compare_events_keep_name_payload_and_flattened_fields() -> None:
    core = compare_core()
    meta = {
        "comparison_id": "cmp_1",
        "models": ["a/x", "b/y"],
        "comparison_model": "a/x",
        "skip_comparison": False,
    }
    chunk = {
        "model": "a/x",
        "delta": "Hello",
        "latency_ms": 12,
        "error": None,
        "error_code": None,
        "extra": 1,
    }
    events = core.feed(frame(meta, "meta") + frame(chunk, "model_chunk"))
    assert [e.event for e in events] == ["meta", "model_chunk"]
    assert events[0].comparison_id == "cmp_1" and events[0].models == ["a/x", "b/y"]
    assert events[1].model == "a/x" and events[1].delta == "Hello"
    assert events[1].data == chunk


def test_compare_frame_that_is_not_an_object_raises() -> None:
    with pytest.raises(InvalidResponseError):
        compare_core().feed(b"event: meta\ndata: [1, 2]\n\n")


def test_compare_error_event_raises() -> None:
    payload = {"error": {"code": "all_models_failed", "message": "every model failed"}}
    with pytest.raises(MeshAPIError) as info:
        compare_core().feed(frame(payload, "error"))
    assert info.value.error_code == "all_models_failed"
