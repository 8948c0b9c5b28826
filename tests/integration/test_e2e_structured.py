"""Structured output over real sockets: chat.completions.parse and responses.parse send a strict
schema and return the reply as the caller's model; tools from models come back parsed; a reply
that does not validate raises with the raw text and the errors."""

from __future__ import annotations

import json
from typing import Any, List, Optional

from pydantic import BaseModel, model_validator

from meshapi import ParsedChatCompletion, StructuredOutputError, pydantic_function_tool

CHAT = "openai/gpt-4o-mini"
REASONING = "openai/gpt-5-mini"


class Step(BaseModel):
    explanation: str
    output: str


class Solution(BaseModel):
    steps: List[Step]
    final_answer: str
    confidence: Optional[float] = None


class GetWeather(BaseModel):
    """The weather in a city."""

    city: str


class Impossible(BaseModel):
    answer: str

    @model_validator(mode="after")
    def never(self) -> Impossible:
        raise ValueError("no answer is good enough")


def ask(text: str) -> Any:
    return {"model": CHAT, "messages": [{"role": "user", "content": text}]}


async def test_chat_parse_sends_a_strict_schema_and_parses_the_reply(api: Any, wire: Any) -> None:
    client = api.make(wire=wire)
    reply = await api.call(
        lambda c: c.chat.completions.parse(ask("Solve 8x + 7 = -23"), response_format=Solution),
        client,
    )
    assert isinstance(reply, ParsedChatCompletion)
    solution = reply.choices[0].message.parsed
    assert isinstance(solution, Solution) and solution.steps and solution.final_answer
    assert reply.choices[0].message.refusal is None
    sent = json.loads(wire.requests[-1].content)["response_format"]
    assert sent["type"] == "json_schema" and sent["json_schema"]["strict"] is True
    schema = sent["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["steps", "final_answer", "confidence"]


async def test_chat_parse_tools_from_models_come_back_parsed(api: Any) -> None:
    reply = await api.call(
        lambda c: c.chat.completions.parse(
            ask("What's the weather in Paris?"),
            tools=[pydantic_function_tool(GetWeather, name="get_weather")],
        )
    )
    call = reply.choices[0].message.tool_calls[0]
    assert call.function.name == "get_weather"
    assert call.function.parsed_arguments == GetWeather(city="Paris")


async def test_a_reply_that_does_not_validate_raises_with_raw_text(api: Any) -> None:
    err = await api.raises(
        StructuredOutputError,
        lambda c: c.chat.completions.parse(ask("Say something."), response_format=Impossible),
    )
    assert json.loads(err.raw)["answer"]  # the text as the gateway sent it
    assert err.model is Impossible
    assert any("no answer is good enough" in e["msg"] for e in err.errors)


async def test_responses_parse_gives_output_parsed_and_parsed_function_calls(api: Any) -> None:
    reply = await api.call(
        lambda c: c.responses.parse(
            {"model": REASONING, "input": "Solve 2x = 4"}, text_format=Solution
        )
    )
    assert isinstance(reply.output_parsed, Solution) and reply.output_parsed.final_answer
    assert reply.refusal is None
    called = await api.call(
        lambda c: c.responses.parse(
            {"model": REASONING, "input": "What's the weather in Rome?"}, tools=[GetWeather]
        )
    )
    calls = [item for item in called.output if item.type == "function_call"]
    assert calls and calls[0].parsed_arguments == GetWeather(city="Rome")


async def test_parse_takes_keyword_calls_and_per_call_options(api: Any) -> None:
    reply = await api.call(
        lambda c: c.chat.completions.parse(
            model=CHAT,
            messages=[{"role": "user", "content": "What's the weather in Oslo?"}],
            tools=[GetWeather],
            max_retries=0,
            timeout=30,
        )
    )
    assert reply.choices[0].message.tool_calls[0].function.parsed_arguments == GetWeather(
        city="Oslo"
    )
    assert reply._meta is not None and reply._meta.request_id  # kept from the raw answer
    parsed = await api.call(
        lambda c: c.responses.parse(
            model=REASONING, input="Solve 3x = 9", text_format=Solution, max_retries=0
        )
    )
    assert isinstance(parsed.output_parsed, Solution)
