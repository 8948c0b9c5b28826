"""Structured output without a network: strict schemas, tools from models, parsing replies."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from pydantic import BaseModel, Field

from meshapi import (
    ChatCompletionParams,
    ChatCompletionResponse,
    ResponsesResponse,
    StructuredOutputError,
    pydantic_function_tool,
)
from meshapi._structured import ParsePlan, response_format_from, to_strict_json_schema


class Step(BaseModel):
    explanation: str
    output: str


class Answer(BaseModel):
    """A worked answer."""

    steps: List[Step]
    final: str = Field(description="the result")
    confidence: Optional[float] = None
    best: Optional[Step] = Field(default=None, description="the step that mattered")


class Tree(BaseModel):
    label: str
    children: List[Tree] = []


class GetWeather(BaseModel):
    """The weather in a city."""

    city: str


def objects(schema: Any) -> List[Dict[str, Any]]:
    found: List[Dict[str, Any]] = []
    if isinstance(schema, dict):
        if schema.get("type") == "object":
            found.append(schema)
        for value in schema.values():
            found.extend(objects(value))
    elif isinstance(schema, list):
        for value in schema:
            found.extend(objects(value))
    return found


def test_strict_schema_follows_openai_rules() -> None:
    schema = to_strict_json_schema(Answer)
    assert len(objects(schema)) >= 3  # Answer, Step in items, Step under best
    for obj in objects(schema):
        assert obj["additionalProperties"] is False
        assert obj["required"] == list(obj["properties"])
    assert "$defs" not in schema and "$ref" not in str(schema)  # inlined
    assert "default" not in str(schema["properties"]["confidence"])
    best = schema["properties"]["best"]
    assert best["description"] == "the step that mattered"
    assert any(b.get("type") == "null" for b in best["anyOf"])


def test_a_recursive_model_keeps_its_reference() -> None:
    schema = to_strict_json_schema(Tree)
    assert schema["properties"]["children"]["items"] == {"$ref": "#/$defs/Tree"}
    assert schema["$defs"]["Tree"]["additionalProperties"] is False


def test_response_format_and_tool_shapes() -> None:
    fmt = response_format_from(Answer)
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["name"] == "Answer"
    tool = pydantic_function_tool(GetWeather, name="weather")
    assert tool["function"]["name"] == "weather" and tool["function"]["strict"] is True
    assert tool["function"]["description"] == "The weather in a city."
    assert tool.model is GetWeather
    with pytest.raises(TypeError, match="pydantic model class"):
        pydantic_function_tool(dict)  # type: ignore[arg-type]


def completion(message: Dict[str, Any], finish: str = "stop") -> ChatCompletionResponse:
    return ChatCompletionResponse.model_validate(
        {
            "id": "c1",
            "object": "chat.completion",
            "created": 1,
            "model": "m",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", **message},
                    "finish_reason": finish,
                }
            ],
        }
    )


def test_a_params_model_gets_the_format_and_tools_a_dict_too() -> None:
    params = ChatCompletionParams(model="m", messages=[{"role": "user", "content": "hi"}])
    plan = ParsePlan(params, Answer, [GetWeather])
    wire = plan.params.to_wire()
    assert wire["response_format"]["json_schema"]["name"] == "Answer"
    assert wire["tools"][0]["function"]["name"] == "GetWeather"
    assert params.response_format is None  # the caller's params are not changed
    plan = ParsePlan({"model": "m", "messages": [], "response_format": Answer}, None, None)
    assert plan.output_model is Answer and plan.params["response_format"]["type"] == "json_schema"


def test_parse_chat_gives_parsed_content_and_tool_arguments() -> None:
    plan = ParsePlan({"messages": []}, GetWeather, [GetWeather])
    parsed = plan.parse_chat(
        completion(
            {
                "content": '{"city": "Oslo"}',
                "tool_calls": [
                    {
                        "id": "call_1",
                        "function": {"name": "GetWeather", "arguments": '{"city": "Rome"}'},
                    },
                    {"id": "call_2", "function": {"name": "other", "arguments": "{}"}},
                ],
            }
        )
    )
    message = parsed.choices[0].message
    assert message.parsed == GetWeather(city="Oslo")
    assert message.tool_calls[0].function.parsed_arguments == GetWeather(city="Rome")
    assert message.tool_calls[1].function.parsed_arguments is None
    assert parsed.id == "c1"


def test_a_refusal_is_a_refusal_not_a_parse_error() -> None:
    plan = ParsePlan({"messages": []}, Answer, None)
    parsed = plan.parse_chat(completion({"content": None, "refusal": "I can't help with that."}))
    assert parsed.choices[0].message.parsed is None
    assert parsed.choices[0].message.refusal == "I can't help with that."


def test_an_invalid_reply_raises_with_the_raw_text_and_the_errors() -> None:
    plan = ParsePlan({"messages": []}, Answer, None)
    raw = '{"steps": [{"explanation": "x"}], "final": "4", "confid'
    with pytest.raises(StructuredOutputError) as info:
        plan.parse_chat(completion({"content": raw}, finish="length"))
    err = info.value
    assert err.raw == raw and err.model is Answer and err.finish_reason == "length"
    assert err.errors and err.details == err.errors and "cut short" in str(err)
    with pytest.raises(StructuredOutputError) as info:
        plan.parse_chat(completion({"content": '{"steps": [{"explanation": "x"}], "final": 1}'}))
    locs = [e["loc"] for e in info.value.errors]
    assert ["steps", 0, "output"] in locs and ["final"] in locs


def test_parse_response_output_parsed_refusal_and_function_calls() -> None:
    plan = ParsePlan({"input": "x"}, GetWeather, [GetWeather], responses=True)
    assert plan.params["text"]["format"]["name"] == "GetWeather"
    assert plan.params["tools"][0] == {"type": "function", **plan.params["tools"][0]}
    assert plan.params["tools"][0]["name"] == "GetWeather"  # the flat Responses shape

    def response(*output: Dict[str, Any]) -> ResponsesResponse:
        return ResponsesResponse.model_validate({"id": "r1", "output": list(output)})

    text = {"type": "message", "content": [{"type": "output_text", "text": '{"city": "Oslo"}'}]}
    call = {
        "type": "function_call",
        "name": "GetWeather",
        "call_id": "c",
        "arguments": '{"city":"A"}',
    }
    parsed = plan.parse_response(response(text, call))
    assert parsed.output_parsed == GetWeather(city="Oslo") and parsed.refusal is None
    assert parsed.output[1].parsed_arguments == GetWeather(city="A")
    refused = plan.parse_response(
        response({"type": "message", "content": [{"type": "refusal", "refusal": "No."}]})
    )
    assert refused.output_parsed is None and refused.refusal == "No."


async def test_a_refusal_from_the_gateway_reaches_the_caller_as_a_refusal(api: Any) -> None:
    # The local gateway's model never refuses: the fake gateway answers as a provider that does.
    from fake_answers import json_response

    body = {
        "id": "chatcmpl-r",
        "object": "chat.completion",
        "created": 1,
        "model": "openai/gpt-4o",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": None, "refusal": "I can't."},
                "finish_reason": "stop",
            }
        ],
    }
    api.gateway.on("POST", "/v1/chat/completions", json_response(body))
    reply = await api.call(
        lambda c: c.chat.completions.parse(
            model="openai/gpt-4o",
            messages=[{"role": "user", "content": "x"}],
            response_format=Answer,
        )
    )
    assert reply.choices[0].message.refusal == "I can't."
    assert reply.choices[0].message.parsed is None
    sent = api.gateway.last.json["response_format"]
    assert sent["json_schema"]["strict"] is True and sent["json_schema"]["name"] == "Answer"
