"""Every failure the SDK reports is a :class:`MeshAPIError`.

Rule: this module does no I/O. It turns what came back (a status, headers, a body that may or
may not be JSON) into the right exception, and it never puts a credential in a message.

The tree::

    MeshAPIError                      every failure; `except MeshAPIError` catches them all
    ├── APIStatusError                the gateway answered with an HTTP error status
    │   ├── BadRequestError           400 (invalid_request, invalid_api_version)
    │   ├── AuthenticationError       401 (unauthorized)
    │   ├── PaymentRequiredError      402 (spend_limit_exceeded)
    │   ├── PermissionDeniedError     403 (forbidden)
    │   ├── NotFoundError             404 (not_found, model_not_found)
    │   ├── ConflictError             409 (conflict)
    │   ├── UnprocessableEntityError  422 (validation_error)
    │   ├── RateLimitError            429 (rate_limit_exceeded, batch_limit_exceeded)
    │   └── InternalServerError       5xx (upstream_error, provider_job_failed, ...)
    ├── APIConnectionError            the request never got an answer (DNS, refused, reset)
    │   └── APITimeoutError           ... because a timeout ran out
    ├── StreamError                   an SSE stream went wrong after it started
    │   └── StreamInterruptedError    EOF before ``[DONE]`` (error_code ``stream_interrupted``)
    ├── InvalidResponseError          a body that does not match its model (``invalid_response``)
    ├── ResponseTooLargeError         an answer passed a size cap of the client
    │                                 (``response_too_large``; ``limit`` names the option)
    ├── InvalidRequestError           a bad call caught before anything was sent (also a
    │                                 ``ValueError`` and a ``TypeError``): a missing or misspelt
    │                                 field, a wrong type, options that contradict each other
    ├── ClientClosedError             a call on a client after ``close()``
    └── RealtimeError                 an ``error`` event on a realtime session
                                      (defined in ``meshapi.resources.realtime``)

An in-band ``{"error": ...}`` frame in a stream raises the class its code maps to (for example
``RateLimitError`` for ``rate_limit_exceeded``), with ``status`` taken from the frame when it has
one and from the code otherwise.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Type

from ._retry import retry_after_in_body

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "ClientClosedError",
    "InvalidRequestError",
    "InvalidResponseError",
    "MeshAPIError",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "StreamError",
    "StreamInterruptedError",
    "UnprocessableEntityError",
    "error_from_payload",
    "error_from_response",
]


class MeshAPIError(Exception):
    """Base class of every error the SDK raises.

    Attributes:
        status: the HTTP status, or ``None`` when no response arrived.
        error_code: the stable code to branch on (``"rate_limit_exceeded"``...).
        request_id: the gateway's ``req_...`` id, when known.
        details: validation items (``[{"loc", "msg", "type"}]``) or per-model failures.
        provider_error: the upstream provider's own error object, when the gateway passed it on.
        provider_code: the upstream provider's error code, when given.
        retry_after_seconds: how long the gateway asked us to wait (429 and some 503s).
        body: the decoded error body (a dict, or the raw text when it was not JSON).
    """

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        error_code: Optional[str] = None,
        request_id: Optional[str] = None,
        details: Optional[List[Any]] = None,
        provider_error: Optional[Dict[str, Any]] = None,
        provider_code: Optional[str] = None,
        retry_after_seconds: Optional[float] = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_code = error_code
        self.request_id = request_id
        self.details = details
        self.provider_error = provider_error
        self.provider_code = provider_code
        self.retry_after_seconds = retry_after_seconds
        self.body = body

    @property
    def code(self) -> Optional[str]:
        """Alias of :attr:`error_code`."""
        return self.error_code

    def __str__(self) -> str:
        head = []
        if self.status is not None:
            head.append(str(self.status))
        if self.error_code:
            head.append(self.error_code)
        text = f"[{' '.join(head)}] {self.message}" if head else self.message
        if self.retry_after_seconds is not None:
            text += f" (retry after {_fmt_seconds(self.retry_after_seconds)}s)"
        if self.request_id:
            text += f" (request_id={self.request_id})"
        return text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, error_code={self.error_code!r}, "
            f"message={self.message!r}, request_id={self.request_id!r})"
        )

    def __reduce__(self) -> Any:
        # Keep the attributes across pickling (multiprocessing, some test runners).
        return (_rebuild, (type(self), self.message, self._state()))

    def _state(self) -> Dict[str, Any]:
        return {
            "status": self.status,
            "error_code": self.error_code,
            "request_id": self.request_id,
            "details": self.details,
            "provider_error": self.provider_error,
            "provider_code": self.provider_code,
            "retry_after_seconds": self.retry_after_seconds,
            "body": self.body,
        }


def _rebuild(cls: Type[MeshAPIError], message: str, state: Dict[str, Any]) -> MeshAPIError:
    err = cls.__new__(cls)
    MeshAPIError.__init__(err, message, **state)
    return err


def _fmt_seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class APIStatusError(MeshAPIError):
    """The gateway answered with an HTTP error status."""


class BadRequestError(APIStatusError):
    """400: the request was malformed (``invalid_request``, ``invalid_api_version``)."""


class AuthenticationError(APIStatusError):
    """401: the key is missing or not valid."""


class PaymentRequiredError(APIStatusError):
    """402: the account's balance is at zero (``spend_limit_exceeded``)."""


