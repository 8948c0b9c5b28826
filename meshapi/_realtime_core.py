"""The part of a realtime session that decides, shared by the sync and async sessions.

Rule: this module does no I/O. It builds the WebSocket URL and headers, encodes client events,
decodes server frames into :class:`RealtimeMessage`, and turns every way a connection can fail
(handshake rejected, refused, timed out, dropped, closed) into the right :class:`MeshAPIError`.
The sessions in ``meshapi.resources.realtime`` only move frames.

The realtime URL carries the API key in its query string (production's protocol: ``Bearer``
is not a legal subprotocol token), so the URL is a secret. Only :func:`redact_url` output and
:func:`scrub` output may reach a repr, a log line or an exception message.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import re
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, MutableMapping, Optional, Tuple, Union
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    InvalidRequestError,
    InvalidResponseError,
    MeshAPIError,
    error_from_payload,
    error_from_response,
)
from ._retry import parse_retry_after

__all__ = [
    "AUDIO_DELTA_TYPES",
    "MAX_MESSAGE_BYTES",
    "MIN_WEBSOCKETS_VERSION",
    "REALTIME_PATH",
    "SUBPROTOCOL",
    "ConnectPlan",
    "RealtimeMessage",
    "RedactingLogger",
    "build_realtime_url",
    "closed_error",
    "connect_error",
    "decode_frame",
    "describe_close",
    "encode_audio_append",
    "encode_event",
    "error_fields",
    "handshake_headers",
    "is_normal_close",
    "open_timeout_from",
    "redact_url",
    "safe_cause",
    "scrub",
    "session_start_error",
    "websockets_import_error",
    "websockets_version",
]

REALTIME_PATH = "/v1/realtime"
SUBPROTOCOL = "openai-realtime"
# `response.audio.delta` is the beta name of `response.output_audio.delta`; some still send it.
AUDIO_DELTA_TYPES = frozenset({"response.output_audio.delta", "response.audio.delta"})
# 14.0 is the first release whose sync and asyncio clients both take `ssl=`.
MIN_WEBSOCKETS_VERSION = (14, 0)
# Server events carry base64 audio; the 1 MiB default of websockets is too tight for long deltas.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024
# Headers that must never ride on the WebSocket handshake: the key already travels in the URL, and
# websockets logs request headers at DEBUG level.
_DROPPED_HEADERS = frozenset({"authorization", "content-type", "accept", "content-length"})
_REDACTED = "***"
_SECRET_PARAMS = ("api_key", "token", "key")

_CLOSE_CODE_NAMES = {
    1000: "normal closure",
    1001: "going away",
    1002: "protocol error",
    1003: "unsupported data",
    1005: "no status",
    1006: "abnormal closure",
    1007: "invalid data",
    1008: "policy violation",
    1009: "message too big",
    1010: "mandatory extension",
    1011: "internal error",
    1012: "service restart",
    1013: "try again later",
    1014: "bad gateway",
    1015: "TLS handshake failure",
}


def websockets_import_error() -> ImportError:
    """The error raised when the optional ``websockets`` dependency is missing or too old."""
    need = ".".join(str(p) for p in MIN_WEBSOCKETS_VERSION)
    return ImportError(
        f"client.realtime needs the optional 'websockets>={need}' package: "
        "pip install 'meshapi[realtime]'"
    )


# -- URL, headers, redaction -------------------------------------------------------------------


def build_realtime_url(base_url: str, model: str, api_key: str) -> str:
    """The WebSocket URL of a realtime session: ``ws(s)://<host>[/prefix]/v1/realtime?model=&api_key=``.

    ``http`` becomes ``ws`` and ``https`` becomes ``wss``; both values are percent-encoded.
    """
    if not isinstance(model, str) or not model.strip():
        raise InvalidRequestError(
            f"model must be a non-empty string such as 'openai/gpt-realtime-mini', got {model!r}"
        )
    if not isinstance(api_key, str) or not api_key:
        raise InvalidRequestError("the client has no API key to open a realtime session with")
    parts = urlsplit(base_url)
    schemes = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}
    scheme = schemes.get(parts.scheme.lower())
    if scheme is None or not parts.netloc:
        raise InvalidRequestError(
            f"base_url must be an http(s) URL with a host, got {redact_url(base_url)!r}"
        )
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[: -len("/v1")]
    query = f"model={quote(model, safe='')}&api_key={quote(api_key, safe='')}"
    return urlunsplit((scheme, parts.netloc, path + REALTIME_PATH, query, ""))


_SECRET_QUERY = re.compile(r"(?i)([?&](?:" + "|".join(_SECRET_PARAMS) + r")=)[^&#\s'\"]*")


def redact_url(url: str) -> str:
    """``url`` with the value of every ``api_key`` (or ``token``/``key``) query parameter masked."""
    return _SECRET_QUERY.sub(lambda m: m.group(1) + _REDACTED, url)


def scrub(text: str, secret: Optional[str]) -> str:
    """``text`` with every occurrence of ``secret`` (raw or percent-encoded) and any secret URL
    parameter masked. Applied to every string that came from a third-party exception."""
    if secret:
        for form in {secret, quote(secret, safe=""), quote(secret)}:
            text = text.replace(form, _REDACTED)
    return redact_url(text)


def _mentions(exc: BaseException, secret: str, depth: int = 0) -> bool:
    forms = {secret, quote(secret, safe=""), quote(secret)}
    try:
        texts = (str(exc), repr(exc), repr(getattr(exc, "args", ())))
    except Exception:  # a broken __str__ cannot be vetted: treat it as unsafe
        return True
    if any(form in text for form in forms for text in texts):
        return True
    if depth >= 5:
        return True
    for linked in (exc.__cause__, exc.__context__):
        if linked is not None and _mentions(linked, secret, depth + 1):
            return True
    return False


def safe_cause(exc: BaseException, secret: Optional[str]) -> Optional[BaseException]:
    """``exc`` if it may be chained as ``__cause__`` (nothing in it or its chain shows the
    secret), else ``None``. websockets puts the URI into some exception messages."""
    if not secret:
        return exc
    return None if _mentions(exc, secret) else exc


def handshake_headers(
    sdk_headers: Mapping[str, str], extra_headers: Optional[Mapping[str, str]] = None
) -> Dict[str, str]:
    """The headers for the HTTP upgrade request: the SDK headers plus the caller's extras."""
    headers: Dict[str, str] = {}
    for source in (sdk_headers, extra_headers or {}):
        for name, value in source.items():
            if name.lower() in _DROPPED_HEADERS:
                continue
            if any(c in f"{name}{value}" for c in "\r\n\x00"):
                raise InvalidRequestError(f"header {name!r} contains a line break or NUL character")
            headers[name] = value
    return headers


