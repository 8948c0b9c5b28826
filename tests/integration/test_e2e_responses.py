"""The Responses API over real sockets: create and the typed event stream."""

from __future__ import annotations

from typing import Any

from meshapi import ResponsesParams, ResponsesStreamEvent

MODEL = "openai/o4-mini"


def params(**fields: Any) -> ResponsesParams:
    fields.setdefault("model", MODEL)
    fields.setdefault("input", "Explain the halting problem in two sentences.")
    return ResponsesParams(**fields)


async def test_create_returns_output_text_usage_and_reasoning(api: Any) -> None:
    reply = await api.call(
        lambda c: c.responses.create(params(reasoning={"effort": "medium"}, max_output_tokens=512))
    )
    assert reply.object == "response"
    assert reply.id and reply.model == MODEL
    assert reply.status == "completed"
    assert reply.output_text.strip()
    kinds = [item.type for item in reply.output]
    assert "message" in kinds
    assert reply.usage is not None
    assert reply.usage.input_tokens > 0 and reply.usage.output_tokens > 0
    assert reply.usage.total_tokens == reply.usage.input_tokens + reply.usage.output_tokens


async def test_a_small_max_output_tokens_leaves_the_response_incomplete(api: Any) -> None:
    reply = await api.call(lambda c: c.responses.create(params(max_output_tokens=16)))
    assert reply.status == "incomplete"
    assert reply.usage.output_tokens <= 16


async def test_input_as_a_list_of_messages(api: Any) -> None:
    reply = await api.call(
        lambda c: c.responses.create(
            params(
                input=[
                    {"role": "user", "content": "My name is Zorblax."},
                    {"role": "assistant", "content": "Nice to meet you."},
                    {"role": "user", "content": "What is my name?"},
                ],
                instructions="Answer briefly.",
            )
        )
    )
    assert "Zorblax" in reply.output_text


async def test_stream_events_come_in_order_and_add_up_to_the_created_answer(api: Any) -> None:
    created = await api.call(lambda c: c.responses.create(params()))
    events = await api.collect(lambda c: c.responses.stream(params()))
    assert all(isinstance(e, ResponsesStreamEvent) for e in events)
    types = [e.type for e in events]
    assert types[0] == "response.created"
    assert types[-1] == "response.completed"
    assert "response.output_text.delta" in types
    # Every item that is added is done, text parts open before their deltas and close after.
    first_delta = types.index("response.output_text.delta")
    last_delta = len(types) - 1 - types[::-1].index("response.output_text.delta")
    assert types.index("response.output_item.added") < first_delta
    assert types.index("response.content_part.added") < first_delta
    assert types.index("response.output_text.done") > last_delta
    assert types.count("response.output_item.added") == types.count("response.output_item.done")
    numbers = [e.sequence_number for e in events]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)

    assert events[0].response is not None and events[0].response.status == "in_progress"
    deltas = "".join(e.delta or "" for e in events if e.type == "response.output_text.delta")
    done_text = next(e.text for e in events if e.type == "response.output_text.done")
    final = events[-1].response
    assert final is not None and final.status == "completed"
    assert deltas == done_text == final.output_text == created.output_text
    assert final.usage is not None and final.usage.output_tokens == created.usage.output_tokens


async def test_previous_response_id_continues_the_conversation(api: Any) -> None:
    first = await api.call(
        lambda c: c.responses.create(params(model="openai/gpt-4o-mini", input="My name is Ada."))
    )
    follow_up = params(
        model="openai/gpt-4o-mini", input="What is my name?", previous_response_id=first.id
    )
    second = await api.call(lambda c: c.responses.create(follow_up))
    assert second.previous_response_id == first.id
    assert "Ada" in second.output_text
