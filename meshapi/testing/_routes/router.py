"""POST /v1/router/select."""

from __future__ import annotations

from typing import List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._http.auth import authenticate
from .._http.bodies import json_body
from .._http.context import gateway_of, json_response
from .._services.router import router_select

__all__ = ["routes"]


async def _select(request: Request) -> Response:
    key = await authenticate(request)
    body = await json_body(request)
    return json_response(request, router_select(gateway_of(request), body, key))


def routes() -> List[BaseRoute]:
    """The router endpoint."""
    return [Route("/v1/router/select", _select, methods=["POST"])]
