"""The waiting policy with no network and no clock: verdicts, backoff, deadline, progress."""

from __future__ import annotations

import inspect
from typing import Any, List, Optional

import pytest

from meshapi import (
    APITimeoutError,
    BatchObject,
    JobFailedError,
    MeshAPIError,
    RagFileStatus,
    WaitTimeoutError,
)
from meshapi._waiting import Waiter, batch_verdict, rag_file_verdict


def rag(upload: str, embedding: str = "pending", **extra: Any) -> RagFileStatus:
    return RagFileStatus.model_validate(
        {
            "file_id": "f_1",
            "upload_status": upload,
            "embedding_status": embedding,
            "file_name": "a.txt",
            "file_type": "txt",
            "mime_type": "text/plain",
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
            **extra,
        }
    )


def batch(status: str, **extra: Any) -> BatchObject:
    return BatchObject(id="batch_1", status=status, **extra)


def test_backoff_grows_to_the_cap_and_never_passes_the_deadline() -> None:
    waiter: Waiter[BatchObject] = Waiter(
        "batch b", batch_verdict, max_wait=10, poll_interval=1, max_interval=3
    )
    running = batch("in_progress")
    delays = [waiter.step(running, now=t) for t in (0.0, 1.0, 2.5, 4.75, 7.75)]
    assert delays == [1.0, 1.5, 2.25, 3.0, 2.25]  # the last one stops at the deadline (10)
    with pytest.raises(WaitTimeoutError) as info:
        waiter.step(running, now=10.0)
    err = info.value
    assert isinstance(err, APITimeoutError) and isinstance(err, MeshAPIError)
    assert err.state == "in_progress" and err.waited == 10.0 and err.job is running
    assert "batch b was still in_progress" in str(err) and "6 polls" in str(err)
    assert err.error_code == "wait_timeout"


def test_done_returns_none_and_progress_sees_every_object() -> None:
    seen: List[str] = []
    waiter: Waiter[BatchObject] = Waiter(
        "batch b", batch_verdict, on_progress=lambda b: seen.append(b.status)
    )
    assert waiter.step(batch("validating"), now=0) is not None
    assert waiter.step(batch("completed"), now=1) is None
    assert seen == ["validating", "completed"]


@pytest.mark.parametrize(
    ("job", "state", "reason"),
    [
        (batch("cancelled"), "cancelled", None),
        (batch("expired", completion_window="24h"), "expired", "(24h) passed"),
        (
            batch("failed", errors={"data": [{"code": "internal", "message": "boom"}]}),
            "failed",
            "internal: boom",
        ),
    ],
)
def test_a_batch_that_ends_short_raises_with_its_state_and_reason(
    job: BatchObject, state: str, reason: Optional[str]
) -> None:
    waiter: Waiter[BatchObject] = Waiter("batch b", batch_verdict)
    with pytest.raises(JobFailedError) as info:
        waiter.step(job, now=0)
    assert info.value.state == state and info.value.job is job
    if reason is None:
        assert info.value.reason is None and "no reason given" in str(info.value)
    else:
        assert reason in (info.value.reason or "") and reason in str(info.value)


def test_rag_file_states() -> None:
    assert rag_file_verdict(rag("pending")).outcome == "waiting"
    assert rag_file_verdict(rag("ready", "pending"), embedded=False).outcome == "done"
    waiting = rag_file_verdict(rag("ready", "pending"))
    assert waiting.outcome == "waiting" and "rag.embed()" in (waiting.reason or "")
    assert rag_file_verdict(rag("ready", "processing")).state == "embedding_status=processing"
    assert rag_file_verdict(rag("ready", "ready")).outcome == "done"
    failed = rag_file_verdict(
        rag("ready", "failed", last_error_code="unreadable_file", last_error="not text")
    )
    assert failed == ("failed", "embedding_status=failed", "unreadable_file: not text")


def test_a_stuck_rag_file_says_why_in_the_timeout() -> None:
    waiter: Waiter[RagFileStatus] = Waiter("RAG file f_1", rag_file_verdict, max_wait=1)
    waiter.step(rag("ready", "pending"), now=5.0)
    with pytest.raises(WaitTimeoutError, match="embedding was never started") as info:
        waiter.step(rag("ready", "pending"), now=6.0)
    assert info.value.state == "embedding_status=pending"


def test_no_deadline_waits_forever_and_bad_settings_are_refused() -> None:
    waiter: Waiter[BatchObject] = Waiter("b", batch_verdict, max_wait=None, max_interval=2)
    assert all(
        waiter.step(batch("in_progress"), now=t * 1e6) == pytest.approx(d)
        for t, d in [(0, 0.5), (1, 0.75), (2, 1.125), (3, 1.6875), (4, 2.0)]
    )
    for bad in (0, -1, "5", True):
        with pytest.raises(ValueError, match="max_wait"):
            Waiter("b", batch_verdict, max_wait=bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="on_progress"):
        Waiter("b", batch_verdict, on_progress="print")  # type: ignore[arg-type]


async def test_helpers_that_are_not_one_response_refuse_raw_mode(api: Any) -> None:
    from meshapi import InvalidRequestError

    async def run(call: Any) -> None:
        result = call(api.client)
        if inspect.isawaitable(result):  # the async client's raw mode: an awaitable context
            await result

    with pytest.raises(InvalidRequestError, match="polls until batch batch_1 ends"):
        await run(lambda c: c.with_raw_response.batches.wait("batch_1"))
    with pytest.raises(InvalidRequestError, match="polls"):
        await run(lambda c: c.with_raw_response.rag.wait_until_ready("file_1"))
    with pytest.raises(InvalidRequestError, match="parse"):
        await run(lambda c: c.with_raw_response.chat.completions.parse(model="m", messages=[]))
    assert api.gateway.requests == []


def test_background_response_and_video_states() -> None:
    from meshapi import ResponsesResponse, VideoTaskResponse
    from meshapi._waiting import response_verdict, video_verdict

    def resp(status: str, **extra: Any) -> ResponsesResponse:
        return ResponsesResponse(id="resp_1", status=status, **extra)

    assert response_verdict(resp("in_progress")).outcome == "waiting"
    assert response_verdict(resp("completed")).outcome == "done"
    failed = response_verdict(resp("failed", error={"code": "server_error", "message": "x"}))
    assert failed == ("failed", "failed", "server_error: x")
    cut = response_verdict(resp("incomplete", incomplete_details={"reason": "max_output_tokens"}))
    assert cut.outcome == "failed" and cut.reason and "max_output_tokens" in cut.reason
    video = VideoTaskResponse(id="t", status="expired", error={"code": "e", "message": "late"})
    assert video_verdict(video) == ("failed", "expired", "e: late")
    assert video_verdict(VideoTaskResponse(id="t", status="running")).outcome == "waiting"