def open_timeout_from(timeout: Union[httpx.Timeout, float, None]) -> Optional[float]:
    """Seconds allowed for the TCP/TLS/HTTP handshake plus the first server event."""
    if timeout is None:
        return None
    if isinstance(timeout, httpx.Timeout):
        value = timeout.connect if timeout.connect is not None else timeout.read
        return None if value is None else float(value)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise InvalidRequestError(
            f"open_timeout must be a positive number of seconds, got {timeout!r}"
        )
    return float(timeout)


@dataclass(frozen=True)
class ConnectPlan:
    """Everything needed to open one realtime connection, decided before any I/O."""

    url: str
    redacted_url: str
    model: str
    headers: Dict[str, str]
    open_timeout: Optional[float]
    secure: bool
    secret: str

    @classmethod
    def build(
        cls,
        *,
        base_url: str,
        api_key: str,
        sdk_headers: Mapping[str, str],
        model: str,
        timeout: Union[httpx.Timeout, float, None],
        extra_headers: Optional[Mapping[str, str]] = None,
    ) -> ConnectPlan:
        url = build_realtime_url(base_url, model, api_key)
        return cls(
            url=url,
            redacted_url=redact_url(url),
            model=model,
            headers=handshake_headers(sdk_headers, extra_headers),
            open_timeout=open_timeout_from(timeout),
            secure=url.startswith("wss:"),
            secret=api_key,
        )

    def __repr__(self) -> str:
        return f"ConnectPlan(url={self.redacted_url!r}, model={self.model!r})"


class RedactingLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """A logger for websockets that masks the key: websockets logs the request line
    (``GET /v1/realtime?...&api_key=...``) at DEBUG level."""

    def __init__(self, logger: logging.Logger, secret: str) -> None:
        super().__init__(logger, {})
        self._secret = secret

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        if not self.isEnabledFor(level):
            return
        try:
            text = str(msg) % args if args else str(msg)
        except (TypeError, ValueError):
            text = " ".join([str(msg), *(str(a) for a in args)])
        kwargs.pop("extra", None)
        exc_info = kwargs.pop("exc_info", None)
        if exc_info:
            # A traceback's text can hold the URI: log its scrubbed summary instead.
            exc = exc_info[1] if isinstance(exc_info, tuple) else exc_info
            if isinstance(exc, BaseException):
                text += f" ({type(exc).__name__}: {exc})"
        self.logger.log(level, scrub(text, self._secret), **kwargs)

    def process(
        self, msg: Any, kwargs: MutableMapping[str, Any]
    ) -> Tuple[Any, MutableMapping[str, Any]]:
        return msg, kwargs


# -- client events ------------------------------------------------------------------------------


def encode_event(event: Mapping[str, Any]) -> str:
    """One client event as the JSON text of a WebSocket frame.

    The event must be a mapping with a non-empty string ``type`` and JSON-serialisable values.
    """
    if not isinstance(event, Mapping):
        raise InvalidRequestError(f"a realtime event must be a dict, got {type(event).__name__}")
    kind = event.get("type")
    if not isinstance(kind, str) or not kind:
        raise InvalidRequestError(f"a realtime event needs a non-empty string 'type', got {kind!r}")
    try:
        return json.dumps(dict(event), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(f"the {kind!r} event cannot be sent as JSON: {exc}") from None


def encode_audio_append(pcm: Union[bytes, bytearray, memoryview]) -> str:
    """``input_audio_buffer.append`` carrying raw PCM16 (24 kHz mono, little-endian) as base64."""
    if not isinstance(pcm, (bytes, bytearray, memoryview)):
        raise InvalidRequestError(f"audio must be bytes of PCM16 samples, got {type(pcm).__name__}")
    data = bytes(pcm)
    if len(data) % 2:
        raise InvalidRequestError(
            f"PCM16 audio has 2 bytes per sample, but {len(data)} bytes (an odd count) were given"
        )
    return encode_event(
        {"type": "input_audio_buffer.append", "audio": base64.b64encode(data).decode("ascii")}
    )


# -- server frames ------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class RealtimeMessage:
    """One frame from the server.

    Attributes:
        event: the parsed JSON event (a dict with ``type``), or ``None`` for a binary frame or a
            text frame that is not a JSON object.
        text: the raw text of a text frame, ``None`` for a binary frame.
        audio: decoded audio bytes for ``response.output_audio.delta`` / ``response.audio.delta``
            events and for binary frames, else ``None``.
    """

    event: Optional[Dict[str, Any]]
    text: Optional[str]
    audio: Optional[bytes]

    @property
    def type(self) -> Optional[str]:
        """The event's ``type`` (``None`` when there is no event)."""
        if self.event is None:
            return None
        kind = self.event.get("type")
        return kind if isinstance(kind, str) else None

    def __repr__(self) -> str:
        parts = [f"type={self.type!r}"]
        if self.text is not None:
            parts.append(f"text=<{len(self.text)} chars>")
        if self.audio is not None:
            parts.append(f"audio=<{len(self.audio)} bytes>")
        return f"RealtimeMessage({', '.join(parts)})"


def decode_frame(frame: Union[str, bytes, bytearray, memoryview]) -> RealtimeMessage:
    """Turn one received frame into a :class:`RealtimeMessage`.

    Raises :class:`InvalidResponseError` when an audio delta's ``delta`` is not valid base64:
    the audio would otherwise be lost without a word.
    """
    if not isinstance(frame, str):
        return RealtimeMessage(event=None, text=None, audio=bytes(frame))
    try:
        parsed = json.loads(frame)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        return RealtimeMessage(event=None, text=frame, audio=None)
    audio: Optional[bytes] = None
    if parsed.get("type") in AUDIO_DELTA_TYPES:
        delta = parsed.get("delta")
        try:
            if not isinstance(delta, str):
                raise ValueError("delta is not a string")
            audio = base64.b64decode(delta, validate=True)
        except (ValueError, binascii.Error) as exc:
            raise InvalidResponseError(
                f"a {parsed.get('type')} event carried audio that is not valid base64 ({exc})",
                error_code="invalid_response",
                body=parsed,
            ) from None
    return RealtimeMessage(event=parsed, text=frame, audio=audio)


def error_fields(event: Mapping[str, Any]) -> Dict[str, Any]:
    """The fields of a server ``error`` event, defaulted: code, message, param, type, event_id,
    request_id. ``code`` falls back to the error's ``type``, then to ``"unknown_error"``."""
    raw = event.get("error")
    err: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}

    def text(value: Any) -> Optional[str]:
        return value if isinstance(value, str) and value else None

    code = text(err.get("code")) or text(err.get("type")) or "unknown_error"
    message = text(err.get("message")) or (raw if isinstance(raw, str) and raw else None)
    request_id = text(event.get("request_id")) or text(err.get("request_id"))
    return {
        "code": code,
        "message": message or f"the realtime server sent an error ({code})",
        "param": text(err.get("param")),
        "type": text(err.get("type")),
        "event_id": text(err.get("event_id")),
        "request_id": request_id,
    }


