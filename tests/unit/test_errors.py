"""Error mapping: every body shape the gateway (or a proxy before it) sends gives a clear error."""

from __future__ import annotations

import json
import pickle

import pytest

from meshapi import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    MeshAPIError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from meshapi._errors import error_from_payload, error_from_response


def envelope(code: str, message: str = "boom", **extra: object) -> bytes:
    return json.dumps(
        {"error": {"code": code, "message": message, **extra}, "request_id": "req_B"}
    ).encode()


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, "invalid_request", BadRequestError),
        (400, "invalid_api_version", BadRequestError),
        (401, "unauthorized", AuthenticationError),
        (402, "spend_limit_exceeded", PaymentRequiredError),
        (403, "forbidden", PermissionDeniedError),
        (404, "model_not_found", NotFoundError),
        (409, "conflict", ConflictError),
        (422, "validation_error", UnprocessableEntityError),
        (429, "rate_limit_exceeded", RateLimitError),
        (500, "provider_job_failed", InternalServerError),
        (501, "not_implemented", InternalServerError),
        (502, "upstream_error", InternalServerError),
        (418, "teapot", APIStatusError),
    ],
)
def test_envelope_maps_status_to_class_and_keeps_code(status: int, code: str, cls: type) -> None:
    err = error_from_response(status, envelope(code), content_type="application/json")
    assert type(err) is cls
    assert isinstance(err, MeshAPIError)
    assert (err.status, err.error_code, err.message, err.request_id) == (
        status,
        code,
        "boom",
        "req_B",
    )


def test_envelope_carries_details_provider_error_and_retry_after() -> None:
    body = envelope(
        "rate_limit_exceeded",
        "slow down",
        retry_after_seconds=12,
        details=[{"loc": ["body"], "msg": "x", "type": "y"}],
        provider_error={"type": "overloaded"},
        provider_code="529",
    )
    err = error_from_response(429, body)
    assert err.retry_after_seconds == 12.0
    assert err.details == [{"loc": ["body"], "msg": "x", "type": "y"}]
    assert err.provider_error == {"type": "overloaded"}
    assert err.provider_code == "529"


def test_header_retry_after_wins_over_body() -> None:
    err = error_from_response(
        429, envelope("rate_limit_exceeded", retry_after_seconds=12), retry_after_seconds=3.0
    )
    assert err.retry_after_seconds == 3.0


def test_request_id_from_body_then_header() -> None:
    assert error_from_response(404, envelope("not_found"), request_id="req_H").request_id == "req_B"
    body = json.dumps({"error": {"code": "not_found", "message": "x"}}).encode()
    assert error_from_response(404, body, request_id="req_H").request_id == "req_H"


def test_fastapi_detail_string() -> None:
    err = error_from_response(404, b'{"detail": "Model not found"}', request_id="req_H")
    assert isinstance(err, NotFoundError)
    assert (err.error_code, err.message, err.request_id) == (
        "not_found",
        "Model not found",
        "req_H",
    )


def test_fastapi_validation_detail_list() -> None:
    detail = [{"loc": ["body", "messages"], "msg": "Field required", "type": "missing"}]
    err = error_from_response(422, json.dumps({"detail": detail}).encode())
    assert isinstance(err, UnprocessableEntityError)
    assert err.error_code == "validation_error"
    assert err.details == detail
    assert err.message == "messages: Field required"


def test_validation_error_message_lists_the_fields() -> None:
    body = envelope(
        "validation_error",
        "Invalid body",
        details=[{"loc": ["body", "model"], "msg": "bad", "type": "t"}],
    )
    err = error_from_response(422, body)
    assert err.message == "Invalid body: model: bad"


def test_a_422_message_says_each_problem_once() -> None:
    # The gateway's message names the first problem already; the details repeat it.
    body = envelope(
        "validation_error",
        "Invalid request body: temperature: Input should be less than or equal to 2",
        details=[
            {"loc": ["body", "temperature"], "msg": "Input should be less than or equal to 2"},
            {"loc": ["body", "top_p"], "msg": "Input should be less than or equal to 1"},
            {"loc": ["body", "top_p"], "msg": "Input should be less than or equal to 1"},
        ],
    )
    err = error_from_response(422, body)
    assert err.message == (
        "Invalid request body: temperature: Input should be less than or equal to 2: "
        "top_p: Input should be less than or equal to 1"
    )


def test_compare_all_models_failed_nested_envelope() -> None:
    body = {
        "detail": {
            "error": {
                "code": "all_models_failed",
                "message": "All models failed",
                "details": [
                    {"model": "a/x", "error": "timeout", "error_code": "upstream_error"},
                    {"model": "b/y", "error": "no such model", "error_code": "model_not_found"},
                ],
            },
            "request_id": "req_C",
        }
    }
    err = error_from_response(502, json.dumps(body).encode())
    assert isinstance(err, InternalServerError)
    assert (err.error_code, err.request_id) == ("all_models_failed", "req_C")
    assert err.details is not None and [d["model"] for d in err.details] == ["a/x", "b/y"]


def test_html_error_page_from_a_proxy() -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>"
    err = error_from_response(502, page, content_type="text/html", request_id="req_H")
    assert isinstance(err, InternalServerError)
    assert err.error_code == "upstream_error"
    assert "502 Bad Gateway" in err.message and "text/html" in err.message
    assert err.request_id == "req_H"


def test_empty_body() -> None:
    err = error_from_response(503, b"")
    assert (err.status, err.error_code) == (503, "upstream_error")
    assert "empty body" in err.message


def test_json_that_is_not_an_object() -> None:
    err = error_from_response(500, b'"oops"', content_type="application/json")
    assert err.status == 500 and "oops" in err.message


def test_long_plain_text_body_is_shortened() -> None:
    err = error_from_response(500, b"x" * 5000)
    assert len(err.message) < 300


def test_inband_frame_without_status_takes_status_from_code() -> None:
    err = error_from_payload(
        {"error": {"code": "rate_limit_exceeded", "message": "m"}}, request_id="req_S"
    )
    assert isinstance(err, RateLimitError)
    assert (err.status, err.request_id) == (429, "req_S")


def test_inband_frame_with_unknown_code_is_a_plain_meshapi_error() -> None:
    err = error_from_payload({"error": {"code": "weird", "message": "m"}})
    assert type(err) is MeshAPIError and err.error_code == "weird"


def test_inband_frame_with_string_error() -> None:
    err = error_from_payload({"error": "something broke"})
    assert err.message == "something broke" and err.error_code == "unknown_error"


def test_str_names_status_code_message_and_request_id() -> None:
    err = error_from_response(
        429, envelope("rate_limit_exceeded", "Too many", retry_after_seconds=7)
    )
    text = str(err)
    for part in ("429", "rate_limit_exceeded", "Too many", "req_B", "7"):
        assert part in text


def test_repr_is_informative() -> None:
    err = error_from_response(404, envelope("not_found"))
    assert (
        repr(err)
        == "NotFoundError(status=404, error_code='not_found', message='boom', request_id='req_B')"
    )


def test_errors_survive_pickling() -> None:
    err = error_from_response(429, envelope("rate_limit_exceeded", retry_after_seconds=3))
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is RateLimitError
    assert (copy.status, copy.error_code, copy.retry_after_seconds, copy.request_id) == (
        429,
        "rate_limit_exceeded",
        3.0,
        "req_B",
    )


def test_code_is_an_alias_of_error_code() -> None:
    assert error_from_response(404, envelope("not_found")).code == "not_found"
