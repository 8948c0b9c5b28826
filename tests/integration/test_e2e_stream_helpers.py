"""Stream helpers over real sockets, sync and async from one body: chat text_deltas / events /
until_done, compare per-model text and a final CompareResponse, responses get_final_response,
image get_final_image; a stream cut by the gateway raises from the helper too."""

from __future__ import annotations

from typing import Any, List

from meshapi import (
    CompareResponse,
    ContentDeltaEvent,
    DoneEvent,
    StreamInterruptedError,
    ToolCallArgumentsDeltaEvent,
)

CHAT = "openai/gpt-4o-mini"
MODELS = ["openai/gpt-4o-mini", "anthropic/claude-haiku-4.5"]


async def drain(api: Any, iterator: Any) -> List[Any]:
    if api.is_async:
        return [x async for x in iterator]
    return list(iterator)


def ask(text: str, **more: Any) -> Any:
    return {"model": CHAT, "messages": [{"role": "user", "content": text}], **more}


async def test_chat_text_deltas_then_the_final_completion(api: Any) -> None:
    stream = api.client.chat.completions.stream(ask("Tell me about tea."))
    texts = await drain(api, stream.text_deltas())
    final = await api.call(lambda c: stream.get_final_completion())
    assert len(texts) > 1 and "".join(texts) == final.choices[0].message.content
    assert final.usage is not None


async def test_chat_events_and_until_done(api: Any) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
    stream = api.client.chat.completions.stream(ask("Weather in Paris?", tools=[tool]))
    events = await drain(api, stream.events())
    assert isinstance(events[-1], DoneEvent)
    pieces = [e for e in events if isinstance(e, ToolCallArgumentsDeltaEvent)]
    assert pieces and pieces[-1].name == "get_weather" and pieces[-1].id
    call = events[-1].completion.choices[0].message.tool_calls[0]
    assert pieces[-1].arguments == call.function.arguments and call.id == pieces[-1].id

    plain = api.client.chat.completions.stream(ask("Say hi."))
    done = await api.call(lambda c: plain.until_done())
    assert done is plain and plain.current_completion_snapshot.choices[0].message.content
    text_stream = api.client.chat.completions.stream(ask("Say hello."))
    typed = await drain(api, text_stream.events())
    assert any(isinstance(e, ContentDeltaEvent) for e in typed)


async def test_a_cut_stream_raises_from_text_deltas(api: Any, faults: Any) -> None:
    faults.drop_stream_after(2)
    stream = api.client.chat.completions.stream(ask("Tell me a long story."))
    got: List[str] = []
    try:
        if api.is_async:
            async for text in stream.text_deltas():
                got.append(text)
        else:
            for text in stream.text_deltas():
                got.append(text)
    except StreamInterruptedError:
        pass
    else:
        raise AssertionError("the cut stream ended normally")


async def test_compare_stream_per_model_text_and_final_response(api: Any) -> None:
    params = {
        "models": MODELS,
        "messages": [{"role": "user", "content": "Name a benefit of tests."}],
        "skip_comparison": True,
    }
    stream = api.client.compare.stream(params)
    pairs = await drain(api, stream.text_deltas())
    final = await api.call(lambda c: stream.get_final_response())
    assert isinstance(final, CompareResponse) and final.models == MODELS
    for result in final.results:
        assert result.content == "".join(t for m, t in pairs if m == result.model)
        assert stream.text_of(result.model) == result.content
    created = await api.call(lambda c: c.compare.create(params))
    assert [r.model for r in created.results] == [r.model for r in final.results]


async def test_responses_stream_final_response(api: Any) -> None:
    stream = api.client.responses.stream({"model": "openai/gpt-5-mini", "input": "Hello there"})
    texts = await drain(api, stream.text_deltas())
    final = await api.call(lambda c: stream.get_final_response())
    assert final.status == "completed" and final.output_text == "".join(texts)


async def test_image_stream_final_image(api: Any) -> None:
    stream = api.client.images.stream(
        {
            "model": "openai/gpt-image-1",
            "prompt": "A fox",
            "size": "256x256",
            "partial_images": 2,
            "response_format": "b64_json",
        }
    )
    final = await api.call(lambda c: stream.get_final_image())
    assert final.data and final.data[0].b64_json
    assert len(stream.partial_images) == 2
