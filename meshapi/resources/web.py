"""``/v1/web/search``: Web search (native engine first, Tavily on failover)."""

from __future__ import annotations

from typing import Any, Optional, Union, overload

from typing_extensions import Unpack

from .._endpoint import BodyCallOptions, CallOptions, Endpoint
from .._types import WebSearchParams, WebSearchParamsDict, WebSearchResponse
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncWebResource", "WebSearchKwargs", "WebResource"]

SEARCH = Endpoint(
    "POST", "/v1/web/search", WebSearchResponse, name="search", params=WebSearchParams
)

WebSearchParamsInput = Union[WebSearchParams, WebSearchParamsDict]


class WebSearchKwargs(WebSearchParamsDict, CallOptions, total=False):
    """The keyword arguments of ``search()``: the body's fields and the per-call options."""


class WebResource(SyncResource):
    """Web search (native engine first, Tavily on failover)."""

    @overload
    def search(
        self, params: WebSearchParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> WebSearchResponse: ...
    @overload
    def search(self, /, **kwargs: Unpack[WebSearchKwargs]) -> WebSearchResponse: ...
    def search(
        self, params: Optional[WebSearchParamsInput] = None, /, **kwargs: Any
    ) -> WebSearchResponse:
        """Search the web: titles, URLs, snippets and scores in ``results``, an ``answer`` when
        asked for (best-effort), and the engine that served in ``provider``. Keyword arguments
        or a :class:`WebSearchParams` (or its dict), with the per-call options beside either."""
        return self._call(SEARCH, params=params, options=kwargs)


class AsyncWebResource(AsyncResource):
    """Web search (native engine first, Tavily on failover)."""

    @overload
    async def search(
        self, params: WebSearchParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> WebSearchResponse: ...
    @overload
    async def search(self, /, **kwargs: Unpack[WebSearchKwargs]) -> WebSearchResponse: ...
    async def search(
        self, params: Optional[WebSearchParamsInput] = None, /, **kwargs: Any
    ) -> WebSearchResponse:
        """Search the web: titles, URLs, snippets and scores in ``results``, an ``answer`` when
        asked for (best-effort), and the engine that served in ``provider``. Keyword arguments
        or a :class:`WebSearchParams` (or its dict), with the per-call options beside either."""
        return await self._call(SEARCH, params=params, options=kwargs)
