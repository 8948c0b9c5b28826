"""The only loops that send, wait and retry: ``SyncHttpClient`` and ``AsyncHttpClient``.

Everything they decide is decided elsewhere, without I/O: what to send (``_request``), whether and
how long to wait (``_retry``), which error a failure is (``_errors``). ``BaseHttpClient`` holds the
configuration and builds requests; the two subclasses only move bytes and sleep, so the sync and
async paths cannot drift apart.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, TypeVar

import httpx
from pydantic import ValidationError

from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    MeshAPIError,
    error_from_response,
)
from ._request import (
    ModelParser,
    RequestOptions,
    TimeoutTypes,
    encode_json,
    new_idempotency_key,
    new_request_id,
)
from ._retry import RetryDecision, decide_after_exception, decide_after_status, retry_after_from
from ._version import __version__

__all__ = ["DEFAULT_BASE_URL", "AsyncHttpClient", "BaseHttpClient", "SyncHttpClient"]

T = TypeVar("T")

DEFAULT_BASE_URL = "https://api.meshapi.ai"
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)
DEFAULT_MAX_RETRIES = 3
DEFAULT_MAX_RETRY_WAIT = 60.0
# Enough keep-alive connections for a busy async server, so that concurrency does not churn them.
DEFAULT_LIMITS = httpx.Limits(max_connections=200, max_keepalive_connections=100)

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT"})

# Fork safety: a child must not use (or close) its parent's pooled sockets. Every fork bumps
# this counter in the child; a client whose pool was built under another count builds a new
# one on its next request and drops the old one unclosed (closing a TLS connection would send
# on the parent's socket).
_forks = 0


def _after_fork_in_child() -> None:
    global _forks
    _forks += 1


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _resolve_token(token: Optional[str]) -> str:
    if token is None:
        token = os.environ.get("MESHAPI_TOKEN") or os.environ.get("MESHAPI_API_KEY")
    if not token:
        raise MeshAPIError(
            "no API key: pass token='rsk_...' to MeshAPI(...) or set the MESHAPI_TOKEN "
            "(or MESHAPI_API_KEY) environment variable",
            error_code="missing_api_key",
        )
    if not isinstance(token, str):
        raise TypeError(f"token must be a str, got {type(token).__name__}")
    if any(c in token for c in "\r\n\x00") or token != token.strip():
        # Never echo the value: it is a secret.
        raise MeshAPIError(
            "the API key contains whitespace or control characters; check how it was loaded",
            error_code="invalid_api_key",
        )
    return token


def _resolve_base_url(base_url: Optional[str]) -> str:
    if base_url is None:
        base_url = os.environ.get("MESHAPI_BASE_URL") or DEFAULT_BASE_URL
    url = httpx.URL(base_url)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"base_url must be an http(s) URL with a host, got {base_url!r}")
    if url.query or url.fragment:
        raise ValueError("base_url must not have a query string or a fragment")
    text = str(url).rstrip("/")
    # The API lives under /v1; accept a base URL that already ends with it.
    if text.endswith("/v1"):
        text = text[:-3]
    return text


def _resolve_timeout(timeout: TimeoutTypes, fallback: httpx.Timeout) -> httpx.Timeout:
    if timeout is None:
        return fallback
    if isinstance(timeout, httpx.Timeout):
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds or an httpx.Timeout, got {timeout!r}")
    if timeout <= 0:
        raise ValueError(f"timeout must be positive, got {timeout!r}")
    return httpx.Timeout(float(timeout))


class BaseHttpClient:
    """Configuration and request building shared by the sync and async clients. No I/O."""

    def __init__(
        self,
        *,
        base_url: Optional[str],
        token: Optional[str],
        timeout: TimeoutTypes,
        max_retries: int,
        max_retry_wait: float,
        default_headers: Optional[Mapping[str, str]],
        client_timeout: Optional[httpx.Timeout],
    ) -> None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be an int >= 0, got {max_retries!r}")
        if max_retry_wait < 0:
            raise ValueError(f"max_retry_wait must be >= 0, got {max_retry_wait!r}")
        self.base_url = _resolve_base_url(base_url)
        self._token = _resolve_token(token)
        self.timeout = _resolve_timeout(timeout, client_timeout or DEFAULT_TIMEOUT)
        self.max_retries = max_retries
        self.max_retry_wait = float(max_retry_wait)
        self.sdk_headers: Dict[str, str] = {"X-MeshAPI-SDK": f"python/{__version__}"}
        self._headers: Dict[str, str] = {
            "Authorization": f"Bearer {self._token}",
            "Accept": "application/json",
            "User-Agent": f"meshapi-python/{__version__}",
            **self.sdk_headers,
        }
        if default_headers:
            self._headers.update(default_headers)
        self._stream_headers = {**self._headers, "Accept": "text/event-stream"}
        # A seam for tests: the loops call this instead of time.sleep / asyncio.sleep directly.
        self.rand: Optional[Callable[[], float]] = None

    _wire_headers: Optional[Dict[str, str]] = None
    _pool_generation = 0
    # Set by the MeshAPI / AsyncMeshAPI that owns this client: how to pickle it (as that client,
    # by its configuration), so that resources and bound methods (``client.embeddings.create``)
    # pickle too.
    reducer: Optional[Callable[[], Tuple[Any, ...]]] = None

    def __reduce__(self) -> Tuple[Any, ...]:
        if self.reducer is None:
            raise TypeError(f"{type(self).__name__} pickles only as part of a MeshAPI client")
        return self.reducer()

    def _own_wire_headers(self, client: httpx.Client | httpx.AsyncClient) -> None:
        # Every header our own client sends (httpx's defaults merged with ours), merged once.
        self._wire_headers = dict(client.headers)
        self._wire_stream_headers = {**self._wire_headers, "accept": "text/event-stream"}
        self._urls: Dict[str, httpx.URL] = {}
        self._timeout_ext = {"timeout": self.timeout.as_dict()}

    @property
    def api_key(self) -> str:
        """The API key (for the realtime URL). Never printed by the SDK."""
        return self._token

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    # -- building (no I/O) -------------------------------------------------------------------

    def build_request(
        self, client: httpx.Client | httpx.AsyncClient, opts: RequestOptions, *, stream: bool
    ) -> httpx.Request:
        """The ``httpx.Request`` for one call: headers, ids, JSON body, timeout. No I/O."""
        wire = self._wire_headers
        owned = wire is not None
        if wire is not None:
            headers = dict(self._wire_stream_headers if stream else wire)
        else:
            headers = dict(self._stream_headers if stream else self._headers)
        content = opts.content
        if opts.body is not None:
            content = encode_json(opts.body)
            headers["Content-Type"] = "application/json"
        if opts.method not in _IDEMPOTENT_METHODS:
            headers["Idempotency-Key"] = new_idempotency_key()
        if opts.headers:
            # Header names are case-insensitive: a caller's "idempotency-key" replaces ours
            # instead of going out beside it.
            for name, value in opts.headers.items():
                lowered = name.lower()
                for existing in [k for k in headers if k.lower() == lowered]:
                    del headers[existing]
                headers[name] = value
        if not opts.headers or not any(k.lower() == "x-request-id" for k in headers):
            headers["X-Request-Id"] = new_request_id()
        if owned:
            # Our own client has no defaults of its own to merge in (base URL, cookies, params,
            # headers): build the request directly, with a cached URL and timeout extension.
            params = _clean_params(opts.params)
            if params is None:
                url = self._urls.get(opts.path)
                if url is None:
                    url = httpx.URL(self.base_url + opts.path)
                    if len(self._urls) < 256:
                        self._urls[opts.path] = url
            else:
                url = httpx.URL(self.base_url + opts.path, params=params)
            ext = (
                self._timeout_ext
                if opts.timeout is None
                else {"timeout": _resolve_timeout(opts.timeout, self.timeout).as_dict()}
            )
            return httpx.Request(opts.method, url, content=content, headers=headers, extensions=ext)
        timeout = _resolve_timeout(opts.timeout, self.timeout)
        return client.build_request(
            opts.method,
            self.base_url + opts.path,
            content=content,
            params=_clean_params(opts.params),
            headers=headers,
            timeout=timeout,
        )

    def build_upload(
        self,
        client: httpx.Client | httpx.AsyncClient,
        url: str,
        content: bytes,
        content_type: str,
        timeout: TimeoutTypes,
    ) -> httpx.Request:
        """A PUT to a signed URL: the URL carries its own credentials, so no Authorization."""
        request = client.build_request(
            "PUT",
            url,
            content=content,
            headers={"Content-Type": content_type, **self.sdk_headers},
            timeout=_resolve_timeout(timeout, self.timeout),
        )
        # A caller-supplied httpx client may carry default headers; the key must not leak here.
        request.headers.pop("Authorization", None)
        return request

    # -- deciding (no I/O) -------------------------------------------------------------------

    def error_for(
        self, request: httpx.Request, response: httpx.Response, content: bytes
    ) -> MeshAPIError:
        """The error for a response we cannot use (a 3xx or an error status). No I/O."""
        status = response.status_code
        if status < 400:
            # We never follow redirects (a signed upload URL must not be replayed elsewhere, and
            # the API does not redirect): a 3xx is an answer we cannot use.
            target = httpx.URL(response.headers.get("location", "")).copy_with(query=None)
            return APIStatusError(
                f"HTTP {status} redirect to {str(target) or 'an unnamed location'!r} was not "
                f"followed ({self.what(request)})",
                status=status,
                error_code="unexpected_redirect",
                request_id=self._request_id(request, response),
            )
        retry_after = retry_after_from(
            response.headers, _maybe_json(content, response), time.time()
        )
        return error_from_response(
            status,
            content,
            content_type=response.headers.get("content-type", ""),
            request_id=self._request_id(request, response),
            retry_after_seconds=retry_after,
        )

    @staticmethod
    def _request_id(request: httpx.Request, response: httpx.Response) -> Optional[str]:
        """The gateway's id for the call, else the one we sent (the gateway keeps ours anyway)."""
        rid: Optional[str] = response.headers.get("x-request-id") or request.headers.get(
            "x-request-id"
        )
        return rid

    def parse(self, response: httpx.Response, parser: ModelParser[T]) -> T:
        """Parse a successful response's body with ``parser``; ``InvalidResponseError`` if off."""
        try:
            return parser.validate(response.content)
        except ValidationError:
            pass  # parse again below, with the context (request id, path) the error needs
        return parser.parse(
            response.content,
            status=response.status_code,
            request_id=self._request_id(response.request, response),
            what=self.what(response.request),
        )

    def decide_status(self, error: MeshAPIError, attempt: int, *, stream: bool) -> RetryDecision:
        """Retry after this error status? (``_retry.decide_after_status`` with our settings)"""
        kwargs: Dict[str, Any] = {}
        if self.rand is not None:
            kwargs["rand"] = self.rand
        return decide_after_status(
            error.status or 0,
            error.retry_after_seconds,
            attempt=attempt,
            max_retries=self.max_retries,
            max_retry_wait=self.max_retry_wait,
            stream=stream,
            error_code=error.error_code,
            details=error.details,
            **kwargs,
        )

    def decide_exception(self, exc: BaseException, attempt: int) -> RetryDecision:
        """Retry after this transport failure? (``_retry.decide_after_exception``)"""
        kwargs: Dict[str, Any] = {}
        if self.rand is not None:
            kwargs["rand"] = self.rand
        return decide_after_exception(exc, attempt=attempt, max_retries=self.max_retries, **kwargs)

    @staticmethod
    def transport_error(exc: httpx.HTTPError, request: httpx.Request) -> MeshAPIError:
        """Map an httpx transport failure to our tree; the message names the endpoint only."""
        where = f"{request.method} {request.url.copy_with(query=None)}"
        rid = request.headers.get("x-request-id")
        if isinstance(exc, httpx.TimeoutException):
            kind = type(exc).__name__
            return APITimeoutError(
                f"{kind} on {where}: no answer within the timeout",
                error_code="timeout",
                request_id=rid,
            )
        return APIConnectionError(
            f"connection failed on {where}: {type(exc).__name__}: {exc}",
            error_code="connection_error",
            request_id=rid,
        )

    @staticmethod
    def what(request: httpx.Request) -> str:
        return f"{request.method} {request.url.path}"


