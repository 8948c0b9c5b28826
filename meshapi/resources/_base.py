"""What every resource shares: the HTTP client it calls, and the one place each twin sends a
declared endpoint (:mod:`meshapi._endpoint`) and opens a stream.

A resource method is one line: ``return self._call(ENDPOINT, *path_args, params=..., query=...,
**options)`` (``await``-ed in the async twin), or ``return self._stream(ENDPOINT, params=...,
**options)`` for a stream. Everything the call decides is in the declaration; these bases only
send.
"""

from __future__ import annotations

import time
from typing import (
    TYPE_CHECKING,
    Any,
    Awaitable,
    Callable,
    Dict,
    Mapping,
    Optional,
    Tuple,
    Type,
    TypeVar,
)

from .._endpoint import CallOptions, Endpoint, StreamEndpoint
from .._http import AsyncHttpClient, SyncHttpClient
from .._pagination import bind_page
from .._streaming import AsyncStream, Stream
from .._waiting import Waiter

if TYPE_CHECKING:
    from typing_extensions import Unpack

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
    fields: Optional[Mapping[str, Any]],
    options: Mapping[str, Any],
    is_async: bool,
) -> None:
    """Bind a list page to its call, so that it can fetch the next ones (``_pagination``)."""
    assert endpoint.pagination is not None

    def fetch(query: Dict[str, Any]) -> Any:
        return resource._call(
            endpoint, *path_args, params=params, query=query, fields=fields, **options
        )

    bind_page(page, endpoint.pagination, query, fetch, is_async=is_async)


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
        result = self._http.request(opts, endpoint.parser_for(path_args))
        if endpoint.pagination is not None:
            _bind(self, endpoint, result, path_args, params, query, fields, options, False)
        return result

    def _wait(self, fetch: Callable[[], R], waiter: Waiter[R]) -> R:
        """Fetch until ``waiter`` says the wait is over, sleeping what it says in between."""
        while True:
            job = fetch()
            delay = waiter.step(job, time.monotonic())
            if delay is None:
                return job
            self._http.sleep(delay)

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
        result = await self._http.request(opts, endpoint.parser_for(path_args))
        if endpoint.pagination is not None:
            _bind(self, endpoint, result, path_args, params, query, fields, options, True)
        return result

    async def _wait(self, fetch: Callable[[], Awaitable[R]], waiter: Waiter[R]) -> R:
        """Fetch until ``waiter`` says the wait is over, sleeping what it says in between."""
        while True:
            job = await fetch()
            delay = waiter.step(job, time.monotonic())
            if delay is None:
                return job
            await self._http.sleep(delay)

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
