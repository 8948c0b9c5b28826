"""``client.realtime``: speech-to-speech sessions over a WebSocket (``/v1/realtime``).

The protocol is OpenAI's realtime GA protocol: JSON text frames, audio as base64 PCM16 (24 kHz,
mono, little-endian) inside events. Every decision (URL, headers, event encoding, frame decoding,
error mapping) lives in :mod:`meshapi._realtime_core` and in ``_SessionState`` below; the sync and
async sessions here only move frames and raise what those decide.

How a session ends or fails:

- ``connect()`` returns once the server's first event (``session.created``) has arrived. A
  refused handshake raises the ``MeshAPIError`` subclass of its HTTP status (401 →
  ``AuthenticationError``, 404 → ``NotFoundError`` ...). A server that accepts the upgrade and
  then sends an ``error`` event instead of ``session.created`` is mapped the same way from the
  event's code (``invalid_api_key`` → 401 ``AuthenticationError``). Connection refused →
  ``APIConnectionError``; no answer within the open timeout → ``APITimeoutError``.
- A server ``error`` event raises :class:`RealtimeError` from ``receive()`` and from iteration;
  the session stays open, so iterating again continues with the next event.
- A normal close (code 1000/1001) ends iteration; ``receive()`` raises ``MeshAPIError`` with
  ``error_code="connection_closed"``. A connection lost without a close frame, or closed with an
  error code, raises ``APIConnectionError`` with ``error_code="connection_lost"`` from both.

The URL holds the API key, so reprs, log lines and exception messages only ever show it redacted
(``api_key=***``).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    Awaitable,
    Callable,
    Dict,
    Generator,
    Mapping,
    Optional,
    Protocol,
    Type,
    Union,
)

import httpx

from .._errors import APITimeoutError, InvalidRequestError, MeshAPIError
from .._realtime_core import (
    MAX_MESSAGE_BYTES,
    MIN_WEBSOCKETS_VERSION,
    SUBPROTOCOL,
    ConnectPlan,
    RealtimeMessage,
    RedactingLogger,
    closed_error,
    connect_error,
    decode_frame,
    encode_audio_append,
    encode_event,
    error_fields,
    is_normal_close,
    safe_cause,
    session_start_error,
    websockets_import_error,
    websockets_version,
)

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection as AsyncClientConnection
    from websockets.sync.client import ClientConnection as SyncClientConnection


__all__ = [
    "AsyncRealtimeResource",
    "AsyncRealtimeSession",
    "RealtimeError",
    "RealtimeMessage",
    "RealtimeResource",
    "RealtimeSession",
]

log = logging.getLogger("meshapi.realtime")

AudioBytes = Union[bytes, bytearray, memoryview]


class _RealtimeTransportConfig(Protocol):
    """What a realtime resource needs from the HTTP client whose configuration it shares
    (``SyncHttpClient`` / ``AsyncHttpClient`` both fit)."""

    base_url: str
    sdk_headers: Dict[str, str]
    default_headers: Dict[str, str]
    timeout: httpx.Timeout

    @property
    def api_key(self) -> str: ...


class RealtimeError(MeshAPIError):
    """An ``error`` event sent by the realtime server.

    Attributes:
        code: the error's code (``"idle_timeout"``, ``"invalid_value"`` ...), also ``error_code``.
        message: the server's message.
        param: the parameter the error is about, when the server names one.
        request_id: the request id of the session's handshake, when the server sends it.
        event: the raw ``error`` event (a dict).
        error_type: the error's ``type`` (``"invalid_request_error"`` ...), when given.
        event_id: the id of the client event that caused the error, when given.
    """

    def __init__(
        self,
        message: str,
        *,
        code: Optional[str] = None,
        param: Optional[str] = None,
        request_id: Optional[str] = None,
        event: Optional[Dict[str, Any]] = None,
        error_type: Optional[str] = None,
        event_id: Optional[str] = None,
        status: Optional[int] = None,
    ) -> None:
        super().__init__(message, status=status, error_code=code, request_id=request_id, body=event)
        self.param = param
        self.event = event
        self.error_type = error_type
        self.event_id = event_id

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> RealtimeError:
        """Build the error from a server ``error`` event."""
        fields = error_fields(event)
        return cls(
            fields["message"],
            code=fields["code"],
            param=fields["param"],
            request_id=fields["request_id"],
            event=dict(event),
            error_type=fields["type"],
            event_id=fields["event_id"],
        )

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text} (param={self.param})" if self.param else text

    def __repr__(self) -> str:
        return (
            f"RealtimeError(code={self.error_code!r}, message={self.message!r}, "
            f"param={self.param!r}, request_id={self.request_id!r})"
        )

    def __reduce__(self) -> Any:
        kwargs = {
            "code": self.error_code,
            "param": self.param,
            "request_id": self.request_id,
            "event": self.event,
            "error_type": self.error_type,
            "event_id": self.event_id,
            "status": self.status,
        }
        return (_rebuild_realtime_error, (type(self), self.message, kwargs))


def _rebuild_realtime_error(
    cls: Type[RealtimeError], message: str, kwargs: Dict[str, Any]
) -> RealtimeError:
    return cls(message, **kwargs)


# -- shared, no I/O -------------------------------------------------------------------------------


def _import_websockets() -> Any:
    """Import websockets lazily: ``import meshapi`` must work without the realtime extra."""
    try:
        import websockets
    except ImportError:
        raise websockets_import_error() from None
    if websockets_version(getattr(websockets, "__version__", "0")) < MIN_WEBSOCKETS_VERSION:
        raise websockets_import_error()
    return websockets


def _ssl_context(plan: ConnectPlan) -> Optional[ssl.SSLContext]:
    """Verify ``wss`` against certifi's bundle, so it works where the OS store is missing."""
    if not plan.secure:
        return None
    try:
        import certifi
    except ImportError:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


