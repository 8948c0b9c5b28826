"""Batches over real sockets: create, poll to completion, list with pagination, cancel."""

from __future__ import annotations

import asyncio
import time
from typing import Any, List

from meshapi import BatchRequestItem, ConflictError, CreateBatchParams, NotFoundError

MODEL = "openai/gpt-5-nano"
FINAL = {"completed", "failed", "expired", "cancelled"}
ORDER = ["validating", "in_progress", "finalizing", "completed"]


def item(custom_id: str, text: str, model: str = MODEL) -> BatchRequestItem:
    return BatchRequestItem(
        custom_id=custom_id,
        body={"model": model, "messages": [{"role": "user", "content": text}]},
    )


def batch_of(n: int, **fields: Any) -> CreateBatchParams:
    return CreateBatchParams(requests=[item(f"req-{i}", f"Say {i}.") for i in range(n)], **fields)


async def wait_until_final(api: Any, batch_id: str, client: Any = None) -> List[Any]:
    """Poll until the batch ends; every object seen on the way, in order."""
    seen = []
    deadline = time.monotonic() + 30
    while True:
        batch = await api.call(lambda c: c.batches.get(batch_id), client)
        seen.append(batch)
        if batch.status in FINAL:
            return seen
        assert time.monotonic() < deadline, f"batch still {batch.status} after 30 s"
        await asyncio.sleep(0.02)


async def test_batch_runs_to_completion_with_results_and_per_request_errors(api: Any) -> None:
    created = await api.call(
        lambda c: c.batches.create(
            CreateBatchParams(
                requests=[
                    item("hi", "Say hi."),
                    item("bye", "Say bye."),
                    item("broken", "Say nothing.", model="nobody/no-such-model"),
                ],
                metadata={"job": "integration"},
            )
        )
    )
    assert created.id.startswith("batch_") and created.object == "batch"
    assert created.status == "validating"
    assert created.endpoint == "/v1/chat/completions"
    assert created.metadata == {"job": "integration"}
    assert created.request_counts is not None and created.request_counts.total == 3

    seen = await wait_until_final(api, created.id)
    statuses = [b.status for b in seen]
    assert all(s in ORDER for s in statuses)
    assert [ORDER.index(s) for s in statuses] == sorted(ORDER.index(s) for s in statuses)
    done = seen[-1]
    assert done.status == "completed"
    assert done.completed_at is not None and done.created_at is not None
    assert done.request_counts is not None
    assert (done.request_counts.total, done.request_counts.completed) == (3, 2)
    assert done.request_counts.failed == 1
    by_id = {r["custom_id"]: r for r in done.results or []}
    assert set(by_id) == {"hi", "bye"}
    for result in by_id.values():
        assert result["status_code"] == 200
        assert result["body"]["object"] == "chat.completion"
        assert result["body"]["choices"][0]["message"]["content"]
    errors = done.errors_detail or []
    assert [e["custom_id"] for e in errors] == ["broken"]
    assert errors[0]["code"] == "model_not_found"


async def test_list_is_newest_first_and_pages_with_after_and_limit(api: Any, own_key: str) -> None:
    client = api.make(token=own_key)
    ids = []
    for _ in range(3):
        created = await api.call(lambda c: c.batches.create(batch_of(1)), client)
        ids.append(created.id)
    newest_first = ids[::-1]

    everything = await api.call(lambda c: c.batches.list(), client)
    assert [b.id for b in everything.data] == newest_first
    assert everything.has_more is False

    first = await api.call(lambda c: c.batches.list(limit=2), client)
    assert first.object == "list"
    assert [b.id for b in first.data] == newest_first[:2]
    assert first.has_more is True
    assert (first.first_id, first.last_id) == (newest_first[0], newest_first[1])

    second = await api.call(lambda c: c.batches.list(limit=2, after=first.last_id), client)
    assert [b.id for b in second.data] == newest_first[2:]
    assert second.has_more is False
    for batch_id in ids:
        await wait_until_final(api, batch_id, client)


async def test_cancel_stops_a_running_batch(api: Any, own_key: str) -> None:
    client = api.make(token=own_key)
    created = await api.call(lambda c: c.batches.create(batch_of(200)), client)
    cancelling = await api.call(lambda c: c.batches.cancel(created.id), client)
    assert cancelling.id == created.id
    assert cancelling.status in {"cancelling", "cancelled"}
    final = (await wait_until_final(api, created.id, client))[-1]
    assert final.status == "cancelled"
    assert final.cancelled_at is not None
    assert final.request_counts is not None and final.request_counts.completed < 200
    again = await api.call(lambda c: c.batches.cancel(created.id), client)
    assert again.status == "cancelled", "cancelling a cancelled batch changes nothing"


async def test_unknown_batch_is_not_found_and_a_finished_one_cannot_be_cancelled(
    api: Any,
) -> None:
    err = await api.raises(NotFoundError, lambda c: c.batches.get("batch_does_not_exist"))
    assert err.status == 404 and err.request_id
    created = await api.call(lambda c: c.batches.create(batch_of(1)))
    done = (await wait_until_final(api, created.id))[-1]
    assert done.status == "completed"
    err = await api.raises(ConflictError, lambda c: c.batches.cancel(created.id))
    assert err.status == 409