def session_start_error(event: Mapping[str, Any]) -> Optional[MeshAPIError]:
    """For an ``error`` event that arrives instead of ``session.created`` (a server that accepts
    the upgrade and then refuses the session): the HTTP-status error its code stands for
    (``invalid_api_key`` → 401 ``AuthenticationError``, ``model_not_found`` → 404 ...), or
    ``None`` when the code has no HTTP meaning (the caller raises ``RealtimeError``)."""
    fields = error_fields(event)
    mapped = error_from_payload(
        {"error": {"code": fields["code"], "message": fields["message"]}},
        request_id=fields["request_id"],
        body=dict(event),
    )
    return mapped if mapped.status is not None else None


# -- connection failures ------------------------------------------------------------------------


def _header(headers: Any, name: str) -> Optional[str]:
    try:
        value = headers.get(name)
    except Exception:
        return None
    return value if isinstance(value, str) else None


def connect_error(exc: BaseException, plan: ConnectPlan) -> BaseException:
    """The error to raise when opening the connection failed with ``exc``.

    - handshake rejected with an HTTP status → the status's ``MeshAPIError`` subclass, built from
      the response body like any REST error (401 → ``AuthenticationError`` ...);
    - open timeout → ``APITimeoutError``; refused, unreachable, TLS failure →
      ``APIConnectionError``;
    - a bad URI → ``ValueError``. Every message is scrubbed of the key.
    """
    from websockets.exceptions import InvalidHandshake, InvalidStatus, InvalidURI

    where = plan.redacted_url
    detail = scrub(f"{type(exc).__name__}: {exc}", plan.secret)
    if isinstance(exc, InvalidStatus):
        response = exc.response
        if response.status_code < 400:
            # A 200 (a web page, a proxy's answer) or a redirect: an answer, but not the upgrade.
            return APIStatusError(
                f"the server did not upgrade to a WebSocket (HTTP {response.status_code}) at "
                f"{where}: is base_url the MeshAPI gateway?",
                status=response.status_code,
                error_code="websocket_upgrade_refused",
                request_id=_header(response.headers, "x-request-id"),
            )
        error = error_from_response(
            response.status_code,
            bytes(response.body or b""),
            content_type=_header(response.headers, "Content-Type") or "",
            request_id=_header(response.headers, "x-request-id"),
            retry_after_seconds=parse_retry_after(
                _header(response.headers, "Retry-After"), time.time()
            ),
        )
        error.message = scrub(error.message, plan.secret)
        error.args = (error.message,)
        return error
    if isinstance(exc, InvalidURI):
        return ValueError(f"invalid realtime URL {where}: {detail}")
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
        limit = f" after {plan.open_timeout:g}s" if plan.open_timeout is not None else ""
        return APITimeoutError(
            f"timed out opening the realtime connection to {where}{limit}",
            error_code="timeout",
        )
    if isinstance(exc, InvalidHandshake):
        return APIConnectionError(
            f"the realtime handshake with {where} failed ({detail})",
            error_code="connection_error",
        )
    if isinstance(exc, OSError):
        return APIConnectionError(
            f"could not connect to the realtime endpoint {where} ({detail})",
            error_code="connection_error",
        )
    return APIConnectionError(
        f"opening the realtime connection to {where} failed ({detail})",
        error_code="connection_error",
    )


