"""Gateway administration over HTTP: health, and fault control for out-of-process gateways.

Rule: ``/_gateway/faults`` exists only when the gateway runs with fault injection enabled
(404 otherwise), and needs a valid key. It bypasses the request faults and rate limits, so a
test can always disarm what it armed.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, Dict, List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._core.errors import GatewayError, validation_detail
from .._core.faults import FaultController, FaultParameterError
from .._http.auth import bearer_token
from .._http.bodies import json_body
from .._http.context import gateway_of, json_response

if TYPE_CHECKING:
    from .._core.gateway import Gateway

__all__ = ["FAULT_ACTIONS", "routes"]

# The FaultController methods reachable over HTTP, by name.
FAULT_ACTIONS = (
    "fail_next",
    "drop_stream_after",
    "stall",
    "inband_error",
    "malformed_frame",
    "crlf",
    "keepalive",
    "fragment",
    "reset",
)


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
    if action not in FAULT_ACTIONS:
        raise GatewayError(
            404, "not_found", f"Unknown fault {action!r}; known: {', '.join(FAULT_ACTIONS)}."
        )
    kwargs: Dict[str, Any] = await json_body(request, allow_empty=True)
    method = getattr(faults, action)
    try:
        inspect.signature(method).bind(**kwargs)
    except TypeError as exc:
        raise GatewayError(
            422,
            "validation_error",
            f"Bad arguments for {action}: {exc}.",
            details=[validation_detail(["body"], str(exc), "value_error")],
        ) from None
    try:
        method(**kwargs)
    except FaultParameterError as exc:
        raise GatewayError(
            422,
            "validation_error",
            f"Bad arguments for {action}: {exc}.",
            details=[validation_detail(["body", exc.field], exc.message, "value_error")],
        ) from None
    except (TypeError, ValueError) as exc:
        raise GatewayError(
            422,
            "validation_error",
            f"Bad arguments for {action}: {exc}",
            details=[validation_detail(["body"], str(exc), "value_error")],
        ) from None
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
