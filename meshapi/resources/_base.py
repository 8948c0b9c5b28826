"""What every resource shares: the HTTP client it calls, and the one place each twin sends a
declared endpoint (:mod:`meshapi._endpoint`) and opens a stream.

A resource method is one line: ``return self._call(ENDPOINT, *path_args, params=..., query=...,
options=kwargs)`` (``await``-ed in the async twin), or ``return self._stream(ENDPOINT,
params=..., options=kwargs)`` for a stream; ``kwargs`` (the method's ``**kwargs``, passed as one
mapping so that a body field may be called ``params`` or ``query``) are the per-call options and,
when no params object was given, the body's fields (:meth:`meshapi._endpoint._Route.build` tells
them apart). Everything
the call decides is in the declaration; these bases only send.
"""

from __future__ import annotations

import time
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional, Tuple, Type, TypeVar

import httpx

from .._endpoint import Endpoint, StreamEndpoint
from .._errors import InvalidRequestError, MeshAPIError
from .._fallback import FallbackPlan
from .._http import AsyncHttpClient, SyncHttpClient
from .._meta import response_meta
from .._modes import RESPONSE_MODE
from .._pagination import bind_page
from .._streaming import APIResponse, AsyncAPIResponse, AsyncStream, Stream
from .._waiting import Waiter

__all__ = ["AsyncResource", "SyncResource"]

R = TypeVar("R")
T = TypeVar("T")
S = TypeVar("S", bound="Stream[Any]")
A = TypeVar("A", bound="AsyncStream[Any]")


def _bind(
    resource: Any,
    endpoint: Endpoint[Any],
    page: Any,
    path_args: Tuple[str, ...],
    params: Any,
    query: Optional[Mapping[str, Any]],
    options: Optional[Mapping[str, Any]],
    is_async: bool,
) -> None:
    """Bind a list page to its call, so that it can fetch the next ones (``_pagination``)."""
    assert endpoint.pagination is not None

    def fetch(query: Dict[str, Any]) -> Any:
        return resource._call(endpoint, *path_args, params=params, query=query, options=options)

    bind_page(page, endpoint.pagination, query, fetch, is_async=is_async)


def _params_and_options(plan: FallbackPlan) -> Tuple[Any, None, Dict[str, Any]]:
    """The ``build()`` arguments (params, query, keywords) of the plan's current attempt."""
    params, options = plan.request()
    return params, None, options


