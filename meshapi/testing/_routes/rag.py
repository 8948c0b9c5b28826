"""/v1/files (register, list, get, embed, search) and the signed /v1/uploads URLs."""

from __future__ import annotations

from typing import List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._http.auth import authenticate
from .._http.bodies import json_body, query_int
from .._http.context import gateway_of, json_response
from .._services import rag

__all__ = ["routes"]


def _base_url(request: Request) -> str:
    return gateway_of(request).config.public_base_url or str(request.base_url).rstrip("/")


def _check_signature(request: Request, file_id: str) -> None:
    query = request.query_params
    rag.check_signature(
        gateway_of(request), request.method, file_id, query.get("expires"), query.get("signature")
    )


async def _init_upload(request: Request) -> Response:
    key = await authenticate(request)
    body = await json_body(request)
    return json_response(
        request, rag.init_upload(gateway_of(request), body, key, _base_url(request))
    )


async def _upload(request: Request) -> Response:
    # No Authorization header: the signed URL is the credential.
    file_id = request.path_params["file_id"]
    _check_signature(request, file_id)
    status = await rag.store_upload(
        gateway_of(request),
        file_id,
        content_type=request.headers.get("content-type"),
        content_length=request.headers.get("content-length"),
        content=request.stream(),
        base_url=_base_url(request),
    )
    return json_response(request, status)


async def _download(request: Request) -> Response:
    file_id = request.path_params["file_id"]
    _check_signature(request, file_id)
    content, mime_type = rag.download(gateway_of(request), file_id)
    return Response(content, media_type=mime_type)


async def _get(request: Request) -> Response:
    key = await authenticate(request)
    file_id = request.path_params["file_id"]
    return json_response(
        request, rag.get_file(gateway_of(request), key, file_id, _base_url(request))
    )


async def _list(request: Request) -> Response:
    key = await authenticate(request)
    limit = query_int(request, "limit", 20, minimum=1, maximum=100)
    offset = query_int(request, "offset", 0, minimum=0)
    page = rag.list_files(
        gateway_of(request), key, limit=limit, offset=offset, base_url=_base_url(request)
    )
    return json_response(request, page)


async def _embed(request: Request) -> Response:
    key = await authenticate(request)
    body = await json_body(request)
    return json_response(request, await rag.embed(gateway_of(request), body, key))


async def _search(request: Request) -> Response:
    key = await authenticate(request)
    body = await json_body(request)
    return json_response(request, await rag.search(gateway_of(request), body, key))


def routes() -> List[BaseRoute]:
    """The RAG endpoints."""
    return [
        Route("/v1/files", _init_upload, methods=["POST"]),
        Route("/v1/files", _list, methods=["GET"]),
        Route("/v1/files/embed", _embed, methods=["POST"]),
        Route("/v1/files/search", _search, methods=["POST"]),
        Route("/v1/files/{file_id}", _get, methods=["GET"]),
        Route("/v1/uploads/{file_id}", _upload, methods=["PUT"]),
        Route("/v1/uploads/{file_id}", _download, methods=["GET"]),
    ]
