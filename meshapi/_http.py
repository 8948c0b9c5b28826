"""The only loops that send, wait and retry: ``SyncHttpClient`` and ``AsyncHttpClient``.

Everything they decide is decided elsewhere, without I/O: what to send (``_request``), whether and
how long to wait (``_retry``), which error a failure is (``_errors``). ``BaseHttpClient`` holds the
configuration, builds requests and makes every retry decision (``wait_after_error``,
``wait_after_status``); the two subclasses only send, read and sleep.
"""

from __future__ import annotations

import contextlib
import copy
import os
import time
from typing import IO, Any, Callable, Dict, Iterator, Mapping, Optional, Tuple, TypeVar, Union

import httpx
from pydantic import ValidationError
from typing_extensions import Self

from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    InvalidRequestError,
    MeshAPIError,
    error_from_response,
)
from ._limits import BodyReader, Deadline, Limits
from ._meta import (
    MAX_RETRIES,
    RETRIES,
    STARTED,
    attach_meta,
    log_request,
    log_response_body,
    log_retry,
    setup_logging,
)
from ._request import (
    NOT_GIVEN,
    ModelParser,
    NotGiven,
    RequestOptions,
    TimeoutTypes,
    encode_json,
    new_idempotency_key,
    new_request_id,
)
from ._retry import RetryDecision, decide_after_exception, decide_after_status, parse_retry_after
from ._version import __version__

__all__ = [
    "DEFAULT_BASE_URL",
    "AsyncHttpClient",
    "BaseHttpClient",
    "Destination",
    "FileContent",
    "SyncHttpClient",
    "resolve_api_key",
]

Destination = Union[str, "os.PathLike[str]", IO[bytes]]
"""Where a downloaded body goes: a path (created or truncated) or a binary file object."""

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


def resolve_api_key(api_key: Optional[str], token: Optional[str] = None) -> str:
    """The API key: ``api_key=`` (or its older name ``token=``), else ``$MESHAPI_TOKEN`` (the
    spec's variable, first so that old set-ups keep their key), else ``$MESHAPI_API_KEY``.
    Checked, never echoed."""
    if api_key is not None and token is not None and api_key != token:
        raise InvalidRequestError(
            "both api_key= and token= were given, with different values: pass only api_key=",
            error_code="invalid_api_key",
        )
    token = api_key if api_key is not None else token
    if token is None:
        token = os.environ.get("MESHAPI_TOKEN") or os.environ.get("MESHAPI_API_KEY")
    if not token:
        raise MeshAPIError(
            "no API key: pass api_key='rsk_...' (or token='rsk_...') to MeshAPI(...) or set "
            "the MESHAPI_API_KEY (or MESHAPI_TOKEN) environment variable",
            error_code="missing_api_key",
        )
    if not isinstance(token, str):
        raise InvalidRequestError(f"api_key must be a str, got {type(token).__name__}")
    if any(c in token for c in "\r\n\x00") or token != token.strip():
        # Never echo the value: it is a secret.
        raise InvalidRequestError(
            "the API key contains whitespace or control characters; check how it was loaded",
            error_code="invalid_api_key",
        )
    return token


def _resolve_base_url(base_url: Optional[str]) -> str:
    if base_url is None:
        base_url = os.environ.get("MESHAPI_BASE_URL") or DEFAULT_BASE_URL
    if not isinstance(base_url, (str, httpx.URL)):
        raise InvalidRequestError(
            "base_url must be a str such as 'https://api.meshapi.ai', got "
            f"{type(base_url).__name__}"
        )
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise InvalidRequestError(
            f"base_url {base_url!r} is not a valid URL ({exc}); expected e.g. "
            "'https://api.meshapi.ai'"
        ) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidRequestError(
            f"base_url must be an http(s) URL with a host, such as 'https://api.meshapi.ai', "
            f"got {base_url!r}"
        )
    if url.query or url.fragment:
        raise InvalidRequestError("base_url must not have a query string or a fragment")
    text = str(url).rstrip("/")
    # The API lives under /v1; accept a base URL that already ends with it.
    if text.endswith("/v1"):
        text = text[:-3]
    return text


