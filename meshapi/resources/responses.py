"""``/v1/responses``: the Responses API for reasoning models."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence, Type, TypeVar, Union

from pydantic import BaseModel

from .._endpoint import Endpoint
from .._request import ExtraHeaders, TimeoutTypes
from .._streaming import AsyncStream, Stream, model_decoder
from .._structured import ParsePlan, ToolInput
from .._types import ParsedResponse, ResponsesParams, ResponsesResponse, ResponsesStreamEvent
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
M = TypeVar("M", bound=BaseModel)


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

    def parse(
        self,
        params: ResponsesParamsInput,
        *,
        text_format: Optional[Type[M]] = None,
        tools: Optional[Sequence[ToolInput]] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ParsedResponse[M]:
        """Create a response whose output text is parsed into ``text_format``.

        The model's strict JSON schema is sent as ``text.format``; the answer is a
        :class:`ParsedResponse` with ``output_parsed`` (``None`` and ``refusal`` set when the
        model refused). ``tools``: tools made from pydantic models, whose ``function_call``
        items get ``parsed_arguments``. A reply that does not validate raises
        :class:`StructuredOutputError` (``err.raw``, ``err.errors``).
        """
        plan = ParsePlan(params, text_format, tools, responses=True)
        answer = self._call(
            CREATE, params=plan.params, extra_headers=extra_headers, timeout=timeout
        )
        return plan.parse_response(answer)  # type: ignore[no-any-return]

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

    async def parse(
        self,
        params: ResponsesParamsInput,
        *,
        text_format: Optional[Type[M]] = None,
        tools: Optional[Sequence[ToolInput]] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ParsedResponse[M]:
        """Create a response whose output text is parsed into ``text_format``.

        The model's strict JSON schema is sent as ``text.format``; the answer is a
        :class:`ParsedResponse` with ``output_parsed`` (``None`` and ``refusal`` set when the
        model refused). ``tools``: tools made from pydantic models, whose ``function_call``
        items get ``parsed_arguments``. A reply that does not validate raises
        :class:`StructuredOutputError` (``err.raw``, ``err.errors``).
        """
        plan = ParsePlan(params, text_format, tools, responses=True)
        answer = await self._call(
            CREATE, params=plan.params, extra_headers=extra_headers, timeout=timeout
        )
        return plan.parse_response(answer)  # type: ignore[no-any-return]

    def stream(
        self,
        params: ResponsesParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> AsyncStream[ResponsesStreamEvent]:
        """Stream typed events (``response.created``, ``response.output_text.delta``, ...)."""
        return self._stream(STREAM, params=params, extra_headers=extra_headers, timeout=timeout)
