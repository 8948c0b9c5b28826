"""Router select: POST /v1/router/select."""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, Sequence

from pydantic import Field
from typing_extensions import Required, TypedDict

from ._base import RequestModel, ResponseModel
from .chat import MessageParam

__all__ = ["AutoRouterMeta", "RouterSelectParams", "RouterSelectParamsDict", "RouterSelectResponse"]


# ==============================================================================================
# Router select: POST /v1/router/select
# ==============================================================================================


class RouterSelectParamsDict(TypedDict, total=False):
    """:class:`RouterSelectParams` as a dict (the keyword arguments of ``select``)."""

    extra_body: Optional[Dict[str, Any]]
    messages: Required[Sequence[MessageParam]]
    api_type: Literal["completions", "responses", "embeddings"]
    exclude_models: Optional[List[str]]


class RouterSelectParams(RequestModel):
    """Body of ``POST /v1/router/select``: the conversation to route, the API it will be sent
    to (``completions``, ``responses`` or ``embeddings``; always sent), and models the router
    must not pick."""

    messages: List[MessageParam] = Field(min_length=1)
    api_type: Literal["completions", "responses", "embeddings"] = "completions"
    exclude_models: Optional[List[str]] = None


class AutoRouterMeta(ResponseModel):
    """How the router chose: ``fallback_used`` when no rule applied (or every candidate was
    excluded) and the default model was picked; ``fallback_reason`` says why."""

    fallback_used: bool = False
    fallback_reason: Optional[str] = None


class RouterSelectResponse(ResponseModel):
    """The model the auto router would pick, without running inference."""

    model: str
    auto_router: AutoRouterMeta
    reasoning_effort: Optional[str] = None