# Longer than this is no timeout at all: sockets and event loops refuse such values
# (OverflowError), and a wait of years is not a wait anyone means.
_MAX_TIMEOUT = 365 * 24 * 3600.0


def _seconds(value: Optional[float]) -> Optional[float]:
    return None if value is None or value >= _MAX_TIMEOUT else value


def _resolve_timeout(timeout: TimeoutTypes, fallback: httpx.Timeout) -> httpx.Timeout:
    """``NOT_GIVEN``: the fallback; ``None``: no timeout; a number (``inf`` included) or an
    ``httpx.Timeout`` (huge parts mean none)."""
    if isinstance(timeout, NotGiven):
        return fallback
    if timeout is None:
        return httpx.Timeout(None)
    if isinstance(timeout, httpx.Timeout):
        parts = (timeout.connect, timeout.read, timeout.write, timeout.pool)
        if all(p is None or p < _MAX_TIMEOUT for p in parts):
            return timeout
        connect, read, write, pool = (_seconds(p) for p in parts)
        return httpx.Timeout(connect=connect, read=read, write=write, pool=pool)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise InvalidRequestError(
            f"timeout must be a number of seconds, an httpx.Timeout or None (no timeout), "
            f"got {timeout!r}"
        )
    if not timeout > 0:
        raise InvalidRequestError(
            f"timeout must be positive (or None for no timeout), got {timeout!r}"
        )
    return httpx.Timeout(_seconds(float(timeout)))


