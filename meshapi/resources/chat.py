"""``/v1/chat/completions``: ``client.chat.completions.create`` and ``.stream``."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Union

from .._request import ModelParser, RequestOptions, TimeoutTypes
from .._streaming import AsyncStream, Stream, model_decoder
from .._types import ChatCompletionChunk, ChatCompletionParams, ChatCompletionResponse
from ._base import AsyncResource, SyncResource, post_model

__all__ = [
    "AsyncChatCompletionsResource",
    "AsyncChatResource",
    "ChatCompletionsResource",
    "ChatResource",
]

PATH = "/v1/chat/completions"
_RESPONSE = ModelParser.for_model(ChatCompletionResponse)
_CHUNK = model_decoder(ChatCompletionChunk)

ChatParamsInput = Union[ChatCompletionParams, Mapping[str, Any]]


def _options(
    params: ChatParamsInput,
    extra_headers: Optional[Mapping[str, str]],
    timeout: TimeoutTypes,
    *,
    stream: bool,
) -> RequestOptions:
    method = "stream" if stream else "create"
    opts = post_model(
        PATH, params, ChatCompletionParams, method, extra_headers, timeout, stream=stream
    )
    if stream and "stream_options" not in opts.body:
        # Usage (and cost) arrive on a final chunk only when asked for.
        opts.body["stream_options"] = {"include_usage": True}
    return opts


class ChatCompletionsResource(SyncResource):
    """Chat completions: one API for every chat model of the gateway."""

    def create(
        self,
        params: ChatParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> ChatCompletionResponse:
        """Create a chat completion and wait for the whole answer.

        ``params`` is a :class:`ChatCompletionParams` (or a dict with the same fields).
        """
        return self._http.request(_options(params, extra_headers, timeout, stream=False), _RESPONSE)

    def stream(
        self,
        params: ChatParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> Stream[ChatCompletionChunk]:
        """Stream a chat completion as :class:`ChatCompletionChunk` items.

        The request is sent when iteration starts (or on entering ``with``). Usage and cost
        arrive on a final chunk whose ``choices`` is empty. Never retried once bytes arrived.
        """
        return self._stream(_options(params, extra_headers, timeout, stream=True), _CHUNK)


class AsyncChatCompletionsResource(AsyncResource):
    """Chat completions: one API for every chat model of the gateway."""

    async def create(
        self,
        params: ChatParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> ChatCompletionResponse:
        """Create a chat completion and wait for the whole answer.

        ``params`` is a :class:`ChatCompletionParams` (or a dict with the same fields).
        """
        return await self._http.request(
            _options(params, extra_headers, timeout, stream=False), _RESPONSE
        )

    def stream(
        self,
        params: ChatParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> AsyncStream[ChatCompletionChunk]:
        """Stream a chat completion as :class:`ChatCompletionChunk` items.

        The request is sent when iteration starts (or on entering ``with``). Usage and cost
        arrive on a final chunk whose ``choices`` is empty. Never retried once bytes arrived.
        """
        return self._stream(_options(params, extra_headers, timeout, stream=True), _CHUNK)


class ChatResource:
    """``client.chat``: holds ``completions``."""

    def __init__(self, http: Any) -> None:
        self.completions = ChatCompletionsResource(http)


class AsyncChatResource:
    """``client.chat``: holds ``completions``."""

    def __init__(self, http: Any) -> None:
        self.completions = AsyncChatCompletionsResource(http)
