"""Server-Sent Events out of the gateway, with the stream faults applied.

Rule: every SSE stream the gateway sends goes through :func:`sse_response`, so framing
(``event:`` line, ``data: <json>``, blank line, final ``data: [DONE]``), the in-band error frame
for failures after the first byte, and the injected stream faults are the same everywhere.
"""

from __future__ import annotations

import asyncio
import logging
from typing import AsyncIterator, Dict, List, Mapping, Optional

from starlette.requests import HTTPConnection
from starlette.responses import Response, StreamingResponse

from .._core.errors import GatewayError
from .._core.faults import StreamPlan
from .._formats.sse import SSEEvent, encode_frame
from .context import gateway_of, interruptible_sleep

__all__ = ["sse_response"]

logger = logging.getLogger("meshapi.testing")

# Deliberately not JSON: the opening of a chunk cut short, the classic half-written frame.
MALFORMED_DATA = '{"id": "chatcmpl-malformed", "choices": [{"delta": {"content": "tru'


class InjectedDisconnect(Exception):
    """Raised inside a stream to make the server abort the connection mid-body."""


class _SuppressInjectedDisconnect(logging.Filter):
    # uvicorn logs any exception escaping the app; an injected drop is not an error.
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        seen = 0
        while exc is not None and seen < 10:
            if isinstance(exc, InjectedDisconnect):
                return False
            group = getattr(exc, "exceptions", None)
            exc = group[0] if group else (exc.__cause__ or exc.__context__)
            seen += 1
        return True


_filter_installed = False


def install_log_filter() -> None:
    """Keep injected disconnects out of uvicorn's error log (idempotent)."""
    global _filter_installed
    if not _filter_installed:
        logging.getLogger("uvicorn.error").addFilter(_SuppressInjectedDisconnect())
        _filter_installed = True


def sse_response(
    request: HTTPConnection,
    events: AsyncIterator[SSEEvent],
    *,
    headers: Optional[Mapping[str, str]] = None,
) -> Response:
    """Stream ``(event_name, payload)`` pairs as SSE, then ``data: [DONE]``.

    A :class:`GatewayError` raised by ``events`` after the stream started becomes an in-band
    ``data: {"error": {...}}`` frame (the status is already 200), and the stream ends without
    ``[DONE]``; any other exception becomes an ``upstream_error`` frame the same way. Stream
    faults armed on the gateway are taken now, so they hit this stream and no other.
    """
    gateway = gateway_of(request)
    plan = gateway.faults.take_stream_plan()
    delay = gateway.config.token_delay
    install_log_filter()
    out_headers: Dict[str, str] = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    out_headers.update(headers or {})
    return StreamingResponse(
        _frames(request, events, plan, delay),
        media_type="text/event-stream",
        headers=out_headers,
    )


async def _frames(
    request: HTTPConnection, events: AsyncIterator[SSEEvent], plan: StreamPlan, delay: float
) -> AsyncIterator[bytes]:
    eol = "\r\n" if plan.crlf else "\n"
    sent = 0

    def pieces(data: bytes) -> List[bytes]:
        if plan.keepalive:
            data = (": keep-alive" + eol + eol).encode() + data
        if plan.fragment <= 0:
            return [data]
        step = plan.fragment
        return [data[i : i + step] for i in range(0, len(data), step)]

    async def faults_at(index: int, final: bool) -> AsyncIterator[bytes]:
        """Frames (or actions) the plan wants before data frame ``index``."""

        def due(after: Optional[int]) -> bool:
            return after is not None and (after == index or (final and after > index))

        if due(plan.stall_after):
            plan.stall_after = None
            await interruptible_sleep(request, plan.stall_seconds)
        if due(plan.malformed_after):
            plan.malformed_after = None
            for piece in pieces(encode_frame(None, MALFORMED_DATA, eol)):
                yield piece
        if due(plan.inband_after):
            plan.inband_after = None
            for piece in pieces(encode_frame(None, {"error": plan.inband_error}, eol)):
                yield piece
            for piece in pieces(encode_frame(None, "[DONE]", eol)):
                yield piece
            raise _StopStream
        if due(plan.drop_after):
            plan.drop_after = None
            if plan.drop_how == "eof":
                raise _StopStream
            raise InjectedDisconnect("injected connection drop")

    try:
        try:
            async for event, payload in events:
                async for extra in faults_at(sent, final=False):
                    yield extra
                for piece in pieces(encode_frame(event, payload, eol)):
                    yield piece
                sent += 1
                if delay > 0:
                    await asyncio.sleep(delay)
            async for extra in faults_at(sent, final=True):
                yield extra
        except _StopStream:
            return
        except GatewayError as exc:
            for piece in pieces(encode_frame(None, {"error": exc.error_object()}, eol)):
                yield piece
            return
        except (InjectedDisconnect, asyncio.CancelledError):
            raise
        except Exception:
            logger.exception("stream failed after it started")
            err = {"code": "upstream_error", "message": "The stream failed in the local gateway."}
            for piece in pieces(encode_frame(None, {"error": err}, eol)):
                yield piece
            return
        for piece in pieces(encode_frame(None, "[DONE]", eol)):
            yield piece
    finally:
        closer = getattr(events, "aclose", None)
        if closer is not None:
            await closer()


class _StopStream(Exception):
    """Internal: end the body here (without ``[DONE]`` unless already written)."""
