"""Streams hold a connection only while read: break, close(), with-exit and cancellation release it.

Run over httpx.MockTransport with a body stream that records when it is closed, for the sync and
the async client from one test body each.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, AsyncIterator, Iterator, List

import httpx
import pytest
from fake_gateway import Api, FakeGateway

from meshapi import (
    APITimeoutError,
    ChatCompletionParams,
    StreamInterruptedError,
)

PARAMS = ChatCompletionParams(
    model="openai/gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
)


def chunk(i: int) -> bytes:
    body = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": {"content": str(i)}}],
    }
    return f"data: {json.dumps(body)}\n\n".encode()


class Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body for both transports; ``fail`` raises after the frames instead of ending."""

    def __init__(
        self, frames: List[bytes], fail: Exception | None = None, hang: bool = False
    ) -> None:
        self.frames = frames
        self.fail = fail
        self.hang = hang
        self.closed = False
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for f in self.frames:
            self.sent += 1
            yield f
        if self.fail:
            raise self.fail

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for f in self.frames:
            self.sent += 1
            yield f
        if self.hang:
            await asyncio.sleep(3600)
        if self.fail:
            raise self.fail

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


class Harness:
    def __init__(self, mode: str, body: Body) -> None:
        self.mode = mode
        self.body = body

        gateway = FakeGateway()
        gateway.on(
            "POST",
            "/v1/chat/completions",
            lambda request: httpx.Response(
                200,
                headers={"content-type": "text/event-stream", "x-request-id": "req_L"},
                stream=body,
            ),
        )
        self.client: Any = Api(mode, gateway).client

    async def take(self, n: int) -> List[str]:
        """Iterate, break after n items."""
        out: List[str] = []
        stream = self.client.chat.completions.stream(PARAMS)
        if self.mode == "sync":
            for c in stream:
                out.append(c.choices[0].delta.content)
                if len(out) == n:
                    break
        else:
            async for c in stream:
                out.append(c.choices[0].delta.content)
                if len(out) == n:
                    break
            # The abandoned async generator is finalized by the event loop (asyncio's asyncgen
            # hooks schedule its aclose()), so "at once" means within a few loop iterations.
            for _ in range(20):
                if self.body.closed:
                    break
                await asyncio.sleep(0)
        return out

    async def read_all(self) -> List[str]:
        stream = self.client.chat.completions.stream(PARAMS)
        if self.mode == "sync":
            return [c.choices[0].delta.content for c in stream]
        return [c.choices[0].delta.content async for c in stream]

    async def with_block(self) -> None:
        if self.mode == "sync":
            with self.client.chat.completions.stream(PARAMS) as s:
                next(iter(s))
        else:
            async with self.client.chat.completions.stream(PARAMS) as s:
                await s.__aiter__().__anext__()


MODES = pytest.mark.parametrize("mode", ["sync", "async"])


@MODES
async def test_reading_to_done_releases_the_connection(mode: str) -> None:
    h = Harness(mode, Body([chunk(0), chunk(1), b"data: [DONE]\n\n"]))
    assert await h.read_all() == ["0", "1"]
    assert h.body.closed


@MODES
async def test_break_releases_the_connection_at_once(mode: str) -> None:
    h = Harness(mode, Body([chunk(i) for i in range(100)] + [b"data: [DONE]\n\n"]))
    assert await h.take(2) == ["0", "1"]
    assert h.body.closed
    assert h.body.sent < 100  # the rest was never read


@MODES
async def test_leaving_the_with_block_releases_the_connection(mode: str) -> None:
    h = Harness(mode, Body([chunk(i) for i in range(10)] + [b"data: [DONE]\n\n"]))
    await h.with_block()
    assert h.body.closed


@MODES
async def test_eof_before_done_raises_stream_interrupted_and_releases(mode: str) -> None:
    h = Harness(mode, Body([chunk(0)]))
    with pytest.raises(StreamInterruptedError) as info:
        await h.read_all()
    assert info.value.request_id == "req_L"
    assert h.body.closed


@MODES
async def test_connection_reset_mid_stream_raises_stream_interrupted(mode: str) -> None:
    h = Harness(mode, Body([chunk(0)], fail=httpx.ReadError("connection reset")))
    with pytest.raises(StreamInterruptedError) as info:
        await h.read_all()
    assert isinstance(info.value.__cause__, httpx.ReadError)
    assert h.body.closed


@MODES
async def test_read_timeout_mid_stream_raises_timeout_error(mode: str) -> None:
    h = Harness(mode, Body([chunk(0)], fail=httpx.ReadTimeout("stalled")))
    with pytest.raises(APITimeoutError) as info:
        await h.read_all()
    assert "stalled" in str(info.value) and info.value.error_code == "timeout"
    assert h.body.closed


@MODES
async def test_a_closed_stream_cannot_be_reopened(mode: str) -> None:
    h = Harness(mode, Body([chunk(0), b"data: [DONE]\n\n"]))
    stream = h.client.chat.completions.stream(PARAMS)
    if mode == "sync":
        stream.close()
        with pytest.raises(Exception, match="closed"):
            list(stream)
    else:
        await stream.close()
        with pytest.raises(Exception, match="closed"):
            [c async for c in stream]


@MODES
async def test_a_stream_never_iterated_sends_nothing(mode: str) -> None:
    gateway = FakeGateway()
    Api(mode, gateway).client.chat.completions.stream(PARAMS)
    assert gateway.requests == []


async def test_cancelling_an_async_stream_releases_the_connection() -> None:
    h = Harness("async", Body([chunk(0)], hang=True))
    got: List[str] = []

    async def consume() -> None:
        async for c in h.client.chat.completions.stream(PARAMS):
            got.append(c.choices[0].delta.content)

    task = asyncio.create_task(consume())
    while not got:
        await asyncio.sleep(0.001)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert h.body.closed


async def test_awaiting_an_async_stream_opens_it() -> None:
    h = Harness("async", Body([chunk(0), b"data: [DONE]\n\n"]))
    stream = await h.client.chat.completions.stream(PARAMS)
    assert stream.response is not None and stream.response.status_code == 200
    assert stream.request_id == "req_L"
    assert [c.choices[0].delta.content async for c in stream] == ["0"]
