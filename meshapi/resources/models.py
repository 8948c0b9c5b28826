"""``/v1/models``: the model catalogue."""

from __future__ import annotations

from typing import List, Optional

from .._endpoint import Endpoint
from .._request import ExtraHeaders, ModelParser, TimeoutTypes
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
        self,
        *,
        free: Optional[bool] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> List[ModelInfo]:
        """Every model; ``free=True`` / ``free=False`` filters on the server."""
        return self._call(LIST, query={"free": free}, extra_headers=extra_headers, timeout=timeout)

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


class AsyncModelsResource(AsyncResource):
    """The catalogue of models the gateway routes to."""

    async def list(
        self,
        *,
        free: Optional[bool] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> List[ModelInfo]:
        """Every model; ``free=True`` / ``free=False`` filters on the server."""
        return await self._call(
            LIST, query={"free": free}, extra_headers=extra_headers, timeout=timeout
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
