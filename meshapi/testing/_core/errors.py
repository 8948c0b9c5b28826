"""The one exception a gateway service or route raises to answer with an error.

Rule: whatever goes wrong inside a request becomes a :class:`GatewayError`, and the app turns it
into the production envelope ``{"error": {...}, "request_id": "req_..."}``. Nothing else should
reach the client as a 500 traceback.
"""

from __future__ import annotations

import math
from typing import Any, Dict, List, Mapping, Optional

__all__ = ["GatewayError", "validation_detail"]


def validation_detail(loc: List[Any], msg: str, type_: str = "value_error") -> Dict[str, Any]:
    """One pydantic-style ``{loc, msg, type}`` item for a 422 ``details`` list."""
    return {"loc": list(loc), "msg": msg, "type": type_}


class GatewayError(Exception):
    """An HTTP error answer: status, stable ``code``, human ``message`` and optional extras.

    ``retry_after`` (seconds) becomes both the ``Retry-After`` header and the body's
    ``retry_after_seconds``; ``details`` is the 422 list of ``{loc, msg, type}`` items;
    ``extra`` adds further fields inside ``error`` (for example ``provider_code``).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        details: Optional[List[Any]] = None,
        retry_after: Optional[float] = None,
        headers: Optional[Mapping[str, str]] = None,
        extra: Optional[Mapping[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.retry_after = retry_after
        self.headers: Dict[str, str] = dict(headers or {})
        self.extra: Dict[str, Any] = dict(extra or {})

    def __repr__(self) -> str:
        return f"GatewayError(status={self.status}, code={self.code!r}, message={self.message!r})"

    def error_object(self) -> Dict[str, Any]:
        """The inner ``error`` object of the envelope (also used for in-band stream errors)."""
        err: Dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            err["details"] = self.details
        if self.retry_after is not None:
            err["retry_after_seconds"] = retry_after_seconds(self.retry_after)
        err.update(self.extra)
        return err

    def envelope(self, request_id: str) -> Dict[str, Any]:
        """The full JSON body: ``{"error": {...}, "request_id": ...}``."""
        return {"error": self.error_object(), "request_id": request_id}

    def response_headers(self) -> Dict[str, str]:
        """Headers to send with the error (``Retry-After`` when the client should wait)."""
        headers = dict(self.headers)
        if self.retry_after is not None:
            headers.setdefault("Retry-After", str(retry_after_seconds(self.retry_after)))
        return headers


def retry_after_seconds(value: float) -> int:
    """Whole seconds to wait, rounded up so a client never retries a moment too early."""
    return max(0, math.ceil(value))
