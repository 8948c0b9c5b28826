"""Request plumbing shared by every route: auth, JSON bodies, validation, errors, request ids.

Rule: a handler never builds an error body itself. It raises :class:`GatewayError` and the
exception handlers here answer with the production envelope, the request id and the headers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any, Dict, List, Mapping, Optional, Type, TypeVar

import pydantic
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._errors import GatewayError, validation_detail
from ._faults import InjectedResponse
from ._state import Gateway, KeyRecord, new_ulid

__all__ = [
    "API_VERSION",
    "RequestContextMiddleware",
    "authenticate",
    "error_response",
    "exception_handlers",
    "gateway_of",
    "interruptible_sleep",
    "json_body",
    "json_response",
    "query_bool",
    "query_int",
    "request_id_of",
    "validate_body",
]

logger = logging.getLogger("meshapi.testing")

# Version served when the client does not ask for one.
API_VERSION = "2025-10"
_VERSION_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_CLIENT_REQUEST_ID_RE = re.compile(r"^[\x21-\x7e]{1,200}$")
MAX_JSON_BODY = 32 * 1024 * 1024

M = TypeVar("M", bound=pydantic.BaseModel)


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
    """A compact JSON response (no NaN, UTF-8 kept as is)."""
    body = json.dumps(content, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(
        body, status_code=status_code, headers=dict(headers or {}), media_type="application/json"
    )


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


def bearer_token(request: HTTPConnection) -> Optional[str]:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


async def authenticate(request: HTTPConnection) -> KeyRecord:
    """Bearer auth for an API request, then the key's RPM/RPD limits.

    Injected request faults fire first (before the key is even looked at, like a proxy in
    front of the gateway would): a stall before the first byte, a failure status.
    """
    gateway = gateway_of(request)
    fault = gateway.faults.take_request_fault()
    if fault is not None:
        if fault.stall_seconds:
            await interruptible_sleep(request, fault.stall_seconds)
        if fault.status is not None:
            if fault.body != "json":
                raise fault.non_json_response()
            parts = fault.error_parts()
            retry = fault.retry_after
            headers: Dict[str, str] = {}
            if isinstance(retry, str):
                headers["Retry-After"] = retry
                retry = None
            raise GatewayError(
                parts["status"], parts["code"], parts["message"], retry_after=retry, headers=headers
            )
    record = gateway.authenticate_key(bearer_token(request))
    gateway.check_rate_limit(record)
    request.scope.setdefault("state", {})["key"] = record
    return record


async def json_body(request: Request) -> Dict[str, Any]:
    """The request body as a JSON object; 422 ``validation_error`` with details otherwise."""
    raw = await request.body()
    if len(raw) > MAX_JSON_BODY:
        raise GatewayError(
            400, "invalid_request", f"Request body is larger than {MAX_JSON_BODY} bytes."
        )
    if not raw.strip():
        raise GatewayError(
            422,
            "validation_error",
            "Request body is required.",
            details=[validation_detail(["body"], "Field required", "missing")],
        )
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise GatewayError(
            422,
            "validation_error",
            "Request body is not UTF-8 text.",
            details=[
                validation_detail(["body"], "Body must be UTF-8 encoded JSON", "json_invalid")
            ],
        ) from None
    except json.JSONDecodeError as exc:
        raise GatewayError(
            422,
            "validation_error",
            f"Request body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).",
            details=[
                validation_detail(
                    ["body", exc.pos], f"JSON decode error: {exc.msg}", "json_invalid"
                )
            ],
        ) from None
    if not isinstance(data, dict):
        raise GatewayError(
            422,
            "validation_error",
            "Request body must be a JSON object.",
            details=[
                validation_detail(
                    ["body"],
                    "Input should be a valid dictionary or object",
                    "model_attributes_type",
                )
            ],
        )
    return data


def pydantic_details(exc: pydantic.ValidationError, prefix: str = "body") -> List[Dict[str, Any]]:
    """FastAPI-style ``{loc, msg, type}`` items (input values left out: they may hold secrets)."""
    return [
        validation_detail([prefix, *err["loc"]], err["msg"], err["type"]) for err in exc.errors()
    ]


def _summary(details: List[Dict[str, Any]]) -> str:
    parts = []
    for item in details[:3]:
        loc = ".".join(str(p) for p in item["loc"][1:]) or "body"
        parts.append(f"{loc}: {item['msg']}")
    more = f" (and {len(details) - 3} more)" if len(details) > 3 else ""
    return "Invalid request body: " + "; ".join(parts) + more


def validate_body(model: Type[M], data: Mapping[str, Any]) -> M:
    """Validate ``data`` against a pydantic model; 422 with pydantic-style details if it fails."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        details = pydantic_details(exc)
        raise GatewayError(422, "validation_error", _summary(details), details=details) from None


def query_int(
    request: Request, name: str, default: int, *, minimum: int, maximum: Optional[int] = None
) -> int:
    """An integer query parameter within bounds; 422 otherwise."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < minimum or (maximum is not None and value > maximum):
        bound = f" between {minimum} and {maximum}" if maximum is not None else f" >= {minimum}"
        raise GatewayError(
            422,
            "validation_error",
            f"Query parameter {name!r} must be an integer{bound}.",
            details=[
                validation_detail(
                    ["query", name], f"Input should be an integer{bound}", "int_parsing"
                )
            ],
        )
    return value


def query_bool(request: Request, name: str) -> Optional[bool]:
    """A boolean query parameter (true/false/1/0/yes/no), ``None`` when absent; 422 otherwise."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    lowered = raw.strip().lower()
    if lowered in {"true", "1", "yes", "on"}:
        return True
    if lowered in {"false", "0", "no", "off"}:
        return False
    raise GatewayError(
        422,
        "validation_error",
        f"Query parameter {name!r} must be true or false.",
        details=[
            validation_detail(["query", name], "Input should be a valid boolean", "bool_parsing")
        ],
    )


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


async def _http_exception(request: Request, exc: Exception) -> Response:
    # Production is FastAPI: routing 404/405 come back as {"detail": "..."}, not the envelope.
    assert isinstance(exc, HTTPException)
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
