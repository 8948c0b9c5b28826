"""``/v1/responses``: the Responses API for reasoning models."""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence, Type, TypeVar, Union, overload

from pydantic import BaseModel
from typing_extensions import Unpack

from .._endpoint import CallOptions, CursorPagination, Endpoint
from .._fallback import FallbackCallOptions
from .._streaming import model_decoder
from .._structured import ParsePlan
from .._types import (
    ParsedResponse,
    ResponsesListResponse,
    ResponsesParams,
    ResponsesParamsDict,
    ResponsesResponse,
    ResponsesStreamEvent,
)
from .._waiting import response_verdict, waiter_for
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
LIST = Endpoint(
    "GET",
    "/v1/responses",
    ResponsesListResponse,
    name="list",
    pagination=CursorPagination(max_limit=100),
)
GET = Endpoint("GET", "/v1/responses/{response_id}", ResponsesResponse, name="get")

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

    def list(
        self,
        *,
        after: Optional[str] = None,
        limit: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> ResponsesListResponse:
        """One page of stored (``background`` / ``store``) responses, newest first. Iterating it
        yields every stored response, fetching the next pages as needed."""
        return self._call(LIST, query={"after": after, "limit": limit}, options=options)

    def get(self, response_id: str, **options: Unpack[CallOptions]) -> ResponsesResponse:
        """A stored or background response by id (synchronous responses created with
        ``store=False`` are not kept)."""
        return self._call(GET, response_id, options=options)

    def wait(
        self,
        response_id: str,
        *,
        max_wait: Optional[float] = 600.0,
        poll_interval: float = 0.5,
        max_interval: float = 5.0,
        on_progress: Optional[Callable[[ResponsesResponse], Any]] = None,
        **options: Unpack[CallOptions],
    ) -> ResponsesResponse:
        """Poll a background response until it is ``completed``; returns it.

        Polls back off from ``poll_interval`` to ``max_interval`` seconds; ``on_progress`` is
        called with every response fetched. Raises :class:`JobFailedError` when it ends
        ``failed``, ``cancelled`` or ``incomplete`` (``err.state``, ``err.reason``) and
        :class:`WaitTimeoutError` when ``max_wait`` seconds pass first (``None``: no limit).
        """
        return self._wait(
            lambda: self.get(response_id, **options),
            waiter_for(
                f"response {response_id}",
                response_verdict,
                max_wait,
                poll_interval,
                max_interval,
                on_progress,
            ),
        )


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

    async def list(
        self,
        *,
        after: Optional[str] = None,
        limit: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> ResponsesListResponse:
        """One page of stored (``background`` / ``store``) responses, newest first. Iterating it
        yields every stored response, fetching the next pages as needed."""
        return await self._call(LIST, query={"after": after, "limit": limit}, options=options)

    async def get(self, response_id: str, **options: Unpack[CallOptions]) -> ResponsesResponse:
        """A stored or background response by id (synchronous responses created with
        ``store=False`` are not kept)."""
        return await self._call(GET, response_id, options=options)

    async def wait(
        self,
        response_id: str,
        *,
        max_wait: Optional[float] = 600.0,
        poll_interval: float = 0.5,
        max_interval: float = 5.0,
        on_progress: Optional[Callable[[ResponsesResponse], Any]] = None,
        **options: Unpack[CallOptions],
    ) -> ResponsesResponse:
        """Poll a background response until it is ``completed``; returns it.

        Polls back off from ``poll_interval`` to ``max_interval`` seconds; ``on_progress`` is
        called with every response fetched. Raises :class:`JobFailedError` when it ends
        ``failed``, ``cancelled`` or ``incomplete`` (``err.state``, ``err.reason``) and
        :class:`WaitTimeoutError` when ``max_wait`` seconds pass first (``None``: no limit).
        """
        return await self._wait(
            lambda: self.get(response_id, **options),
            waiter_for(
                f"response {response_id}",
                response_verdict,
                max_wait,
                poll_interval,
                max_interval,
                on_progress,
            ),
        )
