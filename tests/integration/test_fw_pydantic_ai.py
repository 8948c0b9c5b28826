"""pydantic-ai agents against the local gateway, through its OpenAI chat and Responses models:
chat, streaming, tool calling, structured output."""

from __future__ import annotations

import pydantic
import pytest
from pydantic_ai import Agent
from pydantic_ai.models.openai import OpenAIChatModel, OpenAIResponsesModel
from pydantic_ai.providers.openai import OpenAIProvider

from meshapi.testing import LocalGateway


class City(pydantic.BaseModel):
    name: str
    country: str


@pytest.fixture(params=["chat", "responses"])
def model(request: pytest.FixtureRequest, gw: LocalGateway) -> object:
    provider = OpenAIProvider(base_url=gw.base_url + "/v1", api_key=gw.api_key)
    kind = OpenAIChatModel if request.param == "chat" else OpenAIResponsesModel
    return kind("openai/gpt-4o-mini", provider=provider)


async def test_chat(model: object) -> None:
    result = await Agent(model).run("What is the capital of Japan?")  # type: ignore[call-overload]
    assert "Tokyo" in result.output


async def test_streaming(model: object) -> None:
    async with Agent(model).run_stream("Count to 5") as run:  # type: ignore[call-overload]
        pieces = [piece async for piece in run.stream_text(delta=True)]
    assert "".join(pieces).startswith("1, 2, 3, 4, 5")


async def test_tool_calling(model: object) -> None:
    agent = Agent(model, instructions="Use the tools.")  # type: ignore[call-overload]
    called = []

    @agent.tool_plain
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        called.append(city)
        return f"Sunny in {city}"

    result = await agent.run("What is the weather in Lisbon?")
    assert called == ["Lisbon"]
    assert "Sunny in Lisbon" in result.output


async def test_structured_output(model: object) -> None:
    result = await Agent(model, output_type=City).run("Tell me about Madrid.")  # type: ignore[call-overload]
    assert result.output == City(name="Madrid", country="Spain")
