"""The retry policy, exhaustively: which failures are repeated, and how long we wait."""

from __future__ import annotations

import email.utils

import httpx
import pytest

from meshapi._retry import (
    BACKOFF_MAX,
    backoff_delay,
    decide_after_exception,
    decide_after_status,
    is_retryable_exception,
    parse_retry_after,
    retry_after_from,
)

NOW = 1_700_000_000.0


def decide(status: int, retry_after: float | None = None, **kw: object) -> tuple[bool, float]:
    options = {"attempt": 0, "max_retries": 3, "max_retry_wait": 60.0}
    options.update(kw)
    d = decide_after_status(status, retry_after, rand=lambda: 0.0, **options)  # type: ignore[arg-type]
    return d.retry, d.delay


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_retry_signals_are_retried(status: int) -> None:
    assert decide(status)[0]


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 408, 409, 422, 500, 501, 505])
def test_other_statuses_are_never_retried(status: int) -> None:
    assert decide(status) == (False, 0.0)


def test_500_is_not_retried_because_it_may_start_a_second_paid_job() -> None:
    assert not decide(500, retry_after=1.0)[0]


def test_retry_after_is_used_as_the_delay() -> None:
    assert decide(503, retry_after=2.5) == (True, 2.5)


def test_retry_after_zero_retries_at_once() -> None:
    assert decide(429, retry_after=0.0) == (True, 0.0)


def test_429_asking_longer_than_max_retry_wait_is_not_slept() -> None:
    retry, _ = decide(429, retry_after=3600.0, max_retry_wait=60.0)
    assert not retry


def test_wait_equal_to_max_retry_wait_is_slept() -> None:
    assert decide(429, retry_after=60.0, max_retry_wait=60.0) == (True, 60.0)


def test_retries_stop_after_max_retries() -> None:
    assert decide(503, attempt=2, max_retries=3)[0]
    assert not decide(503, attempt=3, max_retries=3)[0]
    assert not decide(503, attempt=0, max_retries=0)[0]


@pytest.mark.parametrize(
    ("attempt", "expected"),
    [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (5, 16.0), (6, 30.0), (20, 30.0)],
)
def test_backoff_doubles_from_half_a_second_to_thirty(attempt: int, expected: float) -> None:
    assert backoff_delay(attempt, rand=lambda: 0.0) == expected


def test_backoff_jitter_stays_within_three_quarters_and_full() -> None:
    assert backoff_delay(2, rand=lambda: 1.0) == 1.5
    for value in (0.0, 0.3, 0.99):
        assert 1.5 <= backoff_delay(2, rand=lambda v=value: v) <= 2.0
    assert backoff_delay(100, rand=lambda: 0.5) <= BACKOFF_MAX


def test_status_without_retry_after_uses_backoff() -> None:
    assert decide(502, attempt=1) == (True, 1.0)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("0", 0.0),
        ("5", 5.0),
        ("1.5", 1.5),
        (" 7 ", 7.0),
        ("", None),
        ("soon", None),
        ("-3", None),
        ("nan", None),
        ("inf", None),
    ],
)
def test_parse_retry_after_seconds(header: str, expected: float | None) -> None:
    assert parse_retry_after(header, NOW) == expected


def test_parse_retry_after_http_date() -> None:
    header = email.utils.formatdate(NOW + 90, usegmt=True)
    assert parse_retry_after(header, NOW) == pytest.approx(90.0)


def test_parse_retry_after_date_in_the_past_is_zero() -> None:
    header = email.utils.formatdate(NOW - 90, usegmt=True)
    assert parse_retry_after(header, NOW) == 0.0


def test_parse_retry_after_none() -> None:
    assert parse_retry_after(None, NOW) is None


def test_retry_after_prefers_the_header_over_the_body() -> None:
    body = {"error": {"code": "rate_limit_exceeded", "retry_after_seconds": 30}}
    assert retry_after_from({"retry-after": "2"}, body, NOW) == 2.0
    assert retry_after_from({}, body, NOW) == 30.0
    assert retry_after_from({}, {"retry_after_seconds": 4}, NOW) == 4.0
    assert retry_after_from({}, {"error": {"retry_after_seconds": True}}, NOW) is None
    assert retry_after_from({}, "not json", NOW) is None


_REQ = httpx.Request("POST", "http://x")


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused", request=_REQ),
        httpx.ConnectTimeout("slow", request=_REQ),
        httpx.PoolTimeout("busy", request=_REQ),
        httpx.WriteError("broken pipe", request=_REQ),
        httpx.RemoteProtocolError("Server disconnected without sending a response.", request=_REQ),
        # A reset while waiting for the response headers (the send itself failed: no answer
        # arrived, and the Idempotency-Key makes the repeat safe).
        httpx.ReadError("[Errno 104] Connection reset by peer", request=_REQ),
    ],
    ids=lambda e: type(e).__name__,
)
def test_failures_before_any_answer_are_retried(exc: Exception) -> None:
    assert is_retryable_exception(exc)
    decision = decide_after_exception(exc, attempt=0, max_retries=2, rand=lambda: 0.0)
    assert decision.retry and decision.delay == 0.5


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("slow", request=_REQ),
        httpx.RemoteProtocolError(
            "peer closed connection without sending complete message body", request=_REQ
        ),
        ValueError("not a transport error"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_failures_after_the_server_may_have_acted_are_not_retried(exc: Exception) -> None:
    assert not is_retryable_exception(exc)
    assert not decide_after_exception(exc, attempt=0, max_retries=2).retry


def test_exception_retries_stop_after_max_retries() -> None:
    exc = httpx.ConnectError("refused", request=_REQ)
    assert not decide_after_exception(exc, attempt=2, max_retries=2).retry


def test_compare_all_models_failed_for_permanent_reasons_is_not_retried() -> None:
    details = [
        {"model": "a/x", "error": "no such model", "error_code": "model_not_found"},
        {"model": "b/y", "error": "bad", "error_code": "validation_error"},
    ]
    assert not decide(502, error_code="all_models_failed", details=details)[0]


def test_compare_all_models_failed_with_a_transient_cause_is_retried() -> None:
    details = [
        {"model": "a/x", "error": "no such model", "error_code": "model_not_found"},
        {"model": "b/y", "error": "provider down", "error_code": "upstream_error"},
    ]
    assert decide(502, error_code="all_models_failed", details=details)[0]
    assert decide(502, error_code="all_models_failed", details=None)[0]
    assert decide(502, error_code="upstream_error", details=details)[0]
