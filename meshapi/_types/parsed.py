"""Structured output: completions and responses with their reply parsed into the caller's model.

``client.chat.completions.parse(...)`` returns a :class:`ParsedChatCompletion`: the same fields as
a :class:`~meshapi.ChatCompletionResponse`, with ``choices[i].message.parsed`` (an instance of the
``response_format`` model, or ``None`` when the model refused: see ``message.refusal``) and each
tool call's ``function.parsed_arguments`` (an instance of the tool's model, for tools made from
pydantic models). ``client.responses.parse(...)`` returns a :class:`ParsedResponse` with
``output_parsed``.
"""

from __future__ import annotations

from typing import Any, Generic, List, Optional, TypeVar

from .chat import (
    ChatCompletionChoice,
    ChatCompletionMessage,
    ChatCompletionResponse,
    ToolCall,
    ToolCallFunction,
)
from .responses import ResponsesResponse

__all__ = [
    "ParsedChatCompletion",
    "ParsedChatCompletionMessage",
    "ParsedChoice",
    "ParsedFunction",
    "ParsedResponse",
    "ParsedToolCall",
]

T = TypeVar("T")


class ParsedFunction(ToolCallFunction):
    """A tool call's function; ``parsed_arguments`` is the arguments as the tool's model (for a
    tool made from a pydantic model), else ``None``."""

    parsed_arguments: Optional[Any] = None


class ParsedToolCall(ToolCall):
    """A tool call whose arguments were parsed (see :class:`ParsedFunction`)."""

    function: ParsedFunction


class ParsedChatCompletionMessage(ChatCompletionMessage, Generic[T]):
    """The assistant message; ``parsed`` is its content as the ``response_format`` model, or
    ``None`` when there is no content (a refusal: read ``refusal``; or only tool calls)."""

    parsed: Optional[T] = None
    tool_calls: Optional[List[ParsedToolCall]] = None  # type: ignore[assignment]


class ParsedChoice(ChatCompletionChoice, Generic[T]):
    """One choice of a parsed chat completion."""

    message: ParsedChatCompletionMessage[T]


class ParsedChatCompletion(ChatCompletionResponse, Generic[T]):
    """A chat completion whose replies were parsed: ``choices[0].message.parsed``."""

    choices: List[ParsedChoice[T]]  # type: ignore[assignment]


class ParsedResponse(ResponsesResponse, Generic[T]):
    """A response whose text was parsed: ``output_parsed`` (``None`` when the model refused:
    see ``refusal``)."""

    output_parsed: Optional[T] = None
    refusal: Optional[str] = None
