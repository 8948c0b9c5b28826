"""``/v1/responses``: the Responses API for reasoning models."""

from __future__ import annotations

from typing import Any, Mapping, Union

from .._endpoint import Endpoint
from .._request import ExtraHeaders, TimeoutTypes
from .._streaming import AsyncStream, Stream, model_decoder
from .._types import ResponsesParams, ResponsesResponse, ResponsesStreamEvent
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
