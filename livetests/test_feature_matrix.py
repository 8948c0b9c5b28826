"""A cross-model feature matrix: each of a few models against each feature.

A failure names the model and the feature (``test_feature[openai/gpt-4o-mini-tools-sync]``), so
the matrix doubles as a compatibility report for a gateway.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Dict

import pytest

from meshapi import (
    ChatCompletionParams,
    ChatMessage,
    ContentPartImage,
    ContentPartText,
    ImageURL,
    Tool,
    ToolFunction,
)

from .config import LiveConfig

MODEL_SLOTS = ["model", "second_model"]


def _model(config: LiveConfig, slot: str) -> str:
    return str(getattr(config, slot))


async def chat(api: Any, config: LiveConfig, model: str) -> None:
    reply = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(
                model=model,
                messages=[ChatMessage(role="user", content="Name three primary colours.")],
                max_tokens=64,
            )
        )
    )
    assert reply.choices[0].message.content


async def stream(api: Any, config: LiveConfig, model: str) -> None:
    chunks = await api.collect(
        lambda c: c.chat.completions.stream(
            ChatCompletionParams(
                model=model,
                messages=[ChatMessage(role="user", content="Count from one to five.")],
                max_tokens=64,
            )
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.strip()


async def tools(api: Any, config: LiveConfig, model: str) -> None:
    tool = Tool(
        function=ToolFunction(
            name="get_stock_price",
            description="Get the latest stock price for a ticker symbol",
            parameters={
                "type": "object",
                "properties": {"ticker": {"type": "string"}},
                "required": ["ticker"],
            },
        )
    )
    reply = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(
                model=model,
                messages=[ChatMessage(role="user", content="What is the stock price of AAPL?")],
                tools=[tool],
                tool_choice={"type": "function", "function": {"name": "get_stock_price"}},
            )
        )
    )
    calls = reply.choices[0].message.tool_calls
    assert calls and calls[0].function.name == "get_stock_price"
    assert isinstance(json.loads(calls[0].function.arguments).get("ticker"), str)


async def vision(api: Any, config: LiveConfig, model: str) -> None:
    url = config.need("image_url")
    reply = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(
                model=model,
                messages=[
                    ChatMessage(
                        role="user",
                        content=[
                            ContentPartText(text="Describe this image in one sentence."),
                            ContentPartImage(image_url=ImageURL(url=url)),
                        ],
                    )
                ],
                max_tokens=128,
            )
        )
    )
    assert reply.choices[0].message.content


async def json_mode(api: Any, config: LiveConfig, model: str) -> None:
    reply = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(
                model=model,
                messages=[
                    ChatMessage(
                        role="user",
                        content="Reply with a JSON object describing a cat (keys: name, age).",
                    )
                ],
                response_format={"type": "json_object"},
                max_tokens=256,
            )
        )
    )
    content = reply.choices[0].message.content or ""
    assert isinstance(json.loads(content), dict), content


FEATURES: Dict[str, Callable[[Any, LiveConfig, str], Awaitable[None]]] = {
    "chat": chat,
    "stream": stream,
    "tools": tools,
    "vision": vision,
    "json_mode": json_mode,
}


@pytest.mark.parametrize("feature", list(FEATURES))
@pytest.mark.parametrize("slot", MODEL_SLOTS)
async def test_feature(api: Any, config: LiveConfig, slot: str, feature: str) -> None:
    await FEATURES[feature](api, config, _model(config, slot))
