"""``/v1/chat/completions``: ``client.chat.completions.create`` and ``.stream``."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence, Type, TypeVar, Union

from pydantic import BaseModel

from .._accumulate import ChatCompletionAccumulator
from .._endpoint import Endpoint
from .._request import ExtraHeaders, TimeoutTypes
from .._streaming import AsyncStream, Stream, _StreamBase, model_decoder
from .._structured import ParsePlan, ToolInput
from .._types import (
    ChatCompletionChunk,
    ChatCompletionParams,
    ChatCompletionResponse,
    ParsedChatCompletion,
)
from ._base import AsyncResource, SyncResource

__all__ = [
    "AsyncChatCompletionStream",
    "AsyncChatCompletionsResource",
    "AsyncChatResource",
    "ChatCompletionStream",
    "ChatCompletionsResource",
    "ChatResource",
]

CREATE = Endpoint(
    "POST",
    "/v1/chat/completions",
    ChatCompletionResponse,
    name="create",
    params=ChatCompletionParams,
    sets_stream=False,
)
# Usage (and cost) arrive on a final chunk only when asked for.
STREAM = CREATE.streaming(
    model_decoder(ChatCompletionChunk), body_defaults={"stream_options": {"include_usage": True}}
)

ChatParamsInput = Union[ChatCompletionParams, Mapping[str, Any]]
M = TypeVar("M", bound=BaseModel)


class _AssemblesCompletion(_StreamBase[ChatCompletionChunk]):
    """Feeds every chunk of a chat stream to one accumulator (shared by both twins)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._accumulator = ChatCompletionAccumulator()
        self._observe = self._accumulator.extend

    @property
    def current_completion_snapshot(self) -> ChatCompletionResponse:
        """The completion assembled from the chunks read so far."""
        return self._accumulator.snapshot()

    @property
    def _finished(self) -> bool:
        return self._core is not None and self._core.done


class ChatCompletionStream(_AssemblesCompletion, Stream[ChatCompletionChunk]):
    """A chat stream that also assembles the whole completion as the chunks go by.

    >>> with client.chat.completions.stream(params) as stream:
    ...     for chunk in stream:
    ...         pass
    ...     reply = stream.get_final_completion()   # the same shape create() returns
    """

    def get_final_completion(self) -> ChatCompletionResponse:
        """Read the rest of the stream (if any) and return the whole completion, with usage
        and cost. Raises like iteration does if the stream is cut or was closed early."""
        if not self._finished:
            self._drain()
        return self._accumulator.snapshot()


class AsyncChatCompletionStream(_AssemblesCompletion, AsyncStream[ChatCompletionChunk]):
    """A chat stream that also assembles the whole completion as the chunks go by.

    >>> async with client.chat.completions.stream(params) as stream:
    ...     async for chunk in stream:
    ...         pass
    ...     reply = await stream.get_final_completion()   # the same shape create() returns
    """

    async def get_final_completion(self) -> ChatCompletionResponse:
        """Read the rest of the stream (if any) and return the whole completion, with usage
        and cost. Raises like iteration does if the stream is cut or was closed early."""
        if not self._finished:
            await self._drain()
        return self._accumulator.snapshot()


class ChatCompletionsResource(SyncResource):
    """Chat completions: one API for every chat model of the gateway."""

    def create(
        self,
        params: ChatParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ChatCompletionResponse:
        """Create a chat completion and wait for the whole answer.

        ``params`` is a :class:`ChatCompletionParams` (or a dict with the same fields).
        """
        return self._call(CREATE, params=params, extra_headers=extra_headers, timeout=timeout)

    def parse(
        self,
        params: ChatParamsInput,
        *,
        response_format: Optional[Type[M]] = None,
        tools: Optional[Sequence[ToolInput]] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ParsedChatCompletion[M]:
        """Create a chat completion whose reply is parsed into ``response_format``.

        The model's strict JSON schema is sent as the ``response_format``; the answer comes
        back as a :class:`ParsedChatCompletion` with ``choices[i].message.parsed`` (``None``
        when the model refused: ``message.refusal`` says why). ``tools`` adds tools made from
        pydantic models (classes or :func:`pydantic_function_tool` results), whose calls get
        ``function.parsed_arguments``. A reply that does not validate raises
        :class:`StructuredOutputError` (``err.raw``, ``err.errors``).
        """
        plan = ParsePlan(params, response_format, tools)
        answer = self._call(
            CREATE, params=plan.params, extra_headers=extra_headers, timeout=timeout
        )
        return plan.parse_chat(answer)  # type: ignore[no-any-return]

    def stream(
        self,
        params: ChatParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ChatCompletionStream:
        """Stream a chat completion as :class:`ChatCompletionChunk` items.

        The request is sent when iteration starts (or on entering ``with``). Usage and cost
        arrive on a final chunk whose ``choices`` is empty. Never retried once bytes arrived.
        ``stream.get_final_completion()`` assembles the whole answer.
        """
        return self._stream_as(
            ChatCompletionStream,
            STREAM,
            params=params,
            extra_headers=extra_headers,
            timeout=timeout,
        )


class AsyncChatCompletionsResource(AsyncResource):
    """Chat completions: one API for every chat model of the gateway."""

    async def create(
        self,
        params: ChatParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ChatCompletionResponse:
        """Create a chat completion and wait for the whole answer.

        ``params`` is a :class:`ChatCompletionParams` (or a dict with the same fields).
        """
        return await self._call(CREATE, params=params, extra_headers=extra_headers, timeout=timeout)

    async def parse(
        self,
        params: ChatParamsInput,
        *,
        response_format: Optional[Type[M]] = None,
        tools: Optional[Sequence[ToolInput]] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ParsedChatCompletion[M]:
        """Create a chat completion whose reply is parsed into ``response_format``.

        The model's strict JSON schema is sent as the ``response_format``; the answer comes
        back as a :class:`ParsedChatCompletion` with ``choices[i].message.parsed`` (``None``
        when the model refused: ``message.refusal`` says why). ``tools`` adds tools made from
        pydantic models (classes or :func:`pydantic_function_tool` results), whose calls get
        ``function.parsed_arguments``. A reply that does not validate raises
        :class:`StructuredOutputError` (``err.raw``, ``err.errors``).
        """
        plan = ParsePlan(params, response_format, tools)
        answer = await self._call(
            CREATE, params=plan.params, extra_headers=extra_headers, timeout=timeout
        )
        return plan.parse_chat(answer)  # type: ignore[no-any-return]

    def stream(
        self,
        params: ChatParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> AsyncChatCompletionStream:
        """Stream a chat completion as :class:`ChatCompletionChunk` items.

        The request is sent when iteration starts (or on entering ``with``). Usage and cost
        arrive on a final chunk whose ``choices`` is empty. Never retried once bytes arrived.
        ``stream.get_final_completion()`` assembles the whole answer.
        """
        return self._stream_as(
            AsyncChatCompletionStream,
            STREAM,
            params=params,
            extra_headers=extra_headers,
            timeout=timeout,
        )


class ChatResource:
    """``client.chat``: holds ``completions``."""

    def __init__(self, http: Any) -> None:
        self.completions = ChatCompletionsResource(http)


class AsyncChatResource:
    """``client.chat``: holds ``completions``."""

    def __init__(self, http: Any) -> None:
        self.completions = AsyncChatCompletionsResource(http)
