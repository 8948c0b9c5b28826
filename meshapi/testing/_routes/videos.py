"""/v1/video/generations (create, list, get) and GET /v1/video/files/{name}."""

from __future__ import annotations

from typing import List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._http.auth import authenticate
from .._http.bodies import json_body, query_int
from .._http.context import gateway_of, json_response
from .._services import videos

__all__ = ["routes"]


async def _create(request: Request) -> Response:
    key = await authenticate(request)
    body = await json_body(request)
    return json_response(request, videos.create_task(gateway_of(request), body, key))


async def _list(request: Request) -> Response:
    key = await authenticate(request)
    limit = query_int(request, "limit", 20, minimum=1, maximum=100)
    offset = query_int(request, "offset", 0, minimum=0)
    page = videos.list_tasks(gateway_of(request), key, request.query_params, limit, offset)
    return json_response(request, page)


async def _get(request: Request) -> Response:
    key = await authenticate(request)
    task = videos.get_task(gateway_of(request), key, request.path_params["task_id"])
    return json_response(request, task)


async def _file(request: Request) -> Response:
    data = gateway_of(request).part(videos.VideoTasks).load_file(request.path_params["name"])
    return Response(data, media_type="image/gif", headers={"Cache-Control": "public, max-age=3600"})


def routes() -> List[BaseRoute]:
    """The video endpoints."""
    return [
        Route("/v1/video/generations", _create, methods=["POST"]),
        Route("/v1/video/generations", _list, methods=["GET"]),
        Route("/v1/video/generations/{task_id}", _get, methods=["GET"]),
        Route("/v1/video/files/{name}", _file, methods=["GET"]),
    ]
