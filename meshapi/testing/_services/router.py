"""The auto router: ``POST /v1/router/select``, and ``model: "auto"`` on chat, responses and
embeddings. The rules are in :mod:`.._engines.router`; this module validates, gates and picks.

Router select runs no inference and charges nothing. Switched off (``auto_router_enabled=False``,
production's ``AUTO_ROUTER_ENABLED``), both the endpoint and ``model: "auto"`` answer 403
``forbidden``.
"""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Mapping, Optional, Union

import pydantic

from .._core.config import KeyRecord
from .._core.errors import GatewayError
from .._core.gateway import Gateway
from .._core.validation import validate_body
from .._engines.router import Prompt, Selection, prompt_of, select

__all__ = ["AUTO", "RouterSelectRequest", "auto_select", "router_select"]

AUTO = "auto"


class _Message(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: Optional[Union[str, List[Dict[str, Any]]]] = None


class RouterSelectRequest(pydantic.BaseModel):
    """The router select body."""

    model_config = pydantic.ConfigDict(extra="allow")

    messages: List[_Message] = pydantic.Field(min_length=1)
    api_type: Literal["completions", "responses", "embeddings"] = "completions"
    exclude_models: Optional[List[str]] = None


def _check_enabled(gateway: Gateway) -> None:
    if not gateway.config.options.auto_router_enabled:
        raise GatewayError(
            403,
            "forbidden",
            "The auto router is disabled on this gateway (AUTO_ROUTER_ENABLED=false).",
        )


def _catalogue(gateway: Gateway) -> Dict[str, Dict[str, Any]]:
    return {m["id"]: m for m in gateway.catalogue.all()}


def router_select(gateway: Gateway, body: Mapping[str, Any], key: KeyRecord) -> Dict[str, Any]:
    """The model the router would pick for these messages."""
    _check_enabled(gateway)
    request = validate_body(RouterSelectRequest, body)
    prompt = prompt_of([m.model_dump() for m in request.messages])
    selection = select(
        prompt,
        _catalogue(gateway),
        api_type=request.api_type,
        exclude=request.exclude_models or (),
    )
    return selection.wire()


def auto_select(gateway: Gateway, prompt: Prompt, api_type: str) -> Selection:
    """``model: "auto"``: the router's choice for a request about to run."""
    _check_enabled(gateway)
    return select(prompt, _catalogue(gateway), api_type=api_type)
