"""The error envelope every MeshAPI error answer carries."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ._base import ResponseModel

__all__ = ["ApiErrorBody", "ApiErrorEnvelope"]


# ==============================================================================================
# Errors: {"error": {...}, "request_id": "..."}
# ==============================================================================================


class ApiErrorBody(ResponseModel):
    """The ``error`` object: a stable ``code``, a message, and what else the gateway knows."""

    code: str
    message: str
    details: Optional[List[Any]] = None
    """Validation errors (``loc``, ``msg``, ``type``) for ``validation_error``."""
    provider_error: Optional[Dict[str, Any]] = None
    retry_after_seconds: Optional[int] = None


class ApiErrorEnvelope(ResponseModel):
    """An error answer's body. The SDK raises :class:`~meshapi.MeshAPIError` subclasses built
    from it; parse it yourself with ``ApiErrorEnvelope.model_validate_json(body)``."""

    error: ApiErrorBody
    request_id: Optional[str] = None
