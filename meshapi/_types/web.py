"""Web search: POST /v1/web/search."""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional

from pydantic import Field
from typing_extensions import Required, TypedDict

from ._base import RequestModel, ResponseModel

__all__ = ["WebSearchParams", "WebSearchParamsDict", "WebSearchResponse", "WebSearchResultItem"]


# ==============================================================================================
# Web search: POST /v1/web/search
# ==============================================================================================


class WebSearchParamsDict(TypedDict, total=False):
    """:class:`WebSearchParams` as a dict (the keyword arguments of ``search``)."""

    extra_body: Optional[Dict[str, Any]]
    query: Required[str]
    model: Optional[str]
    provider: Optional[Literal["native", "tavily"]]
    max_results: int
    search_depth: Literal["basic", "advanced"]
    include_domains: Optional[List[str]]
    exclude_domains: Optional[List[str]]
    include_answer: bool


class WebSearchParams(RequestModel):
    """Body of ``POST /v1/web/search``. ``max_results``, ``search_depth`` and ``include_answer``
    are always sent. ``provider`` asks for an engine (``native`` or ``tavily``); the answer's
    ``provider`` says which one served."""

    query: str = Field(min_length=1, max_length=2000)
    model: Optional[str] = None
    provider: Optional[Literal["native", "tavily"]] = None
    max_results: int = Field(default=5, ge=1, le=20)
    search_depth: Literal["basic", "advanced"] = "basic"
    include_domains: Optional[List[str]] = None
    exclude_domains: Optional[List[str]] = None
    include_answer: bool = False


class WebSearchResultItem(ResponseModel):
    """One search hit: ``content`` is the snippet; ``score`` the relevance (higher is better)."""

    title: str
    url: str
    content: str = ""
    score: Optional[float] = None
    published_date: Optional[str] = None


class WebSearchResponse(ResponseModel):
    """The answer of ``POST /v1/web/search``. ``answer`` is best-effort, even with
    ``include_answer=True``; ``provider`` names the engine that served (an open set)."""

    query: str
    answer: Optional[str] = None
    results: List[WebSearchResultItem] = Field(default_factory=list)
    provider: str
    request_id: str = ""