class SyncResource:
    """Base of the sync resources: holds the :class:`SyncHttpClient`."""

    def __init__(self, http: SyncHttpClient) -> None:
        self._http = http

    def _call(
        self,
        endpoint: Endpoint[R],
        *path_args: str,
        params: Any = None,
        query: Optional[Mapping[str, Any]] = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> R:
        opts = endpoint.build(path_args, params, query, options)
        mode = RESPONSE_MODE.get()
        if mode is None:
            result = self._http.request(opts, endpoint.parser_for(path_args))
            if endpoint.pagination is not None:
                _bind(self, endpoint, result, path_args, params, query, options, False)
            return result
        http, parser = self._http, endpoint.parser_for(path_args)
        response = http.send(opts, stream=mode == "streaming")
        return APIResponse(response, lambda r: http.parse(r, parser))  # type: ignore[return-value]

    def _wait(self, fetch: Callable[[], R], waiter: Waiter[R]) -> R:
        """Fetch until ``waiter`` says the wait is over, sleeping what it says in between."""
        no_response_mode("wait", f"polls until {waiter.what} ends")
        while True:
            job = fetch()
            delay = waiter.step(job, time.monotonic())
            if delay is None:
                return job
            self._http.sleep(delay)

    def _call_falling_back(
        self, endpoint: Endpoint[R], params: Any, options: Mapping[str, Any]
    ) -> R:
        """:meth:`_call`, tried on the next model while the model fails (``_fallback``)."""
        plan = FallbackPlan(params, options, self._http.fallback_models)
        while True:
            attempt_params, attempt_options = plan.request()
            try:
                result = self._call(endpoint, params=attempt_params, options=attempt_options)
            except MeshAPIError as err:
                if plan.next(err):
                    continue
                raise
            plan.served(getattr(result, "_meta", None))
            return result

    def _stream_falling_back(
        self, cls: Type[S], endpoint: StreamEndpoint[Any], params: Any, options: Mapping[str, Any]
    ) -> S:
        """:meth:`_stream_as`, opened on the next model while the model fails before the first
        item (``_fallback``)."""
        _no_mode(endpoint)
        plan = FallbackPlan(params, options, self._http.fallback_models)
        http = self._http
        first = endpoint.build((), *_params_and_options(plan))  # a bad body fails here, at once

        def open_response() -> httpx.Response:
            opts = first if len(plan.tried) == 1 and plan.position == 0 else None
            while True:
                if opts is None:
                    opts = endpoint.build((), *_params_and_options(plan))
                try:
                    response = http.send(opts, stream=True)
                except MeshAPIError as err:
                    if plan.next(err):
                        opts = None
                        continue
                    raise
                plan.served(response_meta(response))
                return response

        stream = cls(
            open_response,
            endpoint.decode,
            f"{first.method} {first.path}",
            max_event_bytes=http.limits.max_event_bytes,
        )
        stream._fallback = plan
        return stream

    def _stream(
        self,
        endpoint: StreamEndpoint[T],
        *path_args: str,
        params: Any = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> Stream[T]:
        return self._stream_as(Stream, endpoint, *path_args, params=params, options=options)

    def _stream_as(
        self,
        cls: Type[S],
        endpoint: StreamEndpoint[Any],
        *path_args: str,
        params: Any = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> S:
        _no_mode(endpoint)
        opts = endpoint.build(path_args, params, None, options)
        http = self._http
        return cls(
            lambda: http.send(opts, stream=True),
            endpoint.decode,
            f"{opts.method} {opts.path}",
            max_event_bytes=http.limits.max_event_bytes,
        )


class AsyncResource:
    """Base of the async resources: holds the :class:`AsyncHttpClient`."""

    def __init__(self, http: AsyncHttpClient) -> None:
        self._http = http

    async def _call(
        self,
        endpoint: Endpoint[R],
        *path_args: str,
        params: Any = None,
        query: Optional[Mapping[str, Any]] = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> R:
        opts = endpoint.build(path_args, params, query, options)
        mode = RESPONSE_MODE.get()
        if mode is None:
            result = await self._http.request(opts, endpoint.parser_for(path_args))
            if endpoint.pagination is not None:
                _bind(self, endpoint, result, path_args, params, query, options, True)
            return result
        http, parser = self._http, endpoint.parser_for(path_args)
        response = await http.send(opts, stream=mode == "streaming")
        return AsyncAPIResponse(response, lambda r: http.parse(r, parser))  # type: ignore[return-value]

    async def _wait(self, fetch: Callable[[], Awaitable[R]], waiter: Waiter[R]) -> R:
        """Fetch until ``waiter`` says the wait is over, sleeping what it says in between."""
        no_response_mode("wait", f"polls until {waiter.what} ends")
        while True:
            job = await fetch()
            delay = waiter.step(job, time.monotonic())
            if delay is None:
                return job
            await self._http.sleep(delay)

    async def _call_falling_back(
        self, endpoint: Endpoint[R], params: Any, options: Mapping[str, Any]
    ) -> R:
        """:meth:`_call`, tried on the next model while the model fails (``_fallback``)."""
        plan = FallbackPlan(params, options, self._http.fallback_models)
        while True:
            attempt_params, attempt_options = plan.request()
            try:
                result = await self._call(endpoint, params=attempt_params, options=attempt_options)
            except MeshAPIError as err:
                if plan.next(err):
                    continue
                raise
            plan.served(getattr(result, "_meta", None))
            return result

    def _stream_falling_back(
        self, cls: Type[A], endpoint: StreamEndpoint[Any], params: Any, options: Mapping[str, Any]
    ) -> A:
        """:meth:`_stream_as`, opened on the next model while the model fails before the first
        item (``_fallback``)."""
        _no_mode(endpoint)
        plan = FallbackPlan(params, options, self._http.fallback_models)
        http = self._http
        first = endpoint.build((), *_params_and_options(plan))  # a bad body fails here, at once

        async def open_response() -> httpx.Response:
            opts = first if len(plan.tried) == 1 and plan.position == 0 else None
            while True:
                if opts is None:
                    opts = endpoint.build((), *_params_and_options(plan))
                try:
                    response = await http.send(opts, stream=True)
                except MeshAPIError as err:
                    if plan.next(err):
                        opts = None
                        continue
                    raise
                plan.served(response_meta(response))
                return response

        stream = cls(
            open_response,
            endpoint.decode,
            f"{first.method} {first.path}",
            max_event_bytes=http.limits.max_event_bytes,
        )
        stream._fallback = plan
        return stream

    def _stream(
        self,
        endpoint: StreamEndpoint[T],
        *path_args: str,
        params: Any = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> AsyncStream[T]:
        return self._stream_as(AsyncStream, endpoint, *path_args, params=params, options=options)

    def _stream_as(
        self,
        cls: Type[A],
        endpoint: StreamEndpoint[Any],
        *path_args: str,
        params: Any = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> A:
        _no_mode(endpoint)
        opts = endpoint.build(path_args, params, None, options)
        http = self._http
        return cls(
            lambda: http.send(opts, stream=True),
            endpoint.decode,
            f"{opts.method} {opts.path}",
            max_event_bytes=http.limits.max_event_bytes,
        )


def _no_mode(endpoint: StreamEndpoint[Any]) -> None:
    if RESPONSE_MODE.get() is not None:
        raise InvalidRequestError(
            f"{endpoint.name}() returns a stream, which has its response already: call it on "
            "the client itself and read stream.response or stream._meta"
        )


def no_response_mode(name: str, why: str) -> None:
    """Refuse ``with_raw_response`` / ``with_streaming_response`` for a method that is not one
    API call answered with one response (it polls, or writes a file)."""
    if RESPONSE_MODE.get() is not None:
        raise InvalidRequestError(
            f"{name}() {why}, so it has no raw response: call it on the client itself"
        )