def _close_frames(exc: BaseException) -> Tuple[Optional[int], str]:
    rcvd = getattr(exc, "rcvd", None)
    if rcvd is None:
        return None, ""
    code = getattr(rcvd, "code", None)
    reason = getattr(rcvd, "reason", "")
    return (int(code) if isinstance(code, int) else None), (
        reason if isinstance(reason, str) else ""
    )


def is_normal_close(exc: BaseException) -> bool:
    """Whether a websockets ``ConnectionClosed`` is a normal end of the session (a close frame
    with code 1000 or 1001, or no code, was exchanged). Anything else was lost or refused."""
    from websockets.exceptions import ConnectionClosedOK

    return isinstance(exc, ConnectionClosedOK)


def describe_close(exc: BaseException) -> str:
    """``"code 1011 (internal error): reason"``, or ``"no close frame received"``."""
    code, reason = _close_frames(exc)
    if code is None:
        return "no close frame received" if getattr(exc, "rcvd", None) is None else "no close code"
    name = _CLOSE_CODE_NAMES.get(code, "application code" if code >= 3000 else "unknown code")
    return f"code {code} ({name})" + (f": {reason}" if reason else "")


def closed_error(exc: BaseException, plan: ConnectPlan, *, starting: bool = False) -> MeshAPIError:
    """The error for a closed connection.

    A normal close gives ``MeshAPIError`` with ``error_code="connection_closed"`` (raised by
    ``receive()``; iteration simply stops). A connection lost without a close frame, or closed
    with an error code, gives ``APIConnectionError`` with ``error_code="connection_lost"``.
    ``starting`` is true when the connection closed before the session started.
    """
    how = scrub(describe_close(exc), plan.secret)
    if starting:
        return APIConnectionError(
            f"the realtime server at {plan.redacted_url} closed the connection before the session "
            f"started ({how})",
            error_code="connection_closed" if is_normal_close(exc) else "connection_lost",
        )
    if is_normal_close(exc):
        return MeshAPIError(
            f"the realtime session is closed ({how})", error_code="connection_closed"
        )
    return APIConnectionError(
        f"the realtime connection was lost ({how})", error_code="connection_lost"
    )


def websockets_version(version: str) -> Tuple[int, ...]:
    """``"14.1"`` → ``(14, 1)``; unparsable parts count as 0."""
    out: List[int] = []
    for part in version.split(".")[:2]:
        digits = re.match(r"\d+", part)
        out.append(int(digits.group(0)) if digits else 0)
    return tuple(out)
