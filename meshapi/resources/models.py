"""``/v1/models``: the model catalogue, its search, and one model by id."""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Mapping, Optional, Tuple, Union, overload

from typing_extensions import Unpack

from .._endpoint import CallOptions, Endpoint, OffsetPagination
from .._errors import InvalidRequestError
from .._request import ModelParser, model_body
from .._types import ModelInfo, ModelSearchParams, ModelSearchParamsDict, ModelsPage
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncModelsResource", "ModelSearchKwargs", "ModelsResource"]

ModelType = Literal["text", "embedding", "image", "audio", "video"]
_MODEL_TYPES = ("text", "embedding", "image", "audio", "video")
_CALL_OPTIONS = frozenset(CallOptions.__annotations__)
ModelSearchInput = Union[ModelSearchParams, ModelSearchParamsDict]


class ModelSearchKwargs(ModelSearchParamsDict, CallOptions, total=False):
    """The keyword arguments of ``search()``: the query's fields and the per-call options."""


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
        raise InvalidRequestError(f"type must be one of {', '.join(_MODEL_TYPES)}; got {type!r}")
    if provider is not None and (not isinstance(provider, str) or not provider.strip()):
        raise InvalidRequestError(
            f"provider must be a non-empty string such as 'openai'; got {provider!r}"
        )
    return {"free": free, "type": type, "provider": provider}


def search_query(
    params: Optional[Any], kwargs: Mapping[str, Any]
) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """The query and the per-call options of ``search()``: the fields that are set, from the
    params or the keyword arguments (not both); lists repeat their key on the wire."""
    options = {k: v for k, v in kwargs.items() if k in _CALL_OPTIONS}
    fields = {k: v for k, v in kwargs.items() if k not in _CALL_OPTIONS}
    if fields and params is not None:
        raise InvalidRequestError(
            "search() was given a params object and the keyword argument(s) "
            f"{', '.join(sorted(fields))}: pass one or the other"
        )
    source = params if params is not None else (fields or None)
    if source is None:
        return {}, options
    return dict(model_body(source, ModelSearchParams, "search").to_wire()), options


class ModelsResource(SyncResource):
    """The catalogue of models the gateway routes to."""

    def list(
        self,
        *,
        free: Optional[bool] = None,
        type: Optional[ModelType] = None,
        provider: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> List[ModelInfo]:
        """Every model; filtered on the server by ``free=True`` / ``free=False``, ``type``
        (``text``, ``embedding``, ``image``, ``audio``, ``video``) and ``provider``
        (``"openai"``)."""
        return self._call(LIST, query=list_query(free, type, provider), options=options)

    def free(self, **options: Unpack[CallOptions]) -> List[ModelInfo]:
        """The models that cost nothing."""
        return self._call(FREE, options=options)

    def paid(self, **options: Unpack[CallOptions]) -> List[ModelInfo]:
        """The models that are billed."""
        return self._call(PAID, options=options)

    def get(self, model_id: str, **options: Unpack[CallOptions]) -> ModelInfo:
        """One model by id, e.g. ``"openai/gpt-4o"``."""
        return self._call(GET, model_id, options=options)

    @overload
    def search(
        self, params: Optional[ModelSearchInput] = None, /, **options: Unpack[CallOptions]
    ) -> ModelsPage: ...
    @overload
    def search(self, /, **kwargs: Unpack[ModelSearchKwargs]) -> ModelsPage: ...
    def search(self, params: Optional[ModelSearchInput] = None, /, **kwargs: Any) -> ModelsPage:
        """One page of a catalogue search: fuzzy ``q`` over id, name and brand, filters, sort;
        ``page.items``, ``page.total`` and the brand facet ``page.brands``. Next page:
        ``offset=page.offset + len(page.items)``. Keyword arguments or a
        :class:`ModelSearchParams` (or its dict), with the per-call options beside either."""
        query, options = search_query(params, kwargs)
        return self._call(SEARCH, query=query, options=options)


class AsyncModelsResource(AsyncResource):
    """The catalogue of models the gateway routes to."""

    async def list(
        self,
        *,
        free: Optional[bool] = None,
        type: Optional[ModelType] = None,
        provider: Optional[str] = None,
        **options: Unpack[CallOptions],
    ) -> List[ModelInfo]:
        """Every model; filtered on the server by ``free=True`` / ``free=False``, ``type``
        (``text``, ``embedding``, ``image``, ``audio``, ``video``) and ``provider``
        (``"openai"``)."""
        return await self._call(LIST, query=list_query(free, type, provider), options=options)

    async def free(self, **options: Unpack[CallOptions]) -> List[ModelInfo]:
        """The models that cost nothing."""
        return await self._call(FREE, options=options)

    async def paid(self, **options: Unpack[CallOptions]) -> List[ModelInfo]:
        """The models that are billed."""
        return await self._call(PAID, options=options)

    async def get(self, model_id: str, **options: Unpack[CallOptions]) -> ModelInfo:
        """One model by id, e.g. ``"openai/gpt-4o"``."""
        return await self._call(GET, model_id, options=options)

    @overload
    async def search(
        self, params: Optional[ModelSearchInput] = None, /, **options: Unpack[CallOptions]
    ) -> ModelsPage: ...
    @overload
    async def search(self, /, **kwargs: Unpack[ModelSearchKwargs]) -> ModelsPage: ...
    async def search(
        self, params: Optional[ModelSearchInput] = None, /, **kwargs: Any
    ) -> ModelsPage:
        """One page of a catalogue search: fuzzy ``q`` over id, name and brand, filters, sort;
        ``page.items``, ``page.total`` and the brand facet ``page.brands``. Next page:
        ``offset=page.offset + len(page.items)``. Keyword arguments or a
        :class:`ModelSearchParams` (or its dict), with the per-call options beside either."""
        query, options = search_query(params, kwargs)
        return await self._call(SEARCH, query=query, options=options)
