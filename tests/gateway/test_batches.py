"""/v1/batches over real sockets against a LocalGateway."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import httpx
import pytest

from meshapi.testing import LocalGateway

MODEL = "openai/gpt-5-nano"
LIFECYCLE = ["validating", "in_progress", "finalizing", "completed"]
# Each step and each request of a batch waits this long, so states can be watched: a batch of
# LONG requests stays unfinished for seconds, far longer than any poll or cancel takes.
STEP = 0.02
LONG = 100


@pytest.fixture(scope="module")
def gw() -> Iterator[LocalGateway]:
    with LocalGateway(options={"batch_step_delay": STEP}) as gateway:
        yield gateway


def new_client(gw: LocalGateway) -> httpx.Client:
    """A client whose key has an owner of its own, so batches of other tests stay invisible."""
    key = f"rsk_{uuid.uuid4().hex}"
    gw.add_key(key, owner=f"usr_{uuid.uuid4().hex[:12]}")
    return httpx.Client(
        base_url=gw.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30
    )


@pytest.fixture
def client(gw: LocalGateway) -> Iterator[httpx.Client]:
    with new_client(gw) as c:
        yield c


def chat(text: str, model: str = MODEL) -> Dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": text}]}


def item(custom_id: str, body: Dict[str, Any]) -> Dict[str, Any]:
    return {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body}


def create(client: httpx.Client, n: int = 1, **extra: Any) -> Dict[str, Any]:
    requests = [item(f"req-{i}", chat(f"Say item {i}.")) for i in range(n)]
    response = client.post("/v1/batches", json={"requests": requests, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def wait_for(
    client: httpx.Client,
    batch_id: str,
    done: Callable[[Dict[str, Any]], bool],
    seen: Optional[List[str]] = None,
) -> Dict[str, Any]:
    deadline = time.monotonic() + 20
    while True:
        batch = client.get(f"/v1/batches/{batch_id}").json()
        if seen is not None and (not seen or seen[-1] != batch["status"]):
            seen.append(batch["status"])
        if done(batch):
            return batch
        assert time.monotonic() < deadline, f"batch stuck in {batch['status']}"
        time.sleep(0.005)


def finished(batch: Dict[str, Any]) -> bool:
    return batch["status"] in ("completed", "failed", "expired", "cancelled")


def test_a_batch_runs_to_completed_with_results_and_per_request_errors(
    client: httpx.Client,
) -> None:
    requests = [
        item("ok-1", chat("Say hi.")),
        item("missing-model", chat("Say hi.", model="nobody/none")),
        item("ok-2", chat("Say bye.")),
        item("bad-body", {"model": MODEL, "messages": "not a list"}),
    ]
    response = client.post(
        "/v1/batches",
        json={"requests": requests, "metadata": {"job": "nightly"}, "completion_window": "24h"},
    )
    assert response.status_code == 200, response.text
    created = response.json()
    assert created["id"].startswith("batch_")
    assert created["object"] == "batch"
    assert created["status"] == "validating"
    assert created["endpoint"] == "/v1/chat/completions"
    assert created["request_counts"] == {"total": 4, "completed": 0, "failed": 0}
    assert created["results"] == [] and created["errors_detail"] == []
    assert created["completed_at"] is None
    seen: List[str] = []
    batch = wait_for(client, created["id"], finished, seen)
    assert seen == [s for s in LIFECYCLE if s in seen]  # never out of order
    assert batch["status"] == "completed"
    assert batch["request_counts"] == {"total": 4, "completed": 2, "failed": 2}
    assert [r["custom_id"] for r in batch["results"]] == ["ok-1", "ok-2"]
    for result, word in zip(batch["results"], ["Hi", "Bye"]):
        assert result["status_code"] == 200
        assert result["body"]["object"] == "chat.completion"
        assert result["body"]["choices"][0]["message"]["content"].startswith(word)
    errors = {e["custom_id"]: e for e in batch["errors_detail"]}
    assert errors["missing-model"]["status_code"] == 404
    assert errors["missing-model"]["code"] == "model_not_found"
    assert errors["bad-body"]["status_code"] == 422
    assert errors["bad-body"]["code"] == "validation_error"
    assert all(e["message"] for e in errors.values())
    assert batch["metadata"] == {"job": "nightly"}
    assert batch["model"] is None and batch["provider"] is None  # the requests mix models
    assert isinstance(batch["created_at"], int)
    assert batch["created_at"] <= batch["in_progress_at"] <= batch["completed_at"]
    assert batch["output_file_id"] is None and batch["error_file_id"] is None


def test_a_single_model_batch_reports_its_model_and_provider(client: httpx.Client) -> None:
    batch = create(client, 2)
    assert (batch["model"], batch["provider"]) == (MODEL, "openai")


def test_progress_is_visible_while_the_batch_is_in_progress(client: httpx.Client) -> None:
    created = create(client, LONG)
    batch = wait_for(client, created["id"], lambda b: b["status"] != "validating")
    assert batch["status"] == "in_progress"
    assert batch["in_progress_at"] is not None
    batch = wait_for(client, created["id"], lambda b: b["request_counts"]["completed"] >= 1)
    assert batch["status"] == "in_progress"
    assert 1 <= len(batch["results"]) == batch["request_counts"]["completed"] < LONG
    client.post(f"/v1/batches/{created['id']}/cancel")


def test_cancel_stops_the_batch_and_keeps_what_ran(client: httpx.Client) -> None:
    created = create(client, LONG)
    response = client.post(f"/v1/batches/{created['id']}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelling"
    assert response.json()["cancelling_at"] is not None
    batch = wait_for(client, created["id"], finished)
    assert batch["status"] == "cancelled"
    assert batch["cancelled_at"] is not None and batch["completed_at"] is None
    counts = batch["request_counts"]
    assert counts["total"] == LONG and counts["completed"] + counts["failed"] < LONG
    assert len(batch["results"]) == counts["completed"]
    again = client.post(f"/v1/batches/{created['id']}/cancel")
    assert again.status_code == 200 and again.json()["status"] == "cancelled"


def test_cancelling_a_completed_batch_is_a_conflict(client: httpx.Client) -> None:
    created = create(client, 1)
    wait_for(client, created["id"], finished)
    response = client.post(f"/v1/batches/{created['id']}/cancel")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert client.get(f"/v1/batches/{created['id']}").json()["status"] == "completed"


def test_listing_pages_newest_first_with_after_and_limit(client: httpx.Client) -> None:
    ids = [create(client, 1, metadata={"n": i})["id"] for i in range(5)]
    newest_first = ids[::-1]
    everything = client.get("/v1/batches").json()
    assert everything["object"] == "list"
    assert [b["id"] for b in everything["data"]] == newest_first
    assert everything["has_more"] is False
    pages: List[List[str]] = []
    after: Optional[str] = None
    while True:
        params: Dict[str, Any] = {"limit": 2}
        if after:
            params["after"] = after
        page = client.get("/v1/batches", params=params).json()
        got = [b["id"] for b in page["data"]]
        pages.append(got)
        assert page["first_id"] == got[0] and page["last_id"] == got[-1]
        if not page["has_more"]:
            break
        after = page["last_id"]
    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:5]]
    empty = client.get("/v1/batches", params={"after": ids[0]}).json()
    assert empty == {
        "object": "list",
        "data": [],
        "has_more": False,
        "first_id": None,
        "last_id": None,
    }


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 101}, {"limit": "ten"}, {"after": "batch_unknown"}],
    ids=["limit-0", "limit-101", "limit-text", "unknown-after"],
)
def test_bad_list_parameters_are_422(client: httpx.Client, params: Dict[str, Any]) -> None:
    response = client.get("/v1/batches", params=params)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"][0] == "query"


def test_a_key_sees_only_its_own_batches(gw: LocalGateway, client: httpx.Client) -> None:
    mine = create(client, 1)
    with new_client(gw) as other:
        assert other.get(f"/v1/batches/{mine['id']}").status_code == 404
        assert other.post(f"/v1/batches/{mine['id']}/cancel").status_code == 404
        assert other.get("/v1/batches").json()["data"] == []


def test_unknown_batch_ids_are_404(client: httpx.Client) -> None:
    for response in (
        client.get("/v1/batches/batch_nope"),
        client.post("/v1/batches/batch_nope/cancel"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_more_than_ten_active_batches_is_429_batch_limit_exceeded(client: httpx.Client) -> None:
    ids = [create(client, LONG)["id"] for _ in range(10)]
    response = client.post("/v1/batches", json={"requests": [item("x", chat("Say x."))]})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "batch_limit_exceeded"
    for batch_id in ids:
        client.post(f"/v1/batches/{batch_id}/cancel")
    for batch_id in ids:
        wait_for(client, batch_id, finished)
    assert (
        client.post("/v1/batches", json={"requests": [item("x", chat("Say x."))]}).status_code
        == 200
    )


def too_many() -> Dict[str, Any]:
    return {"requests": [item(f"r{i}", chat("Say a.")) for i in range(1001)]}


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"requests": []}, ["body", "requests"]),
        ({}, ["body", "requests"]),
        (
            {"requests": [item("a", chat("x")), item("a", chat("y"))]},
            ["body", "requests", 1, "custom_id"],
        ),
        (
            {"requests": [{**item("a", chat("x")), "method": "GET"}]},
            ["body", "requests", 0, "method"],
        ),
        (
            {"requests": [{**item("a", chat("x")), "url": "/v1/images/generations"}]},
            ["body", "requests", 0, "url"],
        ),
        (
            {"requests": [item("a", {**chat("x"), "stream": True})]},
            ["body", "requests", 0, "body", "stream"],
        ),
        ({"requests": [{"custom_id": "a", "body": "text"}]}, ["body", "requests", 0, "body"]),
        (
            {"requests": [item("a", {**chat("x"), "model": []})]},
            ["body", "requests", 0, "body", "model"],
        ),
        (
            {"requests": [item("a", chat("x"))], "completion_window": "forever"},
            ["body", "completion_window"],
        ),
        (too_many(), ["body", "requests"]),
    ],
    ids=[
        "empty",
        "missing",
        "duplicate-custom-id",
        "get-method",
        "unsupported-url",
        "stream",
        "body-not-object",
        "model-not-a-string",
        "bad-window",
        "over-1000",
    ],
)
def test_invalid_batches_are_422_naming_the_field(
    client: httpx.Client, body: Dict[str, Any], loc: List[Any]
) -> None:
    response = client.post("/v1/batches", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert loc in [d["loc"] for d in error["details"]]


def test_method_and_url_default_to_chat_completions(client: httpx.Client) -> None:
    body = {"requests": [{"custom_id": "only", "body": chat("Say ok.")}]}
    created = client.post("/v1/batches", json=body).json()
    batch = wait_for(client, created["id"], finished)
    assert batch["status"] == "completed"
    assert batch["request_counts"] == {"total": 1, "completed": 1, "failed": 0}


def authed(gw: LocalGateway) -> httpx.Client:
    return httpx.Client(base_url=gw.base_url, headers={"Authorization": f"Bearer {gw.api_key}"})


def test_an_unfinished_batch_survives_a_restart_on_a_database_file(tmp_path: Path) -> None:
    db = str(tmp_path / "gateway.sqlite")
    with LocalGateway(db_path=db, options={"batch_step_delay": STEP}) as first, authed(first) as c:
        created = create(c, LONG)
        wait_for(c, created["id"], lambda b: b["request_counts"]["completed"] >= 1)
    # Stopping did not wait for the batch: it was cut short, and the next gateway on the same
    # file (this one without delays) carries it on.
    with LocalGateway(db_path=db, options={"batch_step_delay": 0}) as second, authed(second) as c:
        interrupted = c.get(f"/v1/batches/{created['id']}").json()
        assert interrupted["request_counts"]["completed"] < LONG
        batch = wait_for(c, created["id"], finished)
    assert batch["status"] == "completed"
    assert batch["request_counts"] == {"total": LONG, "completed": LONG, "failed": 0}
    assert [r["custom_id"] for r in batch["results"]] == [f"req-{i}" for i in range(LONG)]