class PermissionDeniedError(APIStatusError):
    """403: the key is suspended or may not do this."""


class NotFoundError(APIStatusError):
    """404: the resource or model does not exist."""


class ConflictError(APIStatusError):
    """409: e.g. a template with that name exists already."""


class UnprocessableEntityError(APIStatusError):
    """422: the body did not validate; :attr:`details` lists what was wrong."""


class RateLimitError(APIStatusError):
    """429: a rate limit was hit; :attr:`retry_after_seconds` says how long to wait."""


class InternalServerError(APIStatusError):
    """5xx: the gateway or the provider behind it failed."""


class APIConnectionError(MeshAPIError):
    """No answer arrived: the connection could not be made or was lost before a response."""


class APITimeoutError(APIConnectionError):
    """A timeout (connect, read, write or pool) ran out."""


class StreamError(MeshAPIError):
    """A server-sent event stream could not be read to its end."""


class StreamInterruptedError(StreamError):
    """The stream ended before ``[DONE]``: data was lost (``stream_interrupted``)."""


class InvalidResponseError(MeshAPIError):
    """A response body did not match the shape the SDK expects (``invalid_response``)."""


class ResponseTooLargeError(MeshAPIError):
    """An answer passed one of the client's size caps (``response_too_large``).

    Attributes:
        limit: the option that was exceeded (``"max_response_bytes"``, ``"max_event_bytes"``).
        limit_bytes: its value.
    """

    def __init__(
        self, message: str, *, limit: str = "", limit_bytes: int = 0, **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.limit = limit
        self.limit_bytes = limit_bytes

    def __reduce__(self) -> Any:
        state = {**self._state(), "limit": self.limit, "limit_bytes": self.limit_bytes}
        return (_rebuild_sized, (type(self), self.message, state))


def _rebuild_sized(
    cls: Type[ResponseTooLargeError], message: str, state: Dict[str, Any]
) -> ResponseTooLargeError:
    return cls(message, **state)


# An error keeps at most this much of what the server said: in its message, and in `body` when
# the body was not a JSON object (the body read from the wire is capped by the client's
# max_error_body_bytes before it gets here).
MAX_KEPT_TEXT = 8 * 1024


def clip_text(text: str, limit: int = MAX_KEPT_TEXT) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit} more characters not kept)"


