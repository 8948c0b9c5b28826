"""Stream reducers with no network: chat tool calls as gateways in the wild send them, typed
events, compare / responses / image streams folded into the non-streaming answer's shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

from meshapi import (
    ChatCompletionAccumulator,
    ChatCompletionChunk,
    CompareStreamEvent,
    ContentDeltaEvent,
    ImageStreamEvent,
    ResponsesStreamEvent,
    ToolCallArgumentsDeltaEvent,
)
from meshapi._accumulate import made_up_call_id
from meshapi._reducers import ChatEventReducer, CompareReducer, ImageReducer, ResponsesReducer

FIXTURES = Path(__file__).parents[1] / "contract" / "fixtures"


def chunk(*choices: Dict[str, Any], cid: str = "chatcmpl-1") -> ChatCompletionChunk:
    body = {"id": cid, "object": "chat.completion.chunk", "created": 1, "model": "m"}
    return ChatCompletionChunk.model_validate(
        {**body, "choices": [{"index": 0, **c} for c in choices]}
    )


def call_piece(index: int = 0, **delta: Any) -> Dict[str, Any]:
    return {"index": 0, "delta": {"tool_calls": [{"index": index, **delta}]}}


def fold(*chunks: ChatCompletionChunk) -> Any:
    acc = ChatCompletionAccumulator()
    acc.extend(chunks)
    return acc.snapshot()


def test_tool_call_pieces_without_an_index_follow_their_call() -> None:
    reply = fold(
        chunk(call_piece(id="c1", function={"name": "a", "arguments": ""})),
        chunk({"delta": {"tool_calls": [{"function": {"arguments": '{"x":'}}]}}),
        chunk({"delta": {"tool_calls": [{"function": {"arguments": " 1}"}}]}}),
        chunk({"delta": {"tool_calls": [{"id": "c2", "function": {"name": "b"}}]}}),
        chunk({"delta": {"tool_calls": [{"function": {"arguments": "{}"}}]}}),
    )
    calls = reply.choices[0].message.tool_calls
    assert [(c.id, c.function.name, c.function.arguments) for c in calls] == [
        ("c1", "a", '{"x": 1}'),
        ("c2", "b", "{}"),
    ]


def test_arguments_under_another_index_than_the_name_join_the_open_call() -> None:
    reply = fold(
        chunk(call_piece(0, id="c1", function={"name": "lookup"})),
        chunk(call_piece(1, function={"arguments": '{"q": "tea"'})),
        chunk(call_piece(1, function={"arguments": "}"})),
    )
    calls = reply.choices[0].message.tool_calls
    assert len(calls) == 1 and calls[0].function.arguments == '{"q": "tea"}'


def test_missing_ids_are_made_up_deterministically_and_a_late_id_wins() -> None:
    pieces = (
        chunk(call_piece(0, function={"name": "a", "arguments": "{}"})),
        chunk(call_piece(1, function={"name": "b", "arguments": "{}"})),
        chunk(call_piece(1, id="real_b")),
    )
    first, second = fold(*pieces), fold(*pieces)
    ids = [c.id for c in first.choices[0].message.tool_calls]
    assert ids[0] == made_up_call_id("chatcmpl-1", 0, 0) and ids[0].startswith("call_")
    assert ids[1] == "real_b"
    assert ids == [c.id for c in second.choices[0].message.tool_calls]


def test_several_choices_and_a_repeated_name_are_kept_apart() -> None:
    reply = fold(
        chunk(
            {"index": 0, "delta": {"content": "A"}},
            {"index": 1, "delta": {"content": "B"}},
        ),
        chunk(call_piece(0, id="x", function={"name": "f", "arguments": "{"})),
        chunk(call_piece(0, id="x", function={"name": "f", "arguments": "}"})),
        chunk({"index": 1, "delta": {"content": "b"}, "finish_reason": "stop"}),
    )
    assert [c.message.content for c in reply.choices] == ["A", "Bb"]
    call = reply.choices[0].message.tool_calls[0]
    assert (call.function.name, call.function.arguments) == ("f", "{}")


def test_the_event_reducer_types_each_piece() -> None:
    reducer = ChatEventReducer(ChatCompletionAccumulator())
    events: List[Any] = []
    for c in (
        chunk({"delta": {"content": "Hi"}}),
        chunk({"delta": {"refusal": "No"}}),
        chunk(call_piece(0, id="c1", function={"name": "f", "arguments": '{"a"'})),
        chunk(call_piece(0, function={"arguments": ": 1}"})),
    ):
        events.extend(reducer.feed(c))
    assert [e.type for e in events] == [
        "content.delta",
        "refusal.delta",
        "tool_calls.function.arguments.delta",
        "tool_calls.function.arguments.delta",
    ]
    assert isinstance(events[0], ContentDeltaEvent) and events[0].delta == "Hi"
    last = events[-1]
    assert isinstance(last, ToolCallArgumentsDeltaEvent)
    assert (last.id, last.name, last.arguments_delta, last.arguments) == (
        "c1",
        "f",
        ": 1}",
        '{"a": 1}',
    )
    done = reducer.done()
    assert done.completion.choices[0].message.content == "Hi"


def frames(name: str) -> List[Dict[str, Any]]:
    data: List[Dict[str, Any]] = json.loads((FIXTURES / name).read_text())
    return data


@pytest.mark.parametrize(
    "name", ["compare_stream_skip_comparison.json", "compare_stream_synthesis.json"]
)
def test_compare_streams_fold_into_a_compare_response(name: str) -> None:
    reducer = CompareReducer()
    texts: List[Any] = []
    for f in frames(name):
        delta = reducer.feed(CompareStreamEvent.from_sse(f["event"], f["data"]))
        if delta:
            texts.append(delta)
    final = reducer.snapshot()
    assert final.models == ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5"]
    by_model = {r.model: r for r in final.results}
    if "skip" in name:
        assert texts[:2] == [
            ("openai/gpt-4o-mini", "Par"),
            ("anthropic/claude-sonnet-4.5", "The capital"),
        ]
        assert by_model["anthropic/claude-sonnet-4.5"].content == "The capital is Paris."
        assert by_model["openai/gpt-4o-mini"].usage.total_tokens == 17
        assert final.comparison is None and final.partial is False
    else:
        assert final.comparison == "Only GPT answered." and final.partial is True
        assert by_model["anthropic/claude-sonnet-4.5"].error_code == "rate_limit_exceeded"
        assert by_model["openai/gpt-4o-mini"].content == "Paris."
        assert reducer.text_of("comparison") == "Only GPT answered."
    assert final.comparison_id.startswith("cmp_s")


def test_responses_stream_final_response() -> None:
    reducer = ResponsesReducer()
    deltas = []
    for f in frames("responses_stream_events.json"):
        delta = reducer.feed(ResponsesStreamEvent.model_validate(f))
        if delta:
            deltas.append(delta)
    final = reducer.snapshot()
    assert final.status == "completed"
    assert "".join(deltas) == final.output_text


def test_image_stream_final_image_and_no_image() -> None:
    reducer = ImageReducer()
    for f in frames("image_stream_events.json"):
        reducer.feed(ImageStreamEvent.model_validate(f))
    final = reducer.result()
    assert final.data[0].url == "https://cdn.meshapi.ai/images/img_02.png"
    assert final.usage is not None and final.usage.total_tokens == 4170
    assert reducer.partials == ["iVBORw0KGgo="]
    with pytest.raises(ValueError, match="without a completed image"):
        ImageReducer().result()
