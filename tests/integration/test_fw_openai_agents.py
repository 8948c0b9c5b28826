"""The OpenAI Agents SDK (openai-agents) against the local gateway, with its Responses and Chat
Completions models: a run, streaming, tool calling, structured output."""

from __future__ import annotations

from typing import Any, Iterator, List

import openai
import pydantic
import pytest
from agents import (
    Agent,
    OpenAIChatCompletionsModel,
    OpenAIResponsesModel,
    Runner,
    function_tool,
    set_tracing_disabled,
)

from meshapi.testing import LocalGateway

set_tracing_disabled(True)  # tracing would upload to OpenAI


class City(pydantic.BaseModel):
    name: str
    country: str


@pytest.fixture(params=["responses", "chat"])
def model(request: pytest.FixtureRequest, gw: LocalGateway) -> Iterator[Any]:
    client = openai.AsyncOpenAI(base_url=gw.base_url + "/v1", api_key=gw.api_key, max_retries=0)
    kind = OpenAIResponsesModel if request.param == "responses" else OpenAIChatCompletionsModel
    yield kind(model="openai/gpt-4o-mini", openai_client=client)


async def test_run(model: Any) -> None:
    agent = Agent(name="geo", instructions="Answer briefly.", model=model)
    result = await Runner.run(agent, "What is the capital of Canada?")
    assert "Ottawa" in result.final_output


async def test_streaming(model: Any) -> None:
    run = Runner.run_streamed(Agent(name="counter", model=model), "Count to 5")
    deltas: List[str] = []
    async for event in run.stream_events():
        data = getattr(event, "data", None)
        if event.type == "raw_response_event" and data.type == "response.output_text.delta":
            deltas.append(data.delta)
    assert len(deltas) > 2
    assert "".join(deltas) == run.final_output == "1, 2, 3, 4, 5."


async def test_tool_calling(model: Any) -> None:
    called: List[str] = []

    @function_tool
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        called.append(city)
        return f"Sunny in {city}"

    agent = Agent(name="weather", model=model, tools=[get_weather])
    result = await Runner.run(agent, "What is the weather in Oslo?")
    assert called == ["Oslo"]
    assert "Sunny in Oslo" in result.final_output


async def test_structured_output(model: Any) -> None:
    agent = Agent(name="facts", model=model, output_type=City)
    result = await Runner.run(agent, "Tell me about Berlin.")
    assert result.final_output == City(name="Berlin", country="Germany")
