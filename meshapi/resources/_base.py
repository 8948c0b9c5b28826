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

from typing import Any, Mapping, Optional, Type, TypeVar

from .._endpoint import Endpoint, StreamEndpoint
from .._errors import InvalidRequestError
from .._http import AsyncHttpClient, SyncHttpClient
from .._modes import RESPONSE_MODE
from .._streaming import APIResponse, AsyncAPIResponse, AsyncStream, Stream

__all__ = ["AsyncResource", "SyncResource"]

R = TypeVar("R")
T = TypeVar("T")
S = TypeVar("S", bound="Stream[Any]")
A = TypeVar("A", bound="AsyncStream[Any]")


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
            return self._http.request(opts, endpoint.parser_for(path_args))
        http, parser = self._http, endpoint.parser_for(path_args)
        response = http.send(opts, stream=mode == "streaming")
        return APIResponse(response, lambda r: http.parse(r, parser))  # type: ignore[return-value]

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
            return await self._http.request(opts, endpoint.parser_for(path_args))
        http, parser = self._http, endpoint.parser_for(path_args)
        response = await http.send(opts, stream=mode == "streaming")
        return AsyncAPIResponse(response, lambda r: http.parse(r, parser))  # type: ignore[return-value]

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
