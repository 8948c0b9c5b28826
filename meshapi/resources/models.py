"""``/v1/models``: the model catalogue."""

from __future__ import annotations

from typing import List, Mapping, Optional

from .._request import ModelParser, RequestOptions, TimeoutTypes, encode_model_id
from .._types import ModelInfo
from ._base import AsyncResource, SyncResource, call_options

__all__ = ["AsyncModelsResource", "ModelsResource"]

_ONE = ModelParser.for_model(ModelInfo)
_MANY = ModelParser.for_list(ModelInfo)

Headers = Optional[Mapping[str, str]]


def _list(
    path: str, free: Optional[bool], extra_headers: Headers, timeout: TimeoutTypes
) -> RequestOptions:
    return call_options(
        "GET", path, params={"free": free}, extra_headers=extra_headers, timeout=timeout
    )


def _get(model_id: str, extra_headers: Headers, timeout: TimeoutTypes) -> RequestOptions:
    return call_options(
        "GET",
        f"/v1/models/{encode_model_id(model_id)}",
        extra_headers=extra_headers,
        timeout=timeout,
    )


class ModelsResource(SyncResource):
    """The catalogue of models the gateway routes to."""

    def list(
        self,
        *,
        free: Optional[bool] = None,
        extra_headers: Headers = None,
        timeout: TimeoutTypes = None,
    ) -> List[ModelInfo]:
        """Every model; ``free=True`` / ``free=False`` filters on the server."""
        result: List[ModelInfo] = self._http.request(
            _list("/v1/models", free, extra_headers, timeout), _MANY
        )
        return result

    def free(
        self, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> List[ModelInfo]:
        """The models that cost nothing."""
        result: List[ModelInfo] = self._http.request(
            _list("/v1/models/free", None, extra_headers, timeout), _MANY
        )
        return result

    def paid(
        self, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> List[ModelInfo]:
        """The models that are billed."""
        result: List[ModelInfo] = self._http.request(
            _list("/v1/models/paid", None, extra_headers, timeout), _MANY
        )
        return result

    def get(
        self, model_id: str, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> ModelInfo:
        """One model by id, e.g. ``"openai/gpt-4o"``."""
        return self._http.request(_get(model_id, extra_headers, timeout), _ONE)


class AsyncModelsResource(AsyncResource):
    """The catalogue of models the gateway routes to."""

    async def list(
        self,
        *,
        free: Optional[bool] = None,
        extra_headers: Headers = None,
        timeout: TimeoutTypes = None,
    ) -> List[ModelInfo]:
        """Every model; ``free=True`` / ``free=False`` filters on the server."""
        result: List[ModelInfo] = await self._http.request(
            _list("/v1/models", free, extra_headers, timeout), _MANY
        )
        return result

    async def free(
        self, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> List[ModelInfo]:
        """The models that cost nothing."""
        result: List[ModelInfo] = await self._http.request(
            _list("/v1/models/free", None, extra_headers, timeout), _MANY
        )
        return result

    async def paid(
        self, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> List[ModelInfo]:
        """The models that are billed."""
        result: List[ModelInfo] = await self._http.request(
            _list("/v1/models/paid", None, extra_headers, timeout), _MANY
        )
        return result

    async def get(
        self, model_id: str, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> ModelInfo:
        """One model by id, e.g. ``"openai/gpt-4o"``."""
        return await self._http.request(_get(model_id, extra_headers, timeout), _ONE)
