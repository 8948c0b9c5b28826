"""``/v1/models``: the model catalogue, its search, and one model by id."""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Mapping, Optional, Union

from .._endpoint import Endpoint, OffsetPagination
from .._request import ExtraHeaders, ModelParser, TimeoutTypes, model_body
from .._types import ModelInfo, ModelSearchParams, ModelsPage
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncModelsResource", "ModelsResource"]

ModelType = Literal["text", "embedding", "image", "audio", "video"]
_MODEL_TYPES = ("text", "embedding", "image", "audio", "video")
ModelSearchInput = Union[ModelSearchParams, Mapping[str, Any]]

_CATALOGUE = ModelParser.for_list(ModelInfo)
LIST = Endpoint("GET", "/v1/models", _CATALOGUE, name="list")
FREE = Endpoint("GET", "/v1/models/free", _CATALOGUE, name="free")
PAID = Endpoint("GET", "/v1/models/paid", _CATALOGUE, name="paid")
GET = Endpoint("GET", "/v1/models/{model_id:model}", ModelInfo, name="get")
SEARCH = Endpoint(
    "GET",
    "/v1/models/search",
    ModelsPage,
    name="search",
    pagination=OffsetPagination(items="items", max_limit=100),
)


def list_query(
    free: Optional[bool], type: Optional[str], provider: Optional[str]
) -> Dict[str, Any]:
    """The query of ``list()``; an unknown ``type`` is refused before anything is sent."""
    if type is not None and type not in _MODEL_TYPES:
        raise ValueError(f"type must be one of {', '.join(_MODEL_TYPES)}; got {type!r}")
    if provider is not None and (not isinstance(provider, str) or not provider.strip()):
        raise ValueError(f"provider must be a non-empty string such as 'openai'; got {provider!r}")
    return {"free": free, "type": type, "provider": provider}


def search_query(params: Optional[ModelSearchInput]) -> Dict[str, Any]:
    """The query of ``search()``: the params' fields that are set (lists repeat their key)."""
    if params is None:
        return {}
    return dict(model_body(params, ModelSearchParams, "search").to_wire())


class ModelsResource(SyncResource):
    """The catalogue of models the gateway routes to."""

    def list(
        self,
        *,
        free: Optional[bool] = None,
        type: Optional[ModelType] = None,
        provider: Optional[str] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> List[ModelInfo]:
        """Every model; filtered on the server by ``free=True`` / ``free=False``, ``type``
        (``text``, ``embedding``, ``image``, ``audio``, ``video``) and ``provider``
        (``"openai"``)."""
        return self._call(
            LIST,
            query=list_query(free, type, provider),
            extra_headers=extra_headers,
            timeout=timeout,
        )

    def free(
        self, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> List[ModelInfo]:
        """The models that cost nothing."""
        return self._call(FREE, extra_headers=extra_headers, timeout=timeout)

    def paid(
        self, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> List[ModelInfo]:
        """The models that are billed."""
        return self._call(PAID, extra_headers=extra_headers, timeout=timeout)

    def get(
        self, model_id: str, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> ModelInfo:
        """One model by id, e.g. ``"openai/gpt-4o"``."""
        return self._call(GET, model_id, extra_headers=extra_headers, timeout=timeout)

    def search(
        self,
        params: Optional[ModelSearchInput] = None,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ModelsPage:
        """One page of a catalogue search: fuzzy ``q`` over id, name and brand, filters, sort;
        ``page.items``, ``page.total`` and the brand facet ``page.brands``. Next page:
        ``offset=page.offset + len(page.items)``."""
        return self._call(
            SEARCH, query=search_query(params), extra_headers=extra_headers, timeout=timeout
        )


class AsyncModelsResource(AsyncResource):
    """The catalogue of models the gateway routes to."""

    async def list(
        self,
        *,
        free: Optional[bool] = None,
        type: Optional[ModelType] = None,
        provider: Optional[str] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> List[ModelInfo]:
        """Every model; filtered on the server by ``free=True`` / ``free=False``, ``type``
        (``text``, ``embedding``, ``image``, ``audio``, ``video``) and ``provider``
        (``"openai"``)."""
        return await self._call(
            LIST,
            query=list_query(free, type, provider),
            extra_headers=extra_headers,
            timeout=timeout,
        )

    async def free(
        self, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> List[ModelInfo]:
        """The models that cost nothing."""
        return await self._call(FREE, extra_headers=extra_headers, timeout=timeout)

    async def paid(
        self, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> List[ModelInfo]:
        """The models that are billed."""
        return await self._call(PAID, extra_headers=extra_headers, timeout=timeout)

    async def get(
        self, model_id: str, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> ModelInfo:
        """One model by id, e.g. ``"openai/gpt-4o"``."""
        return await self._call(GET, model_id, extra_headers=extra_headers, timeout=timeout)

    async def search(
        self,
        params: Optional[ModelSearchInput] = None,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ModelsPage:
        """One page of a catalogue search: fuzzy ``q`` over id, name and brand, filters, sort;
        ``page.items``, ``page.total`` and the brand facet ``page.brands``. Next page:
        ``offset=page.offset + len(page.items)``."""
        return await self._call(
            SEARCH, query=search_query(params), extra_headers=extra_headers, timeout=timeout
        )
