"""Retry policy: should this failure be retried, and after how long? No I/O.

Rule 1: only what is safe to repeat is repeated. 429 (when the wait it asks for is short), 502,
503 and 504 are the gateway's retry signals, and so are failures that happened before any answer
arrived: connect errors, pool timeouts, a write that failed, and a connection closed or reset
after the request was sent but before the response headers (every POST carries an
``Idempotency-Key``, the same on every attempt, so the gateway runs it once).
500 is never retried: the gateway answers ``provider_job_failed`` with 500 precisely because a
repeat could start a second paid job. No other 4xx is retried.
Rule 2: a stream is retried like any request until its first event: a 429/502/503/504 status
comes before any event, so nothing was delivered. Once the stream is under way it is never
repeated (a cut raises ``StreamInterruptedError``): items already handed out cannot be unsent.
Rule 3: the wait is the server's ``Retry-After`` (seconds or an HTTP date), else the body's
``retry_after_seconds``, else exponential backoff from 0.5 s doubling to 30 s with jitter. A wait
longer than ``max_retry_wait`` (an RPD limit asks for hours) is not slept: the error is raised at
once with ``retry_after_seconds`` set, and the caller decides.
"""

from __future__ import annotations

import email.utils
import random
from typing import Any, Callable, Mapping, Optional

import httpx

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_MAX",
    "RETRY_STATUSES",
    "RetryDecision",
    "backoff_delay",
    "decide_after_exception",
    "decide_after_status",
    "is_permanent_failure",
    "is_retryable_exception",
    "parse_retry_after",
    "retry_after_from",
    "retry_after_in_body",
    "retry_after_seconds",
]

BACKOFF_BASE = 0.5
BACKOFF_MAX = 30.0
RETRY_STATUSES = frozenset({429, 502, 503, 504})


class RetryDecision:
    """What to do after a failed attempt: retry after ``delay`` seconds, or give up."""

    __slots__ = ("delay", "reason", "retry")

    def __init__(self, retry: bool, delay: float = 0.0, reason: str = "") -> None:
        self.retry = retry
        self.delay = delay
        self.reason = reason

    def __repr__(self) -> str:
        return f"RetryDecision(retry={self.retry}, delay={self.delay:.3f}, reason={self.reason!r})"


def retry_after_seconds(value: Any) -> Optional[float]:
    """A wait in seconds as the server wrote it (a number, or a string holding one), or ``None``
    when it is not one: negative, NaN, infinite, a bool, or not a number at all.

    The one parser of a delay in seconds: the ``Retry-After`` header, the error body's
    ``retry_after_seconds`` and the realtime handshake all go through it.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, (int, float)):
        return None
    try:
        seconds = float(value)
    except OverflowError:  # an int too large for a float
        return None
    if seconds != seconds or seconds < 0 or seconds == float("inf"):  # NaN, negative, inf
        return None
    return seconds


def parse_retry_after(value: Optional[str], now: float) -> Optional[float]:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date.

    ``now`` is the current Unix time (passed in so this stays pure). Negative or unparseable
    values give ``None``; a date in the past gives ``0.0``.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        float(value)
    except ValueError:
        pass  # not a number of seconds: perhaps an HTTP date
    else:
        return retry_after_seconds(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


def retry_after_in_body(body: Any) -> Optional[float]:
    """The error body's ``retry_after_seconds`` (in its ``error`` object, else at the top level),
    read with :func:`retry_after_seconds`; ``None`` when absent or not a usable wait."""
    if not isinstance(body, Mapping):
        return None
    for holder in (body.get("error"), body):
        if isinstance(holder, Mapping) and "retry_after_seconds" in holder:
            return retry_after_seconds(holder["retry_after_seconds"])
    return None


def retry_after_from(headers: Mapping[str, str], body: Any, now: float) -> Optional[float]:
    """The wait the server asked for: the header first, then the body's ``retry_after_seconds``."""
    from_header = parse_retry_after(headers.get("retry-after"), now)
    if from_header is not None:
        return from_header
    return retry_after_in_body(body)


