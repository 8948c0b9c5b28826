"""Request models: pydantic validation failures as the gateway's 422 ``validation_error``."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Type, TypeVar

import pydantic

from .errors import GatewayError, validation_detail

__all__ = ["pydantic_details", "validate_body"]

M = TypeVar("M", bound=pydantic.BaseModel)


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
