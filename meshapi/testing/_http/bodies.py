"""Reading requests: the JSON body (with a size limit) and query parameters."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from starlette.requests import Request

from .._core.errors import GatewayError, validation_detail

__all__ = ["MAX_JSON_BODY", "json_body", "query_bool", "query_int"]

MAX_JSON_BODY = 32 * 1024 * 1024


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
