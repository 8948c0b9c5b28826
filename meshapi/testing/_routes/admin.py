"""Gateway administration over HTTP: health, and fault control for out-of-process gateways.

Rule: ``/_gateway/faults`` exists only when the gateway runs with fault injection enabled
(404 otherwise), and needs a valid key. It bypasses the request faults and rate limits, so a
test can always disarm what it armed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._core.faults import FaultController
from .._http.auth import bearer_token
from .._http.bodies import json_body
from .._http.context import gateway_of, json_response

if TYPE_CHECKING:
    from .._core.gateway import Gateway

__all__ = ["routes"]


async def _health(request: Request) -> Response:
    gateway = gateway_of(request)
    return json_response(
        request,
        {
            "status": "ok",
            "models": len(gateway.catalogue),
            "faults_enabled": gateway.faults.enabled,
        },
    )


def _admin_auth(request: Request) -> FaultController:
    gateway = gateway_of(request)
    gateway.authenticate_key(bearer_token(request))
    return gateway.faults


async def _faults_state(request: Request) -> Response:
    faults = _admin_auth(request)
    return json_response(request, faults.snapshot())


async def _faults_reset(request: Request) -> Response:
    faults = _admin_auth(request)
    faults.reset()
    return json_response(request, faults.snapshot())


async def _faults_action(request: Request) -> Response:
    faults = _admin_auth(request)
    action = request.path_params["action"]
    faults.check_action(action)
    arguments: Dict[str, Any] = await json_body(request, allow_empty=True)
    faults.apply(action, arguments)
    return json_response(request, faults.snapshot())


def routes(gateway: Gateway) -> List[BaseRoute]:
    """Health always; fault control only when the gateway has faults enabled."""
    found: List[BaseRoute] = [Route("/_gateway/health", _health, methods=["GET"])]
    if gateway.faults.enabled:
        found += [
            Route("/_gateway/faults", _faults_state, methods=["GET"]),
            Route("/_gateway/faults", _faults_reset, methods=["DELETE"]),
            Route("/_gateway/faults/{action}", _faults_action, methods=["POST"]),
        ]
    return found
