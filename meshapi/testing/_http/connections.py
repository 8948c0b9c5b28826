"""Connections that hold the gateway hostage: idle, slow, or too many of them.

uvicorn starts its keep-alive timer only after an answer, so a connection that never sends a
request, or trickles its headers or body, used to stay open for ever and count against its
``limit_concurrency`` (whose overload answer is a ``text/plain`` 503 without ``Retry-After``).
Here, per gateway (all times and limits are ``GatewayOptions``):

* a connection must send a complete request head within ``request_header_timeout`` of opening
  (or of its last answer), and the body within ``request_body_timeout`` of the head, or it is
  closed;
* beyond ``max_connections`` open connections, a new one closes the longest-idle connections
  that have no request in flight (an idle connection costs a client nothing to reopen);
* beyond ``max_concurrent_requests`` requests in flight, a request is answered 503
  ``overloaded`` with the error envelope and ``Retry-After``, which clients retry.

:class:`ConnectionGuard` wraps uvicorn's HTTP protocol (whatever its version) to see the
connection; :class:`ConnectionGuardMiddleware` tells it, from the ASGI side, when a request
starts, when its body is in, and when it ends.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, Optional, Tuple, Type

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._core.errors import GatewayError
from .._core.gateway import Gateway
from .context import error_response, gateway_of

__all__ = ["ConnectionGuard", "ConnectionGuardMiddleware"]

Peer = Tuple[str, int]


class _Connection:
    """What the guard knows about one open connection."""

    def __init__(
        self,
        guard: ConnectionGuard,
        transport: asyncio.BaseTransport,
        body_arrived: Callable[[], bool],
    ) -> None:
        self.guard = guard
        self.transport = transport
        self.body_arrived = body_arrived
        self.active = 0
        self.idle_since = guard.loop_time()
        self.timer: Optional[asyncio.TimerHandle] = None

    def arm(self, seconds: float) -> None:
        self.disarm()
        self.timer = asyncio.get_running_loop().call_later(seconds, self._expired)

    def _expired(self) -> None:
        # A body that has fully arrived is not "slow", even if the handler has not read it yet
        # (a stalled request, say).
        if self.active and self.body_arrived():
            self.timer = None
            return
        self.close()

    def disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def close(self) -> None:
        self.disarm()
        if not self.transport.is_closing():
            self.transport.close()

    # -- told by the middleware --------------------------------------------------------------

    def request_started(self, has_body: bool) -> None:
        self.active += 1
        self.disarm()
        if has_body:
            self.arm(self.guard.options.request_body_timeout)

    def body_received(self) -> None:
        self.disarm()

    def request_finished(self) -> None:
        self.active = max(0, self.active - 1)
        if self.active == 0:
            self.idle_since = self.guard.loop_time()
            self.arm(self.guard.options.request_header_timeout)


class ConnectionGuard:
    """The open connections of one gateway and its requests in flight (``gateway.part``)."""

    def __init__(self, gateway: Gateway) -> None:
        self.options = gateway.config.options
        self.connections: Dict[Peer, _Connection] = {}
        self.in_flight = 0

    @staticmethod
    def loop_time() -> float:
        return asyncio.get_running_loop().time()

    def protocol(self, inner: Type[asyncio.Protocol]) -> Type[asyncio.Protocol]:
        """A protocol class for uvicorn's ``http=``: ``inner`` (uvicorn's own) plus this guard."""
        return _guarded_protocol(self, inner)

    def opened(
        self, peer: Peer, transport: asyncio.BaseTransport, body_arrived: Callable[[], bool]
    ) -> None:
        conn = _Connection(self, transport, body_arrived)
        self.connections[peer] = conn
        conn.arm(self.options.request_header_timeout)
        if len(self.connections) > self.options.max_connections:
            self._evict_idle()

    def closed(self, peer: Peer) -> None:
        conn = self.connections.pop(peer, None)
        if conn is not None:
            conn.disarm()

    def find(self, scope: Scope) -> Optional[_Connection]:
        client = scope.get("client")
        if not client:
            return None
        return self.connections.get((str(client[0]), int(client[1])))

    def _evict_idle(self) -> None:
        for peer, conn in list(self.connections.items()):
            if conn.transport.is_closing():
                self.connections.pop(peer, None)
        excess = len(self.connections) - self.options.max_connections
        if excess <= 0:
            return
        idle = sorted(
            (c for c in self.connections.values() if c.active == 0), key=lambda c: c.idle_since
        )
        for conn in idle[:excess]:
            conn.close()


def _guarded_protocol(guard: ConnectionGuard, inner: Type[asyncio.Protocol]) -> Type[Any]:
    from uvicorn.protocols.utils import get_remote_addr

    class GuardedProtocol(asyncio.Protocol):
        """uvicorn's protocol, with the guard told when the connection opens and closes."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.inner: Any = inner(*args, **kwargs)
            self.peer: Optional[Peer] = None

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.peer = get_remote_addr(transport)  # type: ignore[arg-type]
            if self.peer is not None:
                guard.opened(self.peer, transport, self.body_arrived)
            self.inner.connection_made(transport)

        def body_arrived(self) -> bool:
            # uvicorn's request cycle knows when the whole body is in (h11 and httptools alike).
            cycle = getattr(self.inner, "cycle", None)
            return cycle is not None and getattr(cycle, "more_body", True) is False

        def connection_lost(self, exc: Optional[Exception]) -> None:
            if self.peer is not None:
                guard.closed(self.peer)
            self.inner.connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            self.inner.data_received(data)

        def eof_received(self) -> Optional[bool]:
            result: Optional[bool] = self.inner.eof_received()
            return result

        def pause_writing(self) -> None:
            self.inner.pause_writing()

        def resume_writing(self) -> None:
            self.inner.resume_writing()

    return GuardedProtocol


def _has_body(headers: Headers) -> bool:
    length = headers.get("content-length")
    if length is not None:
        return length.strip() not in ("", "0")
    return "transfer-encoding" in headers


class ConnectionGuardMiddleware:
    """Requests in flight (503 ``overloaded`` above the limit) and the guard's timers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        guard = gateway_of(conn).part(ConnectionGuard)
        tracked = guard.find(scope)
        if scope["type"] == "websocket":
            if tracked is not None:
                # Upgraded: the connection now belongs to the realtime session and its own
                # idle timeout.
                tracked.disarm()
                guard.connections.pop((str(scope["client"][0]), int(scope["client"][1])), None)
            await self.app(scope, receive, send)
            return
        if tracked is not None:
            tracked.request_started(_has_body(conn.headers))
        try:
            if guard.in_flight >= guard.options.max_concurrent_requests:
                err = GatewayError(
                    503,
                    "overloaded",
                    "The gateway is handling as many requests as it allows; retry shortly.",
                    retry_after=guard.options.overload_retry_after,
                    headers={"Connection": "close"},
                )
                await error_response(conn, err)(scope, receive, send)
                return
            guard.in_flight += 1
            try:
                await self.app(scope, _watching(receive, tracked), send)
            finally:
                guard.in_flight -= 1
        finally:
            if tracked is not None:
                tracked.request_finished()


def _watching(receive: Receive, tracked: Optional[_Connection]) -> Receive:
    if tracked is None:
        return receive

    async def watched() -> Message:
        message = await receive()
        if message["type"] == "http.request" and not message.get("more_body", False):
            tracked.body_received()
        return message

    return watched
