"""The gateway under load: many concurrent streaming clients, each read to [DONE]."""

from __future__ import annotations

import asyncio
import json
import time
from typing import List, Tuple

import httpx
import pytest

from meshapi.testing import LocalGateway

CLIENTS = 200


async def read_stream(client: httpx.AsyncClient, index: int) -> Tuple[int, str, bool]:
    body = {
        "model": "openai/gpt-4o-mini",
        "stream": True,
        "messages": [{"role": "user", "content": f"Count to {20 + index % 7}"}],
    }
    text, done = "", False
    async with client.stream("POST", "/v1/chat/completions", json=body) as response:
        async for line in response.aiter_lines():
            if line == "data: [DONE]":
                done = True
            elif line.startswith("data: "):
                chunk = json.loads(line[6:])
                if chunk["choices"]:
                    text += chunk["choices"][0]["delta"].get("content") or ""
    return response.status_code, text, done


@pytest.mark.slow
async def test_200_concurrent_streams_all_complete_without_error() -> None:
    with LocalGateway() as gateway:
        limits = httpx.Limits(max_connections=CLIENTS + 10, max_keepalive_connections=CLIENTS + 10)
        async with httpx.AsyncClient(
            base_url=gateway.base_url,
            headers={"Authorization": f"Bearer {gateway.api_key}"},
            limits=limits,
            timeout=httpx.Timeout(60),
        ) as client:
            started = time.perf_counter()
            results = await asyncio.gather(
                *(read_stream(client, i) for i in range(CLIENTS)), return_exceptions=True
            )
            elapsed = time.perf_counter() - started
    errors: List[BaseException] = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    ok = [r for r in results if not isinstance(r, BaseException)]
    assert all(status == 200 and done for status, _, done in ok)
    for index, (_, text, _) in enumerate(ok):
        n = 20 + index % 7
        assert text == ", ".join(str(i) for i in range(1, n + 1)) + "."
    # The figure is reported, never asserted: machines differ.
    print(f"\n{CLIENTS} concurrent streams read to [DONE] in {elapsed:.2f} s")
