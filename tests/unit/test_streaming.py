"""The stream core: [DONE], truncation, in-band errors, bad frames. No network."""

from __future__ import annotations

import json

import pytest

from meshapi import (
    APITimeoutError,
    ChatCompletionChunk,
    CompareStreamEvent,
    InvalidResponseError,
    MeshAPIError,
    RateLimitError,
    ResponsesStreamEvent,
    ResponseTooLargeError,
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


def test_invalid_utf8_in_a_frame_is_replaced_and_the_stream_goes_on() -> None:
    # Before: the whole stream was lost to an InvalidResponseError.
    bad = frame({**CHUNK, "choices": [{"index": 0, "delta": {"content": "caf\u00e9"}}]})
    bad = bad.replace(b"caf\\u00e9", b"caf\xe9")  # Latin-1, not UTF-8
    core = chat_core()
    items = core.feed(bad + frame(CHUNK) + b"data: [DONE]\n\n")
    assert [i.choices[0].delta.content for i in items] == ["caf\ufffd", "Hi"]
    core.finish()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def stalling_core(clock: FakeClock, stall: float = 5.0) -> StreamCore[ChatCompletionChunk]:
    return StreamCore(
        model_decoder(ChatCompletionChunk),
        "req_S",
        "POST /v1/chat/completions",
        stall_timeout=stall,
        clock=clock,
    )


def test_keep_alives_do_not_reset_the_stall_clock() -> None:
    clock = FakeClock()
    core = stalling_core(clock)
    core.feed(frame(CHUNK))
    for _ in range(4):  # a keep-alive every second: within the read timeout each time
        clock.now += 1
        assert core.feed(b": keep-alive\n\n") == []
    clock.now += 1.5  # 5.5 s since the last event
    with pytest.raises(APITimeoutError) as info:
        core.feed(b": keep-alive\n\n")
    assert info.value.error_code == "timeout"
    assert info.value.request_id == "req_S"
    assert "no event completed" in str(info.value)


def test_an_event_sent_a_byte_at_a_time_stalls_too() -> None:
    clock = FakeClock()
    core = stalling_core(clock)
    with pytest.raises(APITimeoutError):
        for byte in frame(CHUNK):
            clock.now += 0.5
            core.feed(bytes([byte]))


def test_every_complete_event_resets_the_stall_clock() -> None:
    clock = FakeClock()
    core = stalling_core(clock)
    for _ in range(10):
        clock.now += 4.9
        assert len(core.feed(frame(CHUNK))) == 1


def test_no_read_timeout_means_no_stall_limit() -> None:
    clock = FakeClock()
    core = stalling_core(clock)
    core.stall_timeout = None
    clock.now += 10_000
    assert core.feed(b": keep-alive\n\n") == []


def test_a_frame_past_max_event_bytes_names_the_limit() -> None:
    core = StreamCore(
        model_decoder(ChatCompletionChunk), "req_L", "POST /v1/chat/completions", max_event_bytes=64
    )
    with pytest.raises(ResponseTooLargeError) as info:
        core.feed(b"data: " + b"x" * 1000)
    err = info.value
    assert (err.error_code, err.limit, err.limit_bytes) == (
        "response_too_large",
        "max_event_bytes",
        64,
    )
    assert "max_event_bytes=64" in str(err) and "a line of the stream" in str(err)
    assert isinstance(err, MeshAPIError)


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


def test_a_huge_inband_error_frame_keeps_only_the_start_of_its_text() -> None:
    frame_text = json.dumps({"error": {"code": "upstream_error", "message": "m" * 100_000}})
    with pytest.raises(MeshAPIError) as info:
        chat_core().feed(f"data: {frame_text}\n\n".encode())
    err = info.value
    assert err.error_code == "upstream_error"
    assert isinstance(err.body, str) and len(err.body) < 9 * 1024
    assert len(err.message) < 9 * 1024
