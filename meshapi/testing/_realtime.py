# Placeholder owned by the realtime work: replaced by the real endpoint.
from __future__ import annotations

from starlette.websockets import WebSocket


async def realtime_endpoint(websocket: WebSocket) -> None:
    await websocket.close(code=1011, reason="realtime endpoint not built yet")
