"""/v1/batches: create, list, get, cancel."""

from __future__ import annotations

from typing import List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._http.auth import authenticate
from .._http.bodies import json_body, query_int
from .._http.context import gateway_of, json_response
from .._services import batches

__all__ = ["routes"]


async def _create(request: Request) -> Response:
    key = await authenticate(request)
    body = await json_body(request)
    return json_response(request, batches.create_batch(gateway_of(request), body, key))


async def _list(request: Request) -> Response:
    key = await authenticate(request)
    limit = query_int(request, "limit", 20, minimum=1, maximum=100)
    after = request.query_params.get("after")
    page = batches.list_batches(gateway_of(request), key, limit=limit, after=after)
    return json_response(request, page)


async def _get(request: Request) -> Response:
    key = await authenticate(request)
    batch = batches.get_batch(gateway_of(request), key, request.path_params["batch_id"])
    return json_response(request, batch)


async def _cancel(request: Request) -> Response:
    key = await authenticate(request)
    batch = batches.cancel_batch(gateway_of(request), key, request.path_params["batch_id"])
    return json_response(request, batch)


def routes() -> List[BaseRoute]:
    """The batch endpoints."""
    return [
        Route("/v1/batches", _create, methods=["POST"]),
        Route("/v1/batches", _list, methods=["GET"]),
        Route("/v1/batches/{batch_id}", _get, methods=["GET"]),
        Route("/v1/batches/{batch_id}/cancel", _cancel, methods=["POST"]),
    ]
