"""Chat completions over real sockets: create and stream, sync and async, one body each."""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Any, Dict, List

from meshapi import (
    ChatCompletionChunk,
    ChatCompletionParams,
    ChatMessage,
    ContentPartImage,
    ContentPartInputAudio,
    ContentPartText,
    ImageURL,
    InputAudio,
    Tool,
    ToolFunction,
)

MODEL = "openai/gpt-4o-mini"
TOOL_MODEL = "openai/gpt-4o"
PROMPT = "Tell me about the ocean and the waves."

WEATHER = Tool(
    type="function",
    function=ToolFunction(
        name="get_weather",
        description="Get the current weather for a city",
        parameters={
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "days": {"type": "integer", "minimum": 1},
            },
            "required": ["city", "days"],
        },
    ),
)


def params(content: str = PROMPT, **fields: Any) -> ChatCompletionParams:
    fields.setdefault("model", MODEL)
    return ChatCompletionParams(messages=[ChatMessage(role="user", content=content)], **fields)


def text_of(chunks: List[ChatCompletionChunk]) -> str:
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)


def finish_reasons(chunks: List[ChatCompletionChunk]) -> List[str]:
    return [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]


async def test_create_returns_an_answer_with_usage_and_cost(api: Any) -> None:
    reply = await api.call(lambda c: c.chat.completions.create(params()))
    assert reply.object == "chat.completion"
    assert reply.id
    assert reply.model == MODEL
    choice = reply.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content and choice.message.content.strip()
    assert choice.finish_reason == "stop"
    assert reply.usage is not None
    assert reply.usage.prompt_tokens > 0 and reply.usage.completion_tokens > 0
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
    assert reply.cost is not None and Decimal(reply.cost) > 0


async def test_a_plain_dict_works_in_place_of_the_params_model(api: Any) -> None:
    body = {"model": MODEL, "messages": [{"role": "user", "content": PROMPT}]}
    from_dict = await api.call(lambda c: c.chat.completions.create(body))
    from_model = await api.call(lambda c: c.chat.completions.create(params()))
    assert from_dict.choices[0].message.content == from_model.choices[0].message.content


async def test_stream_yields_the_same_text_as_create_and_ends_with_usage_and_cost(
    api: Any,
) -> None:
    whole = await api.call(lambda c: c.chat.completions.create(params()))
    chunks = await api.collect(lambda c: c.chat.completions.stream(params()))
    assert all(isinstance(c, ChatCompletionChunk) for c in chunks)
    assert len({c.id for c in chunks}) == 1, "every chunk of one stream shares its id"
    content_chunks = [c for c in chunks if c.choices and c.choices[0].delta.content]
    assert len(content_chunks) > 3, "a stream arrives token by token, not in one piece"
    assert text_of(chunks) == whole.choices[0].message.content
    assert finish_reasons(chunks) == ["stop"]
    last = chunks[-1]
    assert last.choices == []
    assert last.usage is not None
    assert last.usage.completion_tokens == whole.usage.completion_tokens
    assert last.usage.prompt_tokens == whole.usage.prompt_tokens
    assert last.cost is not None and Decimal(last.cost) > 0


async def test_max_tokens_cuts_the_answer_with_finish_reason_length(api: Any) -> None:
    short = params(max_tokens=5)
    reply = await api.call(lambda c: c.chat.completions.create(short))
    assert reply.choices[0].finish_reason == "length"
    assert reply.usage.completion_tokens == 5
    full = await api.call(lambda c: c.chat.completions.create(params()))
    assert full.choices[0].message.content.startswith(reply.choices[0].message.content)
    assert len(reply.choices[0].message.content) < len(full.choices[0].message.content)

    chunks = await api.collect(lambda c: c.chat.completions.stream(short))
    assert finish_reasons(chunks) == ["length"]
    assert text_of(chunks) == reply.choices[0].message.content
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == 5


