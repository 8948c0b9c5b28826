"""Fault parameters are validated like any input: 422 naming the field, nothing armed."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from gwkit import client_for

from meshapi.testing import LocalGateway
from meshapi.testing._core.faults import FaultParameterError

BAD = [
    ("stall", b'{"seconds": NaN}', "seconds"),
    ("stall", b'{"seconds": 1e308}', "seconds"),
    ("stall", b'{"seconds": -1}', "seconds"),
    ("stall", b'{"seconds": "1"}', "seconds"),
    ("stall", b'{"seconds": 1, "where": "mid_stream", "after": -1}', "after"),
    ("stall", b'{"seconds": 1, "where": "nowhere"}', "where"),
    ("fail_next", b'{"n": 1000000000}', "n"),
    ("fail_next", b'{"n": 1.5}', "n"),
    ("fail_next", b'{"n": 1, "status": 200}', "status"),
    ("fail_next", b'{"n": 1, "retry_after": 1e999}', "retry_after"),
    ("fail_next", b'{"n": 1, "retry_after": "a\\nb"}', "retry_after"),
    ("fail_next", b'{"n": 1, "code": 5}', "code"),
    ("drop_stream_after", b'{"k": -3}', "k"),
    ("inband_error", b'{"after": 1, "status": 9999}', "status"),
    ("malformed_frame", b'{"after": true}', "after"),
    ("fragment", b'{"size": 1e9}', "size"),
    ("crlf", b'{"enabled": "yes"}', "enabled"),
]


@pytest.mark.parametrize(("action", "raw", "field"), BAD)
def test_bad_fault_parameters_are_422_and_arm_nothing(
    faulty: LocalGateway, action: str, raw: bytes, field: str
) -> None:
    with client_for(faulty) as client:
        before = client.get("/_gateway/faults").json()
        response = client.post(
            f"/_gateway/faults/{action}", content=raw, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"][0]["loc"] == ["body", field]
        assert client.get("/_gateway/faults").json() == before
        # The next request is not stalled or failed by a half-armed fault.
        assert client.get("/v1/models").status_code == 200


@pytest.mark.parametrize(
    ("action", "kwargs"),
    [
        ("stall", {"seconds": float("nan")}),
        ("stall", {"seconds": float("inf")}),
        ("fail_next", {"n": -1}),
    ],
)
def test_the_python_api_refuses_the_same(
    faulty: LocalGateway, action: str, kwargs: Dict[str, Any]
) -> None:
    with pytest.raises(FaultParameterError):
        getattr(faulty.faults, action)(**kwargs)
    assert faulty.faults.take_request_fault() is None
