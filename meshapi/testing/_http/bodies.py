"""Reading requests: the JSON body (with a size limit) and query parameters."""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Dict, List, Optional

from starlette.requests import Request

from .._core.errors import GatewayError, validation_detail
from .._core.jsonsafe import loads_checked
from .context import gateway_of

__all__ = ["json_body", "query_bool", "query_int", "read_body"]

# Bodies larger than this are checked and parsed on a worker thread, off the event loop.
_THREAD_THRESHOLD = 256 * 1024


def _too_large(limit: int) -> GatewayError:
    return GatewayError(
        413,
        "payload_too_large",
        f"Request body is larger than the gateway's limit of {limit} bytes.",
        details=[validation_detail(["body"], f"Body exceeds {limit} bytes", "too_long")],
    )


async def read_body(request: Request, limit: Optional[int] = None) -> bytes:
    """The whole request body, refused with 413 as soon as it exceeds ``limit`` bytes.

    ``limit`` defaults to the gateway's ``max_body_bytes``; a ``Content-Length`` over it is
    refused before a byte is read.
    """
    if limit is None:
        limit = gateway_of(request).config.options.max_body_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: List[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    raw = b"".join(chunks)
    request._body = raw  # what Request.body() returns from now on
    return raw


async def json_body(request: Request, *, allow_empty: bool = False) -> Dict[str, Any]:
    """The request body as a JSON object; 413 when too large, 422 ``validation_error`` otherwise.

    Checked before any service sees it (:func:`~.._core.jsonsafe.loads_checked`): the nesting
    depth (``max_json_depth``) before parsing, then numbers and strings that cannot be stored.
    ``allow_empty`` turns an empty body into ``{}``.
    """
    raw = await read_body(request)
    if not raw.strip():
        if allow_empty:
            return {}
        raise GatewayError(
            422,
            "validation_error",
            "Request body is required.",
            details=[validation_detail(["body"], "Field required", "missing")],
        )
    depth = gateway_of(request).config.options.max_json_depth
    if len(raw) > _THREAD_THRESHOLD:
        data = await asyncio.get_running_loop().run_in_executor(
            None, functools.partial(loads_checked, raw, max_depth=depth)
        )
    else:
        data = loads_checked(raw, max_depth=depth)
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
