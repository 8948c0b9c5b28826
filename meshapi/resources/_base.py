"""What every resource shares: the HTTP client it calls, and the one place each twin sends a
declared endpoint (:mod:`meshapi._endpoint`) and opens a stream.

A resource method is one line: ``return self._call(ENDPOINT, *path_args, params=..., query=...,
**options)`` (``await``-ed in the async twin), or ``return self._stream(ENDPOINT, params=...,
**options)`` for a stream. Everything the call decides is in the declaration; these bases only
send.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional, Type, TypeVar

from .._endpoint import CallOptions, Endpoint, StreamEndpoint
from .._http import AsyncHttpClient, SyncHttpClient
from .._streaming import AsyncStream, Stream

if TYPE_CHECKING:
    from typing_extensions import Unpack

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
        fields: Optional[Mapping[str, Any]] = None,
        **options: Unpack[CallOptions],
    ) -> R:
        opts = endpoint.build(path_args, params, query, fields=fields, **options)
        return self._http.request(opts, endpoint.parser_for(path_args))

    def _stream(
        self,
        endpoint: StreamEndpoint[T],
        *path_args: str,
        params: Any = None,
        fields: Optional[Mapping[str, Any]] = None,
        **options: Unpack[CallOptions],
    ) -> Stream[T]:
        return self._stream_as(
            Stream, endpoint, *path_args, params=params, fields=fields, **options
        )

    def _stream_as(
        self,
        cls: Type[S],
        endpoint: StreamEndpoint[Any],
        *path_args: str,
        params: Any = None,
        fields: Optional[Mapping[str, Any]] = None,
        **options: Unpack[CallOptions],
    ) -> S:
        opts = endpoint.build(path_args, params, fields=fields, **options)
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
        fields: Optional[Mapping[str, Any]] = None,
        **options: Unpack[CallOptions],
    ) -> R:
        opts = endpoint.build(path_args, params, query, fields=fields, **options)
        return await self._http.request(opts, endpoint.parser_for(path_args))

    def _stream(
        self,
        endpoint: StreamEndpoint[T],
        *path_args: str,
        params: Any = None,
        fields: Optional[Mapping[str, Any]] = None,
        **options: Unpack[CallOptions],
    ) -> AsyncStream[T]:
        return self._stream_as(
            AsyncStream, endpoint, *path_args, params=params, fields=fields, **options
        )

    def _stream_as(
        self,
        cls: Type[A],
        endpoint: StreamEndpoint[Any],
        *path_args: str,
        params: Any = None,
        fields: Optional[Mapping[str, Any]] = None,
        **options: Unpack[CallOptions],
    ) -> A:
        opts = endpoint.build(path_args, params, fields=fields, **options)
        http = self._http
        return cls(
            lambda: http.send(opts, stream=True),
            endpoint.decode,
            f"{opts.method} {opts.path}",
            max_event_bytes=http.limits.max_event_bytes,
        )
