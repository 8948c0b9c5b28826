"""Reading ``multipart/form-data`` requests (the audio uploads)."""

from __future__ import annotations

from typing import Dict, Tuple

from starlette.requests import Request

from .._core.errors import GatewayError, validation_detail
from .._formats.multipart import FormFile, boundary_of, parse_form
from .bodies import read_body

__all__ = ["form_body"]


async def form_body(request: Request) -> Tuple[Dict[str, str], Dict[str, FormFile]]:
    """The text fields and file parts of a multipart request; 413 when larger than the
    gateway's ``max_body_bytes``, 422 when it is not a well-formed ``multipart/form-data`` body."""
    boundary = boundary_of(request.headers.get("content-type", ""))
    if boundary is None:
        raise GatewayError(
            422,
            "validation_error",
            "This endpoint takes a multipart/form-data body (the audio as the part 'file').",
            details=[validation_detail(["body"], "Expected multipart/form-data", "value_error")],
        )
    raw = await read_body(request)
    try:
        return parse_form(raw, boundary)
    except ValueError as exc:
        raise GatewayError(
            422,
            "validation_error",
            f"Malformed multipart body: {exc}.",
            details=[validation_detail(["body"], str(exc), "value_error")],
        ) from None