def _clean_params(params: Optional[Mapping[str, Any]]) -> Optional[Dict[str, Any]]:
    if not params:
        return None
    out: Dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return out or None


def _maybe_json(content: bytes, response: httpx.Response) -> Any:
    if "json" not in response.headers.get("content-type", ""):
        return None
    try:
        return json.loads(content)
    except ValueError:
        return None


class SyncHttpClient(BaseHttpClient):
    """Sends requests with ``httpx.Client``, retrying as ``_retry`` decides."""

    def __init__(
        self,
        *,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        timeout: TimeoutTypes = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        default_headers: Optional[Mapping[str, str]] = None,
        httpx_client: Optional[httpx.Client] = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            token=token,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_wait=max_retry_wait,
            default_headers=default_headers,
            client_timeout=httpx_client.timeout if httpx_client is not None else None,
        )
        self._owns_client = httpx_client is None
        self._pool = httpx_client or self._new_pool()
        self.sleep: Callable[[float], None] = time.sleep

    def _new_pool(self) -> httpx.Client:
        """A new ``httpx.Client`` of our own (also after a fork: see :func:`_fork_generation`)."""
        client = httpx.Client(
            timeout=self.timeout,
            limits=DEFAULT_LIMITS,
            follow_redirects=False,
            headers=self._headers,
        )
        self._own_wire_headers(client)
        self._pool_generation = _forks
        return client

    @property
    def client(self) -> httpx.Client:
        """The httpx client; our own is replaced by a new one in a forked child."""
        if self._pool_generation != _forks and self._owns_client:
            self._pool = self._new_pool()
        return self._pool

    def close(self) -> None:
        """Close the connection pool, unless the httpx client was the caller's."""
        if self._owns_client:
            self.client.close()

    def send(self, opts: RequestOptions, *, stream: bool = False) -> httpx.Response:
        """Send with retries; returns a successful response (body read unless ``stream``)."""
        return self._send(self.build_request(self.client, opts, stream=stream), stream=stream)

    def request(self, opts: RequestOptions, parser: ModelParser[T]) -> T:
        """Send with retries and parse the body into ``T``."""
        return self.parse(self.send(opts), parser)

    def upload(
        self, url: str, content: bytes, content_type: str, timeout: TimeoutTypes = None
    ) -> httpx.Response:
        """PUT ``content`` to a signed URL: no Authorization header, no redirects, retried."""
        return self._send(self.build_upload(self.client, url, content, content_type, timeout))

    def _send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        attempt = 0
        while True:
            try:
                # auth=None: a caller's httpx auth must not replace our key or reach a signed URL.
                response = self.client.send(request, stream=True, follow_redirects=False, auth=None)
            except httpx.TransportError as exc:
                decision = self.decide_exception(exc, attempt)
                if not decision.retry:
                    raise self.transport_error(exc, request) from exc
                self.sleep(decision.delay)
                attempt += 1
                continue
            if response.status_code < 300:
                if not stream:
                    self._read(response, request)
                return response
            content = self._read(response, request)
            error = self.error_for(request, response, content)
            decision = self.decide_status(error, attempt, stream=stream)
            if not decision.retry:
                raise error
            self.sleep(decision.delay)
            attempt += 1

    def _read(self, response: httpx.Response, request: httpx.Request) -> bytes:
        try:
            return response.read()
        except httpx.TransportError as exc:
            raise self.transport_error(exc, request) from exc
        finally:
            response.close()


