"""``Idempotency-Key``: the same POST again replays the first answer and runs nothing twice."""

from __future__ import annotations

import secrets
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import httpx
import pytest
from gwkit import client_for

from meshapi.testing import LocalGateway

CHAT = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hello"}]}


@pytest.fixture(scope="module")
def gateway() -> Iterator[LocalGateway]:
    with LocalGateway(faults_enabled=True, options={"batch_step_delay": 0}) as gw:
        yield gw


@pytest.fixture
def tenant(gateway: LocalGateway) -> Iterator[httpx.Client]:
    """A client with a fresh API key (its own tenant and balance)."""
    gateway.faults.reset()
    key = "rsk_" + secrets.token_hex(12)
    gateway.add_key(key, owner="usr_" + secrets.token_hex(4))
    with client_for(gateway, key) as client:
        yield client
    gateway.faults.reset()


def _balance(gateway: LocalGateway, client: httpx.Client) -> float:
    key = client.headers["Authorization"].split()[1]
    return gateway.gateway.keys[key].balance_usd


def _idem(key: str) -> Dict[str, str]:
    return {"Idempotency-Key": key}


def test_the_same_request_again_replays_the_first_answer_without_running_it(
    gateway: LocalGateway, tenant: httpx.Client
) -> None:
    first = tenant.post("/v1/templates", json={"name": "once"}, headers=_idem("k1"))
    assert first.status_code == 201
    again = tenant.post("/v1/templates", json={"name": "once"}, headers=_idem("k1"))
    assert again.status_code == 201, again.text
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["content-type"] == first.headers["content-type"]
    own = [t for t in tenant.get("/v1/templates").json() if not t["is_global"]]
    assert [t["name"] for t in own] == ["once"]  # no 409 conflict, no second template


def test_a_replayed_completion_is_billed_once(gateway: LocalGateway, tenant: httpx.Client) -> None:
    start = _balance(gateway, tenant)
    first = tenant.post("/v1/chat/completions", json=CHAT, headers=_idem("chat-1"))
    charged = _balance(gateway, tenant)
    assert first.status_code == 200 and charged < start
    again = tenant.post("/v1/chat/completions", json=CHAT, headers=_idem("chat-1"))
    assert again.json() == first.json()
    assert _balance(gateway, tenant) == charged
    # Without the header every request runs (and is billed).
    tenant.post("/v1/chat/completions", json=CHAT)
    assert _balance(gateway, tenant) < charged


def test_a_replayed_batch_is_created_and_run_once(
    gateway: LocalGateway, tenant: httpx.Client
) -> None:
    body = {"requests": [{"custom_id": "a", "body": CHAT}]}
    ids = {tenant.post("/v1/batches", json=body, headers=_idem("b")).json()["id"] for _ in range(3)}
    assert len(ids) == 1
    assert len(tenant.get("/v1/batches").json()["data"]) == 1


def test_the_same_key_with_a_different_request_is_refused(tenant: httpx.Client) -> None:
    assert tenant.post("/v1/templates", json={"name": "a"}, headers=_idem("k")).status_code == 201
    for path, body in [("/v1/templates", {"name": "b"}), ("/v1/chat/completions", CHAT)]:
        response = tenant.post(path, json=body, headers=_idem("k"))
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["code"] == "idempotency_key_reused"
        assert "different request" in error["message"]


def test_keys_belong_to_one_api_key(gateway: LocalGateway, tenant: httpx.Client) -> None:
    other_key = "rsk_" + secrets.token_hex(12)
    gateway.add_key(other_key, owner="usr_other" + secrets.token_hex(3))
    body = {"name": "mine"}
    mine = tenant.post("/v1/templates", json=body, headers=_idem("shared")).json()
    with client_for(gateway, other_key) as other:
        theirs = other.post("/v1/templates", json=body, headers=_idem("shared"))
    assert theirs.status_code == 201 and "idempotent-replayed" not in theirs.headers
    assert theirs.json()["id"] != mine["id"]


def test_a_stream_is_replayed_as_its_recorded_events(
    gateway: LocalGateway, tenant: httpx.Client
) -> None:
    body = dict(CHAT, stream=True)
    with tenant.stream("POST", "/v1/chat/completions", json=body, headers=_idem("s")) as first:
        first.read()
    charged = _balance(gateway, tenant)
    with tenant.stream("POST", "/v1/chat/completions", json=body, headers=_idem("s")) as again:
        again.read()
    assert again.status_code == 200
    assert again.headers["content-type"].startswith("text/event-stream")
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content and b"[DONE]" in again.content
    assert _balance(gateway, tenant) == charged


def test_a_failed_answer_is_not_kept_so_the_retry_runs(
    gateway: LocalGateway, tenant: httpx.Client
) -> None:
    gateway.faults.fail_next(1, 503)
    assert tenant.post("/v1/templates", json={"name": "r"}, headers=_idem("f")).status_code == 503
    retry = tenant.post("/v1/templates", json={"name": "r"}, headers=_idem("f"))
    assert retry.status_code == 201 and "idempotent-replayed" not in retry.headers


def test_a_stream_cut_short_is_not_kept(gateway: LocalGateway, tenant: httpx.Client) -> None:
    body = dict(CHAT, stream=True)
    gateway.faults.drop_stream_after(1)
    with pytest.raises(httpx.HTTPError):
        _read_stream(tenant, body, "cut")
    retry = _read_stream(tenant, body, "cut")
    assert b"[DONE]" in retry.content and "idempotent-replayed" not in retry.headers


def _read_stream(client: httpx.Client, body: Dict[str, Any], key: str) -> httpx.Response:
    with client.stream("POST", "/v1/chat/completions", json=body, headers=_idem(key)) as r:
        r.read()
    return r


def test_a_retry_while_the_first_still_runs_waits_for_its_answer(
    gateway: LocalGateway, tenant: httpx.Client
) -> None:
    gateway.faults.stall(0.5)  # the first request is held before it is handled
    answers: List[httpx.Response] = []

    def post() -> None:
        answers.append(tenant.post("/v1/templates", json={"name": "w"}, headers=_idem("w")))

    first = threading.Thread(target=post)
    first.start()
    time.sleep(0.1)
    post()
    first.join(10)
    assert sorted(r.status_code for r in answers) == [201, 201]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert len([t for t in tenant.get("/v1/templates").json() if not t["is_global"]]) == 1


def test_a_bad_key_header_is_a_400(tenant: httpx.Client) -> None:
    response = tenant.post("/v1/templates", json={"name": "x"}, headers=_idem("x" * 300))
    assert response.status_code == 400 and "Idempotency-Key" in response.text


def test_kept_answers_survive_a_restart_and_expire(
    make_gateway: Callable[..., LocalGateway], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "gw.db")
    first_gw = make_gateway(db_path=db)
    with client_for(first_gw) as client:
        first = client.post("/v1/templates", json={"name": "p"}, headers=_idem("p")).json()
    first_gw.stop()
    second_gw = make_gateway(db_path=db)
    with client_for(second_gw) as client:
        again = client.post("/v1/templates", json={"name": "p"}, headers=_idem("p"))
        assert again.headers.get("idempotent-replayed") == "true"
        assert again.json()["id"] == first["id"]
        later = time.time() + 24 * 3600 + 60
        monkeypatch.setattr(second_gw.gateway, "now", lambda: later)
        expired = client.post("/v1/templates", json={"name": "p"}, headers=_idem("p"))
        assert expired.status_code == 409  # it ran again: the name is taken
        assert expired.json()["error"]["code"] == "conflict"
