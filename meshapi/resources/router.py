"""``/v1/router/select``: The auto router: which model it would pick, without running inference."""

from __future__ import annotations

from typing import Any, Mapping, Union

from .._endpoint import Endpoint
from .._request import ExtraHeaders, TimeoutTypes
from .._types import RouterSelectParams, RouterSelectResponse
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncRouterResource", "RouterResource"]

SELECT = Endpoint(
    "POST", "/v1/router/select", RouterSelectResponse, name="select", params=RouterSelectParams
)

RouterSelectParamsInput = Union[RouterSelectParams, Mapping[str, Any]]


class RouterResource(SyncResource):
    """The auto router: which model it would pick, without running inference."""

    def select(
        self,
        params: RouterSelectParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> RouterSelectResponse:
        """The model the auto router would pick for these messages (``sel.model``), whether it fell
        back to the default (``sel.auto_router.fallback_used``), and a suggested
        ``reasoning_effort``. Runs no inference."""
        return self._call(SELECT, params=params, extra_headers=extra_headers, timeout=timeout)


class AsyncRouterResource(AsyncResource):
    """The auto router: which model it would pick, without running inference."""

    async def select(
        self,
        params: RouterSelectParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> RouterSelectResponse:
        """The model the auto router would pick for these messages (``sel.model``), whether it fell
        back to the default (``sel.auto_router.fallback_used``), and a suggested
        ``reasoning_effort``. Runs no inference."""
        return await self._call(SELECT, params=params, extra_headers=extra_headers, timeout=timeout)