class AsyncHttpClient(BaseHttpClient):
    """Sends requests with ``httpx.AsyncClient``, retrying as ``_retry`` decides."""

    def __init__(
        self,
        *,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        timeout: TimeoutTypes = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        default_headers: Optional[Mapping[str, str]] = None,
        httpx_client: Optional[httpx.AsyncClient] = None,
        transport: Optional[Callable[[], httpx.AsyncBaseTransport]] = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            token=token,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_wait=max_retry_wait,
            default_headers=default_headers,
            client_timeout=httpx_client.timeout if httpx_client is not None else None,
        )
        self._owns_client = httpx_client is None
        self._transport = transport
        self._pool = httpx_client or self._new_pool()
        import asyncio  # deferred: `import meshapi` must not pay ~12 ms for asyncio

        self.sleep: Callable[[float], Any] = asyncio.sleep

    def _new_pool(self) -> httpx.AsyncClient:
        """A new ``httpx.AsyncClient`` of our own, on ``transport()`` when one was given."""
        client = httpx.AsyncClient(
            timeout=self.timeout,
            limits=DEFAULT_LIMITS,
            follow_redirects=False,
            headers=self._headers,
            transport=self._transport() if self._transport is not None else None,
        )
        self._own_wire_headers(client)
        self._pool_generation = _forks
        return client

    @property
    def client(self) -> httpx.AsyncClient:
        """The httpx client; our own is replaced by a new one in a forked child."""
        if self._pool_generation != _forks and self._owns_client:
            self._pool = self._new_pool()
        return self._pool

    async def close(self) -> None:
        """Close the connection pool, unless the httpx client was the caller's."""
        if self._owns_client:
            await self.client.aclose()

    async def send(self, opts: RequestOptions, *, stream: bool = False) -> httpx.Response:
        """Send with retries; returns a successful response (body read unless ``stream``)."""
        return await self._send(self.build_request(self.client, opts, stream=stream), stream=stream)

    async def request(self, opts: RequestOptions, parser: ModelParser[T]) -> T:
        """Send with retries and parse the body into ``T``."""
        return self.parse(await self.send(opts), parser)

    async def upload(
        self, url: str, content: bytes, content_type: str, timeout: TimeoutTypes = None
    ) -> httpx.Response:
        """PUT ``content`` to a signed URL: no Authorization header, no redirects, retried."""
        return await self._send(self.build_upload(self.client, url, content, content_type, timeout))

    async def _send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        attempt = 0
        while True:
            try:
                # auth=None: a caller's httpx auth must not replace our key or reach a signed URL.
                response = await self.client.send(
                    request, stream=True, follow_redirects=False, auth=None
                )
            except httpx.TransportError as exc:
                decision = self.decide_exception(exc, attempt)
                if not decision.retry:
                    raise self.transport_error(exc, request) from exc
                await self.sleep(decision.delay)
                attempt += 1
                continue
            if response.status_code < 300:
                if not stream:
                    await self._read(response, request)
                return response
            content = await self._read(response, request)
            error = self.error_for(request, response, content)
            decision = self.decide_status(error, attempt, stream=stream)
            if not decision.retry:
                raise error
            await self.sleep(decision.delay)
            attempt += 1

    async def _read(self, response: httpx.Response, request: httpx.Request) -> bytes:
        try:
            return await response.aread()
        except httpx.TransportError as exc:
            raise self.transport_error(exc, request) from exc
        finally:
            await response.aclose()
