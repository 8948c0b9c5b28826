"""Exit statuses and the one-line error report of the ``meshapi`` command (no I/O).

Every failure the command reports is one line on stderr (``--json`` adds an ``{"error": ...}``
document on stdout), and the exit status says what kind of failure it was.
"""

from __future__ import annotations

from typing import Any, Dict, Optional

from .._errors import (
    APIConnectionError,
    AuthenticationError,
    InternalServerError,
    MeshAPIError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    StreamInterruptedError,
)

__all__ = [
    "EXIT_AUTH",
    "EXIT_CONNECTION",
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_NOT_FOUND",
    "EXIT_OK",
    "EXIT_RATE_LIMIT",
    "EXIT_SERVER",
    "EXIT_STATUS_HELP",
    "EXIT_USAGE",
    "CommandError",
    "UsageError",
    "error_document",
    "error_line",
    "exit_status",
    "redact",
]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_NOT_FOUND = 4
EXIT_RATE_LIMIT = 5
EXIT_SERVER = 6
EXIT_CONNECTION = 7
EXIT_INTERRUPTED = 130

EXIT_STATUS_HELP = """\
exit status:
  0    success
  1    any other error (400, 402, 409, 422, a broken stream, a failed batch...)
  2    usage error: bad arguments, unreadable input file, no API key
  3    authentication or permission refused (401, 403)
  4    not found (404: unknown model, template, file or batch id)
  5    rate limited (429)
  6    server error (5xx)
  7    no answer: connection refused, DNS failure, timeout, a stream cut off
  130  interrupted (Ctrl-C)"""

# Errors the SDK raises before sending anything: the user's configuration is missing or wrong.
_CONFIG_CODES = {"missing_api_key", "invalid_api_key"}


class UsageError(Exception):
    """Bad input from the user (arguments, files): exit status 2, the message as given."""


class CommandError(Exception):
    """The command could not do its job (a wait ran out, a batch failed): exit status 1."""


def exit_status(exc: BaseException) -> int:
    """The exit status for ``exc`` (see :data:`EXIT_STATUS_HELP`)."""
    if isinstance(exc, UsageError):
        return EXIT_USAGE
    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if not isinstance(exc, MeshAPIError):
        return EXIT_ERROR
    if exc.status is None and exc.error_code in _CONFIG_CODES:
        return EXIT_USAGE
    if isinstance(exc, (AuthenticationError, PermissionDeniedError)):
        return EXIT_AUTH
    if isinstance(exc, NotFoundError):
        return EXIT_NOT_FOUND
    if isinstance(exc, RateLimitError):
        return EXIT_RATE_LIMIT
    if isinstance(exc, InternalServerError) or (exc.status or 0) >= 500:
        return EXIT_SERVER
    if isinstance(exc, (APIConnectionError, StreamInterruptedError)):
        return EXIT_CONNECTION
    return EXIT_ERROR


def redact(text: str, secret: Optional[str]) -> str:
    """``text`` with ``secret`` (the API key) masked, wherever it appears."""
    if secret and len(secret) >= 4 and secret in text:
        return text.replace(secret, "rsk_***")
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def error_line(exc: BaseException, secret: Optional[str] = None) -> str:
    """``error: 404 model_not_found: <message> (request_id req_...)`` on one line."""
    if isinstance(exc, MeshAPIError):
        head = " ".join(
            str(part) for part in (exc.status, exc.error_code) if part is not None and part != ""
        )
        text = f"{head}: {exc.message}" if head else exc.message
        if exc.retry_after_seconds is not None:
            text += f" (retry after {exc.retry_after_seconds:g}s)"
        if exc.request_id:
            text += f" (request_id {exc.request_id})"
    else:
        text = str(exc) or type(exc).__name__
    return redact("error: " + _one_line(text), secret)


def error_document(exc: BaseException, secret: Optional[str] = None) -> Dict[str, Any]:
    """The ``--json`` form of an error: ``{"error": {status, code, message, request_id}}``."""
    if isinstance(exc, MeshAPIError):
        body: Dict[str, Any] = {
            "status": exc.status,
            "code": exc.error_code,
            "message": redact(exc.message, secret),
            "request_id": exc.request_id,
        }
        if exc.retry_after_seconds is not None:
            body["retry_after_seconds"] = exc.retry_after_seconds
    else:
        body = {
            "status": None,
            "code": "usage_error" if isinstance(exc, UsageError) else "command_failed",
            "message": redact(str(exc), secret),
            "request_id": None,
        }
    body["exit_status"] = exit_status(exc)
    return {"error": body}
