"""POST /v1/chat/compare."""

from __future__ import annotations

from typing import List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._core.errors import GatewayError
from .._http.auth import authenticate
from .._http.bodies import json_body
from .._http.context import gateway_of, json_response, request_id_of
from .._http.sse import sse_response
from .._services.compare import plan_compare

__all__ = ["routes"]


def _nested_error(request: Request, err: GatewayError) -> Response:
    # Production raises this one as FastAPI's HTTPException(detail={"error": ...}).
    return json_response(
        request,
        {"detail": {"error": err.error_object()}, "request_id": request_id_of(request)},
        err.status,
    )


async def _compare(request: Request) -> Response:
    key = await authenticate(request)
    body = await json_body(request)
    run = plan_compare(gateway_of(request), body, key, request_id_of(request))
    if run.body.stream:
        unknown = run.every_model_unknown()
        if unknown is not None:
            return _nested_error(request, unknown)
        events = run.token_events() if run.body.skip_comparison else run.synthesis_events()
        return sse_response(request, events)
    try:
        return json_response(request, await run.completion())
    except GatewayError as exc:
        if exc.code == "all_models_failed":
            return _nested_error(request, exc)
        raise


def routes() -> List[BaseRoute]:
    """The compare endpoint."""
    return [Route("/v1/chat/compare", _compare, methods=["POST"])]
