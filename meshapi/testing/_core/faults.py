"""Fault injection: make the gateway misbehave on purpose, the way networks and proxies do.

Rule: nothing here happens unless the gateway was started with ``faults_enabled=True`` (or
``meshapi gateway --faults``); every setter raises otherwise, so a fault can never be switched on
by accident. Faults are armed from a test (``gw.faults.fail_next(2)``) or over HTTP
(``POST /_gateway/faults/fail_next``) and are consumed by the next matching request(s):

* request faults (``fail_next``, ``stall(where="before_first_byte")``) hit the next requests
  that reach authentication, i.e. any ``/v1`` endpoint, streaming or not;
* stream faults (``drop_stream_after``, ``stall(where="mid_stream")``, ``inband_error``,
  ``malformed_frame``) are taken together by the next SSE stream the gateway starts;
* framing modes (``crlf``, ``keepalive``, ``fragment``) stay on until switched off or ``reset()``.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import threading
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from .errors import GatewayError, validation_detail

__all__ = [
    "FAULT_ACTIONS",
    "FaultController",
    "FaultParameterError",
    "FaultsDisabledError",
    "InjectedResponse",
    "RequestFault",
    "StreamPlan",
]

_STATUS_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    402: "spend_limit_exceeded",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    422: "validation_error",
    429: "rate_limit_exceeded",
    501: "not_implemented",
}

_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class FaultsDisabledError(RuntimeError):
    """Raised when a fault is armed on a gateway started without fault injection."""


class FaultParameterError(ValueError):
    """A fault parameter out of range or of the wrong type; ``field`` names it. Nothing is armed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# Upper bounds keep an armed fault from hanging or flooding the gateway.
MAX_STALL_SECONDS = 300.0
MAX_COUNT = 10_000


