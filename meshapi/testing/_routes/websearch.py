"""POST /v1/web/search."""

from __future__ import annotations

from typing import List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._http.auth import authenticate
from .._http.bodies import json_body
from .._http.context import gateway_of, json_response, request_id_of
from .._services.websearch import web_search

__all__ = ["routes"]


async def _search(request: Request) -> Response:
    key = await authenticate(request)
    body = await json_body(request)
    gateway = gateway_of(request)
    base_url = gateway.config.public_base_url or str(request.base_url).rstrip("/")
    result = web_search(gateway, body, key, base_url=base_url, request_id=request_id_of(request))
    return json_response(request, result)


def routes() -> List[BaseRoute]:
    """The web search endpoint."""
    return [Route("/v1/web/search", _search, methods=["POST"])]
