"""``/v1/chat/compare``: one prompt, several models, side by side."""

from __future__ import annotations

from typing import Any, Optional, Union, overload

from typing_extensions import Unpack

from .._endpoint import BodyCallOptions, CallOptions, Endpoint
from .._streaming import AsyncStream, Stream, dict_decoder
from .._types import CompareParams, CompareParamsDict, CompareResponse, CompareStreamEvent
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncCompareResource", "CompareKwargs", "CompareResource"]

CREATE = Endpoint(
    "POST",
    "/v1/chat/compare",
    CompareResponse,
    name="create",
    params=CompareParams,
    sets_stream=False,
)
STREAM = CREATE.streaming(dict_decoder(CompareStreamEvent.from_sse, "CompareStreamEvent"))

CompareParamsInput = Union[CompareParams, CompareParamsDict]


class CompareKwargs(CompareParamsDict, CallOptions, total=False):
    """The keyword arguments of ``create()`` / ``stream()``: body fields and options."""


class CompareResource(SyncResource):
    """Multi-model fan-out: the same messages to up to 10 models, plus a synthesis."""

    @overload
    def create(
        self, params: CompareParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> CompareResponse: ...
    @overload
    def create(self, /, **kwargs: Unpack[CompareKwargs]) -> CompareResponse: ...
    def create(
        self, params: Optional[CompareParamsInput] = None, /, **kwargs: Any
    ) -> CompareResponse:
        """Run the comparison and return every model's result (``partial`` if some failed).
        Keyword arguments or a :class:`CompareParams` (or its dict), with the per-call options
        beside either."""
        return self._call(CREATE, params=params, options=kwargs)

    @overload
    def stream(
        self, params: CompareParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> Stream[CompareStreamEvent]: ...
    @overload
    def stream(self, /, **kwargs: Unpack[CompareKwargs]) -> Stream[CompareStreamEvent]: ...
    def stream(
        self, params: Optional[CompareParamsInput] = None, /, **kwargs: Any
    ) -> Stream[CompareStreamEvent]:
        """Stream :class:`CompareStreamEvent` items; ``event.event`` names each one
        (``meta``, ``model_chunk``, ``model_done``, ``comparison_chunk``, ``done``...). Takes what
        :meth:`create` takes."""
        return self._stream(STREAM, params=params, options=kwargs)


class AsyncCompareResource(AsyncResource):
    """Multi-model fan-out: the same messages to up to 10 models, plus a synthesis."""

    @overload
    async def create(
        self, params: CompareParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> CompareResponse: ...
    @overload
    async def create(self, /, **kwargs: Unpack[CompareKwargs]) -> CompareResponse: ...
    async def create(
        self, params: Optional[CompareParamsInput] = None, /, **kwargs: Any
    ) -> CompareResponse:
        """Run the comparison and return every model's result (``partial`` if some failed).
        Keyword arguments or a :class:`CompareParams` (or its dict), with the per-call options
        beside either."""
        return await self._call(CREATE, params=params, options=kwargs)

    @overload
    def stream(
        self, params: CompareParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> AsyncStream[CompareStreamEvent]: ...
    @overload
    def stream(self, /, **kwargs: Unpack[CompareKwargs]) -> AsyncStream[CompareStreamEvent]: ...
    def stream(
        self, params: Optional[CompareParamsInput] = None, /, **kwargs: Any
    ) -> AsyncStream[CompareStreamEvent]:
        """Stream :class:`CompareStreamEvent` items; ``event.event`` names each one
        (``meta``, ``model_chunk``, ``model_done``, ``comparison_chunk``, ``done``...). Takes what
        :meth:`create` takes."""
        return self._stream(STREAM, params=params, options=kwargs)
