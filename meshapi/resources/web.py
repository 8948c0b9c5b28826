"""``/v1/web/search``: Web search (native engine first, Tavily on failover)."""

from __future__ import annotations

from typing import Any, Mapping, Union

from .._endpoint import Endpoint
from .._request import ExtraHeaders, TimeoutTypes
from .._types import WebSearchParams, WebSearchResponse
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncWebResource", "WebResource"]

SEARCH = Endpoint(
    "POST", "/v1/web/search", WebSearchResponse, name="search", params=WebSearchParams
)

WebSearchParamsInput = Union[WebSearchParams, Mapping[str, Any]]


class WebResource(SyncResource):
    """Web search (native engine first, Tavily on failover)."""

    def search(
        self,
        params: WebSearchParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> WebSearchResponse:
        """Search the web: titles, URLs, snippets and scores in ``results``, an ``answer`` when
        asked for (best-effort), and the engine that served in ``provider``."""
        return self._call(SEARCH, params=params, extra_headers=extra_headers, timeout=timeout)


class AsyncWebResource(AsyncResource):
    """Web search (native engine first, Tavily on failover)."""

    async def search(
        self,
        params: WebSearchParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> WebSearchResponse:
        """Search the web: titles, URLs, snippets and scores in ``results``, an ``answer`` when
        asked for (best-effort), and the engine that served in ``provider``."""
        return await self._call(SEARCH, params=params, extra_headers=extra_headers, timeout=timeout)