def _int(field: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FaultParameterError(field, f"must be an integer, not {type(value).__name__}")
    if not low <= value <= high:
        raise FaultParameterError(field, f"must be between {low} and {high}, not {value}")
    return int(value)


def _seconds(field: str, value: Any, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FaultParameterError(field, f"must be a number of seconds, not {type(value).__name__}")
    if not math.isfinite(value) or not 0 <= value <= high:
        raise FaultParameterError(field, f"must be a finite number between 0 and {high:g}")
    return float(value)


def _text(field: str, value: Any, *, optional: bool = True, limit: int = 1000) -> Optional[str]:
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise FaultParameterError(field, f"must be a string of at most {limit} characters")
    return value


def _choice(field: str, value: Any, choices: Sequence[str]) -> str:
    if value not in choices:
        raise FaultParameterError(field, "must be one of " + ", ".join(repr(c) for c in choices))
    return str(value)


def _flag(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise FaultParameterError(field, "must be true or false")
    return value


class InjectedResponse(Exception):
    """An injected non-envelope answer (HTML page, empty body) for the app to send as is."""

    def __init__(self, status: int, body: bytes, media_type: str, headers: Dict[str, str]) -> None:
        super().__init__(f"injected {status} response")
        self.status = status
        self.body = body
        self.media_type = media_type
        self.headers = headers


@dataclasses.dataclass
class RequestFault:
    """What to do to one request before it is handled."""

    stall_seconds: float = 0.0
    status: Optional[int] = None
    body: str = "json"
    code: Optional[str] = None
    message: Optional[str] = None
    retry_after: Optional[Union[float, str]] = None

    def error_parts(self) -> Dict[str, Any]:
        """Status, code and message of the injected failure (JSON flavour)."""
        status = self.status or 503
        code = self.code or _STATUS_CODES.get(status, "upstream_error")
        message = self.message or f"Injected fault: HTTP {status} {_REASONS.get(status, 'Error')}."
        return {"status": status, "code": code, "message": message}

    def non_json_response(self) -> InjectedResponse:
        """The HTML page or empty body a proxy in front of the gateway would answer with."""
        status = self.status or 502
        reason = _REASONS.get(status, "Error")
        headers: Dict[str, str] = {}
        if self.retry_after is not None:
            headers["Retry-After"] = _retry_after_header(self.retry_after)
        if self.body == "empty":
            return InjectedResponse(status, b"", "text/plain", headers)
        page = (
            f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
            f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
            "</body>\r\n</html>\r\n"
        )
        return InjectedResponse(status, page.encode(), "text/html", headers)


def _retry_after_header(value: Union[float, str]) -> str:
    if isinstance(value, str):
        return value  # an HTTP date, passed through for clients that must parse one
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclasses.dataclass
class StreamPlan:
    """Everything one SSE stream should do wrong. ``after`` counts data frames already sent."""

    drop_after: Optional[int] = None
    drop_how: str = "reset"
    stall_after: Optional[int] = None
    stall_seconds: float = 0.0
    inband_after: Optional[int] = None
    inband_error: Dict[str, Any] = dataclasses.field(default_factory=dict)
    malformed_after: Optional[int] = None
    crlf: bool = False
    keepalive: bool = False
    fragment: int = 0

    @property
    def empty(self) -> bool:
        """True when the stream is to be sent normally."""
        return self == StreamPlan()


# The FaultController methods reachable by name (over HTTP: POST /_gateway/faults/<name>).
FAULT_ACTIONS = (
    "fail_next",
    "drop_stream_after",
    "stall",
    "inband_error",
    "malformed_frame",
    "crlf",
    "keepalive",
    "fragment",
    "reset",
)


class FaultController:
    """Thread-safe store of armed faults; see the module docstring for when each one fires."""

    def __init__(self, enabled: bool = False) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._failures: List[RequestFault] = []
        self._stall_first_byte: List[float] = []
        self._stream = StreamPlan()

    def _check(self) -> None:
        if not self.enabled:
            raise FaultsDisabledError(
                "fault injection is disabled on this gateway: start it with "
                "LocalGateway(faults_enabled=True) or `meshapi gateway --faults`"
            )

    # -- arming -------------------------------------------------------------------------------

    def check_action(self, action: str) -> None:
        """404 ``not_found`` unless ``action`` is one of :data:`FAULT_ACTIONS`."""
        if action not in FAULT_ACTIONS:
            raise GatewayError(
                404, "not_found", f"Unknown fault {action!r}; known: {', '.join(FAULT_ACTIONS)}."
            )

    def apply(self, action: str, arguments: Mapping[str, Any]) -> None:
        """Arm one of :data:`FAULT_ACTIONS` by name with keyword ``arguments`` (the HTTP admin
        endpoint's way in); an unknown name is 404, bad arguments 422, both naming the problem.
        """
        self.check_action(action)
        method = getattr(self, action)
        try:
            inspect.signature(method).bind(**arguments)
        except TypeError as exc:
            raise GatewayError(
                422,
                "validation_error",
                f"Bad arguments for {action}: {exc}.",
                details=[validation_detail(["body"], str(exc), "value_error")],
            ) from None
        try:
            method(**arguments)
        except FaultParameterError as exc:
            raise GatewayError(
                422,
                "validation_error",
                f"Bad arguments for {action}: {exc}.",
                details=[validation_detail(["body", exc.field], exc.message, "value_error")],
            ) from None
        except (TypeError, ValueError) as exc:
            raise GatewayError(
                422,
                "validation_error",
                f"Bad arguments for {action}: {exc}",
                details=[validation_detail(["body"], str(exc), "value_error")],
            ) from None

    def fail_next(
        self,
        n: int = 1,
        status: int = 503,
        retry_after: Optional[Union[float, str]] = None,
        body: str = "json",
        *,
        code: Optional[str] = None,
        message: Optional[str] = None,
    ) -> None:
        """Fail the next ``n`` API requests with ``status``, then clear.

        ``body``: ``"json"`` (the error envelope; ``code`` defaults from the status, e.g.
        ``upstream_error`` for 5xx), ``"html"`` (an nginx-style HTML error page) or ``"empty"``.
        ``retry_after`` (seconds, or an HTTP-date string) sets ``Retry-After`` and, for JSON,
        ``retry_after_seconds``. Calls add up: ``fail_next(1, 503); fail_next(1, 429)`` fails
        the next request with 503 and the one after with 429.
        """
        self._check()
        n = _int("n", n, 0, MAX_COUNT)
        status = _int("status", status, 400, 599)
        body = _choice("body", body, ("json", "html", "empty"))
        if isinstance(retry_after, str):
            if not retry_after.isprintable() or not retry_after.isascii() or len(retry_after) > 64:
                raise FaultParameterError("retry_after", "an HTTP date must be printable ASCII")
        elif retry_after is not None:
            retry_after = _seconds("retry_after", retry_after, 24 * 3600.0)
        fault = RequestFault(
            status=status,
            body=body,
            code=_text("code", code, limit=100),
            message=_text("message", message),
            retry_after=retry_after,
        )
        with self._lock:
            self._failures.extend(dataclasses.replace(fault) for _ in range(n))

    def drop_stream_after(self, k: int, how: str = "reset") -> None:
        """Cut the next stream after ``k`` data frames, before ``[DONE]``; then clear.

        ``how="reset"`` aborts the connection mid-body (the client sees an incomplete chunked
        body); ``how="eof"`` ends the body cleanly but without ``[DONE]``.
        """
        self._check()
        k = _int("k", k, 0, MAX_COUNT)
        how = _choice("how", how, ("reset", "eof"))
        with self._lock:
            self._stream.drop_after = k
            self._stream.drop_how = how

    def stall(self, seconds: float, where: str = "before_first_byte", *, after: int = 1) -> None:
        """Stall once for ``seconds``, then clear.

        ``where="before_first_byte"``: the next API request waits before any response byte
        (headers included). ``where="mid_stream"``: the next stream pauses after ``after``
        data frames, then carries on normally.
        """
        self._check()
        seconds = _seconds("seconds", seconds, MAX_STALL_SECONDS)
        where = _choice("where", where, ("before_first_byte", "mid_stream"))
        after = _int("after", after, 0, MAX_COUNT)
        with self._lock:
            if where == "before_first_byte":
                self._stall_first_byte.append(seconds)
            else:
                self._stream.stall_after = after
                self._stream.stall_seconds = seconds

    def inband_error(
        self,
        code: str = "upstream_error",
        after: int = 1,
        *,
        message: Optional[str] = None,
        status: Optional[int] = None,
    ) -> None:
        """Make the next stream send ``data: {"error": {...}}`` after ``after`` frames; then clear.

        The HTTP status stays 200 (headers were already sent), as production does; the error
        frame is followed by ``data: [DONE]``, so a client that ignores error frames would
        wrongly see a complete stream. ``status`` adds a ``status`` field to the error object.
        """
        self._check()
        code = _text("code", code, optional=False, limit=100) or ""
        after = _int("after", after, 0, MAX_COUNT)
        err: Dict[str, Any] = {
            "code": code,
            "message": _text("message", message) or f"Injected in-band error: {code}.",
        }
        if status is not None:
            err["status"] = _int("status", status, 100, 599)
        with self._lock:
            self._stream.inband_after = after
            self._stream.inband_error = err

    def malformed_frame(self, after: int = 1) -> None:
        """Make the next stream send one frame whose data is not valid JSON; then clear."""
        self._check()
        after = _int("after", after, 0, MAX_COUNT)
        with self._lock:
            self._stream.malformed_after = after

    def crlf(self, enabled: bool = True) -> None:
        """Frame streams with CRLF line ends instead of LF (stays on until turned off)."""
        self._check()
        enabled = _flag("enabled", enabled)
        with self._lock:
            self._stream.crlf = enabled

    def keepalive(self, enabled: bool = True) -> None:
        """Put ``: keep-alive`` comment lines between stream frames (stays on until off)."""
        self._check()
        enabled = _flag("enabled", enabled)
        with self._lock:
            self._stream.keepalive = enabled

    def fragment(self, size: int = 1) -> None:
        """Write streams in pieces of ``size`` bytes, splitting frames and UTF-8 characters
        across network writes (stays on until ``fragment(0)`` or ``reset()``)."""
        self._check()
        size = _int("size", size, 0, 1 << 20)
        with self._lock:
            self._stream.fragment = size

    def reset(self) -> None:
        """Disarm every fault and framing mode."""
        with self._lock:
            self._failures.clear()
            self._stall_first_byte.clear()
            self._stream = StreamPlan()

    def snapshot(self) -> Dict[str, Any]:
        """What is armed right now (for ``GET /_gateway/faults`` and debugging)."""
        with self._lock:
            return {
                "enabled": self.enabled,
                "fail_next": [dataclasses.asdict(f) for f in self._failures],
                "stall_before_first_byte": list(self._stall_first_byte),
                "stream": dataclasses.asdict(self._stream),
            }

    # -- consuming ----------------------------------------------------------------------------

    def take_request_fault(self) -> Optional[RequestFault]:
        """Pop what the next request must suffer (a stall, a failure, or both)."""
        if not self.enabled:
            return None
        with self._lock:
            if not self._failures and not self._stall_first_byte:
                return None
            fault = self._failures.pop(0) if self._failures else RequestFault()
            if self._stall_first_byte:
                fault.stall_seconds = self._stall_first_byte.pop(0)
            return fault

    def take_stream_plan(self) -> StreamPlan:
        """The plan for the stream starting now; one-shot stream faults are cleared."""
        if not self.enabled:
            return StreamPlan()
        with self._lock:
            plan = dataclasses.replace(self._stream)
            self._stream = StreamPlan(
                crlf=plan.crlf, keepalive=plan.keepalive, fragment=plan.fragment
            )
            return plan
