"""POST /v1/embeddings."""

from __future__ import annotations

from typing import List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._http.auth import authenticate
from .._http.bodies import json_body
from .._http.context import gateway_of, json_response
from .._services.embeddings import create_embeddings

__all__ = ["routes"]


async def _embeddings(request: Request) -> Response:
    key = await authenticate(request)
    body = await json_body(request)
    return json_response(request, create_embeddings(gateway_of(request), body, key))


def routes() -> List[BaseRoute]:
    """The embeddings endpoint."""
    return [Route("/v1/embeddings", _embeddings, methods=["POST"])]
