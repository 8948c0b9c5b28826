"""``/v1/chat/compare``: one prompt, several models, side by side."""

from __future__ import annotations

from typing import Any, Mapping, Union

from .._endpoint import Endpoint
from .._request import ExtraHeaders, TimeoutTypes
from .._streaming import AsyncStream, Stream, dict_decoder
from .._types import CompareParams, CompareResponse, CompareStreamEvent
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncCompareResource", "CompareResource"]

CREATE = Endpoint(
    "POST",
    "/v1/chat/compare",
    CompareResponse,
    name="create",
    params=CompareParams,
    sets_stream=False,
)
STREAM = CREATE.streaming(dict_decoder(CompareStreamEvent.from_sse, "CompareStreamEvent"))

CompareParamsInput = Union[CompareParams, Mapping[str, Any]]


class CompareResource(SyncResource):
    """Multi-model fan-out: the same messages to up to 10 models, plus a synthesis."""

    def create(
        self,
        params: CompareParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> CompareResponse:
        """Run the comparison and return every model's result (``partial`` if some failed)."""
        return self._call(CREATE, params=params, extra_headers=extra_headers, timeout=timeout)

    def stream(
        self,
        params: CompareParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> Stream[CompareStreamEvent]:
        """Stream :class:`CompareStreamEvent` items; ``event.event`` names each one
        (``meta``, ``model_chunk``, ``model_done``, ``comparison_chunk``, ``done``...)."""
        return self._stream(STREAM, params=params, extra_headers=extra_headers, timeout=timeout)


class AsyncCompareResource(AsyncResource):
    """Multi-model fan-out: the same messages to up to 10 models, plus a synthesis."""

    async def create(
        self,
        params: CompareParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> CompareResponse:
        """Run the comparison and return every model's result (``partial`` if some failed)."""
        return await self._call(CREATE, params=params, extra_headers=extra_headers, timeout=timeout)

    def stream(
        self,
        params: CompareParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> AsyncStream[CompareStreamEvent]:
        """Stream :class:`CompareStreamEvent` items; ``event.event`` names each one
        (``meta``, ``model_chunk``, ``model_done``, ``comparison_chunk``, ``done``...)."""
        return self._stream(STREAM, params=params, extra_headers=extra_headers, timeout=timeout)
