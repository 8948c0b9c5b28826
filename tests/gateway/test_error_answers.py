"""Auth, the error envelope, request ids, API versions, validation and rate limits."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Dict

import httpx
import pytest
from gwkit import client_for

from meshapi.testing import KeyRecord, LocalGateway

CHAT = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}
REQUEST_ID = re.compile(r"^req_[0-9A-HJKMNP-TV-Z]{26}$")


def assert_envelope(response: httpx.Response, status: int, code: str) -> Dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "request_id"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert body["request_id"] == response.headers["x-request-id"]
    error: Dict[str, Any] = body["error"]
    return error


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer rsk_unknown"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer"},
    ],
    ids=["missing", "unknown", "wrong-scheme", "empty"],
)
def test_requests_without_a_valid_key_get_401_unauthorized(
    shared_gateway: LocalGateway, headers: Dict[str, str]
) -> None:
    response = httpx.post(
        f"{shared_gateway.base_url}/v1/chat/completions", json=CHAT, headers=headers
    )
    assert_envelope(response, 401, "unauthorized")


def test_a_suspended_key_gets_403_forbidden(shared_gateway: LocalGateway) -> None:
    shared_gateway.add_key("rsk_suspended_for_test", suspended=True)
    with client_for(shared_gateway, "rsk_suspended_for_test") as client:
        assert_envelope(client.get("/v1/models"), 403, "forbidden")


def test_a_key_without_balance_gets_402_and_spending_drains_the_balance(
    make_gateway: Callable[..., LocalGateway],
) -> None:
    gateway = make_gateway(
        api_keys=[
            KeyRecord(key="rsk_poor", balance_usd=0.0),
            {"key": "rsk_tiny", "balance_usd": 1e-5},
        ]
    )
    with client_for(gateway, "rsk_poor") as client:
        assert_envelope(client.post("/v1/chat/completions", json=CHAT), 402, "spend_limit_exceeded")
    with client_for(gateway, "rsk_tiny") as client:
        big = {**CHAT, "model": "anthropic/claude-opus-4.1"}
        statuses = [client.post("/v1/chat/completions", json=big).status_code for _ in range(5)]
    assert statuses[0] == 200
    assert statuses[-1] == 402


def test_every_response_carries_a_request_id_and_the_api_version(api: httpx.Client) -> None:
    ok = api.get("/v1/models/free")
    failed = api.get("/v1/models/openai/none")
    for response in (ok, failed):
        assert REQUEST_ID.match(response.headers["x-request-id"])
        assert re.match(r"^\d{4}-\d{2}$", response.headers["x-mesh-version"])
    assert ok.headers["x-request-id"] != failed.headers["x-request-id"]


def test_a_client_request_id_is_echoed_and_used_in_the_envelope(api: httpx.Client) -> None:
    response = api.post(
        "/v1/chat/completions", json={"messages": []}, headers={"X-Request-Id": "my-trace-42"}
    )
    assert response.headers["x-request-id"] == "my-trace-42"
    assert response.json()["request_id"] == "my-trace-42"


def test_a_valid_mesh_version_is_echoed(api: httpx.Client) -> None:
    response = api.get("/v1/models/free", headers={"X-Mesh-Version": "2024-06"})
    assert response.status_code == 200
    assert response.headers["x-mesh-version"] == "2024-06"


@pytest.mark.parametrize("version", ["", "2024", "2024-13", "v1", "2024-06-01"])
def test_a_malformed_or_empty_mesh_version_is_400_invalid_api_version(
    api: httpx.Client, version: str
) -> None:
    response = api.get("/v1/models", headers={"X-Mesh-Version": version})
    assert_envelope(response, 400, "invalid_api_version")


def test_unknown_routes_answer_404_detail_like_fastapi(api: httpx.Client) -> None:
    response = api.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    assert "x-request-id" in response.headers


def test_a_wrong_method_answers_405(api: httpx.Client) -> None:
    response = api.delete("/v1/chat/completions")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}


@pytest.mark.parametrize(
    ("content", "loc", "type_"),
    [
        (b"", ["body"], "missing"),
        (b"{not json", ["body", 1], "json_invalid"),
        (b"[1, 2]", ["body"], "model_attributes_type"),
        (b'{"a": "\x80"}', ["body"], "json_invalid"),
    ],
    ids=["empty", "bad-json", "not-an-object", "not-utf8"],
)
def test_unparseable_bodies_are_422_with_details(
    api: httpx.Client, content: bytes, loc: Any, type_: str
) -> None:
    response = api.post(
        "/v1/chat/completions", content=content, headers={"Content-Type": "application/json"}
    )
    error = assert_envelope(response, 422, "validation_error")
    assert error["details"][0]["loc"] == loc
    assert error["details"][0]["type"] == type_


@pytest.mark.parametrize(
    ("body", "loc", "type_"),
    [
        ({"model": "openai/gpt-4o-mini"}, ["body", "messages"], "missing"),
        ({**CHAT, "temperature": "hot"}, ["body", "temperature"], "float_parsing"),
        ({**CHAT, "max_tokens": 0}, ["body", "max_tokens"], "greater_than_equal"),
        (
            {**CHAT, "messages": [{"role": "robot", "content": "x"}]},
            ["body", "messages", 0, "role"],
            "literal_error",
        ),
        (
            {**CHAT, "messages": [{"role": "user", "content": [{"type": "video", "url": "x"}]}]},
            ["body", "messages", 0, "content"],
            None,
        ),
        ({**CHAT, "stop": ["a", "b", "c", "d", "e"]}, ["body", "stop"], "value_error"),
    ],
    ids=[
        "missing-messages",
        "wrong-type",
        "out-of-range",
        "bad-role",
        "bad-part",
        "too-many-stops",
    ],
)
def test_malformed_fields_are_422_with_pydantic_style_details(
    api: httpx.Client, body: Dict[str, Any], loc: Any, type_: Any
) -> None:
    error = assert_envelope(api.post("/v1/chat/completions", json=body), 422, "validation_error")
    details = error["details"]
    assert all(set(d) == {"loc", "msg", "type"} for d in details)
    assert any(
        d["loc"][: len(loc)] == loc and (type_ is None or d["type"] == type_) for d in details
    ), details


def test_the_rpm_limit_gives_429_with_retry_after_and_does_not_count_rejections(
    make_gateway: Callable[..., LocalGateway],
) -> None:
    gateway = make_gateway(rpm=3)
    with client_for(gateway) as client:
        statuses = [client.get("/v1/models/free").status_code for _ in range(3)]
        limited = client.get("/v1/models/free")
        again = client.get("/v1/models/free")
    assert statuses == [200, 200, 200]
    error = assert_envelope(limited, 429, "rate_limit_exceeded")
    wait = int(limited.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert error["retry_after_seconds"] == wait
    assert again.status_code == 429


def test_the_rpd_limit_waits_until_utc_midnight(make_gateway: Callable[..., LocalGateway]) -> None:
    gateway = make_gateway(api_keys=[KeyRecord(key="rsk_daily", rpd=1)])
    with client_for(gateway, "rsk_daily") as client:
        assert client.get("/v1/models/paid").status_code == 200
        limited = client.get("/v1/models/paid")
    error = assert_envelope(limited, 429, "rate_limit_exceeded")
    now = dt.datetime.now(dt.timezone.utc)
    midnight = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    expected = (midnight - now).total_seconds()
    assert abs(int(limited.headers["Retry-After"]) - expected) <= 5
    assert error["retry_after_seconds"] == int(limited.headers["Retry-After"])
    assert "midnight" in error["message"]


def test_per_key_limits_apply_to_their_key_only(make_gateway: Callable[..., LocalGateway]) -> None:
    gateway = make_gateway(api_keys=[{"key": "rsk_slow", "rpm": 1}])
    with client_for(gateway, "rsk_slow") as slow, client_for(gateway) as fast:
        assert slow.get("/v1/models/free").status_code == 200
        assert slow.get("/v1/models/free").status_code == 429
        assert [fast.get("/v1/models/free").status_code for _ in range(3)] == [200, 200, 200]


def test_a_bug_in_a_handler_is_a_500_envelope_and_the_connection_stays_usable(
    make_gateway: Callable[..., LocalGateway], caplog: pytest.LogCaptureFixture
) -> None:
    gateway = make_gateway()

    def broken() -> Any:
        raise RuntimeError("boom")

    gateway.gateway.catalogue.all = broken  # type: ignore[method-assign]
    with client_for(gateway) as client:
        failed = client.get("/v1/models", headers={"X-Request-Id": "trace-500"})
        error = assert_envelope(failed, 500, "upstream_error")
        assert "boom" not in error["message"]
        assert failed.headers["x-request-id"] == "trace-500"
        assert client.get("/v1/models/openai/gpt-4o").status_code == 200
    assert any("unexpected error" in record.getMessage() for record in caplog.records)
