"""Fault injection: in-process control, HTTP admin endpoints, and what each fault does."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple

import httpx
import pytest
from gwkit import client_for, parse_sse

from meshapi.testing import FaultsDisabledError, LocalGateway

CHAT = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "Count to 20"}]}
STREAM = {**CHAT, "stream": True}


def raw_stream(
    client: httpx.Client, body: Dict[str, Any] = STREAM, path: str = "/v1/chat/completions"
) -> str:
    with client.stream("POST", path, json=body) as response:
        assert response.status_code == 200
        return response.read().decode()


def content_of(text: str) -> str:
    """The streamed reply text (content deltas joined)."""
    chunks = [json.loads(data) for _, data in parse_sse(text) if data != "[DONE]"]
    return "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])


def frames_until_failure(
    client: httpx.Client, body: Dict[str, Any] = STREAM
) -> Tuple[List[str], Exception]:
    """Data frames received before the stream raised."""
    received = ""
    with (
        pytest.raises(httpx.HTTPError) as info,
        client.stream("POST", "/v1/chat/completions", json=body) as response,
    ):
        for text in response.iter_text():
            received += text
    return [data for _, data in parse_sse(received)], info.value


def test_fail_next_fails_that_many_requests_with_status_and_retry_after(
    faulty: LocalGateway,
) -> None:
    faulty.faults.fail_next(2, status=503, retry_after=2)
    with client_for(faulty) as client:
        first, second, third = (client.post("/v1/chat/completions", json=CHAT) for _ in range(3))
    for response in (first, second):
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "2"
        body = response.json()
        assert body["error"]["code"] == "upstream_error"
        assert body["error"]["retry_after_seconds"] == 2
        assert body["request_id"] == response.headers["x-request-id"]
    assert third.status_code == 200


def test_fail_next_calls_queue_up_in_order(faulty: LocalGateway) -> None:
    faulty.faults.fail_next(1, status=429, retry_after=1)
    faulty.faults.fail_next(1, status=504)
    with client_for(faulty) as client:
        statuses = [client.get("/v1/models/free").status_code for _ in range(3)]
    assert statuses == [429, 504, 200]


def test_an_html_error_page_and_an_empty_body(faulty: LocalGateway) -> None:
    faulty.faults.fail_next(1, status=502, body="html")
    faulty.faults.fail_next(
        1, status=503, body="empty", retry_after="Wed, 21 Oct 2037 07:28:00 GMT"
    )
    with client_for(faulty) as client:
        html = client.get("/v1/models")
        empty = client.get("/v1/models")
    assert html.status_code == 502
    assert html.headers["content-type"].startswith("text/html")
    assert "<h1>502 Bad Gateway</h1>" in html.text
    assert empty.status_code == 503 and empty.content == b""
    assert empty.headers["Retry-After"] == "Wed, 21 Oct 2037 07:28:00 GMT"


def test_request_faults_fire_before_authentication(faulty: LocalGateway) -> None:
    faulty.faults.fail_next(1, status=503)
    with client_for(faulty, "rsk_not_a_key") as client:
        assert client.get("/v1/models").status_code == 503
        assert client.get("/v1/models").status_code == 401


def test_a_stall_before_the_first_byte_times_the_client_out_once(faulty: LocalGateway) -> None:
    faulty.faults.stall(1.5, where="before_first_byte")
    with client_for(faulty, timeout=httpx.Timeout(5, read=0.3)) as client:
        with pytest.raises(httpx.ReadTimeout):
            client.post("/v1/chat/completions", json=CHAT)
        assert client.post("/v1/chat/completions", json=CHAT).status_code == 200


def test_a_mid_stream_stall_times_out_after_the_first_frames(faulty: LocalGateway) -> None:
    faulty.faults.stall(1.5, where="mid_stream", after=2)
    with client_for(faulty, timeout=httpx.Timeout(5, read=0.3)) as client:
        frames, error = frames_until_failure(client)
    assert isinstance(error, httpx.ReadTimeout)
    assert len(frames) == 2


def test_a_dropped_connection_cuts_the_stream_after_k_frames(faulty: LocalGateway) -> None:
    faulty.faults.drop_stream_after(3)
    with client_for(faulty) as client:
        frames, error = frames_until_failure(client)
        assert isinstance(error, httpx.RemoteProtocolError)
        assert len(frames) == 3 and "[DONE]" not in frames
        assert raw_stream(client).rstrip().endswith("data: [DONE]")


def test_an_eof_drop_ends_the_body_cleanly_without_done(faulty: LocalGateway) -> None:
    faulty.faults.drop_stream_after(4, how="eof")
    with client_for(faulty) as client:
        frames = [data for _, data in parse_sse(raw_stream(client))]
    assert len(frames) == 4
    assert "[DONE]" not in frames


def test_an_in_band_error_frame_follows_k_frames_then_done(faulty: LocalGateway) -> None:
    faulty.faults.inband_error("rate_limit_exceeded", after=2, status=429, message="slow down")
    with client_for(faulty) as client:
        frames = [data for _, data in parse_sse(raw_stream(client))]
    assert len(frames) == 4
    assert json.loads(frames[2]) == {
        "error": {"code": "rate_limit_exceeded", "message": "slow down", "status": 429}
    }
    assert frames[3] == "[DONE]"


def test_a_malformed_frame_is_not_json_and_the_stream_goes_on(faulty: LocalGateway) -> None:
    faulty.faults.malformed_frame(after=1)
    with client_for(faulty) as client:
        frames = [data for _, data in parse_sse(raw_stream(client))]
    with pytest.raises(json.JSONDecodeError):
        json.loads(frames[1])
    assert json.loads(frames[0])["object"] == "chat.completion.chunk"
    assert frames[-1] == "[DONE]"


def test_crlf_framing_stays_on_until_switched_off(faulty: LocalGateway) -> None:
    faulty.faults.crlf(True)
    with client_for(faulty) as client:
        first, second = raw_stream(client), raw_stream(client)
        faulty.faults.crlf(False)
        third = raw_stream(client)
    for text in (first, second):
        assert "\r\n\r\n" in text
        assert "\n" not in text.replace("\r\n", "")
    assert "\r" not in third
    assert (
        content_of(first)
        == content_of(third)
        == "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20."
    )


def test_keepalive_comments_and_fragmented_writes_keep_the_same_events(
    faulty: LocalGateway,
) -> None:
    body = {**STREAM, "messages": [{"role": "user", "content": "Say héllo wörld ✓"}]}
    with client_for(faulty) as client:
        faulty.faults.keepalive(True)
        faulty.faults.fragment(3)
        odd = raw_stream(client, body)
        faulty.faults.reset()
        plain = raw_stream(client, body)
    assert ": keep-alive" in odd and ": keep-alive" not in plain
    assert content_of(odd) == content_of(plain) == "Héllo wörld ✓."
    assert parse_sse(odd)[-1] == (None, "[DONE]")


def test_stream_faults_also_hit_responses_streams(faulty: LocalGateway) -> None:
    faulty.faults.drop_stream_after(2, how="eof")
    with client_for(faulty) as client:
        text = raw_stream(
            client, {"model": "openai/gpt-4o-mini", "input": "Hi", "stream": True}, "/v1/responses"
        )
    frames = parse_sse(text)
    assert [name for name, _ in frames] == ["response.created", "response.in_progress"]


def test_one_shot_stream_faults_clear_after_one_stream(faulty: LocalGateway) -> None:
    faulty.faults.drop_stream_after(1, how="eof")
    with client_for(faulty) as client:
        assert "[DONE]" not in raw_stream(client)
        assert raw_stream(client).rstrip().endswith("[DONE]")
    assert faulty.faults.snapshot()["stream"]["drop_after"] is None


def test_reset_disarms_everything(faulty: LocalGateway) -> None:
    faulty.faults.fail_next(5)
    faulty.faults.inband_error()
    faulty.faults.crlf()
    faulty.faults.reset()
    with client_for(faulty) as client:
        assert client.get("/v1/models/free").status_code == 200
        assert "\r" not in raw_stream(client)


@pytest.mark.parametrize(
    ("call", "kwargs"),
    [
        ("fail_next", {"n": -1}),
        ("fail_next", {"status": 200}),
        ("fail_next", {"body": "xml"}),
        ("drop_stream_after", {"k": 1, "how": "explode"}),
        ("stall", {"seconds": 1, "where": "later"}),
        ("fragment", {"size": -2}),
    ],
)
def test_bad_fault_arguments_raise_value_error(
    faulty: LocalGateway, call: str, kwargs: Dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        getattr(faulty.faults, call)(**kwargs)


def test_faults_are_refused_when_not_enabled(shared_gateway: LocalGateway) -> None:
    with pytest.raises(FaultsDisabledError, match="faults_enabled=True"):
        shared_gateway.faults.fail_next(1)
    response = httpx.post(
        f"{shared_gateway.base_url}/_gateway/faults/fail_next",
        headers={"Authorization": f"Bearer {shared_gateway.api_key}"},
        json={"n": 1},
    )
    assert response.status_code == 404


# -- HTTP admin endpoints ------------------------------------------------------------------------


def test_the_admin_api_arms_inspects_and_resets_faults(faulty: LocalGateway) -> None:
    with client_for(faulty) as client:
        armed = client.post(
            "/_gateway/faults/fail_next", json={"n": 1, "status": 429, "retry_after": 7}
        )
        assert armed.status_code == 200
        assert armed.json()["fail_next"][0]["status"] == 429
        limited = client.get("/v1/models/free")
        assert limited.status_code == 429 and limited.headers["Retry-After"] == "7"
        assert client.post("/_gateway/faults/drop_stream_after", json={"k": 2}).status_code == 200
        assert client.get("/_gateway/faults").json()["stream"]["drop_after"] == 2
        assert client.post("/_gateway/faults/crlf").status_code == 200
        assert (
            client.delete("/_gateway/faults").json()["stream"]
            == client.get("/_gateway/faults").json()["stream"]
        )
        state = client.get("/_gateway/faults").json()
        assert (
            state["fail_next"] == []
            and state["stream"]["drop_after"] is None
            and not state["stream"]["crlf"]
        )
        assert client.post("/_gateway/faults/reset").status_code == 200


def test_the_admin_api_rejects_bad_requests(faulty: LocalGateway) -> None:
    with client_for(faulty) as client:
        assert client.post("/_gateway/faults/explode").status_code == 404
        bad_args = client.post("/_gateway/faults/fail_next", json={"colour": "red"})
        assert (
            bad_args.status_code == 422 and bad_args.json()["error"]["code"] == "validation_error"
        )
        assert client.post("/_gateway/faults/fail_next", json={"status": 99}).status_code == 422
    assert httpx.get(f"{faulty.base_url}/_gateway/faults").status_code == 401
    health = httpx.get(f"{faulty.base_url}/_gateway/health").json()
    assert health["status"] == "ok" and health["faults_enabled"] is True
