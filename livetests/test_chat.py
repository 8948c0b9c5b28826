"""Chat completions: a basic answer, a tool call round trip, a multi-turn conversation."""

from __future__ import annotations

import json
from typing import Any, List

from meshapi import ChatCompletionParams, ChatMessage, Tool, ToolFunction

from .config import LiveConfig

WEATHER = Tool(
    type="function",
    function=ToolFunction(
        name="get_weather",
        description="Get the current weather for a city",
        parameters={
            "type": "object",
            "properties": {"city": {"type": "string", "description": "The city name"}},
            "required": ["city"],
        },
    ),
)


async def test_chat_basic(api: Any, config: LiveConfig) -> None:
    reply = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(
                model=config.model,
                messages=[
                    ChatMessage(role="system", content="You are a concise assistant."),
                    ChatMessage(role="user", content="What is the capital of France?"),
                ],
                max_tokens=64,
            )
        )
    )
    assert reply.id
    assert reply.choices, "at least one choice"
    content = reply.choices[0].message.content
    assert isinstance(content, str) and content.strip()
    assert reply.choices[0].finish_reason in {"stop", "length"}
    assert reply.usage is not None and reply.usage.total_tokens > 0


async def test_chat_tools(api: Any, config: LiveConfig) -> None:
    messages: List[Any] = [ChatMessage(role="user", content="What is the weather in Paris?")]
    forced = {"type": "function", "function": {"name": "get_weather"}}
    first = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(
                model=config.model, messages=messages, tools=[WEATHER], tool_choice=forced
            )
        )
    )
    message = first.choices[0].message
    assert message.tool_calls, "a forced tool choice must produce a tool call"
    call = message.tool_calls[0]
    assert call.function.name == "get_weather" and call.id
    args = json.loads(call.function.arguments)
    assert isinstance(args, dict) and isinstance(args.get("city"), str) and args["city"]

    messages.append(message)
    messages.append(
        ChatMessage(
            role="tool",
            tool_call_id=call.id,
            content=json.dumps({"city": args["city"], "forecast": "sunny", "temp_c": 21}),
        )
    )
    final = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(model=config.model, messages=messages, tools=[WEATHER])
        )
    )
    assert final.choices[0].message.content, "the model answers after the tool result"


async def test_chat_multi_turn(api: Any, config: LiveConfig) -> None:
    messages: List[Any] = [
        ChatMessage(role="system", content="You are a concise assistant."),
        ChatMessage(role="user", content="My favourite colour is teal. Please remember it."),
    ]
    first = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(model=config.model, messages=messages, max_tokens=64)
        )
    )
    assert first.choices[0].message.content
    messages.append(first.choices[0].message)  # the reply goes back as it came
    messages.append(ChatMessage(role="user", content="What is my favourite colour?"))
    second = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(model=config.model, messages=messages, max_tokens=64)
        )
    )
    assert second.choices[0].message.content
    assert second.usage is not None and first.usage is not None
    assert second.usage.prompt_tokens > first.usage.prompt_tokens, "the history was sent"