def _connect_kwargs(plan: ConnectPlan) -> Dict[str, Any]:
    kwargs: Dict[str, Any] = {
        "subprotocols": [SUBPROTOCOL],
        "additional_headers": plan.headers,
        "open_timeout": plan.open_timeout,
        "max_size": MAX_MESSAGE_BYTES,
        "logger": RedactingLogger(logging.getLogger("websockets.client"), plan.secret),
    }
    context = _ssl_context(plan)
    if context is not None:
        kwargs["ssl"] = context
    return kwargs


def _plan(
    http: _RealtimeTransportConfig,
    model: str,
    open_timeout: Optional[float],
    extra_headers: Optional[Mapping[str, str]],
) -> ConnectPlan:
    return ConnectPlan.build(
        base_url=http.base_url,
        api_key=http.api_key,
        # The client's default_headers go on the handshake too (Authorization, Accept... are
        # dropped there: the key travels in the URL).
        sdk_headers={**http.sdk_headers, **http.default_headers},
        model=model,
        timeout=open_timeout if open_timeout is not None else http.timeout,
        extra_headers=extra_headers,
    )


class _SessionState:
    """What the sync and async sessions share: the plan, the first event read by ``connect()``,
    and the frame → message → error decisions."""

    def __init__(self, plan: ConnectPlan) -> None:
        self.plan = plan
        self.pending: Optional[RealtimeMessage] = None
        self.session_id: Optional[str] = None
        self.normal_close: Optional[MeshAPIError] = None

    def start(self, frame: Union[str, bytes]) -> None:
        """Check the first server frame; raise if the server refused the session."""
        message = decode_frame(frame)
        event = message.event
        if event is not None and event.get("type") == "error":
            raise session_start_error(event) or RealtimeError.from_event(event)
        self.pending = self.accept(message)

    def accept(self, message: RealtimeMessage) -> RealtimeMessage:
        event = message.event
        if event is not None:
            kind = event.get("type")
            if kind == "error":
                raise RealtimeError.from_event(event)
            if kind in ("session.created", "session.updated"):
                session = event.get("session")
                if isinstance(session, dict) and isinstance(session.get("id"), str):
                    self.session_id = session["id"]
        return message

    def take_pending(self) -> Optional[RealtimeMessage]:
        message, self.pending = self.pending, None
        return message

    def receive_timeout(self, timeout: Optional[float]) -> APITimeoutError:
        return APITimeoutError(
            f"no realtime event arrived within {timeout:g}s", error_code="timeout"
        )

    def first_event_timeout(self) -> APITimeoutError:
        limit = self.plan.open_timeout
        within = f" within {limit:g}s" if limit is not None else ""
        return APITimeoutError(
            f"the realtime server at {self.plan.redacted_url} sent no session.created{within}",
            error_code="timeout",
        )

    def receive_failure(self, exc: BaseException, limit: Optional[float]) -> BaseException:
        """What a failed receive raises: a timeout error, the closed-connection error, or ``exc``
        itself when it is neither."""
        from websockets.exceptions import ConnectionClosed

        if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
            return self.receive_timeout(limit)
        if isinstance(exc, ConnectionClosed):
            return self.closed(exc)
        return exc

    def send_failure(self, exc: BaseException) -> BaseException:
        """What a failed send raises: the closed-connection error, or ``exc`` itself."""
        from websockets.exceptions import ConnectionClosed

        return self.closed(exc) if isinstance(exc, ConnectionClosed) else exc

    def start_failure(self, exc: BaseException) -> BaseException:
        """What a failure while waiting for ``session.created`` raises (the caller closes the
        connection first): a timeout, a close before the start, or ``exc`` itself (a refusal
        raised by :meth:`start`, a cancellation...)."""
        from websockets.exceptions import ConnectionClosed

        if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
            return self.first_event_timeout()
        if isinstance(exc, ConnectionClosed):
            return closed_error(exc, self.plan, starting=True)
        return exc

    def closed(self, exc: BaseException) -> MeshAPIError:
        """The error for a closed connection, remembering it when the close was normal."""
        error = closed_error(exc, self.plan)
        if is_normal_close(exc):
            self.normal_close = error
        return error

    def ends_iteration(self, error: BaseException) -> bool:
        """Whether ``error`` reports a normal close, which ends iteration instead of raising."""
        return error is self.normal_close

    def describe(self, cls: str, state: str) -> str:
        return f"<{cls} model={self.plan.model!r} url={self.plan.redacted_url!r} {state}>"


