"""``/v1/router/select``: The auto router: which model it would pick, without running inference."""

from __future__ import annotations

from typing import Any, Optional, Union, overload

from typing_extensions import Unpack

from .._endpoint import BodyCallOptions, CallOptions, Endpoint
from .._types import RouterSelectParams, RouterSelectParamsDict, RouterSelectResponse
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncRouterResource", "RouterSelectKwargs", "RouterResource"]

SELECT = Endpoint(
    "POST", "/v1/router/select", RouterSelectResponse, name="select", params=RouterSelectParams
)

RouterSelectParamsInput = Union[RouterSelectParams, RouterSelectParamsDict]


class RouterSelectKwargs(RouterSelectParamsDict, CallOptions, total=False):
    """The keyword arguments of ``select()``: the body's fields and the per-call options."""


class RouterResource(SyncResource):
    """The auto router: which model it would pick, without running inference."""

    @overload
    def select(
        self, params: RouterSelectParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> RouterSelectResponse: ...
    @overload
    def select(self, /, **kwargs: Unpack[RouterSelectKwargs]) -> RouterSelectResponse: ...
    def select(
        self, params: Optional[RouterSelectParamsInput] = None, /, **kwargs: Any
    ) -> RouterSelectResponse:
        """The model the auto router would pick for these messages (``sel.model``), whether it
        fell back to the default (``sel.auto_router.fallback_used``), and a suggested
        ``reasoning_effort``. Runs no inference. Keyword arguments or a
        :class:`RouterSelectParams` (or its dict), with the per-call options beside either."""
        return self._call(SELECT, params=params, options=kwargs)


class AsyncRouterResource(AsyncResource):
    """The auto router: which model it would pick, without running inference."""

    @overload
    async def select(
        self, params: RouterSelectParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> RouterSelectResponse: ...
    @overload
    async def select(self, /, **kwargs: Unpack[RouterSelectKwargs]) -> RouterSelectResponse: ...
    async def select(
        self, params: Optional[RouterSelectParamsInput] = None, /, **kwargs: Any
    ) -> RouterSelectResponse:
        """The model the auto router would pick for these messages (``sel.model``), whether it
        fell back to the default (``sel.auto_router.fallback_used``), and a suggested
        ``reasoning_effort``. Runs no inference. Keyword arguments or a
        :class:`RouterSelectParams` (or its dict), with the per-call options beside either."""
        return await self._call(SELECT, params=params, options=kwargs)
