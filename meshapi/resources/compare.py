"""``/v1/chat/compare``: one prompt, several models, side by side."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Union

from .._request import ModelParser, RequestOptions, TimeoutTypes
from .._streaming import AsyncStream, Stream, dict_decoder
from .._types import CompareParams, CompareResponse, CompareStreamEvent
from ._base import AsyncResource, SyncResource, post_model

__all__ = ["AsyncCompareResource", "CompareResource"]

PATH = "/v1/chat/compare"
_RESPONSE = ModelParser.for_model(CompareResponse)
_EVENT = dict_decoder(CompareStreamEvent.from_sse, "CompareStreamEvent")

CompareParamsInput = Union[CompareParams, Mapping[str, Any]]


def _options(
    params: CompareParamsInput,
    extra_headers: Optional[Mapping[str, str]],
    timeout: TimeoutTypes,
    *,
    stream: bool,
) -> RequestOptions:
    method = "stream" if stream else "create"
    return post_model(PATH, params, CompareParams, method, extra_headers, timeout, stream=stream)


class CompareResource(SyncResource):
    """Multi-model fan-out: the same messages to up to 10 models, plus a synthesis."""

    def create(
        self,
        params: CompareParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> CompareResponse:
        """Run the comparison and return every model's result (``partial`` if some failed)."""
        return self._http.request(_options(params, extra_headers, timeout, stream=False), _RESPONSE)

    def stream(
        self,
        params: CompareParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> Stream[CompareStreamEvent]:
        """Stream :class:`CompareStreamEvent` items; ``event.event`` names each one
        (``meta``, ``model_chunk``, ``model_done``, ``comparison_chunk``, ``done``...)."""
        return self._stream(_options(params, extra_headers, timeout, stream=True), _EVENT)


class AsyncCompareResource(AsyncResource):
    """Multi-model fan-out: the same messages to up to 10 models, plus a synthesis."""

    async def create(
        self,
        params: CompareParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> CompareResponse:
        """Run the comparison and return every model's result (``partial`` if some failed)."""
        return await self._http.request(
            _options(params, extra_headers, timeout, stream=False), _RESPONSE
        )

    def stream(
        self,
        params: CompareParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> AsyncStream[CompareStreamEvent]:
        """Stream :class:`CompareStreamEvent` items; ``event.event`` names each one
        (``meta``, ``model_chunk``, ``model_done``, ``comparison_chunk``, ``done``...)."""
        return self._stream(_options(params, extra_headers, timeout, stream=True), _EVENT)
