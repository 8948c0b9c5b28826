"""``/v1/responses``: the Responses API for reasoning models."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Union

from .._request import ModelParser, RequestOptions, TimeoutTypes
from .._streaming import AsyncStream, Stream, model_decoder
from .._types import ResponsesParams, ResponsesResponse, ResponsesStreamEvent
from ._base import AsyncResource, SyncResource, post_model

__all__ = ["AsyncResponsesResource", "ResponsesResource"]

PATH = "/v1/responses"
_RESPONSE = ModelParser.for_model(ResponsesResponse)
_EVENT = model_decoder(ResponsesStreamEvent)

ResponsesParamsInput = Union[ResponsesParams, Mapping[str, Any]]


def _options(
    params: ResponsesParamsInput,
    extra_headers: Optional[Mapping[str, str]],
    timeout: TimeoutTypes,
    *,
    stream: bool,
) -> RequestOptions:
    method = "stream" if stream else "create"
    return post_model(PATH, params, ResponsesParams, method, extra_headers, timeout, stream=stream)


class ResponsesResource(SyncResource):
    """The Responses API (``reasoning``, ``max_output_tokens``, built-in tools)."""

    def create(
        self,
        params: ResponsesParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> ResponsesResponse:
        """Create a response; ``reply.output_text`` joins its text."""
        return self._http.request(_options(params, extra_headers, timeout, stream=False), _RESPONSE)

    def stream(
        self,
        params: ResponsesParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> Stream[ResponsesStreamEvent]:
        """Stream typed events (``response.created``, ``response.output_text.delta``, ...)."""
        return self._stream(_options(params, extra_headers, timeout, stream=True), _EVENT)


class AsyncResponsesResource(AsyncResource):
    """The Responses API (``reasoning``, ``max_output_tokens``, built-in tools)."""

    async def create(
        self,
        params: ResponsesParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> ResponsesResponse:
        """Create a response; ``reply.output_text`` joins its text."""
        return await self._http.request(
            _options(params, extra_headers, timeout, stream=False), _RESPONSE
        )

    def stream(
        self,
        params: ResponsesParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> AsyncStream[ResponsesStreamEvent]:
        """Stream typed events (``response.created``, ``response.output_text.delta``, ...)."""
        return self._stream(_options(params, extra_headers, timeout, stream=True), _EVENT)
