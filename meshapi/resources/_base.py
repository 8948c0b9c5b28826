"""What every resource shares: the HTTP client it calls and the way it opens a stream."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Type, TypeVar

from .._http import AsyncHttpClient, SyncHttpClient
from .._request import RequestOptions, TimeoutTypes, model_body
from .._streaming import AsyncStream, Decoder, Stream

__all__ = ["AsyncResource", "SyncResource", "call_options", "post_model", "stream_body"]

T = TypeVar("T")
S = TypeVar("S", bound="Stream[Any]")
A = TypeVar("A", bound="AsyncStream[Any]")


def call_options(
    method: str,
    path: str,
    *,
    body: Any = None,
    params: Optional[Mapping[str, Any]] = None,
    extra_headers: Optional[Mapping[str, str]] = None,
    timeout: TimeoutTypes = None,
) -> RequestOptions:
    return RequestOptions(
        method, path, body=body, params=params, headers=extra_headers, timeout=timeout
    )


def stream_body(body: Dict[str, Any], *, stream: bool, method: str) -> Dict[str, Any]:
    """Set ``stream`` on a body, refusing a ``stream`` value that contradicts the method."""
    given = body.get("stream")
    if given is not None and bool(given) != stream:
        other = "stream()" if given else "create()"
        raise ValueError(
            f"{method}() was given stream={given!r}; call {other} instead "
            "(or leave `stream` unset: the method sets it)"
        )
    body["stream"] = stream
    return body


def post_model(
    path: str,
    params: Any,
    model: Type[Any],
    method: str,
    extra_headers: Optional[Mapping[str, str]],
    timeout: TimeoutTypes,
    *,
    stream: Optional[bool] = None,
) -> RequestOptions:
    """A POST whose body is a params model (or a dict validated into one).

    ``stream`` is set on the body when given (``create`` → False, ``stream`` → True).
    """
    body = model_body(params, model, method).to_wire()
    if stream is not None:
        stream_body(body, stream=stream, method=method)
    return call_options("POST", path, body=body, extra_headers=extra_headers, timeout=timeout)


class SyncResource:
    """Base of the sync resources: holds the :class:`SyncHttpClient`."""

    def __init__(self, http: SyncHttpClient) -> None:
        self._http = http

    def _stream(self, opts: RequestOptions, decode: Decoder[T]) -> Stream[T]:
        return self._stream_as(Stream, opts, decode)

    def _stream_as(self, cls: Type[S], opts: RequestOptions, decode: Decoder[Any]) -> S:
        http = self._http
        return cls(lambda: http.send(opts, stream=True), decode, f"{opts.method} {opts.path}")


class AsyncResource:
    """Base of the async resources: holds the :class:`AsyncHttpClient`."""

    def __init__(self, http: AsyncHttpClient) -> None:
        self._http = http

    def _stream(self, opts: RequestOptions, decode: Decoder[T]) -> AsyncStream[T]:
        return self._stream_as(AsyncStream, opts, decode)

    def _stream_as(self, cls: Type[A], opts: RequestOptions, decode: Decoder[Any]) -> A:
        http = self._http
        return cls(lambda: http.send(opts, stream=True), decode, f"{opts.method} {opts.path}")
