"""Many concurrent streams through one AsyncMeshAPI client against the local gateway.

The one load test of the suite: 200 streams at once through the SDK's connection pool and the
gateway, each read to its end and checked word for word.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, List

import pytest

from meshapi import AsyncMeshAPI, ChatCompletionParams, ChatMessage
from meshapi.testing import LocalGateway

CLIENTS = 200


async def test_200_concurrent_streams_all_complete(
    gw: LocalGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    async def one(client: AsyncMeshAPI, i: int) -> str:
        params = ChatCompletionParams(
            model="openai/gpt-4o-mini",
            messages=[ChatMessage(role="user", content=f"Count to {20 + i % 7}")],
        )
        parts: List[str] = []
        usage_seen = False
        async for chunk in client.chat.completions.stream(params):
            if chunk.choices:
                parts.append(chunk.choices[0].delta.content or "")
            if chunk.usage is not None:
                usage_seen = True
        assert usage_seen, f"stream {i} ended without its usage chunk"
        return "".join(parts)

    async with AsyncMeshAPI(base_url=gw.base_url, token=gw.api_key, timeout=60.0) as client:
        started = time.perf_counter()
        results: List[Any] = await asyncio.gather(
            *(one(client, i) for i in range(CLIENTS)), return_exceptions=True
        )
        elapsed = time.perf_counter() - started
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, f"{len(failures)} of {CLIENTS} streams failed; first: {failures[0]!r}"
    for i, text in enumerate(results):
        n = 20 + i % 7
        assert text == ", ".join(str(k) for k in range(1, n + 1)) + ".", f"stream {i}"
    with capsys.disabled():
        # The figure is reported, never asserted: machines differ.
        print(f"\n[concurrency] {CLIENTS} concurrent streams read to the end in {elapsed:.2f} s")
