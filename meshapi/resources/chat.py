"""``/v1/chat/completions``: ``client.chat.completions.create`` and ``.stream``."""

from __future__ import annotations

import collections
import functools
from typing import (
    Any,
    AsyncIterator,
    Deque,
    Iterator,
    List,
    Optional,
    Sequence,
    Type,
    TypeVar,
    Union,
    overload,
)

from pydantic import BaseModel
from typing_extensions import Unpack

from .._accumulate import ChatCompletionAccumulator
from .._endpoint import CallOptions, Endpoint
from .._fallback import FallbackCallOptions
from .._reducers import ChatEventReducer, ChatStreamEvent, chunk_text
from .._streaming import _StreamBase, model_decoder
from .._structured import ParsePlan
from .._types import (
    ChatCompletionChunk,
    ChatCompletionParams,
    ChatCompletionParamsDict,
    ChatCompletionResponse,
    ParsedChatCompletion,
)
from ._base import AsyncResource, SyncResource
from ._stream_helpers import _AsyncHelperStream, _HelperStream

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
M = TypeVar("M", bound=BaseModel)


class ChatCompletionKwargs(ChatCompletionParamsDict, CallOptions, total=False):
    """The keyword arguments of ``create()`` / ``stream()``: the body's fields and the
    per-call options (``fallback_models``: the models to try when the model fails)."""

    fallback_models: Sequence[str]


