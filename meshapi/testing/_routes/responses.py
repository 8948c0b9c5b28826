"""POST /v1/responses."""

from __future__ import annotations

from typing import List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._http.auth import authenticate
from .._http.bodies import json_body
from .._http.context import gateway_of, json_response
from .._http.sse import sse_response
from .._services import responses

__all__ = ["routes"]


async def _create(request: Request) -> Response:
    key = await authenticate(request)
    body = await json_body(request)
    gateway = gateway_of(request)
    result = responses.build_result(gateway, body, key)
    if result.request.stream:
        return sse_response(request, responses.events(result), headers=result.routing)
    return json_response(request, result.response(), headers=result.routing)


def routes() -> List[BaseRoute]:
    """The Responses API endpoint."""
    return [Route("/v1/responses", _create, methods=["POST"])]
