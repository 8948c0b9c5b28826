"""``/v1/chat/completions``: ``client.chat.completions.create`` and ``.stream``."""

from __future__ import annotations

from typing import Any, Optional, Union, overload

from typing_extensions import Unpack

from .._accumulate import ChatCompletionAccumulator
from .._endpoint import BodyCallOptions, CallOptions, Endpoint
from .._streaming import AsyncStream, Stream, _StreamBase, model_decoder
from .._types import (
    ChatCompletionChunk,
    ChatCompletionParams,
    ChatCompletionParamsDict,
    ChatCompletionResponse,
)
from ._base import AsyncResource, SyncResource

__all__ = [
    "AsyncChatCompletionStream",
    "ChatCompletionKwargs",
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

ChatParamsInput = Union[ChatCompletionParams, ChatCompletionParamsDict]


class ChatCompletionKwargs(ChatCompletionParamsDict, CallOptions, total=False):
    """The keyword arguments of ``create()`` / ``stream()``: the body's fields and the
    per-call options."""


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

    @overload
    def create(
        self, params: ChatParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> ChatCompletionResponse: ...
    @overload
    def create(self, /, **kwargs: Unpack[ChatCompletionKwargs]) -> ChatCompletionResponse: ...
    def create(
        self, params: Optional[ChatParamsInput] = None, /, **kwargs: Any
    ) -> ChatCompletionResponse:
        """Create a chat completion and wait for the whole answer.

        Pass the body as keyword arguments (``create(model=..., messages=[...])``) or as one
        :class:`ChatCompletionParams` (or its dict), with the per-call options beside either
        (``timeout``, ``max_retries``, ``extra_headers``, ``extra_query``, ``extra_body``,
        ``idempotency_key``). ``reply._meta`` says how it arrived (request id, headers...).
        """
        return self._call(CREATE, params=params, options=kwargs)

    @overload
    def stream(
        self, params: ChatParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> ChatCompletionStream: ...
    @overload
    def stream(self, /, **kwargs: Unpack[ChatCompletionKwargs]) -> ChatCompletionStream: ...
    def stream(
        self, params: Optional[ChatParamsInput] = None, /, **kwargs: Any
    ) -> ChatCompletionStream:
        """Stream a chat completion as :class:`ChatCompletionChunk` items.

        Takes what :meth:`create` takes. The request is sent when iteration starts (or on
        entering ``with``). Usage and cost arrive on a final chunk whose ``choices`` is empty.
        Never retried once bytes arrived. ``stream.get_final_completion()`` assembles the whole
        answer.
        """
        return self._stream_as(ChatCompletionStream, STREAM, params=params, options=kwargs)


class AsyncChatCompletionsResource(AsyncResource):
    """Chat completions: one API for every chat model of the gateway."""

    @overload
    async def create(
        self, params: ChatParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> ChatCompletionResponse: ...
    @overload
    async def create(self, /, **kwargs: Unpack[ChatCompletionKwargs]) -> ChatCompletionResponse: ...
    async def create(
        self, params: Optional[ChatParamsInput] = None, /, **kwargs: Any
    ) -> ChatCompletionResponse:
        """Create a chat completion and wait for the whole answer.

        Pass the body as keyword arguments (``create(model=..., messages=[...])``) or as one
        :class:`ChatCompletionParams` (or its dict), with the per-call options beside either
        (``timeout``, ``max_retries``, ``extra_headers``, ``extra_query``, ``extra_body``,
        ``idempotency_key``). ``reply._meta`` says how it arrived (request id, headers...).
        """
        return await self._call(CREATE, params=params, options=kwargs)

    @overload
    def stream(
        self, params: ChatParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> AsyncChatCompletionStream: ...
    @overload
    def stream(self, /, **kwargs: Unpack[ChatCompletionKwargs]) -> AsyncChatCompletionStream: ...
    def stream(
        self, params: Optional[ChatParamsInput] = None, /, **kwargs: Any
    ) -> AsyncChatCompletionStream:
        """Stream a chat completion as :class:`ChatCompletionChunk` items.

        Takes what :meth:`create` takes. The request is sent when iteration starts (or on
        entering ``with``). Usage and cost arrive on a final chunk whose ``choices`` is empty.
        Never retried once bytes arrived. ``stream.get_final_completion()`` assembles the whole
        answer.
        """
        return self._stream_as(AsyncChatCompletionStream, STREAM, params=params, options=kwargs)


class ChatResource:
    """``client.chat``: holds ``completions``."""

    def __init__(self, http: Any) -> None:
        self.completions = ChatCompletionsResource(http)


class AsyncChatResource:
    """``client.chat``: holds ``completions``."""

    def __init__(self, http: Any) -> None:
        self.completions = AsyncChatCompletionsResource(http)