class _AssemblesCompletion(_StreamBase[ChatCompletionChunk]):
    """Feeds every chunk of a chat stream to one accumulator (shared by both twins); once
    ``events()`` is asked for, through the typed-events reducer, which folds into the same
    accumulator and queues each chunk's events."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._accumulator = ChatCompletionAccumulator()
        self._observe = self._accumulator.extend
        self._events: Deque[ChatStreamEvent] = collections.deque()

    @property
    def current_completion_snapshot(self) -> ChatCompletionResponse:
        """The completion assembled from the chunks read so far."""
        return self._accumulator.snapshot()

    def _want_events(self) -> ChatEventReducer:
        reducer = ChatEventReducer(self._accumulator)

        def fold(chunks: List[ChatCompletionChunk]) -> None:
            for chunk in chunks:
                self._events.extend(reducer.feed(chunk))

        self._observe = fold
        return reducer


class ChatCompletionStream(_AssemblesCompletion, _HelperStream[ChatCompletionChunk]):
    """A chat stream that also assembles the whole completion as the chunks go by.

    >>> with client.chat.completions.stream(params) as stream:
    ...     for text in stream.text_deltas():        # or: for chunk in stream / stream.events()
    ...         print(text, end="")
    ...     reply = stream.get_final_completion()   # the same shape create() returns
    """

    def get_final_completion(self) -> ChatCompletionResponse:
        """Read the rest of the stream (if any) and return the whole completion, with usage
        and cost. Raises like iteration does if the stream is cut or was closed early."""
        return self.until_done()._accumulator.snapshot()

    def text_deltas(self, choice: int = 0) -> Iterator[str]:
        """The text of choice ``choice`` as it arrives, piece by piece."""
        return self._picked(functools.partial(chunk_text, choice=choice))

    def events(self) -> Iterator[ChatStreamEvent]:
        """Typed events as they arrive (:class:`ContentDeltaEvent`, :class:`RefusalDeltaEvent`,
        :class:`ToolCallArgumentsDeltaEvent`), then a :class:`DoneEvent` with the completion."""
        reducer = self._want_events()
        for _ in self:
            while self._events:
                yield self._events.popleft()
        yield reducer.done()


class AsyncChatCompletionStream(_AssemblesCompletion, _AsyncHelperStream[ChatCompletionChunk]):
    """A chat stream that also assembles the whole completion as the chunks go by.

    >>> async with client.chat.completions.stream(params) as stream:
    ...     async for text in stream.text_deltas():  # or: async for chunk in stream / .events()
    ...         print(text, end="")
    ...     reply = await stream.get_final_completion()   # the same shape create() returns
    """

    async def get_final_completion(self) -> ChatCompletionResponse:
        """Read the rest of the stream (if any) and return the whole completion, with usage
        and cost. Raises like iteration does if the stream is cut or was closed early."""
        return (await self.until_done())._accumulator.snapshot()

    def text_deltas(self, choice: int = 0) -> AsyncIterator[str]:
        """The text of choice ``choice`` as it arrives, piece by piece."""
        return self._picked(functools.partial(chunk_text, choice=choice))

    async def events(self) -> AsyncIterator[ChatStreamEvent]:
        """Typed events as they arrive (:class:`ContentDeltaEvent`, :class:`RefusalDeltaEvent`,
        :class:`ToolCallArgumentsDeltaEvent`), then a :class:`DoneEvent` with the completion."""
        reducer = self._want_events()
        async for _ in self:
            while self._events:
                yield self._events.popleft()
        yield reducer.done()


class ChatCompletionsResource(SyncResource):
    """Chat completions: one API for every chat model of the gateway."""

    @overload
    def create(
        self, params: ChatParamsInput, /, **options: Unpack[FallbackCallOptions]
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
        return self._call_falling_back(CREATE, params, kwargs)

    def parse(
        self,
        params: Optional[ChatParamsInput] = None,
        /,
        *,
        response_format: Optional[Type[M]] = None,
        **kwargs: Any,
    ) -> ParsedChatCompletion[M]:
        """Create a chat completion whose reply is parsed into ``response_format``.

        Takes what :meth:`create` takes. The model's strict JSON schema is sent as the
        ``response_format``; the answer is a :class:`ParsedChatCompletion` with
        ``choices[i].message.parsed`` (``None`` when the model refused: ``message.refusal``
        says why). ``tools`` may hold pydantic model classes or :func:`pydantic_function_tool`
        results: their calls get ``function.parsed_arguments``. A reply that does not validate
        raises :class:`StructuredOutputError` (``err.raw``, ``err.errors``).
        """
        plan = ParsePlan(params, response_format, kwargs=kwargs)
        return plan.parse_chat(self._call_falling_back(CREATE, plan.params, plan.options))

    @overload
    def stream(
        self, params: ChatParamsInput, /, **options: Unpack[FallbackCallOptions]
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
        return self._stream_falling_back(ChatCompletionStream, STREAM, params, kwargs)


class AsyncChatCompletionsResource(AsyncResource):
    """Chat completions: one API for every chat model of the gateway."""

    @overload
    async def create(
        self, params: ChatParamsInput, /, **options: Unpack[FallbackCallOptions]
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
        return await self._call_falling_back(CREATE, params, kwargs)

    async def parse(
        self,
        params: Optional[ChatParamsInput] = None,
        /,
        *,
        response_format: Optional[Type[M]] = None,
        **kwargs: Any,
    ) -> ParsedChatCompletion[M]:
        """Create a chat completion whose reply is parsed into ``response_format``.

        Takes what :meth:`create` takes. The model's strict JSON schema is sent as the
        ``response_format``; the answer is a :class:`ParsedChatCompletion` with
        ``choices[i].message.parsed`` (``None`` when the model refused: ``message.refusal``
        says why). ``tools`` may hold pydantic model classes or :func:`pydantic_function_tool`
        results: their calls get ``function.parsed_arguments``. A reply that does not validate
        raises :class:`StructuredOutputError` (``err.raw``, ``err.errors``).
        """
        plan = ParsePlan(params, response_format, kwargs=kwargs)
        return plan.parse_chat(await self._call_falling_back(CREATE, plan.params, plan.options))

    @overload
    def stream(
        self, params: ChatParamsInput, /, **options: Unpack[FallbackCallOptions]
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
        return self._stream_falling_back(AsyncChatCompletionStream, STREAM, params, kwargs)


class ChatResource:
    """``client.chat``: holds ``completions``."""

    def __init__(self, http: Any) -> None:
        self.completions = ChatCompletionsResource(http)


class AsyncChatResource:
    """``client.chat``: holds ``completions``."""

    def __init__(self, http: Any) -> None:
        self.completions = AsyncChatCompletionsResource(http)
