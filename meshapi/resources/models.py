"""``/v1/models``: the model catalogue."""

from __future__ import annotations

from typing import List, Optional

from typing_extensions import Unpack

from .._endpoint import CallOptions, Endpoint
from .._request import ModelParser
from .._types import ModelInfo
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncModelsResource", "ModelsResource"]

_CATALOGUE = ModelParser.for_list(ModelInfo)
LIST = Endpoint("GET", "/v1/models", _CATALOGUE, name="list")
FREE = Endpoint("GET", "/v1/models/free", _CATALOGUE, name="free")
PAID = Endpoint("GET", "/v1/models/paid", _CATALOGUE, name="paid")
GET = Endpoint("GET", "/v1/models/{model_id:model}", ModelInfo, name="get")


class ModelsResource(SyncResource):
    """The catalogue of models the gateway routes to."""

    def list(
        self, *, free: Optional[bool] = None, **options: Unpack[CallOptions]
    ) -> List[ModelInfo]:
        """Every model; ``free=True`` / ``free=False`` filters on the server."""
        return self._call(LIST, query={"free": free}, options=options)

    def free(self, **options: Unpack[CallOptions]) -> List[ModelInfo]:
        """The models that cost nothing."""
        return self._call(FREE, options=options)

    def paid(self, **options: Unpack[CallOptions]) -> List[ModelInfo]:
        """The models that are billed."""
        return self._call(PAID, options=options)

    def get(self, model_id: str, **options: Unpack[CallOptions]) -> ModelInfo:
        """One model by id, e.g. ``"openai/gpt-4o"``."""
        return self._call(GET, model_id, options=options)


class AsyncModelsResource(AsyncResource):
    """The catalogue of models the gateway routes to."""

    async def list(
        self, *, free: Optional[bool] = None, **options: Unpack[CallOptions]
    ) -> List[ModelInfo]:
        """Every model; ``free=True`` / ``free=False`` filters on the server."""
        return await self._call(LIST, query={"free": free}, options=options)

    async def free(self, **options: Unpack[CallOptions]) -> List[ModelInfo]:
        """The models that cost nothing."""
        return await self._call(FREE, options=options)

    async def paid(self, **options: Unpack[CallOptions]) -> List[ModelInfo]:
        """The models that are billed."""
        return await self._call(PAID, options=options)

    async def get(self, model_id: str, **options: Unpack[CallOptions]) -> ModelInfo:
        """One model by id, e.g. ``"openai/gpt-4o"``."""
        return await self._call(GET, model_id, options=options)