class BaseHttpClient:
    """Configuration and request building shared by the sync and async clients. No I/O."""

    # The client's default list of fallback models (``MeshAPI(fallback_models=[...])``).
    fallback_models: Tuple[str, ...] = ()

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
        limits: Optional[Limits] = None,
        api_key: Optional[str] = None,
    ) -> None:
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise InvalidRequestError(f"max_retries must be an int >= 0, got {max_retries!r}")
        if max_retry_wait < 0:
            raise InvalidRequestError(f"max_retry_wait must be >= 0, got {max_retry_wait!r}")
        setup_logging()
        self.base_url = _resolve_base_url(base_url)
        self._token = resolve_api_key(api_key, token)
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
        # The caller's headers as given, for the realtime handshake (which takes no Accept...).
        self.default_headers: Dict[str, str] = dict(default_headers or {})
        # Size caps and the default per-call deadline (``_limits``).
        self.limits = limits if limits is not None else Limits()
        self._stream_headers = {**self._headers, "Accept": "text/event-stream"}
        # The source of backoff jitter (a float in [0, 1)); tests set it to get an exact schedule.
        self.jitter: Optional[Callable[[], float]] = None
        # The monotonic clock of deadlines (tests may replace it).
        self.clock: Callable[[], float] = time.monotonic

    _wire_headers: Optional[Dict[str, str]] = None
    _pool_generation = 0
    # Set by the MeshAPI / AsyncMeshAPI that owns this client: how to pickle it (as that client,
    # by its configuration), so that resources and bound methods (``client.embeddings.create``)
    # pickle too.
    reducer: Optional[Callable[[], Tuple[Any, ...]]] = None

    def __copy__(self) -> Self:
        # A shallow copy shares the pool (with_options); copy.copy would otherwise go through
        # __reduce__ below and rebuild a client with a pool of its own.
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        return new

    def __reduce__(self) -> Tuple[Any, ...]:
        if self.reducer is None:
            raise TypeError(f"{type(self).__name__} pickles only as part of a MeshAPI client")
        return self.reducer()

    def _own_wire_headers(self, client: httpx.Client | httpx.AsyncClient) -> None:
        # Every header our own client sends (httpx's defaults merged with ours), merged once.
        self._wire_headers = dict(client.headers)
        self._wire_stream_headers = {**self._wire_headers, "accept": "text/event-stream"}
        self._urls = {}
        self._timeout_ext = {"timeout": self.timeout.as_dict()}

    def copy_with(
        self,
        *,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        max_retries: Optional[int] = None,
        max_retry_wait: Optional[float] = None,
        default_headers: Optional[Mapping[str, str]] = None,
    ) -> Self:
        """A copy with some settings changed that sends through the same connection pool (and
        does not close it). No I/O: the copy holds no connection of its own."""
        new = copy.copy(self)
        new._owns_client = False
        if max_retries is not None:
            if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
                raise InvalidRequestError(f"max_retries must be an int >= 0, got {max_retries!r}")
            new.max_retries = max_retries
        if max_retry_wait is not None:
            if max_retry_wait < 0:
                raise InvalidRequestError(f"max_retry_wait must be >= 0, got {max_retry_wait!r}")
            new.max_retry_wait = float(max_retry_wait)
        if not isinstance(timeout, NotGiven):
            new.timeout = _resolve_timeout(timeout, self.timeout)
            new._timeout_ext = {"timeout": new.timeout.as_dict()}
        if base_url is not None:
            new.base_url = _resolve_base_url(base_url)
            new._urls = {}
        changed: Dict[str, str] = dict(default_headers or {})
        if api_key is not None:
            new._token = resolve_api_key(api_key)
            changed["Authorization"] = f"Bearer {new._token}"
        if changed:
            new._headers = {**self._headers, **changed}
            new._stream_headers = {**new._headers, "Accept": "text/event-stream"}
            if self._wire_headers is not None:
                new._wire_headers = {**self._wire_headers, **changed}
                new._wire_stream_headers = {**new._wire_headers, "accept": "text/event-stream"}
        return new

    _owns_client = True
    _urls: Dict[str, httpx.URL]
    _timeout_ext: Dict[str, Any]
    _wire_stream_headers: Dict[str, str]

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
        if client.is_closed:
            raise ClientClosedError(
                f"{opts.method} {opts.path}: this client was closed; make a new MeshAPI(...) "
                "(or keep using it inside its `with` block)",
                error_code="client_closed",
            )
        try:
            request = self._build_request(client, opts, stream=stream)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            # A header, query value or body that cannot go on the wire (a non-str header, a NaN
            # in the body...): the caller's to fix, said before anything is sent.
            raise InvalidRequestError(
                f"{opts.method} {opts.path}: cannot build the request: {exc} (check the "
                "extra_headers, extra_query and body values)"
            ) from None
        ext = request.extensions
        ext[STARTED] = time.monotonic()
        if opts.max_retries is not None:
            ext[MAX_RETRIES] = opts.max_retries
        return request

    def _build_request(
        self, client: httpx.Client | httpx.AsyncClient, opts: RequestOptions, *, stream: bool
    ) -> httpx.Request:
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
        if opts.idempotency_key is not None:
            headers["Idempotency-Key"] = opts.idempotency_key
        elif opts.method not in _IDEMPOTENT_METHODS:
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
                dict(self._timeout_ext)
                if isinstance(opts.timeout, NotGiven)
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
        content: Union[bytes, FileContent],
        content_type: str,
        timeout: TimeoutTypes,
    ) -> httpx.Request:
        """A PUT to a signed URL: the URL carries its own credentials, so no Authorization.
        A :class:`FileContent` body is streamed from disk, with its ``Content-Length``."""
        if client.is_closed:
            raise ClientClosedError("this client was closed", error_code="client_closed")
        headers = {"Content-Type": content_type, **self.sdk_headers}
        if isinstance(content, FileContent) and content.length is not None:
            headers["Content-Length"] = str(content.length)
        request = client.build_request(
            "PUT",
            url,
            content=content.for_async()
            if isinstance(content, FileContent) and isinstance(client, httpx.AsyncClient)
            else content,
            headers=headers,
            timeout=_resolve_timeout(timeout, self.timeout),
        )
        # A caller-supplied httpx client may carry default headers; the key must not leak here.
        request.headers.pop("Authorization", None)
        request.extensions[STARTED] = time.monotonic()
        return request

    def build_fetch(
        self, client: httpx.Client | httpx.AsyncClient, url: str, timeout: TimeoutTypes
    ) -> httpx.Request:
        """A GET of a file URL the API handed out (a video on a CDN): like a signed URL, it
        carries no Authorization, so the key never reaches another host."""
        if client.is_closed:
            raise ClientClosedError("this client was closed", error_code="client_closed")
        if not url.startswith(("https://", "http://")):
            raise InvalidRequestError(f"not an http(s) URL: {url[:60]!r}")
        request = client.build_request(
            "GET",
            url,
            headers=dict(self.sdk_headers),
            timeout=_resolve_timeout(timeout, self.timeout),
        )
        request.headers.pop("Authorization", None)
        request.extensions[STARTED] = time.monotonic()
        return request

    # -- deciding (no I/O) -------------------------------------------------------------------

    def error_for(
        self,
        request: httpx.Request,
        response: httpx.Response,
        content: bytes,
        *,
        truncated: bool = False,
    ) -> MeshAPIError:
        """The error for a response we cannot use (a 3xx or an error status). No I/O."""
        status = response.status_code
        if status < 400:
            # We never follow redirects (a signed upload URL must not be replayed elsewhere, and
            # the API does not redirect): a 3xx is an answer we cannot use.
            target = httpx.URL(response.headers.get("location", "")).copy_with(query=None)
            return APIStatusError(
                f"HTTP {status} redirect to {str(target) or 'an unnamed location'!r} was not "
                f"followed ({self.describe(request)})",
                status=status,
                error_code="unexpected_redirect",
                request_id=self._request_id(request, response),
            )
        # The body's retry_after_seconds is read by error_from_response, with the same parser.
        retry_after = parse_retry_after(response.headers.get("retry-after"), time.time())
        return error_from_response(
            status,
            content,
            content_type=response.headers.get("content-type", ""),
            request_id=self._request_id(request, response),
            retry_after_seconds=retry_after,
            truncated=truncated,
        )

    @staticmethod
    def _request_id(request: httpx.Request, response: httpx.Response) -> Optional[str]:
        """The gateway's id for the call, else the one we sent (the gateway keeps ours anyway)."""
        rid: Optional[str] = response.headers.get("x-request-id") or request.headers.get(
            "x-request-id"
        )
        return rid

    def parse(self, response: httpx.Response, parser: ModelParser[T]) -> T:
        """Parse a successful response's body with ``parser``; ``InvalidResponseError`` if off.
        The answer gets its ``_meta`` (:mod:`meshapi._meta`)."""
        try:
            return attach_meta(parser.validate(response.content), response)  # type: ignore[no-any-return]
        except ValidationError:
            pass  # parse again below, with the context (request id, path) the error needs
        return parser.parse(
            response.content,
            status=response.status_code,
            request_id=self._request_id(response.request, response),
            what=self.describe(response.request),
        )

    @staticmethod
    def completed(response: httpx.Response, *, stream: bool = False) -> httpx.Response:
        """A usable answer arrived: log its line (and, at DEBUG, its body). No I/O."""
        log_request(response.request, response.status_code, "stream" if stream else "")
        if not stream:
            log_response_body(response)
        return response

    def _retries_for(self, request: httpx.Request) -> int:
        value = request.extensions.get(MAX_RETRIES)
        return self.max_retries if value is None else int(value)

    def _decided(
        self, request: httpx.Request, decision: RetryDecision, attempt: int, status: Optional[int]
    ) -> RetryDecision:
        """Record a retry on the request (for ``_meta``) and log it, or log the failure."""
        if decision.retry:
            request.extensions[RETRIES] = attempt + 1
            log_retry(request, attempt, decision.delay, decision.reason)
        else:
            log_request(request, status, decision.reason)
        return decision

    def decide_status(
        self, error: MeshAPIError, attempt: int, *, max_retries: Optional[int] = None
    ) -> RetryDecision:
        """Retry after this error status? (``_retry.decide_after_status`` with our settings)"""
        kwargs: Dict[str, Any] = {}
        if self.jitter is not None:
            kwargs["rand"] = self.jitter
        return decide_after_status(
            error.status or 0,
            error.retry_after_seconds,
            attempt=attempt,
            max_retries=self.max_retries if max_retries is None else max_retries,
            max_retry_wait=self.max_retry_wait,
            error_code=error.error_code,
            details=error.details,
            **kwargs,
        )

    def decide_exception(
        self, exc: BaseException, attempt: int, *, max_retries: Optional[int] = None
    ) -> RetryDecision:
        """Retry after this transport failure? (``_retry.decide_after_exception``)"""
        kwargs: Dict[str, Any] = {}
        if self.jitter is not None:
            kwargs["rand"] = self.jitter
        retries = self.max_retries if max_retries is None else max_retries
        return decide_after_exception(exc, attempt=attempt, max_retries=retries, **kwargs)

    def wait_after_error(
        self,
        exc: httpx.TransportError,
        request: httpx.Request,
        attempt: int,
        deadline: Optional[Deadline] = None,
    ) -> float:
        """The seconds to sleep before retrying after a transport failure; raises the mapped
        error when the failure is not retried (or the wait would pass the call's deadline).
        Call it inside the ``except`` block."""
        decision = self._decided(
            request,
            self.decide_exception(exc, attempt, max_retries=self._retries_for(request)),
            attempt,
            None,
        )
        if not decision.retry or (deadline is not None and not deadline.allows(decision.delay)):
            raise self.transport_error(exc, request) from exc
        return decision.delay

    def wait_after_status(
        self,
        request: httpx.Request,
        response: httpx.Response,
        content: bytes,
        attempt: int,
        deadline: Optional[Deadline] = None,
        *,
        truncated: bool = False,
    ) -> float:
        """The seconds to sleep before retrying after an unusable status (3xx or error); raises
        the error when it is not retried (or the wait would pass the call's deadline)."""
        error = self.error_for(request, response, content, truncated=truncated)
        decision = self._decided(
            request,
            self.decide_status(error, attempt, max_retries=self._retries_for(request)),
            attempt,
            response.status_code,
        )
        if not decision.retry or (deadline is not None and not deadline.allows(decision.delay)):
            raise error
        return decision.delay

    # -- limits (no I/O) ---------------------------------------------------------------------

    def deadline_for(self, timeout: TimeoutTypes, *, stream: bool) -> Optional[Deadline]:
        """The deadline of one call (``None`` for a stream: a stream is bounded by its stall
        timeout instead, and may rightly run for long)."""
        if stream:
            return None
        seconds = self.limits.total_for(timeout)
        return Deadline(seconds, self.clock) if seconds is not None else None

    def bound_attempt(self, request: httpx.Request, deadline: Optional[Deadline]) -> None:
        """Cap this attempt's timeouts at the time left, so that a silent server cannot hold
        the call past its deadline either."""
        if deadline is None:
            return
        left = max(deadline.remaining(), 0.001)
        timeouts = request.extensions.get("timeout") or {}
        bounded = {
            name: left if value is None else min(value, left) for name, value in timeouts.items()
        }
        request.extensions = {**request.extensions, "timeout": bounded or {"read": left}}

    def body_reader(
        self,
        request: httpx.Request,
        response: httpx.Response,
        deadline: Optional[Deadline],
        *,
        error: bool,
    ) -> BodyReader:
        """The reader of one response body: a successful answer up to ``max_response_bytes``
        (past it: ``ResponseTooLargeError``), an error answer's first ``max_error_body_bytes``."""
        limits = self.limits
        return BodyReader(
            limits.max_error_body_bytes if error else limits.max_response_bytes,
            option="max_error_body_bytes" if error else "max_response_bytes",
            what=f"the response to {self.describe(request)}",
            deadline=deadline,
            truncate=error,
            request_id=request.headers.get("x-request-id"),
            content_encoding=response.headers.get("content-encoding"),
        )

    @staticmethod
    def keep_body(response: httpx.Response, reader: BodyReader) -> bytes:
        """Store the body read through ``reader`` as the response's content."""
        content = reader.finish()
        response._content = content
        return content

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
    def describe(request: httpx.Request) -> str:
        """``"POST /v1/chat/completions"``: how errors name a request (never with its query)."""
        return f"{request.method} {request.url.path}"


