"""Waits over real sockets: rag.wait_until_ready and batches.wait reach the goal, raise with the
state a failed job reached, or time out saying where it was stuck; progress sees each poll."""

from __future__ import annotations

from typing import Any, List

import pytest

from meshapi import (
    BatchRequestItem,
    CreateBatchParams,
    InitUploadRequest,
    JobFailedError,
    WaitTimeoutError,
)

FAST = {"poll_interval": 0.01, "max_interval": 0.05}


def batch_of(n: int) -> CreateBatchParams:
    body = {"model": "openai/gpt-5-nano", "messages": [{"role": "user", "content": "Hi."}]}
    return CreateBatchParams(
        requests=[BatchRequestItem(custom_id=f"r{i}", body=body) for i in range(n)]
    )


async def test_rag_wait_until_ready_after_upload_with_embed(api: Any, own_key: str) -> None:
    client = api.make(token=own_key)
    seen: List[str] = []
    up = await api.call(
        lambda c: c.rag.upload_file(
            file_name="notes.txt", mime_type="text/plain", content=b"Tea at five.", embed=True
        ),
        client,
    )
    ready = await api.call(
        lambda c: c.rag.wait_until_ready(
            up.file_id, on_progress=lambda s: seen.append(s.embedding_status), **FAST
        ),
        client,
    )
    assert ready.file_id == up.file_id and ready.embedding_status == "ready"
    assert seen and seen[-1] == "ready"


async def test_rag_wait_raises_the_failed_state_and_its_code(api: Any, own_key: str) -> None:
    client = api.make(token=own_key)
    up = await api.call(
        lambda c: c.rag.upload_file(
            file_name="broken.json",
            mime_type="application/json",
            content=b"{not json",
            embed=True,
        ),
        client,
    )
    err = await api.raises(
        JobFailedError, lambda c: c.rag.wait_until_ready(up.file_id, **FAST), client
    )
    assert err.state == "embedding_status=failed" and err.reason
    assert "unreadable_file" in err.reason and up.file_id in str(err)
    assert err.job.file_id == up.file_id


async def test_rag_wait_times_out_saying_where_it_is_stuck(api: Any, own_key: str) -> None:
    client = api.make(token=own_key)
    announced = await api.call(
        lambda c: c.rag.init_upload(InitUploadRequest(file_name="x.txt", mime_type="text/plain")),
        client,
    )
    err = await api.raises(
        WaitTimeoutError,
        lambda c: c.rag.wait_until_ready(announced.file_id, max_wait=0.1, **FAST),
        client,
    )
    assert err.state == "upload_status=pending" and "bytes have not arrived" in str(err)


async def test_batch_wait_returns_the_completed_batch(api: Any, own_key: str, faults: Any) -> None:
    client = api.make(token=own_key, max_retries=2)
    created = await api.call(lambda c: c.batches.create(batch_of(2)), client)
    statuses: List[str] = []
    faults.fail_next(1, 503)  # one poll answered 503: retried by the client, the wait goes on
    done = await api.call(
        lambda c: c.batches.wait(
            created.id, on_progress=lambda b: statuses.append(b.status), **FAST
        ),
        client,
    )
    assert done.status == "completed" and done.results and len(done.results) == 2
    assert statuses[-1] == "completed"


async def test_batch_wait_on_a_cancelled_batch_and_a_deadline(api: Any, own_key: str) -> None:
    client = api.make(token=own_key)
    big = await api.call(lambda c: c.batches.create(batch_of(200)), client)
    stuck = await api.raises(
        WaitTimeoutError, lambda c: c.batches.wait(big.id, max_wait=0.05, **FAST), client
    )
    assert stuck.state in {"validating", "in_progress"} and big.id in str(stuck)
    await api.call(lambda c: c.batches.cancel(big.id), client)
    err = await api.raises(JobFailedError, lambda c: c.batches.wait(big.id, **FAST), client)
    assert err.state == "cancelled" and err.job.id == big.id


@pytest.mark.parametrize("bad", [0, -1.0])
async def test_bad_wait_settings_are_refused_before_any_request(api: Any, bad: float) -> None:
    await api.raises(ValueError, lambda c: c.batches.wait("batch_x", max_wait=bad))


async def test_responses_wait_for_a_background_response(api: Any, own_key: str) -> None:
    client = api.make(token=own_key)
    job = await api.call(
        lambda c: c.responses.create(
            model="openai/gpt-4o-mini", input="Summarise RAG.", background=True
        ),
        client,
    )
    seen: List[str] = []
    done = await api.call(
        lambda c: c.responses.wait(job.id, on_progress=lambda r: seen.append(r.status), **FAST),
        client,
    )
    assert done.status == "completed" and done.output_text and seen[-1] == "completed"
