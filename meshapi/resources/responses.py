"""``/v1/responses``: the Responses API for reasoning models."""

from __future__ import annotations

from typing import Any, Optional, Sequence, Type, TypeVar, Union, overload

from pydantic import BaseModel
from typing_extensions import Unpack

from .._endpoint import CallOptions, Endpoint
from .._fallback import FallbackCallOptions
from .._streaming import model_decoder
from .._structured import ParsePlan
from .._types import (
    ParsedResponse,
    ResponsesParams,
    ResponsesParamsDict,
    ResponsesResponse,
    ResponsesStreamEvent,
)
from ._base import AsyncResource, SyncResource
from ._stream_helpers import AsyncResponseStream, ResponseStream

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

ResponsesParamsInput = Union[ResponsesParams, ResponsesParamsDict]
M = TypeVar("M", bound=BaseModel)


class ResponsesKwargs(ResponsesParamsDict, CallOptions, total=False):
    """The keyword arguments of ``create()`` / ``stream()``: body fields and options
    (``fallback_models``: the models to try when the model fails)."""

    fallback_models: Sequence[str]


class ResponsesResource(SyncResource):
    """The Responses API (``reasoning``, ``max_output_tokens``, built-in tools)."""

    @overload
    def create(
        self, params: ResponsesParamsInput, /, **options: Unpack[FallbackCallOptions]
    ) -> ResponsesResponse: ...
    @overload
    def create(self, /, **kwargs: Unpack[ResponsesKwargs]) -> ResponsesResponse: ...
    def create(
        self, params: Optional[ResponsesParamsInput] = None, /, **kwargs: Any
    ) -> ResponsesResponse:
        """Create a response; ``reply.output_text`` joins its text. Keyword arguments or a
        :class:`ResponsesParams` (or its dict), with the per-call options beside either."""
        return self._call_falling_back(CREATE, params, kwargs)

    def parse(
        self,
        params: Optional[ResponsesParamsInput] = None,
        /,
        *,
        text_format: Optional[Type[M]] = None,
        **kwargs: Any,
    ) -> ParsedResponse[M]:
        """Create a response whose output text is parsed into ``text_format``.

        Takes what :meth:`create` takes. The model's strict JSON schema is sent as
        ``text.format``; the answer is a :class:`ParsedResponse` with ``output_parsed``
        (``None``, and ``refusal`` set, when the model refused). ``tools`` may hold pydantic
        model classes or :func:`pydantic_function_tool` results: their ``function_call`` items
        get ``parsed_arguments``. A reply that does not validate raises
        :class:`StructuredOutputError` (``err.raw``, ``err.errors``).
        """
        plan = ParsePlan(params, text_format, responses=True, kwargs=kwargs)
        return plan.parse_response(self._call_falling_back(CREATE, plan.params, plan.options))

    @overload
    def stream(
        self, params: ResponsesParamsInput, /, **options: Unpack[FallbackCallOptions]
    ) -> ResponseStream: ...
    @overload
    def stream(self, /, **kwargs: Unpack[ResponsesKwargs]) -> ResponseStream: ...
    def stream(
        self, params: Optional[ResponsesParamsInput] = None, /, **kwargs: Any
    ) -> ResponseStream:
        """Stream typed events (``response.created``, ``response.output_text.delta``, ...); takes
        what :meth:`create` takes."""
        return self._stream_falling_back(ResponseStream, STREAM, params, kwargs)


class AsyncResponsesResource(AsyncResource):
    """The Responses API (``reasoning``, ``max_output_tokens``, built-in tools)."""

    @overload
    async def create(
        self, params: ResponsesParamsInput, /, **options: Unpack[FallbackCallOptions]
    ) -> ResponsesResponse: ...
    @overload
    async def create(self, /, **kwargs: Unpack[ResponsesKwargs]) -> ResponsesResponse: ...
    async def create(
        self, params: Optional[ResponsesParamsInput] = None, /, **kwargs: Any
    ) -> ResponsesResponse:
        """Create a response; ``reply.output_text`` joins its text. Keyword arguments or a
        :class:`ResponsesParams` (or its dict), with the per-call options beside either."""
        return await self._call_falling_back(CREATE, params, kwargs)

    async def parse(
        self,
        params: Optional[ResponsesParamsInput] = None,
        /,
        *,
        text_format: Optional[Type[M]] = None,
        **kwargs: Any,
    ) -> ParsedResponse[M]:
        """Create a response whose output text is parsed into ``text_format``.

        Takes what :meth:`create` takes. The model's strict JSON schema is sent as
        ``text.format``; the answer is a :class:`ParsedResponse` with ``output_parsed``
        (``None``, and ``refusal`` set, when the model refused). ``tools`` may hold pydantic
        model classes or :func:`pydantic_function_tool` results: their ``function_call`` items
        get ``parsed_arguments``. A reply that does not validate raises
        :class:`StructuredOutputError` (``err.raw``, ``err.errors``).
        """
        plan = ParsePlan(params, text_format, responses=True, kwargs=kwargs)
        return plan.parse_response(await self._call_falling_back(CREATE, plan.params, plan.options))

    @overload
    def stream(
        self, params: ResponsesParamsInput, /, **options: Unpack[FallbackCallOptions]
    ) -> AsyncResponseStream: ...
    @overload
    def stream(self, /, **kwargs: Unpack[ResponsesKwargs]) -> AsyncResponseStream: ...
    def stream(
        self, params: Optional[ResponsesParamsInput] = None, /, **kwargs: Any
    ) -> AsyncResponseStream:
        """Stream typed events (``response.created``, ``response.output_text.delta``, ...); takes
        what :meth:`create` takes."""
        return self._stream_falling_back(AsyncResponseStream, STREAM, params, kwargs)
