"""The official ``openai`` client works against the local gateway where production is
OpenAI-compatible: chat, streaming chat, tools, structured output, embeddings, responses (with
``previous_response_id``), images, and realtime (every server event validated with openai's own
realtime types, strictly)."""

from __future__ import annotations

from typing import Any, Dict, Iterator, List

import openai
import pydantic
import pytest
from openai.types.realtime import RealtimeServerEvent

from meshapi.testing import LocalGateway


@pytest.fixture
def oa(gw: LocalGateway) -> Iterator[openai.OpenAI]:
    client = openai.OpenAI(base_url=gw.base_url + "/v1", api_key=gw.api_key, max_retries=0)
    yield client
    client.close()


def test_chat_completion(oa: openai.OpenAI) -> None:
    reply = oa.chat.completions.create(
        model="openai/gpt-4o-mini",
        messages=[{"role": "user", "content": "What is the capital of France?"}],
        max_tokens=64,
    )
    assert reply.object == "chat.completion"
    assert reply.choices[0].message.role == "assistant"
    assert "Paris" in (reply.choices[0].message.content or "")
    assert reply.choices[0].finish_reason == "stop"
    assert reply.usage is not None and reply.usage.total_tokens > 0


def test_streaming_chat_completion(oa: openai.OpenAI) -> None:
    whole = oa.chat.completions.create(
        model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "Tell me about tides."}]
    )
    stream = oa.chat.completions.create(
        model="openai/gpt-4o-mini",
        messages=[{"role": "user", "content": "Tell me about tides."}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content
    assert chunks[-1].usage is not None and chunks[-1].choices == []


def test_tool_call(oa: openai.OpenAI) -> None:
    reply = oa.chat.completions.create(
        model="openai/gpt-4o",
        messages=[{"role": "user", "content": "What is the weather in Paris?"}],
        tools=[
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "parameters": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}},
                        "required": ["city"],
                    },
                },
            }
        ],
    )
    call = (reply.choices[0].message.tool_calls or [])[0]
    assert call.type == "function"
    assert call.function.name == "get_weather"
    assert '"Paris"' in call.function.arguments


def test_embeddings(oa: openai.OpenAI) -> None:
    result = oa.embeddings.create(
        model="openai/text-embedding-3-small", input=["hello world", "goodbye world"]
    )
    assert [d.index for d in result.data] == [0, 1]
    assert len(result.data[0].embedding) == 1536
    # The openai client asks for base64 by default and decodes it itself.
    small = oa.embeddings.create(
        model="openai/text-embedding-3-small",
        input="hello world",
        dimensions=32,
        encoding_format="float",
    )
    assert len(small.data[0].embedding) == 32


def test_responses_create_and_stream(oa: openai.OpenAI) -> None:
    reply = oa.responses.create(
        model="openai/o4-mini", input="Explain recursion in one sentence.", max_output_tokens=512
    )
    assert reply.status == "completed"
    assert reply.output_text
    with oa.responses.stream(
        model="openai/o4-mini", input="Explain recursion in one sentence."
    ) as s:
        kinds = [event.type for event in s]
        final = s.get_final_response()
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
    assert final.output_text == reply.output_text


def test_errors_map_to_openai_exceptions(gw: LocalGateway) -> None:
    bad = openai.OpenAI(base_url=gw.base_url + "/v1", api_key="rsk_" + "0" * 48, max_retries=0)
    with pytest.raises(openai.AuthenticationError) as info:
        bad.chat.completions.create(
            model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
        )
    assert info.value.status_code == 401
    bad.close()


class City(pydantic.BaseModel):
    name: str
    country: str
    population: int


def test_structured_output_parse(oa: openai.OpenAI) -> None:
    reply = oa.chat.completions.parse(
        model="openai/gpt-4o-mini",
        messages=[{"role": "user", "content": "Tell me about Paris."}],
        response_format=City,
    )
    city = reply.choices[0].message.parsed
    assert city is not None and (city.name, city.country) == ("Paris", "France")
    parsed = oa.responses.parse(
        model="openai/gpt-4o-mini", input="Tell me about Rome.", text_format=City
    ).output_parsed
    assert parsed is not None and (parsed.name, parsed.country) == ("Rome", "Italy")


def test_previous_response_id_continues_a_conversation(oa: openai.OpenAI) -> None:
    first = oa.responses.create(model="openai/gpt-4o-mini", input="My name is Grace.")
    assert first.usage is not None
    assert first.usage.input_tokens_details.cached_tokens == 0
    assert first.usage.output_tokens_details.reasoning_tokens == 0
    second = oa.responses.create(
        model="openai/gpt-4o-mini", input="What is my name?", previous_response_id=first.id
    )
    assert second.previous_response_id == first.id
    assert "Grace" in second.output_text
    assert oa.responses.retrieve(first.id).output_text == first.output_text


def test_image_generation_reports_the_quality_used(oa: openai.OpenAI) -> None:
    image = oa.images.generate(model="openai/gpt-image-1", prompt="a fox", size="64x64")
    assert image.quality in ("low", "medium", "high")
    assert image.usage is not None and image.usage.input_tokens > 0
    assert image.usage.total_tokens == image.usage.input_tokens + image.usage.output_tokens


WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the weather for a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}


def test_realtime_text_and_tools_validate_against_openai_types(oa: openai.OpenAI) -> None:
    server_event = pydantic.TypeAdapter(RealtimeServerEvent)
    seen: List[Any] = []

    def until_done(conn: Any) -> List[Any]:
        events = []
        for raw in conn:
            event = server_event.validate_python(raw.to_dict())
            events.append(event)
            if event.type in ("response.done", "error"):
                break
        seen.extend(events)
        return events

    def user(text: str) -> Dict[str, Any]:
        return {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": text}],
        }

    with oa.realtime.connect(model="openai/gpt-realtime-mini") as conn:
        conn.session.update(
            session={"type": "realtime", "output_modalities": ["text"], "tools": [WEATHER]}
        )
        conn.conversation.item.create(item=user("What is the weather in Paris?"))
        conn.response.create()
        events = until_done(conn)
        [call] = [e for e in events if e.type == "response.function_call_arguments.done"]
        assert call.name == "get_weather" and '"Paris"' in call.arguments
        deltas = [e.delta for e in events if e.type == "response.function_call_arguments.delta"]
        assert "".join(deltas) == call.arguments
        assert events[-1].response.output[0].type == "function_call"
        conn.conversation.item.create(
            item={"type": "function_call_output", "call_id": call.call_id, "output": "Sunny"}
        )
        conn.response.create()
        events = until_done(conn)
        parts = [e.part for e in events if e.type.startswith("response.content_part.")]
        assert parts and all(p.type == "text" for p in parts)
        assert "Sunny" in parts[-1].text
        # tool_choice "none": the same kind of question gets words, not a call.
        conn.conversation.item.create(item=user("And the weather in Rome?"))
        conn.response.create(response={"tool_choice": "none"})
        events = until_done(conn)
        assert not [e for e in events if e.type.startswith("response.function_call_arguments")]
        assert events[-1].response.output[0].type == "message"
    assert not [e for e in seen if e.type == "error"]
