"""LangChain's ``ChatOpenAI`` (langchain-openai) against the local gateway: chat, streaming,
tool calling, structured output (JSON schema and function calling), the Responses API."""

from __future__ import annotations

import json

import pydantic
import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI

from meshapi.testing import LocalGateway


@tool
def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"Sunny and 21 C in {city}"


class City(pydantic.BaseModel):
    name: str
    country: str


@pytest.fixture
def llm(gw: LocalGateway) -> ChatOpenAI:
    return ChatOpenAI(
        model="openai/gpt-4o-mini", base_url=gw.base_url + "/v1", api_key=gw.api_key, max_retries=0
    )


def test_chat_and_streaming(llm: ChatOpenAI) -> None:
    assert "Paris" in str(llm.invoke("What is the capital of France?").content)
    pieces = [str(chunk.content) for chunk in llm.stream("Count to 5")]
    assert len(pieces) > 2 and "".join(pieces).startswith("1, 2, 3, 4, 5")


async def test_async_streaming(llm: ChatOpenAI) -> None:
    pieces = [str(chunk.content) async for chunk in llm.astream("What is 12 times 4?")]
    assert "48" in "".join(pieces)


def test_tool_calling_round_trip(llm: ChatOpenAI) -> None:
    with_tools = llm.bind_tools([get_weather])
    question = HumanMessage("What is the weather in Paris?")
    first = with_tools.invoke([question])
    assert isinstance(first, AIMessage)
    [call] = first.tool_calls
    assert call["name"] == "get_weather" and call["args"] == {"city": "Paris"}
    result = ToolMessage(get_weather.invoke(call["args"]), tool_call_id=call["id"])
    final = with_tools.invoke([question, first, result])
    assert "Sunny" in str(final.content)


@pytest.mark.parametrize("method", ["json_schema", "function_calling", "json_mode"])
def test_structured_output(llm: ChatOpenAI, method: str) -> None:
    structured = llm.with_structured_output(City, method=method)  # type: ignore[arg-type]
    prompt = "Tell me about Rome."
    if method == "json_mode":  # the schema is described in the prompt, as LangChain asks
        prompt += " Answer in JSON with this schema: " + json.dumps(City.model_json_schema())
    city = structured.invoke(prompt)
    if isinstance(city, dict):
        city = City.model_validate(city)
    assert city == City(name="Rome", country="Italy")


def test_responses_api(gw: LocalGateway) -> None:
    llm = ChatOpenAI(
        model="openai/gpt-4o-mini",
        base_url=gw.base_url + "/v1",
        api_key=gw.api_key,
        use_responses_api=True,
        max_retries=0,
    )
    assert "Paris" in llm.invoke("What is the capital of France?").text()
