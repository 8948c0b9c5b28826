"""GET /v1/models and friends: the catalogue as bare JSON arrays.

Rule: model ids contain ``/`` (``openai/gpt-4o``), so the single-model route matches the whole
rest of the path. An unknown id answers like production's FastAPI: 404 ``{"detail": ...}``.
"""

from __future__ import annotations

from typing import List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._core.catalogue import wire_model
from .._http.auth import authenticate
from .._http.bodies import query_bool
from .._http.context import gateway_of, json_response

__all__ = ["routes"]


async def _list(request: Request) -> Response:
    await authenticate(request)
    free = query_bool(request, "free")
    models = gateway_of(request).catalogue.all()
    if free is not None:
        models = [m for m in models if bool(m.get("is_free")) is free]
    return json_response(request, [wire_model(m) for m in models])


async def _free(request: Request) -> Response:
    await authenticate(request)
    models = [m for m in gateway_of(request).catalogue.all() if m.get("is_free")]
    return json_response(request, [wire_model(m) for m in models])


async def _paid(request: Request) -> Response:
    await authenticate(request)
    models = [m for m in gateway_of(request).catalogue.all() if not m.get("is_free")]
    return json_response(request, [wire_model(m) for m in models])


async def _get_model(request: Request) -> Response:
    await authenticate(request)
    model_id = request.path_params["model_id"]
    model = gateway_of(request).catalogue.get(model_id)
    if model is None:
        return json_response(request, {"detail": f"Model '{model_id}' not found"}, 404)
    return json_response(request, wire_model(model))


def routes() -> List[BaseRoute]:
    """The model catalogue endpoints."""
    return [
        Route("/v1/models", _list, methods=["GET"]),
        Route("/v1/models/free", _free, methods=["GET"]),
        Route("/v1/models/paid", _paid, methods=["GET"]),
        Route("/v1/models/{model_id:path}", _get_model, methods=["GET"]),
    ]