def _check_timeout(timeout: Optional[float]) -> Optional[float]:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise InvalidRequestError(
            f"timeout must be a positive number of seconds or None, got {timeout!r}"
        )
    return float(timeout)


# -- sync -----------------------------------------------------------------------------------------


class RealtimeSession:
    """A live realtime session (sync). Use it as a context manager, or call :meth:`close`.

    Iterating yields every server message until the server closes the connection normally.
    Sending from another thread while one thread receives is supported.
    """

    def __init__(self, connection: SyncClientConnection, state: _SessionState) -> None:
        self._ws = connection
        self._state = state

    @property
    def model(self) -> str:
        """The model the session was opened with."""
        return self._state.plan.model

    @property
    def session_id(self) -> Optional[str]:
        """The server's session id, from ``session.created``."""
        return self._state.session_id

    @property
    def url(self) -> str:
        """The session's URL with the API key masked."""
        return self._state.plan.redacted_url

    def send(self, event: Mapping[str, Any]) -> None:
        """Send one client event, e.g. ``{"type": "response.create"}``."""
        self._send_text(encode_event(event))

    def send_audio(self, pcm: AudioBytes) -> None:
        """Append PCM16 audio (24 kHz, mono, little-endian) to the input buffer, as a base64
        ``input_audio_buffer.append`` event (production accepts no binary frames)."""
        self._send_text(encode_audio_append(pcm))

    def _send_text(self, text: str) -> None:
        error: Optional[BaseException] = None
        try:
            self._ws.send(text)
        except Exception as exc:
            error = self._state.send_failure(exc)
        if error is not None:
            raise error

    def receive(self, timeout: Optional[float] = None) -> RealtimeMessage:
        """Wait for the next server message (at most ``timeout`` seconds, default: no limit).

        Raises :class:`RealtimeError` for a server ``error`` event, ``APITimeoutError`` when the
        timeout runs out, and ``MeshAPIError`` (``connection_closed``) / ``APIConnectionError``
        (``connection_lost``) once the connection is closed.
        """
        limit = _check_timeout(timeout)
        pending = self._state.take_pending()
        if pending is not None:
            return pending
        error: Optional[BaseException] = None
        try:
            frame = self._ws.recv(timeout=limit)
        except Exception as exc:
            error = self._state.receive_failure(exc, limit)
        if error is not None:
            raise error
        return self._state.accept(decode_frame(frame))

    def __iter__(self) -> RealtimeSession:
        return self

    def __next__(self) -> RealtimeMessage:
        try:
            return self.receive()
        except MeshAPIError as exc:
            if self._state.ends_iteration(exc):
                raise StopIteration from None
            raise

    def close(self) -> None:
        """Close the connection (normal closure). Safe to call twice."""
        self._ws.close()
        log.debug("realtime session closed: %s", self._state.plan.redacted_url)

    def __enter__(self) -> RealtimeSession:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return self._state.describe("RealtimeSession", _state_name(self._ws))