@contextlib.contextmanager
def _sink(destination: Destination) -> Iterator[Callable[[bytes], Any]]:
    """The ``write`` of a destination. A path is opened here, and removed again if the download
    fails part way, so a failed call never leaves half a file behind; a file object is the
    caller's (written to, never closed)."""
    if isinstance(destination, (str, os.PathLike)):
        path = os.fspath(destination)
        with open(path, "wb") as file:
            try:
                yield file.write
            except BaseException:
                file.close()
                with contextlib.suppress(OSError):
                    os.remove(path)
                raise
        return
    write = getattr(destination, "write", None)
    if not callable(write):
        raise InvalidRequestError(
            "the destination must be a path or a binary file object opened for writing, "
            f"got {type(destination).__name__}"
        )
    yield write


def _clean_params(params: Optional[Mapping[str, Any]]) -> Optional[Dict[str, Any]]:
    if not params:
        return None
    out: Dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return out or None


class SyncHttpClient(BaseHttpClient):
    """Sends requests with ``httpx.Client``, retrying as ``_retry`` decides."""

    def __init__(
        self,
        *,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        api_key: Optional[str] = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        default_headers: Optional[Mapping[str, str]] = None,
        httpx_client: Optional[httpx.Client] = None,
        limits: Optional[Limits] = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            token=token,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_wait=max_retry_wait,
            default_headers=default_headers,
            client_timeout=httpx_client.timeout if httpx_client is not None else None,
            limits=limits,
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
        deadline = self.deadline_for(opts.timeout, stream=stream)
        request = self.build_request(self.client, opts, stream=stream)
        return self.completed(self._send(request, stream=stream, deadline=deadline), stream=stream)

    def request(self, opts: RequestOptions, parser: ModelParser[T]) -> T:
        """Send with retries and parse the body into ``T``."""
        return self.parse(self.send(opts), parser)

    def upload(
        self,
        url: str,
        content: Union[bytes, FileContent],
        content_type: str,
        timeout: TimeoutTypes = NOT_GIVEN,
    ) -> httpx.Response:
        """PUT ``content`` to a signed URL: no Authorization header, no redirects, retried."""
        deadline = self.deadline_for(timeout, stream=False)
        request = self.build_upload(self.client, url, content, content_type, timeout)
        return self.completed(self._send(request, deadline=deadline))

    def download(self, opts: RequestOptions, destination: Destination) -> int:
        """Send (retried like any call until the answer starts), then copy the body to
        ``destination`` chunk by chunk, never holding all of it; returns the bytes written."""
        return self._save(self.send(opts, stream=True), destination)

    def fetch(self, url: str, destination: Destination, timeout: TimeoutTypes = NOT_GIVEN) -> int:
        """GET a file URL the API handed out (no Authorization) into ``destination``."""
        request = self.build_fetch(self.client, url, timeout)
        deadline = self.deadline_for(timeout, stream=True)
        response = self._send(request, stream=True, deadline=deadline)
        return self._save(self.completed(response, stream=True), destination)

    def _save(self, response: httpx.Response, destination: Destination) -> int:
        written = 0
        try:
            with _sink(destination) as write:
                for chunk in response.iter_bytes():
                    write(chunk)
                    written += len(chunk)
        except httpx.TransportError as exc:
            raise self.transport_error(exc, response.request) from exc
        finally:
            response.close()
        return written

    def _send(
        self, request: httpx.Request, *, stream: bool = False, deadline: Optional[Deadline] = None
    ) -> httpx.Response:
        attempt = 0
        while True:
            self.bound_attempt(request, deadline)
            try:
                # auth=None: a caller's httpx auth must not replace our key or reach a signed URL.
                response = self.client.send(request, stream=True, follow_redirects=False, auth=None)
            except httpx.TransportError as exc:
                delay = self.wait_after_error(exc, request, attempt, deadline)
            else:
                if response.status_code < 300:
                    if not stream:
                        reader = self.body_reader(request, response, deadline, error=False)
                        self._read(response, request, reader)
                    return response
                reader = self.body_reader(request, response, deadline, error=True)
                content = self._read(response, request, reader)
                delay = self.wait_after_status(
                    request, response, content, attempt, deadline, truncated=reader.truncated
                )
            self.sleep(delay)
            attempt += 1

    def _read(self, response: httpx.Response, request: httpx.Request, reader: BodyReader) -> bytes:
        chunks = response.iter_raw() if reader.raw else response.iter_bytes()
        try:
            for chunk in chunks:
                reader.feed(chunk)
                if reader.full:
                    break
            return self.keep_body(response, reader)
        except httpx.TransportError as exc:
            raise self.transport_error(exc, request) from exc
        finally:
            chunks.close()  # type: ignore[attr-defined]
            response.close()


class AsyncHttpClient(BaseHttpClient):
    """Sends requests with ``httpx.AsyncClient``, retrying as ``_retry`` decides."""

    def __init__(
        self,
        *,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        api_key: Optional[str] = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        default_headers: Optional[Mapping[str, str]] = None,
        httpx_client: Optional[httpx.AsyncClient] = None,
        limits: Optional[Limits] = None,
        transport: Optional[Callable[[], httpx.AsyncBaseTransport]] = None,
    ) -> None:
        super().__init__(
            base_url=base_url,
            token=token,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_wait=max_retry_wait,
            default_headers=default_headers,
            client_timeout=httpx_client.timeout if httpx_client is not None else None,
            limits=limits,
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
        deadline = self.deadline_for(opts.timeout, stream=stream)
        request = self.build_request(self.client, opts, stream=stream)
        response = await self._send(request, stream=stream, deadline=deadline)
        return self.completed(response, stream=stream)

    async def request(self, opts: RequestOptions, parser: ModelParser[T]) -> T:
        """Send with retries and parse the body into ``T``."""
        return self.parse(await self.send(opts), parser)

    async def upload(
        self,
        url: str,
        content: Union[bytes, FileContent],
        content_type: str,
        timeout: TimeoutTypes = NOT_GIVEN,
    ) -> httpx.Response:
        """PUT ``content`` to a signed URL: no Authorization header, no redirects, retried."""
        deadline = self.deadline_for(timeout, stream=False)
        request = self.build_upload(self.client, url, content, content_type, timeout)
        return self.completed(await self._send(request, deadline=deadline))

    async def download(self, opts: RequestOptions, destination: Destination) -> int:
        """Send (retried like any call until the answer starts), then copy the body to
        ``destination`` chunk by chunk, never holding all of it; returns the bytes written."""
        return await self._save(await self.send(opts, stream=True), destination)

    async def fetch(
        self, url: str, destination: Destination, timeout: TimeoutTypes = NOT_GIVEN
    ) -> int:
        """GET a file URL the API handed out (no Authorization) into ``destination``."""
        request = self.build_fetch(self.client, url, timeout)
        deadline = self.deadline_for(timeout, stream=True)
        response = await self._send(request, stream=True, deadline=deadline)
        return await self._save(self.completed(response, stream=True), destination)

    async def _save(self, response: httpx.Response, destination: Destination) -> int:
        written = 0
        try:
            with _sink(destination) as write:
                async for chunk in response.aiter_bytes():
                    write(chunk)
                    written += len(chunk)
        except httpx.TransportError as exc:
            raise self.transport_error(exc, response.request) from exc
        finally:
            await response.aclose()
        return written

    async def _send(
        self, request: httpx.Request, *, stream: bool = False, deadline: Optional[Deadline] = None
    ) -> httpx.Response:
        attempt = 0
        while True:
            self.bound_attempt(request, deadline)
            try:
                # auth=None: a caller's httpx auth must not replace our key or reach a signed URL.
                response = await self.client.send(
                    request, stream=True, follow_redirects=False, auth=None
                )
            except httpx.TransportError as exc:
                delay = self.wait_after_error(exc, request, attempt, deadline)
            else:
                if response.status_code < 300:
                    if not stream:
                        reader = self.body_reader(request, response, deadline, error=False)
                        await self._read(response, request, reader)
                    return response
                reader = self.body_reader(request, response, deadline, error=True)
                content = await self._read(response, request, reader)
                delay = self.wait_after_status(
                    request, response, content, attempt, deadline, truncated=reader.truncated
                )
            await self.sleep(delay)
            attempt += 1

    async def _read(
        self, response: httpx.Response, request: httpx.Request, reader: BodyReader
    ) -> bytes:
        chunks = response.aiter_raw() if reader.raw else response.aiter_bytes()
        try:
            async for chunk in chunks:
                reader.feed(chunk)
                if reader.full:
                    break
            return self.keep_body(response, reader)
        except httpx.TransportError as exc:
            raise self.transport_error(exc, request) from exc
        finally:
            # Closed here, on this loop, not by a garbage-collection hook after it is gone.
            await chunks.aclose()  # type: ignore[attr-defined]
            await response.aclose()


# -- files sent from disk ------------------------------------------------------------------------

UPLOAD_CHUNK_SIZE = 256 * 1024


class FileContent:
    """A file sent as a request body in chunks of ``chunk_size`` bytes, never read whole: a path
    (opened when the body is sent) or a binary file object (read from where it stands).

    Each sending reads it again from the start (a path is reopened, a file object seeks back), so
    a retried PUT sends the whole file again; a file object that cannot seek is sent once.
    ``length`` (the bytes to send, or ``None`` when unknown) becomes the ``Content-Length``.
    """

    def __init__(self, file: Any, chunk_size: int = UPLOAD_CHUNK_SIZE) -> None:
        import io

        self.chunk_size = chunk_size
        self._path: Optional[str] = None
        self._file: Any = None
        self._start: Optional[int] = None
        self._sent = False
        self.length: Optional[int] = None
        if isinstance(file, (str, os.PathLike)):
            self._path = os.fspath(file)
            self.length = os.stat(self._path).st_size  # FileNotFoundError names the path
            return
        if isinstance(file, io.TextIOBase) or not callable(getattr(file, "read", None)):
            raise InvalidRequestError(
                f"file must be a path or a binary file object (opened with 'rb'), got "
                f"{type(file).__name__}"
            )
        self._file = file
        try:
            if file.seekable():
                self._start = file.tell()
                self.length = file.seek(0, os.SEEK_END) - self._start
                file.seek(self._start)
        except (AttributeError, OSError, ValueError):
            self._start = None

    def _rewind(self) -> Any:
        if self._start is not None:
            self._file.seek(self._start)
        elif self._sent:
            raise MeshAPIError(
                "the upload must be sent again (a retry) but its file object cannot seek back: "
                "pass a path or a seekable file",
                error_code="upload_not_repeatable",
            )
        self._sent = True
        return self._file

    def _check(self, chunk: Any) -> bytes:
        if not isinstance(chunk, (bytes, bytearray, memoryview)):
            raise InvalidRequestError(
                "file must be opened in binary mode ('rb'): read() returned text"
            )
        return bytes(chunk)

    def __iter__(self) -> Any:
        if self._path is not None:
            with open(self._path, "rb") as fh:
                while True:
                    chunk = fh.read(self.chunk_size)
                    if not chunk:
                        return
                    yield chunk
        fh = self._rewind()
        while True:
            chunk = self._check(fh.read(self.chunk_size))
            if not chunk:
                return
            yield chunk

    def for_async(self) -> _AsyncFileContent:
        """The same file as an async-only body (httpx sends any sync iterable synchronously)."""
        return _AsyncFileContent(self)

    async def chunks_async(self) -> Any:
        """The chunks of the file, read off the event loop."""
        import asyncio

        # File reads block: each one runs in a worker thread, off the event loop.
        if self._path is not None:
            fh = await asyncio.to_thread(open, self._path, "rb")
            try:
                while True:
                    chunk = await asyncio.to_thread(fh.read, self.chunk_size)
                    if not chunk:
                        return
                    yield chunk
            finally:
                fh.close()
        fh = self._rewind()
        while True:
            chunk = self._check(await asyncio.to_thread(fh.read, self.chunk_size))
            if not chunk:
                return
            yield chunk


class _AsyncFileContent:
    """A :class:`FileContent` seen by an ``httpx.AsyncClient``: async iteration only."""

    def __init__(self, file: FileContent) -> None:
        self.file = file

    def __aiter__(self) -> Any:
        return self.file.chunks_async()
