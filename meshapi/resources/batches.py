"""``/v1/batches``: bulk inference jobs with inline requests."""

from __future__ import annotations

from typing import Any, Optional, Union, overload

from typing_extensions import Unpack

from .._endpoint import BodyCallOptions, CallOptions, CursorPagination, Endpoint
from .._types import BatchList, BatchObject, CreateBatchParams, CreateBatchParamsDict
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncBatchesResource", "BatchesResource", "CreateBatchKwargs"]

CREATE = Endpoint("POST", "/v1/batches", BatchObject, name="create", params=CreateBatchParams)
LIST = Endpoint(
    "GET", "/v1/batches", BatchList, name="list", pagination=CursorPagination(max_limit=100)
)
GET = Endpoint("GET", "/v1/batches/{batch_id}", BatchObject, name="get")
CANCEL = Endpoint("POST", "/v1/batches/{batch_id}/cancel", BatchObject, name="cancel")

BatchParamsInput = Union[CreateBatchParams, CreateBatchParamsDict]


class CreateBatchKwargs(CreateBatchParamsDict, CallOptions, total=False):
    """The keyword arguments of ``create()``: the body's fields and the per-call options."""


class BatchesResource(SyncResource):
    """Batch jobs: create, poll, list and cancel."""

    @overload
    def create(
        self, params: BatchParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> BatchObject: ...
    @overload
    def create(self, /, **kwargs: Unpack[CreateBatchKwargs]) -> BatchObject: ...
    def create(self, params: Optional[BatchParamsInput] = None, /, **kwargs: Any) -> BatchObject:
        """Submit a batch of inline chat requests; returns the batch (status ``validating``).
        Keyword arguments or a :class:`CreateBatchParams` (or its dict)."""
        return self._call(CREATE, params=params, options=kwargs)

    def list(
        self,
        *,
        after: Optional[str] = None,
        limit: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> BatchList:
        """One page of batches, newest first; pass ``after=page.last_id`` for the next page."""
        return self._call(LIST, query={"after": after, "limit": limit}, options=options)

    def get(self, batch_id: str, **options: Unpack[CallOptions]) -> BatchObject:
        """The batch's current status, counts and (once done) results."""
        return self._call(GET, batch_id, options=options)

    def cancel(self, batch_id: str, **options: Unpack[CallOptions]) -> BatchObject:
        """Ask the gateway to cancel the batch (status ``cancelling`` then ``cancelled``)."""
        return self._call(CANCEL, batch_id, options=options)


class AsyncBatchesResource(AsyncResource):
    """Batch jobs: create, poll, list and cancel."""

    @overload
    async def create(
        self, params: BatchParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> BatchObject: ...
    @overload
    async def create(self, /, **kwargs: Unpack[CreateBatchKwargs]) -> BatchObject: ...
    async def create(
        self, params: Optional[BatchParamsInput] = None, /, **kwargs: Any
    ) -> BatchObject:
        """Submit a batch of inline chat requests; returns the batch (status ``validating``).
        Keyword arguments or a :class:`CreateBatchParams` (or its dict)."""
        return await self._call(CREATE, params=params, options=kwargs)

    async def list(
        self,
        *,
        after: Optional[str] = None,
        limit: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> BatchList:
        """One page of batches, newest first; pass ``after=page.last_id`` for the next page."""
        return await self._call(LIST, query={"after": after, "limit": limit}, options=options)

    async def get(self, batch_id: str, **options: Unpack[CallOptions]) -> BatchObject:
        """The batch's current status, counts and (once done) results."""
        return await self._call(GET, batch_id, options=options)

    async def cancel(self, batch_id: str, **options: Unpack[CallOptions]) -> BatchObject:
        """Ask the gateway to cancel the batch (status ``cancelling`` then ``cancelled``)."""
        return await self._call(CANCEL, batch_id, options=options)
