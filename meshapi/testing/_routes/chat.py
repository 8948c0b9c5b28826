"""POST /v1/chat/completions."""

from __future__ import annotations

import time
from typing import AsyncIterator, List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._formats.sse import SSEEvent
from .._http.auth import authenticate
from .._http.bodies import json_body
from .._http.context import gateway_of, json_response
from .._http.sse import sse_response
from .._services import chat

__all__ = ["routes"]


async def _chat_completions(request: Request) -> Response:
    key = await authenticate(request)
    body = await json_body(request)
    gateway = gateway_of(request)
    started = time.perf_counter()
    plan = chat.plan_chat(gateway, body, key)
    if plan.request.stream:
        chunks = chat.stream_chunks(gateway, plan)

        async def events() -> AsyncIterator[SSEEvent]:
            async for item in chunks:
                yield None, item

        return sse_response(request, events(), headers=plan.routing_headers())
    result = await chat.complete(gateway, plan)
    headers = plan.routing_headers()
    headers["x-provider-latency-ms"] = str(int((time.perf_counter() - started) * 1000))
    return json_response(request, result, headers=headers)


def routes() -> List[BaseRoute]:
    """The chat completions endpoint."""
    return [Route("/v1/chat/completions", _chat_completions, methods=["POST"])]