class InvalidRequestError(MeshAPIError, ValueError, TypeError):
    """A bad call, caught before anything was sent (``invalid_request``): a missing or misspelt
    field, a value of the wrong type, arguments that contradict each other, a bad ``base_url``.

    Also a ``ValueError`` and a ``TypeError``, so code written for the built-in errors keeps
    working. :attr:`details` lists each problem as ``{"loc", "msg", "type"}``.
    """

    def __init__(self, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("error_code", "invalid_request")
        super().__init__(message, **kwargs)


class ClientClosedError(MeshAPIError):
    """The client was closed (``close()`` or the end of its ``with`` block) and cannot send."""


_STATUS_CLASSES: Dict[int, Type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}

# Codes that can arrive with no HTTP status (an in-band stream error frame).
_CODE_STATUS: Dict[str, int] = {
    "unauthorized": 401,
    "invalid_api_key": 401,
    "spend_limit_exceeded": 402,
    "insufficient_quota": 402,
    "forbidden": 403,
    "not_found": 404,
    "model_not_found": 404,
    "conflict": 409,
    "validation_error": 422,
    "invalid_request": 400,
    "invalid_api_version": 400,
    "rate_limit_exceeded": 429,
    "batch_limit_exceeded": 429,
    "upstream_error": 502,
    "provider_job_failed": 500,
    "all_models_failed": 502,
    "not_implemented": 501,
}

_DEFAULT_CODES: Dict[int, str] = {
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


def class_for_status(status: Optional[int]) -> Type[MeshAPIError]:
    """The exception class for an HTTP status (``MeshAPIError`` when there is none)."""
    if status is None:
        return MeshAPIError
    if status in _STATUS_CLASSES:
        return _STATUS_CLASSES[status]
    if status >= 500:
        return InternalServerError
    return APIStatusError


def default_code_for_status(status: int) -> str:
    if status in _DEFAULT_CODES:
        return _DEFAULT_CODES[status]
    if status >= 500:
        return "upstream_error"
    return f"http_{status}"


def _summarise_text(text: str, limit: int = 200) -> str:
    """A short one-line excerpt of a non-JSON body (an HTML error page, say)."""
    lowered = text.lower()
    title_start = lowered.find("<title>")
    if title_start != -1:
        title_end = lowered.find("</title>", title_start)
        if title_end != -1:
            title = " ".join(text[title_start + 7 : title_end].split())
            if title:
                return title
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _details_message(details: List[Any], already: str = "") -> str:
    """The validation items as ``field: problem`` (the ``body`` prefix of a location left out),
    each once, and none that ``already`` (the gateway's own message) says."""
    parts: List[str] = []
    for item in details[:5]:
        if isinstance(item, dict):
            loc = item.get("loc")
            if isinstance(loc, (list, tuple)) and len(loc) > 1 and loc[0] == "body":
                loc = loc[1:]
            where = ".".join(str(p) for p in loc) if isinstance(loc, (list, tuple)) else None
            msg = item.get("msg") or item.get("error") or item.get("message")
            model = item.get("model")
            if where and msg:
                parts.append(f"{where}: {msg}")
            elif model and msg:
                parts.append(f"{model}: {msg}")
            elif msg:
                parts.append(str(msg))
    return "; ".join(dict.fromkeys(p for p in parts if p not in already))


def error_from_payload(
    payload: Any,
    *,
    status: Optional[int] = None,
    request_id: Optional[str] = None,
    retry_after_seconds: Optional[float] = None,
    body: Any = None,
) -> MeshAPIError:
    """Build the right error from a decoded JSON error body or in-band frame.

    Understands the MeshAPI envelope ``{"error": {...}, "request_id": ...}``, FastAPI's
    ``{"detail": "..."}`` and ``{"detail": [validation items]}``, and compare's nested
    ``{"detail": {"error": {...}}}``.
    """
    if body is None:
        body = payload
    err_obj: Dict[str, Any] = {}
    top: Mapping[str, Any] = payload if isinstance(payload, Mapping) else {}
    message: Optional[str] = None
    details: Optional[List[Any]] = None

    detail = top.get("detail")
    if isinstance(detail, Mapping) and isinstance(detail.get("error"), Mapping):
        top = detail  # compare's all_models_failed nests the envelope under "detail"
    error = top.get("error")
    if isinstance(error, Mapping):
        err_obj = dict(error)
    elif isinstance(error, str):
        message = error
    elif isinstance(detail, str):
        message = detail
    elif isinstance(detail, list):
        details = detail
    elif isinstance(top.get("message"), str):
        message = top["message"]

    code = err_obj.get("code") if isinstance(err_obj.get("code"), str) else None
    if code is None and isinstance(top.get("code"), str):
        code = top["code"]
    if message is None:
        raw_message = err_obj.get("message")
        message = raw_message if isinstance(raw_message, str) and raw_message else None
    if details is None and isinstance(err_obj.get("details"), list):
        details = err_obj["details"]
    if status is None:
        frame_status = err_obj.get("status", top.get("status"))
        if isinstance(frame_status, int) and not isinstance(frame_status, bool):
            status = frame_status
        elif code is not None:
            status = _CODE_STATUS.get(code)
    if code is None:
        if status is not None:
            code = (
                "validation_error"
                if (status == 422 or details)
                else default_code_for_status(status)
            )
        else:
            code = "unknown_error"
    if message is None:
        summary = _details_message(details) if details else ""
        message = summary or f"request failed with {code}"
    elif details and code == "validation_error":
        # Each problem once: the gateway's message often says the first ones already.
        summary = _details_message(details, already=message)
        if summary:
            message = f"{message}: {summary}"

    rid = top.get("request_id") if isinstance(top.get("request_id"), str) else None
    if rid is None and isinstance(err_obj.get("request_id"), str):
        rid = err_obj["request_id"]
    if rid is None:
        rid = request_id
    retry = retry_after_seconds
    if retry is None:
        retry = retry_after_in_body({**top, "error": err_obj})
    provider_error = err_obj.get("provider_error")
    provider_code = err_obj.get("provider_code")

    cls = class_for_status(status)
    return cls(
        clip_text(message),
        status=status,
        error_code=code,
        request_id=rid,
        details=details,
        provider_error=dict(provider_error) if isinstance(provider_error, Mapping) else None,
        provider_code=provider_code if isinstance(provider_code, str) else None,
        retry_after_seconds=retry,
        body=body,
    )


def error_from_response(
    status: int,
    content: bytes,
    *,
    content_type: str = "",
    request_id: Optional[str] = None,
    retry_after_seconds: Optional[float] = None,
    truncated: bool = False,
) -> MeshAPIError:
    """Build the error for an HTTP error response, whatever its body holds.

    ``truncated``: ``content`` is only the start of a longer body (the client stopped reading at
    ``max_error_body_bytes``)."""
    text = content.decode("utf-8", errors="replace")
    stripped = text.strip()
    if stripped and not truncated:
        try:
            payload = json.loads(stripped)
        except ValueError:
            payload = None
        if isinstance(payload, dict):
            return error_from_payload(
                payload,
                status=status,
                request_id=request_id,
                retry_after_seconds=retry_after_seconds,
            )
    kind = content_type.split(";", 1)[0].strip() or "unknown content type"
    if truncated:
        message = (
            f"HTTP {status} with a body longer than max_error_body_bytes={len(content)} "
            f"({kind}; the rest was not read): {_summarise_text(stripped)}"
        )
    elif stripped:
        message = f"HTTP {status} with a non-JSON body ({kind}): {_summarise_text(stripped)}"
    else:
        message = f"HTTP {status} with an empty body"
    return class_for_status(status)(
        message,
        status=status,
        error_code=default_code_for_status(status),
        request_id=request_id,
        retry_after_seconds=retry_after_seconds,
        body=clip_text(text),
    )
