"""POST /v1/responses, GET /v1/responses (a page of the kept ones), GET /v1/responses/{id}."""

from __future__ import annotations

from typing import List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._http.auth import authenticate
from .._http.bodies import json_body, query_int
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


async def _retrieve(request: Request) -> Response:
    key = await authenticate(request)
    gateway = gateway_of(request)
    return json_response(
        request, responses.retrieve(gateway, request.path_params["response_id"], key)
    )


async def _list(request: Request) -> Response:
    key = await authenticate(request)
    after = request.query_params.get("after") or None
    limit = query_int(request, "limit", 20, minimum=1, maximum=100)
    page = responses.list_responses(gateway_of(request), key, after=after, limit=limit)
    return json_response(request, page)


def routes() -> List[BaseRoute]:
    """The Responses API endpoints."""
    return [
        Route("/v1/responses", _create, methods=["POST"]),
        Route("/v1/responses", _list, methods=["GET"]),
        Route("/v1/responses/{response_id}", _retrieve, methods=["GET"]),
    ]
