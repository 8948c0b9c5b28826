"""Stream accumulation: chunks in, the completion create() would have returned out."""

from __future__ import annotations

import asyncio
import json
from typing import Any, AsyncIterator, Dict, Iterator, List

import httpx
import pytest
from fake_gateway import Api, FakeGateway

from meshapi import (
    ChatCompletionAccumulator,
    ChatCompletionChunk,
    ChatCompletionParams,
    MeshAPIError,
    StreamInterruptedError,
)


def chunk(choices: List[Dict[str, Any]], **extra: Any) -> ChatCompletionChunk:
    body = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 7, "model": "m/x"}
    body.update(extra)
    body["choices"] = choices
    return ChatCompletionChunk.model_validate(body)


def delta(index: int = 0, finish: Any = None, **d: Any) -> Dict[str, Any]:
    return {"index": index, "delta": d, "finish_reason": finish}


def test_text_is_concatenated_and_usage_and_cost_taken_from_the_final_chunk() -> None:
    acc = ChatCompletionAccumulator()
    acc.add(chunk([delta(role="assistant", content="Hel")]))
    acc.add(chunk([delta(content="lo")]))
    acc.add(chunk([delta(finish="stop")]))
    acc.add(
        chunk(
            [],
            usage={"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
            cost="0.0001",
        )
    )
    reply = acc.snapshot()
    assert (reply.id, reply.model, reply.created, reply.object) == (
        "chatcmpl-1",
        "m/x",
        7,
        "chat.completion",
    )
    (choice,) = reply.choices
    assert (choice.message.role, choice.message.content, choice.finish_reason) == (
        "assistant",
        "Hello",
        "stop",
    )
    assert reply.usage is not None and reply.usage.total_tokens == 5
    assert reply.cost == "0.0001"
    assert acc.chunks == 4


def test_tool_call_pieces_are_joined_by_index() -> None:
    acc = ChatCompletionAccumulator()
    acc.add(
        chunk(
            [
                delta(
                    role="assistant",
                    tool_calls=[
                        {
                            "index": 0,
                            "id": "call_a",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": ""},
                        },
                        {
                            "index": 1,
                            "id": "call_b",
                            "type": "function",
                            "function": {"name": "get_time", "arguments": "{"},
                        },
                    ],
                )
            ]
        )
    )
    acc.add(chunk([delta(tool_calls=[{"index": 0, "function": {"arguments": '{"city": '}}])]))
    acc.add(chunk([delta(tool_calls=[{"index": 0, "function": {"arguments": '"Paris"}'}}])]))
    acc.add(chunk([delta(tool_calls=[{"index": 1, "function": {"arguments": "}"}}])]))
    acc.add(chunk([delta(finish="tool_calls")]))
    message = acc.snapshot().choices[0].message
    assert message.content is None
    calls = message.tool_calls or []
    assert [(c.id, c.function.name, json.loads(c.function.arguments)) for c in calls] == [
        ("call_a", "get_weather", {"city": "Paris"}),
        ("call_b", "get_time", {}),
    ]
    # The assembled message goes straight back into the next request.
    assert message.to_param().tool_calls is not None


def test_choices_are_kept_apart_by_index_and_ordered() -> None:
    acc = ChatCompletionAccumulator()
    acc.add(chunk([delta(index=1, content="B1"), delta(index=0, content="A1")]))
    acc.add(
        chunk(
            [
                delta(index=0, content="A2", finish="stop"),
                delta(index=1, content="B2", finish="length"),
            ]
        )
    )
    reply = acc.snapshot()
    assert [(c.index, c.message.content, c.finish_reason) for c in reply.choices] == [
        (0, "A1A2", "stop"),
        (1, "B1B2", "length"),
    ]


def test_refusal_and_reasoning_are_kept() -> None:
    acc = ChatCompletionAccumulator()
    acc.add(chunk([delta(reasoning="think ")]))
    acc.add(chunk([delta(reasoning_content="more", refusal="No.")]))
    message = acc.snapshot().choices[0].message
    assert (message.reasoning, message.refusal) == ("think more", "No.")


def test_snapshot_before_any_chunk_is_an_error() -> None:
    with pytest.raises(ValueError, match="no chunk"):
        ChatCompletionAccumulator().snapshot()


# -- through the streams, sync and async --------------------------------------------------

PARAMS = ChatCompletionParams(model="m/x", messages=[{"role": "user", "content": "hi"}])


def sse(*payloads: Dict[str, Any], done: bool = True) -> bytes:
    body = "".join(f"data: {json.dumps(p)}\n\n" for p in payloads)
    return (body + ("data: [DONE]\n\n" if done else "")).encode()


def wire_chunk(content: str, **extra: Any) -> Dict[str, Any]:
    body: Dict[str, Any] = {
        "id": "chatcmpl-9",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m/x",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}],
    }
    body.update(extra)
    return body


STREAM = sse(
    wire_chunk("Hi"),
    wire_chunk(" there"),
    {
        **wire_chunk(""),
        "choices": [],
        "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
    },
)


class Frames(httpx.SyncByteStream, httpx.AsyncByteStream):
    """The body one SSE frame per network read, as a real server sends it over time."""

    def __init__(self, body: bytes) -> None:
        self.frames = [f + b"\n\n" for f in body.split(b"\n\n") if f]

    def __iter__(self) -> Iterator[bytes]:
        yield from self.frames

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for frame in self.frames:
            yield frame


def make(mode: str, body: bytes) -> Any:
    """A client of the ``mode`` flavour on the fake gateway, whose chat stream sends ``body`` one
    SSE frame per network read."""
    gateway = FakeGateway()
    gateway.on(
        "POST",
        "/v1/chat/completions",
        lambda request: httpx.Response(
            200, headers={"content-type": "text/event-stream"}, stream=Frames(body)
        ),
    )
    return Api(mode, gateway).client


async def final(mode: str, client: Any, read_first: int) -> Any:
    stream = client.chat.completions.stream(PARAMS)
    if mode == "sync":
        with stream:
            it = iter(stream)
            for _ in range(read_first):
                next(it)
            return stream.get_final_completion(), stream
    async with stream:
        it = stream.__aiter__()
        for _ in range(read_first):
            await it.__anext__()
        return await stream.get_final_completion(), stream


MODES = pytest.mark.parametrize("mode", ["sync", "async"])


@MODES
@pytest.mark.parametrize("read_first", [0, 1, 3])
async def test_get_final_completion_reads_what_is_left_and_assembles_it(
    mode: str, read_first: int
) -> None:
    reply, stream = await final(mode, make(mode, STREAM), read_first)
    assert reply.choices[0].message.content == "Hi there"
    assert reply.usage is not None and reply.usage.total_tokens == 3
    assert stream.current_completion_snapshot.choices[0].message.content == "Hi there"


@MODES
async def test_get_final_completion_after_a_full_loop_reads_nothing_more(mode: str) -> None:
    client = make(mode, STREAM)
    stream = client.chat.completions.stream(PARAMS)
    if mode == "sync":
        assert len(list(stream)) == 3
        reply = stream.get_final_completion()
    else:
        assert len([c async for c in stream]) == 3
        reply = await stream.get_final_completion()
    assert reply.choices[0].message.content == "Hi there"


@MODES
async def test_get_final_completion_of_a_cut_stream_raises_stream_interrupted(mode: str) -> None:
    client = make(mode, sse(wire_chunk("Hi"), done=False))
    stream = client.chat.completions.stream(PARAMS)
    with pytest.raises(StreamInterruptedError):
        if mode == "sync":
            stream.get_final_completion()
        else:
            await stream.get_final_completion()


@MODES
async def test_get_final_completion_after_breaking_out_raises_instead_of_a_partial_answer(
    mode: str,
) -> None:
    client = make(mode, STREAM)
    stream = client.chat.completions.stream(PARAMS)
    if mode == "sync":
        for _ in stream:
            break
        with pytest.raises(MeshAPIError, match="closed"):
            stream.get_final_completion()
    else:
        async for _ in stream:
            break
        for _ in range(20):  # let the loop finalize the abandoned iterator (closes the stream)
            await asyncio.sleep(0)
        with pytest.raises(MeshAPIError, match="closed"):
            await stream.get_final_completion()
