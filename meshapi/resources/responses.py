"""``/v1/responses``: the Responses API for reasoning models."""

from __future__ import annotations

from typing import Any, Optional, Union, overload

from typing_extensions import Unpack

from .._endpoint import BodyCallOptions, CallOptions, CursorPagination, Endpoint
from .._streaming import AsyncStream, Stream, model_decoder
from .._types import (
    ResponsesListResponse,
    ResponsesParams,
    ResponsesParamsDict,
    ResponsesResponse,
    ResponsesStreamEvent,
)
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncResponsesResource", "ResponsesKwargs", "ResponsesResource"]

CREATE = Endpoint(
    "POST",
    "/v1/responses",
    ResponsesResponse,
    name="create",
    params=ResponsesParams,
    sets_stream=False,
)
STREAM = CREATE.streaming(model_decoder(ResponsesStreamEvent))
LIST = Endpoint(
    "GET",
    "/v1/responses",
    ResponsesListResponse,
    name="list",
    pagination=CursorPagination(max_limit=100),
)
GET = Endpoint("GET", "/v1/responses/{response_id}", ResponsesResponse, name="get")

ResponsesParamsInput = Union[ResponsesParams, ResponsesParamsDict]


class ResponsesKwargs(ResponsesParamsDict, CallOptions, total=False):
    """The keyword arguments of ``create()`` / ``stream()``: body fields and options."""


class ResponsesResource(SyncResource):
    """The Responses API (``reasoning``, ``max_output_tokens``, built-in tools)."""

    @overload
    def create(
        self, params: ResponsesParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> ResponsesResponse: ...
    @overload
    def create(self, /, **kwargs: Unpack[ResponsesKwargs]) -> ResponsesResponse: ...
    def create(
        self, params: Optional[ResponsesParamsInput] = None, /, **kwargs: Any
    ) -> ResponsesResponse:
        """Create a response; ``reply.output_text`` joins its text. Keyword arguments or a
        :class:`ResponsesParams` (or its dict), with the per-call options beside either."""
        return self._call(CREATE, params=params, options=kwargs)

    @overload
    def stream(
        self, params: ResponsesParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> Stream[ResponsesStreamEvent]: ...
    @overload
    def stream(self, /, **kwargs: Unpack[ResponsesKwargs]) -> Stream[ResponsesStreamEvent]: ...
    def stream(
        self, params: Optional[ResponsesParamsInput] = None, /, **kwargs: Any
    ) -> Stream[ResponsesStreamEvent]:
        """Stream typed events (``response.created``, ``response.output_text.delta``, ...); takes
        what :meth:`create` takes."""
        return self._stream(STREAM, params=params, options=kwargs)

    def list(
        self,
        *,
        after: Optional[str] = None,
        limit: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> ResponsesListResponse:
        """One page of stored (``background`` / ``store``) responses, newest first; pass
        ``after=page.last_id`` while ``page.has_more`` for the next page."""
        return self._call(LIST, query={"after": after, "limit": limit}, options=options)

    def get(self, response_id: str, **options: Unpack[CallOptions]) -> ResponsesResponse:
        """A stored or background response by id (synchronous responses created with
        ``store=False`` are not kept)."""
        return self._call(GET, response_id, options=options)


class AsyncResponsesResource(AsyncResource):
    """The Responses API (``reasoning``, ``max_output_tokens``, built-in tools)."""

    @overload
    async def create(
        self, params: ResponsesParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> ResponsesResponse: ...
    @overload
    async def create(self, /, **kwargs: Unpack[ResponsesKwargs]) -> ResponsesResponse: ...
    async def create(
        self, params: Optional[ResponsesParamsInput] = None, /, **kwargs: Any
    ) -> ResponsesResponse:
        """Create a response; ``reply.output_text`` joins its text. Keyword arguments or a
        :class:`ResponsesParams` (or its dict), with the per-call options beside either."""
        return await self._call(CREATE, params=params, options=kwargs)

    @overload
    def stream(
        self, params: ResponsesParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> AsyncStream[ResponsesStreamEvent]: ...
    @overload
    def stream(self, /, **kwargs: Unpack[ResponsesKwargs]) -> AsyncStream[ResponsesStreamEvent]: ...
    def stream(
        self, params: Optional[ResponsesParamsInput] = None, /, **kwargs: Any
    ) -> AsyncStream[ResponsesStreamEvent]:
        """Stream typed events (``response.created``, ``response.output_text.delta``, ...); takes
        what :meth:`create` takes."""
        return self._stream(STREAM, params=params, options=kwargs)

    async def list(
        self,
        *,
        after: Optional[str] = None,
        limit: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> ResponsesListResponse:
        """One page of stored (``background`` / ``store``) responses, newest first; pass
        ``after=page.last_id`` while ``page.has_more`` for the next page."""
        return await self._call(LIST, query={"after": after, "limit": limit}, options=options)

    async def get(self, response_id: str, **options: Unpack[CallOptions]) -> ResponsesResponse:
        """A stored or background response by id (synchronous responses created with
        ``store=False`` are not kept)."""
        return await self._call(GET, response_id, options=options)