class RealtimeResource:
    """``client.realtime``: opens realtime sessions with the client's URL, key and headers."""

    def __init__(self, http: _RealtimeTransportConfig) -> None:
        self._http = http

    def connect(
        self,
        model: str,
        *,
        open_timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> RealtimeSession:
        """Open a realtime session on ``model`` and wait for its ``session.created``.

        Sync: ``with client.realtime.connect(model=...) as session:``. Async: ``async with``
        it, or ``await`` it for the session. Either way the session closes on leaving the block.

        Args:
            model: a realtime model, e.g. ``"openai/gpt-realtime-mini"``.
            open_timeout: seconds for the handshake and the first event (default: the client's
                connect timeout).
            extra_headers: more headers for the upgrade request.

        Raises:
            AuthenticationError, NotFoundError, ...: the server refused the session (the
                ``MeshAPIError`` subclass of the HTTP status, with ``status`` and ``error_code``).
            APIConnectionError: the server could not be reached; ``APITimeoutError`` when the
                open timeout ran out.
            ImportError: the ``realtime`` extra (``websockets``) is not installed.
        """
        plan = _plan(self._http, model, open_timeout, extra_headers)
        _import_websockets()
        from websockets.sync.client import connect

        log.debug("opening realtime session: %s", plan.redacted_url)
        error: Optional[BaseException] = None
        cause: Optional[BaseException] = None
        try:
            connection = connect(plan.url, **_connect_kwargs(plan))
        except Exception as exc:
            error, cause = connect_error(exc, plan), safe_cause(exc, plan.secret)
        if error is not None:
            # Raised outside the `except` block on purpose, with the cause only when it is safe:
            # websockets' exceptions can hold the URL, and with it the API key, which must not
            # reach a traceback through __context__ or __cause__.
            raise error from cause
        state = _SessionState(plan)
        try:
            state.start(connection.recv(timeout=plan.open_timeout))
        except BaseException as exc:
            error = state.start_failure(exc)
        if error is not None:
            connection.close()
            raise error
        return RealtimeSession(connection, state)

    def __repr__(self) -> str:
        return f"RealtimeResource(base_url={self._http.base_url!r})"


# -- async ----------------------------------------------------------------------------------------


class AsyncRealtimeSession:
    """A live realtime session (async). Use it with ``async with``, or call :meth:`close`.

    ``async for`` yields every server message until the server closes the connection normally.
    Sending from one task while another receives is supported.
    """

    def __init__(self, connection: AsyncClientConnection, state: _SessionState) -> None:
        self._ws = connection
        self._state = state

    @property
    def model(self) -> str:
        """The model the session was opened with."""
        return self._state.plan.model

    @property
    def session_id(self) -> Optional[str]:
        """The server's session id, from ``session.created``."""
        return self._state.session_id

    @property
    def url(self) -> str:
        """The session's URL with the API key masked."""
        return self._state.plan.redacted_url

    async def send(self, event: Mapping[str, Any]) -> None:
        """Send one client event, e.g. ``{"type": "response.create"}``."""
        await self._send_text(encode_event(event))

    async def send_audio(self, pcm: AudioBytes) -> None:
        """Append PCM16 audio (24 kHz, mono, little-endian) to the input buffer, as a base64
        ``input_audio_buffer.append`` event (production accepts no binary frames)."""
        await self._send_text(encode_audio_append(pcm))

    async def _send_text(self, text: str) -> None:
        error: Optional[BaseException] = None
        try:
            await self._ws.send(text)
        except Exception as exc:
            error = self._state.send_failure(exc)
        if error is not None:
            raise error

    async def receive(self, timeout: Optional[float] = None) -> RealtimeMessage:
        """Wait for the next server message (at most ``timeout`` seconds, default: no limit).

        Raises :class:`RealtimeError` for a server ``error`` event, ``APITimeoutError`` when the
        timeout runs out, and ``MeshAPIError`` (``connection_closed``) / ``APIConnectionError``
        (``connection_lost``) once the connection is closed.
        """
        limit = _check_timeout(timeout)
        pending = self._state.take_pending()
        if pending is not None:
            return pending
        error: Optional[BaseException] = None
        try:
            # Cancelling websockets' recv() loses no frame, so a timeout leaves the session usable.
            frame = await asyncio.wait_for(self._ws.recv(), limit)
        except Exception as exc:
            error = self._state.receive_failure(exc, limit)
        if error is not None:
            raise error
        return self._state.accept(decode_frame(frame))

    def __aiter__(self) -> AsyncRealtimeSession:
        return self

    async def __anext__(self) -> RealtimeMessage:
        try:
            return await self.receive()
        except MeshAPIError as exc:
            if self._state.ends_iteration(exc):
                raise StopAsyncIteration from None
            raise

    async def close(self) -> None:
        """Close the connection (normal closure). Safe to call twice."""
        await self._ws.close()
        log.debug("realtime session closed: %s", self._state.plan.redacted_url)

    async def __aenter__(self) -> AsyncRealtimeSession:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return self._state.describe("AsyncRealtimeSession", _state_name(self._ws))


class AsyncRealtimeConnect:
    """What ``AsyncRealtimeResource.connect()`` returns: ``await`` it for a session, or use it
    with ``async with`` to have the session closed on exit."""

    def __init__(
        self, opener: Callable[[], Awaitable[AsyncRealtimeSession]], plan: ConnectPlan
    ) -> None:
        self._opener = opener
        self._plan = plan
        self._session: Optional[AsyncRealtimeSession] = None

    def __await__(self) -> Generator[Any, None, AsyncRealtimeSession]:
        return self._opener().__await__()

    async def __aenter__(self) -> AsyncRealtimeSession:
        self._session = await self._opener()
        return self._session

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if self._session is not None:
            await self._session.close()

    def __repr__(self) -> str:
        return f"<AsyncRealtimeConnect model={self._plan.model!r} url={self._plan.redacted_url!r}>"


class AsyncRealtimeResource:
    """``client.realtime``: opens realtime sessions with the client's URL, key and headers."""

    def __init__(self, http: _RealtimeTransportConfig) -> None:
        self._http = http

    def connect(
        self,
        model: str,
        *,
        open_timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> AsyncRealtimeConnect:
        """Open a realtime session on ``model`` and wait for its ``session.created``.

        Sync: ``with client.realtime.connect(model=...) as session:``. Async: ``async with``
        it, or ``await`` it for the session. Either way the session closes on leaving the block.

        Args:
            model: a realtime model, e.g. ``"openai/gpt-realtime-mini"``.
            open_timeout: seconds for the handshake and the first event (default: the client's
                connect timeout).
            extra_headers: more headers for the upgrade request.

        Raises:
            AuthenticationError, NotFoundError, ...: the server refused the session (the
                ``MeshAPIError`` subclass of the HTTP status, with ``status`` and ``error_code``).
            APIConnectionError: the server could not be reached; ``APITimeoutError`` when the
                open timeout ran out.
            ImportError: the ``realtime`` extra (``websockets``) is not installed.
        """
        plan = _plan(self._http, model, open_timeout, extra_headers)
        _import_websockets()
        return AsyncRealtimeConnect(lambda: self._open(plan), plan)

    async def _open(self, plan: ConnectPlan) -> AsyncRealtimeSession:
        from websockets.asyncio.client import connect

        log.debug("opening realtime session: %s", plan.redacted_url)
        error: Optional[BaseException] = None
        cause: Optional[BaseException] = None
        try:
            connection = await connect(plan.url, **_connect_kwargs(plan))
        except Exception as exc:
            error, cause = connect_error(exc, plan), safe_cause(exc, plan.secret)
        if error is not None:
            # Outside the `except` block on purpose: see RealtimeResource.connect.
            raise error from cause
        state = _SessionState(plan)
        try:
            state.start(await asyncio.wait_for(connection.recv(), plan.open_timeout))
        except BaseException as exc:
            error = state.start_failure(exc)
        if error is not None:
            await connection.close()
            raise error
        return AsyncRealtimeSession(connection, state)

    def __repr__(self) -> str:
        return f"AsyncRealtimeResource(base_url={self._http.base_url!r})"


def _state_name(connection: Any) -> str:
    state = getattr(connection, "state", None)
    name = getattr(state, "name", None)
    return name.lower() if isinstance(name, str) else "unknown"