def backoff_delay(attempt: int, rand: Callable[[], float] = random.random) -> float:
    """Exponential backoff for retry number ``attempt`` (0 for the first retry), with jitter.

    The delay is ``min(0.5 * 2**attempt, 30)`` scaled by a random factor in [0.75, 1.0], so that
    many clients that failed together do not come back together.
    """
    base = min(BACKOFF_BASE * (2.0 ** max(0, attempt)), BACKOFF_MAX)
    return base * (1.0 - 0.25 * rand())


# Per-model failure codes that a repeat of the same request cannot fix.
_PERMANENT_CODES = frozenset(
    {
        "model_not_found",
        "not_found",
        "validation_error",
        "invalid_request",
        "unauthorized",
        "forbidden",
        "spend_limit_exceeded",
        "not_implemented",
        "provider_job_failed",
    }
)


def is_permanent_failure(error_code: Optional[str], details: Any) -> bool:
    """A compare 502 ``all_models_failed`` whose every model failed for a permanent reason
    (unknown model, bad request...): the status is a retry signal, the cause is not."""
    if error_code != "all_models_failed" or not isinstance(details, list) or not details:
        return False
    return all(
        isinstance(item, Mapping) and item.get("error_code") in _PERMANENT_CODES for item in details
    )


def decide_after_status(
    status: int,
    retry_after: Optional[float],
    *,
    attempt: int,
    max_retries: int,
    max_retry_wait: float,
    error_code: Optional[str] = None,
    details: Any = None,
    rand: Callable[[], float] = random.random,
) -> RetryDecision:
    """Decide after an HTTP error status. ``attempt`` counts the retries already made.

    Streams and plain calls are decided alike: an error status arrives before any event."""
    if status not in RETRY_STATUSES:
        return RetryDecision(False, reason=f"status {status} is not retried")
    if is_permanent_failure(error_code, details):
        return RetryDecision(False, reason="every model failed for a reason a retry cannot fix")
    if attempt >= max_retries:
        return RetryDecision(False, reason=f"gave up after {attempt} retries")
    if retry_after is not None:
        if retry_after > max_retry_wait:
            return RetryDecision(
                False, reason=f"server asked to wait {retry_after:g}s > max_retry_wait"
            )
        return RetryDecision(True, retry_after, reason=f"status {status}, Retry-After")
    return RetryDecision(True, backoff_delay(attempt, rand), reason=f"status {status}, backoff")


# Failures where the request cannot have reached the application: safe to repeat.
_RETRYABLE_EXCEPTIONS = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


def is_retryable_exception(exc: BaseException) -> bool:
    """Whether a transport exception raised while sending (before the response headers) may be
    retried.

    Connect failures and failed writes, and a connection the server closed ("Server disconnected
    without sending a response") or reset (``ReadError``, ``ConnectionResetError`` underneath)
    before any answer: no answer arrived, and the request's ``Idempotency-Key`` makes a repeat
    safe even if the server had started on it. A read timeout is NOT retried: the server may
    still be executing the request, and a repeat would only wait again.
    """
    if isinstance(exc, _RETRYABLE_EXCEPTIONS):
        return True
    if isinstance(exc, httpx.RemoteProtocolError):
        return "without sending a response" in str(exc).lower()
    return isinstance(exc, (httpx.WriteError, httpx.ReadError))


def decide_after_exception(
    exc: BaseException,
    *,
    attempt: int,
    max_retries: int,
    rand: Callable[[], float] = random.random,
) -> RetryDecision:
    """Decide after a transport exception raised before any response arrived (the caller only
    asks about failures of the send itself, never of reading a body or a stream)."""
    if not is_retryable_exception(exc):
        return RetryDecision(False, reason=f"{type(exc).__name__} is not retried")
    if attempt >= max_retries:
        return RetryDecision(False, reason=f"gave up after {attempt} retries")
    return RetryDecision(True, backoff_delay(attempt, rand), reason=type(exc).__name__)