async def test_stop_sequence_ends_the_answer_before_it(api: Any) -> None:
    full = (await api.call(lambda c: c.chat.completions.create(params()))).choices[0]
    words = full.message.content.split()
    stop_word = words[len(words) // 2]
    cut = await api.call(lambda c: c.chat.completions.create(params(stop=[stop_word])))
    text = cut.choices[0].message.content
    assert cut.choices[0].finish_reason == "stop"
    assert stop_word not in text
    assert full.message.content.startswith(text)
    assert full.message.content[len(text) :].startswith(stop_word)


async def test_same_input_gives_the_same_output_and_another_seed_changes_it(api: Any) -> None:
    first = await api.call(lambda c: c.chat.completions.create(params(seed=7)))
    again = await api.call(lambda c: c.chat.completions.create(params(seed=7)))
    assert first.choices[0].message.content == again.choices[0].message.content
    others = set()
    for seed in (1, 2, 3, 4):
        reply = await api.call(lambda c, s=seed: c.chat.completions.create(params(seed=s)))
        others.add(reply.choices[0].message.content)
    assert others - {first.choices[0].message.content}, "the seed should change the phrasing"


async def test_multi_turn_conversation_uses_earlier_turns(api: Any) -> None:
    messages: List[Any] = [ChatMessage(role="user", content="Hi! My name is Zorblax.")]
    first = await api.call(
        lambda c: c.chat.completions.create(ChatCompletionParams(model=MODEL, messages=messages))
    )
    # The reply object goes straight back into the conversation (converted by the SDK).
    messages.append(first.choices[0].message)
    messages.append(ChatMessage(role="user", content="What is my name?"))
    second = await api.call(
        lambda c: c.chat.completions.create(ChatCompletionParams(model=MODEL, messages=messages))
    )
    assert "Zorblax" in second.choices[0].message.content
    # Without the first turn the gateway has nothing to recall.
    alone = await api.call(lambda c: c.chat.completions.create(params("What is my name?")))
    assert "Zorblax" not in alone.choices[0].message.content


def _check_against_schema(args: Dict[str, Any], schema: Dict[str, Any]) -> None:
    types: Dict[str, Any] = {"string": str, "integer": int, "number": (int, float), "boolean": bool}
    for name in schema["required"]:
        assert name in args, f"required argument {name!r} missing from {args}"
    for name, value in args.items():
        assert name in schema["properties"], f"unexpected argument {name!r}"
        assert isinstance(value, types[schema["properties"][name]["type"]])


async def test_tool_call_round_trip(api: Any) -> None:
    question = "What is the weather in Paris for the next 3 days?"
    conversation: List[Any] = [ChatMessage(role="user", content=question)]
    first = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(model=TOOL_MODEL, messages=conversation, tools=[WEATHER])
        )
    )
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.tool_calls, "the model should call the tool"
    call = choice.message.tool_calls[0]
    assert call.type == "function" and call.id
    assert call.function.name == "get_weather"
    args = json.loads(call.function.arguments)
    assert isinstance(WEATHER.function.parameters, dict)
    _check_against_schema(args, WEATHER.function.parameters)
    assert args["city"] == "Paris"
    assert args["days"] == 3

    conversation.append(choice.message)
    conversation.append(
        ChatMessage(
            role="tool",
            tool_call_id=call.id,
            content=json.dumps({"city": "Paris", "forecast": "drizzle", "temp_c": 14}),
        )
    )
    final = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(model=TOOL_MODEL, messages=conversation, tools=[WEATHER])
        )
    )
    answer = final.choices[0]
    assert answer.finish_reason == "stop"
    assert not answer.message.tool_calls
    assert answer.message.content and "drizzle" in answer.message.content


async def test_streamed_tool_call_pieces_join_into_valid_arguments(api: Any) -> None:
    p = ChatCompletionParams(
        model=TOOL_MODEL,
        messages=[ChatMessage(role="user", content="Weather in Paris for 3 days, please.")],
        tools=[WEATHER],
    )
    created = await api.call(lambda c: c.chat.completions.create(p))
    chunks = await api.collect(lambda c: c.chat.completions.stream(p))
    calls: Dict[int, Dict[str, str]] = {}
    for chunk in chunks:
        for piece in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
            entry = calls.setdefault(piece.index, {"id": "", "name": "", "arguments": ""})
            entry["id"] += piece.id or ""
            if piece.function is not None:
                entry["name"] += piece.function.name or ""
                entry["arguments"] += piece.function.arguments or ""
    assert finish_reasons(chunks) == ["tool_calls"]
    assert len(calls) == 1
    streamed = calls[0]
    expected = created.choices[0].message.tool_calls[0]
    assert streamed["name"] == expected.function.name == "get_weather"
    assert json.loads(streamed["arguments"]) == json.loads(expected.function.arguments)
    assert streamed["id"] == expected.id


async def test_get_final_completion_equals_what_create_returns(api: Any) -> None:
    """The assembled stream is the non-streaming answer: text, tool call, finish reason, usage."""
    for p in (
        params(),
        ChatCompletionParams(
            model=TOOL_MODEL,
            messages=[ChatMessage(role="user", content="What is the weather in Paris?")],
            tools=[WEATHER],
        ),
    ):
        created = await api.call(lambda c, p=p: c.chat.completions.create(p))
        stream = api.client.chat.completions.stream(p)
        final = await api.call(lambda c, s=stream: s.get_final_completion())
        want, got = created.choices[0], final.choices[0]
        assert got.message.content == want.message.content
        assert got.finish_reason == want.finish_reason
        assert [
            (t.function.name, json.loads(t.function.arguments))
            for t in got.message.tool_calls or []
        ] == [
            (t.function.name, json.loads(t.function.arguments))
            for t in want.message.tool_calls or []
        ]
        assert final.usage is not None and created.usage is not None
        assert final.usage.completion_tokens == created.usage.completion_tokens


async def test_image_and_audio_content_parts_are_accepted(api: Any) -> None:
    # A 1x1 PNG as a data URL, and a few bytes standing for WAV audio.
    png = base64.b64encode(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
        )
    ).decode()
    message = ChatMessage(
        role="user",
        content=[
            ContentPartText(text="What is in this picture and this clip?"),
            ContentPartImage(image_url=ImageURL(url=f"data:image/png;base64,{png}")),
            ContentPartInputAudio(
                input_audio=InputAudio(
                    data=base64.b64encode(b"RIFF0000WAVE").decode(), format="wav"
                )
            ),
        ],
    )
    reply = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(model="google/gemini-2.5-flash", messages=[message])
        )
    )
    assert reply.choices[0].message.content
    assert reply.usage.prompt_tokens > 0


async def test_breaking_out_of_a_stream_releases_its_connection(api: Any) -> None:
    stream = api.client.chat.completions.stream(params())
    seen = 0
    if api.is_async:
        async with stream:
            async for _ in stream:
                seen += 1
                break
    else:
        with stream:
            for _ in stream:
                seen += 1
                break
    assert seen == 1
    assert stream.response is not None and stream.response.is_closed
    # The client is still usable afterwards.
    reply = await api.call(lambda c: c.chat.completions.create(params()))
    assert reply.choices[0].message.content
