"""The WebSocket side of a realtime session: refusing an upgrade, and the receive loop.

Rule: only bytes move here. What a client event means is decided by
:class:`~meshapi.testing._realtime.session.RealtimeSession`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Awaitable, Callable, List, Mapping, Optional, Tuple

from starlette.websockets import WebSocket, WebSocketDisconnect

from .._core.errors import GatewayError
from .._core.gateway import Gateway
from .._realtime.session import ClientGone, RealtimeSession

__all__ = ["api_key_of", "refuse", "request_id_of_socket", "run_session", "sender"]

_DENIAL_EXTENSION = "websocket.http.response"


def api_key_of(websocket: WebSocket) -> Optional[str]:
    """The key of an upgrade request: query ``api_key``, else ``Authorization: Bearer``."""
    key = websocket.query_params.get("api_key")
    if not key:
        auth = websocket.headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        key = value.strip() if scheme.lower() == "bearer" else None
    return key


def request_id_of_socket(websocket: WebSocket, gateway: Gateway) -> str:
    """The request id the middleware gave the upgrade request (a fresh one otherwise)."""
    state = websocket.scope.get("state") or {}
    rid = state.get("request_id") if isinstance(state, Mapping) else None
    return rid if isinstance(rid, str) and rid else gateway.new_id("req")


async def refuse(
    websocket: WebSocket,
    gateway: Gateway,
    exc: GatewayError,
    request_id: str,
    subprotocol: Optional[str],
    headers: List[Tuple[bytes, bytes]],
) -> None:
    """Answer a refused upgrade: an HTTP error when the server can send one, else an
    ``error`` event and a 1008 close."""
    if _DENIAL_EXTENSION in websocket.scope.get("extensions", {}):
        # Raw ASGI messages rather than a Starlette Response: some ASGI servers (uvicorn's
        # websockets-sansio protocol, for one) add their own Content-Length to a denial, and a
        # second one from the Response makes the answer unparsable for the client.
        extra = {**exc.response_headers(), "x-request-id": request_id}
        extra = {k: v for k, v in extra.items() if k.lower() != "content-length"}
        await websocket.send(
            {
                "type": "websocket.http.response.start",
                "status": exc.status,
                "headers": [(b"content-type", b"application/json")]
                + [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()],
            }
        )
        body = json.dumps(exc.envelope(request_id)).encode("utf-8")
        await websocket.send({"type": "websocket.http.response.body", "body": body})
        return
    await websocket.accept(subprotocol=subprotocol, headers=headers)
    event = {
        "type": "error",
        "event_id": gateway.new_id("event"),
        "error": {
            "type": "invalid_request_error",
            **exc.error_object(),
            "param": None,
            "event_id": None,
        },
        "request_id": request_id,
    }
    with contextlib.suppress(WebSocketDisconnect, OSError):
        await websocket.send_text(json.dumps(event))
        await websocket.close(code=1008, reason=exc.code)


def sender(websocket: WebSocket) -> Callable[[str], Awaitable[None]]:
    """A ``send(text)`` for a session: a client that is gone raises :class:`ClientGone`."""

    async def send(text: str) -> None:
        try:
            await websocket.send_text(text)
        except WebSocketDisconnect as exc:
            raise ClientGone() from exc

    return send


async def run_session(websocket: WebSocket, session: RealtimeSession, idle_timeout: float) -> None:
    """Greet, then feed the session every frame until the client leaves or stays idle."""
    with contextlib.suppress(WebSocketDisconnect, ClientGone, OSError):
        await session.start()
        limit = float(idle_timeout) if idle_timeout and idle_timeout > 0 else None
        while True:
            # A task that survives the timeout check: a frame arriving at that instant is not lost.
            receiving = asyncio.ensure_future(websocket.receive())
            try:
                done, _ = await asyncio.wait({receiving}, timeout=limit)
            finally:
                if not receiving.done():
                    receiving.cancel()
                    with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, OSError):
                        await receiving
            if not done:
                assert limit is not None
                await session.on_idle(limit)
                await websocket.close(code=1000, reason="idle timeout")
                return
            message = receiving.result()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("text") is not None:
                await session.on_text(message["text"])
            else:
                await session.on_binary()
