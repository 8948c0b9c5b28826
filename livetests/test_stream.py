"""Streaming: chat completion chunks and Responses API events."""

from __future__ import annotations

from typing import Any

from meshapi import ChatCompletionChunk, ChatCompletionParams, ChatMessage, ResponsesParams

from .config import LiveConfig


def chat(config: LiveConfig) -> ChatCompletionParams:
    return ChatCompletionParams(
        model=config.model,
        messages=[ChatMessage(role="user", content="Write a haiku about Python.")],
        max_tokens=128,
    )


async def test_stream_chat(api: Any, config: LiveConfig) -> None:
    chunks = await api.collect(lambda c: c.chat.completions.stream(chat(config)))
    assert chunks and all(isinstance(c, ChatCompletionChunk) for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.strip()
    reasons = [
        c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason
    ]
    assert reasons and reasons[-1] in {"stop", "length"}
    usage = [c.usage for c in chunks if c.usage is not None]
    assert usage and usage[-1].completion_tokens > 0, "usage arrives on the final chunk"


async def test_stream_chat_break_releases_the_connection(api: Any, config: LiveConfig) -> None:
    stream = api.client.chat.completions.stream(chat(config))
    if api.is_async:
        async with stream:
            async for _ in stream:
                break
    else:
        with stream:
            for _ in stream:
                break
    assert stream.response is not None and stream.response.is_closed


async def test_stream_responses(api: Any, config: LiveConfig) -> None:
    events = await api.collect(
        lambda c: c.responses.stream(
            ResponsesParams(model=config.model, input="Say hello in three languages.")
        )
    )
    types = [e.type for e in events]
    assert types[0] == "response.created"
    assert types[-1] == "response.completed"
    text = "".join(e.delta or "" for e in events if e.type == "response.output_text.delta")
    assert text.strip()
    final = events[-1].response
    assert final is not None and final.status == "completed"
    assert final.output_text == text
