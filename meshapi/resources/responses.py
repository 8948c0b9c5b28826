"""``/v1/responses``: the Responses API for reasoning models."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Union

from .._endpoint import CursorPagination, Endpoint
from .._request import ExtraHeaders, TimeoutTypes
from .._streaming import AsyncStream, Stream, model_decoder
from .._types import (
    ResponsesListResponse,
    ResponsesParams,
    ResponsesResponse,
    ResponsesStreamEvent,
)
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncResponsesResource", "ResponsesResource"]

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

ResponsesParamsInput = Union[ResponsesParams, Mapping[str, Any]]


class ResponsesResource(SyncResource):
    """The Responses API (``reasoning``, ``max_output_tokens``, built-in tools)."""

    def create(
        self,
        params: ResponsesParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ResponsesResponse:
        """Create a response; ``reply.output_text`` joins its text."""
        return self._call(CREATE, params=params, extra_headers=extra_headers, timeout=timeout)

    def stream(
        self,
        params: ResponsesParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> Stream[ResponsesStreamEvent]:
        """Stream typed events (``response.created``, ``response.output_text.delta``, ...)."""
        return self._stream(STREAM, params=params, extra_headers=extra_headers, timeout=timeout)

    def list(
        self,
        *,
        after: Optional[str] = None,
        limit: Optional[int] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ResponsesListResponse:
        """One page of stored (``background`` / ``store``) responses, newest first; pass
        ``after=page.last_id`` while ``page.has_more`` for the next page."""
        return self._call(
            LIST,
            query={"after": after, "limit": limit},
            extra_headers=extra_headers,
            timeout=timeout,
        )

    def get(
        self,
        response_id: str,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ResponsesResponse:
        """A stored or background response by id (synchronous responses created with
        ``store=False`` are not kept)."""
        return self._call(GET, response_id, extra_headers=extra_headers, timeout=timeout)


class AsyncResponsesResource(AsyncResource):
    """The Responses API (``reasoning``, ``max_output_tokens``, built-in tools)."""

    async def create(
        self,
        params: ResponsesParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ResponsesResponse:
        """Create a response; ``reply.output_text`` joins its text."""
        return await self._call(CREATE, params=params, extra_headers=extra_headers, timeout=timeout)

    def stream(
        self,
        params: ResponsesParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> AsyncStream[ResponsesStreamEvent]:
        """Stream typed events (``response.created``, ``response.output_text.delta``, ...)."""
        return self._stream(STREAM, params=params, extra_headers=extra_headers, timeout=timeout)

    async def list(
        self,
        *,
        after: Optional[str] = None,
        limit: Optional[int] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ResponsesListResponse:
        """One page of stored (``background`` / ``store``) responses, newest first; pass
        ``after=page.last_id`` while ``page.has_more`` for the next page."""
        return await self._call(
            LIST,
            query={"after": after, "limit": limit},
            extra_headers=extra_headers,
            timeout=timeout,
        )

    async def get(
        self,
        response_id: str,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ResponsesResponse:
        """A stored or background response by id (synchronous responses created with
        ``store=False`` are not kept)."""
        return await self._call(GET, response_id, extra_headers=extra_headers, timeout=timeout)
