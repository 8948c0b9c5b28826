"""``Idempotency-Key`` on POST requests: run once, replay the kept answer to a retry.

What is decided lives in ``_core/idempotency.py``; this middleware only reads the body, asks
the store, and records or replays bytes. A POST with a key and a known API key:

* first time: runs; a complete 2xx answer is kept (a stream's events included, up to
  ``idempotency_max_record_bytes``);
* same key, same request, answer kept: the answer again, with ``Idempotent-Replayed: true``
  (a stream is replayed as its recorded events, all at once); nothing runs, nothing is billed;
* same key while the first request still runs: waits up to ``idempotency_wait`` for its
  answer, then 409 ``idempotency_key_in_use`` with ``Retry-After``;
* same key, different request: 422 ``idempotency_key_reused``;
* first answer too large to keep: 409 ``idempotency_replay_unavailable``.
"""

from __future__ import annotations

import asyncio
from typing import List, Tuple

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._core.errors import GatewayError, validation_detail
from .._core.idempotency import (
    IdempotencyStore,
    Recorded,
    fingerprint,
    tenant_of,
    valid_key,
)
from .auth import bearer_token
from .context import error_response, gateway_of

__all__ = ["IdempotencyMiddleware"]

_POLL = 0.05


class _TooLarge(Exception):
    pass


class _Gone(Exception):
    pass


async def _read_all(receive: Receive, limit: int) -> bytes:
    chunks: List[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Gone  # nobody is left to answer
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


class IdempotencyMiddleware:
    """See the module docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get("idempotency-key")
        conn = HTTPConnection(scope)
        gateway = gateway_of(conn)
        token = bearer_token(conn)
        if key is None or token is None or token not in gateway.keys:
            await self.app(scope, receive, send)  # unauthenticated: the route answers 401
            return
        options = gateway.config.options
        if not valid_key(key):
            err = GatewayError(
                400,
                "invalid_request",
                "Idempotency-Key must be 1 to 255 printable ASCII characters.",
                details=[validation_detail(["header", "Idempotency-Key"], "Invalid key")],
            )
            await error_response(conn, err)(scope, receive, send)
            return
        try:
            body = await _read_all(receive, options.max_body_bytes)
        except _TooLarge:
            err = GatewayError(
                413,
                "payload_too_large",
                f"Request body is larger than the gateway's limit of {options.max_body_bytes}"
                " bytes.",
            )
            await error_response(conn, err)(scope, receive, send)
            return
        except _Gone:
            return
        store = gateway.part(IdempotencyStore)
        tenant = tenant_of(token)
        print_ = fingerprint(scope["method"], scope["path"], scope.get("query_string", b""), body)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + options.idempotency_wait
        while True:
            claim = store.claim(tenant, key, print_)
            if claim.action != "wait" or loop.time() >= deadline or gateway.stopping.is_set():
                break
            await asyncio.sleep(_POLL)
        if claim.action == "run":
            await self._run(scope, receive, send, body, store, tenant, key)
            return
        if claim.action == "replay":
            assert claim.recorded is not None
            await _replay(claim.recorded, send)
            return
        await error_response(conn, _refusal(claim.action, key, options.overload_retry_after))(
            scope, receive, send
        )

    async def _run(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        body: bytes,
        store: IdempotencyStore,
        tenant: str,
        key: str,
    ) -> None:
        limit = gateway_of(HTTPConnection(scope)).config.options.idempotency_max_record_bytes
        delivered = False

        async def replay_receive() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        status = 0
        headers: List[Tuple[str, str]] = []
        chunks: List[bytes] = []
        size = 0
        complete = False

        async def recording_send(message: Message) -> None:
            nonlocal status, size, complete
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers.extend(
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in message["headers"]
                )
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                if size <= limit:
                    chunks.append(chunk)
                size += len(chunk)
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                complete = True

        try:
            await self.app(scope, replay_receive, recording_send)
        finally:
            if complete and 200 <= status < 300:
                kept = Recorded(status, headers, b"".join(chunks)) if size <= limit else None
                store.keep(tenant, key, kept)
            else:
                store.release(tenant, key)


async def _replay(recorded: Recorded, send: Send) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in recorded.headers]
    headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": recorded.status, "headers": headers})
    await send({"type": "http.response.body", "body": recorded.body, "more_body": False})


def _refusal(action: str, key: str, retry_after: float) -> GatewayError:
    if action == "mismatch":
        return GatewayError(
            422,
            "idempotency_key_reused",
            f"Idempotency-Key {key!r} was already used with a different request (method, path"
            " or body); send a new key for a new request.",
        )
    if action == "unrecorded":
        return GatewayError(
            409,
            "idempotency_replay_unavailable",
            f"The first answer to Idempotency-Key {key!r} was too large to keep, so it cannot"
            " be replayed; send a new key to run the request again.",
        )
    return GatewayError(
        409,
        "idempotency_key_in_use",
        f"A request with Idempotency-Key {key!r} is still running; retry shortly.",
        retry_after=retry_after,
    )
