"""The ``/v1/realtime`` WebSocket (the protocol is described in ``_realtime/session.py``)."""

from __future__ import annotations

from typing import List

from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket

from .._core.errors import GatewayError
from .._http.context import gateway_of
from .._http.websocket import api_key_of, refuse, request_id_of_socket, run_session, sender
from .._realtime.session import SUBPROTOCOL, RealtimeSession, admit

__all__ = ["routes"]


async def _realtime(websocket: WebSocket) -> None:
    gateway = gateway_of(websocket)
    request_id = request_id_of_socket(websocket, gateway)
    offered = websocket.scope.get("subprotocols") or []
    subprotocol = SUBPROTOCOL if SUBPROTOCOL in offered else None
    headers = [(b"x-request-id", request_id.encode("ascii"))]
    try:
        record, entry = admit(gateway, api_key_of(websocket), websocket.query_params.get("model"))
    except GatewayError as exc:
        await refuse(websocket, gateway, exc, request_id, subprotocol, headers)
        return
    await websocket.accept(subprotocol=subprotocol, headers=headers)
    session = RealtimeSession(sender(websocket), gateway, record, entry, request_id)
    await run_session(websocket, session, gateway.config.realtime_idle_timeout)


def routes() -> List[BaseRoute]:
    """The realtime endpoint."""
    return [WebSocketRoute("/v1/realtime", _realtime)]
