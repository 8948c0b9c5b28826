"""/v1/templates: create, list, get, update, delete."""

from __future__ import annotations

from typing import List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._core.validation import validate_body
from .._http.auth import authenticate
from .._http.bodies import json_body
from .._http.context import gateway_of, json_response
from .._services import templates

__all__ = ["routes"]


async def _create(request: Request) -> Response:
    key = await authenticate(request)
    params = validate_body(templates.TemplateCreate, await json_body(request))
    template = templates.store(gateway_of(request)).create(params, key.owner)
    return json_response(request, template, 201)


async def _list(request: Request) -> Response:
    key = await authenticate(request)
    return json_response(request, templates.store(gateway_of(request)).list(key.owner))


async def _get(request: Request) -> Response:
    key = await authenticate(request)
    template_id = request.path_params["template_id"]
    return json_response(request, templates.store(gateway_of(request)).get(template_id, key.owner))


async def _update(request: Request) -> Response:
    key = await authenticate(request)
    params = validate_body(templates.TemplateUpdate, await json_body(request))
    template_id = request.path_params["template_id"]
    template = templates.store(gateway_of(request)).update(template_id, params, key.owner)
    return json_response(request, template)


async def _delete(request: Request) -> Response:
    key = await authenticate(request)
    templates.store(gateway_of(request)).delete(request.path_params["template_id"], key.owner)
    return Response(status_code=204)


def routes() -> List[BaseRoute]:
    """The template endpoints."""
    return [
        Route("/v1/templates", _create, methods=["POST"]),
        Route("/v1/templates", _list, methods=["GET"]),
        Route("/v1/templates/{template_id}", _get, methods=["GET"]),
        Route("/v1/templates/{template_id}", _update, methods=["PATCH"]),
        Route("/v1/templates/{template_id}", _delete, methods=["DELETE"]),
    ]
