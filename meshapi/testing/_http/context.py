"""Request context for every route: the gateway, request ids, JSON answers, error handlers.

Rule: a handler never builds an error body itself. It raises :class:`GatewayError` and the
exception handlers here answer with the production envelope, the request id and the headers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any, Dict, Mapping, Optional
from urllib.parse import quote

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, HTTPConnection, Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._core.errors import GatewayError
from .._core.faults import InjectedResponse
from .._core.gateway import Gateway
from .._core.ids import new_ulid
from .._core.jsonsafe import servable

__all__ = [
    "API_VERSION",
    "RequestContextMiddleware",
    "error_response",
    "exception_handlers",
    "gateway_of",
    "interruptible_sleep",
    "json_response",
    "request_id_of",
]

logger = logging.getLogger("meshapi.testing")

# Version served when the client does not ask for one.
API_VERSION = "2025-10"
_VERSION_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_CLIENT_REQUEST_ID_RE = re.compile(r"^[\x21-\x7e]{1,200}$")


def gateway_of(conn: HTTPConnection) -> Gateway:
    """The :class:`Gateway` of the app serving this request."""
    gateway: Gateway = conn.app.state.gateway
    return gateway


def request_id_of(conn: HTTPConnection) -> str:
    """The request id: the client's usable ``X-Request-Id``, else ``req_<ULID>``."""
    state = conn.scope.setdefault("state", {})
    rid = state.get("request_id")
    if not isinstance(rid, str):
        rid = "req_" + new_ulid()
        state["request_id"] = rid
    return rid


def json_response(
    request: HTTPConnection,
    content: Any,
    status_code: int = 200,
    headers: Optional[Mapping[str, str]] = None,
) -> Response:
    """A compact JSON response (no NaN, UTF-8 kept as is).

    Bodies are checked before anything is stored, but a database written by an older gateway
    may still hold NaN or lone surrogates: those are served as ``null`` and U+FFFD, never as a
    500 on every later read.
    """
    try:
        body = _dumps(content)
    except (ValueError, UnicodeEncodeError):
        logger.warning("serving a stored value strict JSON cannot carry, made servable")
        body = _dumps(servable(content))
    return Response(
        body, status_code=status_code, headers=dict(headers or {}), media_type="application/json"
    )


def _dumps(content: Any) -> bytes:
    text = json.dumps(content, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def error_response(request: HTTPConnection, exc: GatewayError) -> Response:
    """The production error envelope for ``exc``."""
    return json_response(
        request, exc.envelope(request_id_of(request)), exc.status, exc.response_headers()
    )


async def interruptible_sleep(conn: HTTPConnection, seconds: float) -> None:
    """Sleep, but wake early when the gateway stops so shutdown is never held up."""
    gateway = gateway_of(conn)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not gateway.stopping.is_set():
        remaining = deadline - loop.time()
        if remaining <= 0:
            return
        await asyncio.sleep(min(remaining, 0.05))


# --------------------------------------------------------------------------------------------
# Exception handlers


async def _gateway_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GatewayError)
    return error_response(request, exc)


async def _injected(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, InjectedResponse)
    return Response(
        exc.body, status_code=exc.status, headers=exc.headers, media_type=exc.media_type
    )


def _slash_redirect(request: Request) -> Optional[Response]:
    """Starlette's trailing-slash redirect, with ``Location`` built from the gateway's own
    address (Starlette's uses the client's ``Host`` header, which anyone can set)."""
    path = request.url.path
    if request.scope["type"] != "http" or path == "/":
        return None
    other = path.rstrip("/") if path.endswith("/") else path + "/"
    scope = dict(request.scope, path=other)
    if not any(route.matches(scope)[0] != Match.NONE for route in request.app.router.routes):
        return None
    query = request.scope.get("query_string", b"").decode("latin-1")
    base = gateway_of(request).config.public_base_url.rstrip("/")
    location = base + quote(other) + (f"?{query}" if query else "")
    return RedirectResponse(location, status_code=307)


async def _http_exception(request: Request, exc: Exception) -> Response:
    # Production is FastAPI: routing 404/405 come back as {"detail": "..."}, not the envelope.
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        redirect = _slash_redirect(request)
        if redirect is not None:
            return redirect
    headers = dict(exc.headers or {})
    if exc.status_code in {204, 304}:
        return Response(status_code=exc.status_code, headers=headers)
    return json_response(request, {"detail": exc.detail}, exc.status_code, headers)


exception_handlers: Dict[Any, Any] = {
    GatewayError: _gateway_error,
    InjectedResponse: _injected,
    HTTPException: _http_exception,
}


# --------------------------------------------------------------------------------------------
# Middleware


class RequestContextMiddleware:
    """Request ids and API versions for every HTTP request (and the request id for websockets).

    Keeps a usable client ``X-Request-Id`` (so one id follows a call across its retries), checks
    ``X-Mesh-Version`` (malformed or empty → 400 ``invalid_api_version``) and puts
    ``x-request-id`` and ``x-mesh-version`` on every response, errors included.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        client_id = headers.get("x-request-id")
        if client_id is not None and _CLIENT_REQUEST_ID_RE.match(client_id.strip()):
            request_id = client_id.strip()
        else:
            request_id = "req_" + new_ulid()
        scope.setdefault("state", {})["request_id"] = request_id
        version = headers.get("x-mesh-version")
        if (
            scope["type"] == "http"
            and version is not None
            and not _VERSION_RE.match(version.strip())
        ):
            err = GatewayError(
                400,
                "invalid_api_version",
                f"X-Mesh-Version must look like YYYY-MM (for example {API_VERSION!r}),"
                f" got {version!r}.",
            )
            body = json.dumps(err.envelope(request_id)).encode()
            response = Response(body, status_code=400, media_type="application/json")
            response.headers["x-request-id"] = request_id
            response.headers["x-mesh-version"] = API_VERSION
            await response(scope, receive, send)
            return
        echo = version.strip() if version is not None else API_VERSION
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                out = MutableHeaders(scope=message)
                out["x-request-id"] = request_id
                out["x-mesh-version"] = echo
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except ClientDisconnect:
            # The client hung up before its body was read (e.g. its timeout ran out during an
            # injected stall): nobody is left to answer, and it is not a gateway error.
            return
        except Exception:
            # A bug in a handler still answers with the envelope (and keeps the connection
            # usable); after the response started there is nothing left but to drop it.
            if started or scope["type"] != "http":
                raise
            logger.exception(
                "unexpected error while handling %s %s", scope.get("method"), scope.get("path")
            )
            err = GatewayError(500, "upstream_error", "Internal error in the local gateway.")
            response = Response(
                json.dumps(err.envelope(request_id)), status_code=500, media_type="application/json"
            )
            await response(scope, receive, send_with_headers)
