"""The official ``openai`` client works against the local gateway where production is
OpenAI-compatible: chat, streaming chat, embeddings, responses."""

from __future__ import annotations

from typing import Iterator

import openai
import pytest

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
