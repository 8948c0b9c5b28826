"""POST /v1/images/generations, POST /v1/images/edits and GET /v1/images/files/{name}."""

from __future__ import annotations

from typing import List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._http.auth import authenticate
from .._http.bodies import json_body
from .._http.context import gateway_of, json_response
from .._http.sse import sse_response
from .._services import image_edits, images

__all__ = ["routes"]


async def _generate(request: Request) -> Response:
    key = await authenticate(request)
    job = images.plan_images(gateway_of(request), await json_body(request))
    if job.params.stream:
        return sse_response(request, images.stream(job, key))
    return json_response(request, await images.generate(job, key))


async def _edit(request: Request) -> Response:
    key = await authenticate(request)
    answer = await image_edits.edit_images(gateway_of(request), await json_body(request), key)
    return json_response(request, answer)


async def _file(request: Request) -> Response:
    files = gateway_of(request).part(images.ImageFiles)
    data, mime = files.load(request.path_params["name"])
    return Response(data, media_type=mime, headers={"Cache-Control": "public, max-age=3600"})


def routes() -> List[BaseRoute]:
    """The image endpoints."""
    return [
        Route("/v1/images/generations", _generate, methods=["POST"]),
        Route("/v1/images/edits", _edit, methods=["POST"]),
        Route("/v1/images/files/{name}", _file, methods=["GET"]),
    ]
