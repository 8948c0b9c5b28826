"""``/v1/batches``: bulk inference jobs with inline requests."""

from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, Union

from .._endpoint import CursorPagination, Endpoint
from .._request import ExtraHeaders, TimeoutTypes
from .._types import BatchList, BatchObject, CreateBatchParams
from .._waiting import batch_verdict, waiter_for
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncBatchesResource", "BatchesResource"]

CREATE = Endpoint("POST", "/v1/batches", BatchObject, name="create", params=CreateBatchParams)
LIST = Endpoint(
    "GET", "/v1/batches", BatchList, name="list", pagination=CursorPagination(max_limit=100)
)
GET = Endpoint("GET", "/v1/batches/{batch_id}", BatchObject, name="get")
CANCEL = Endpoint("POST", "/v1/batches/{batch_id}/cancel", BatchObject, name="cancel")

BatchParamsInput = Union[CreateBatchParams, Mapping[str, Any]]


class BatchesResource(SyncResource):
    """Batch jobs: create, poll, list and cancel."""

    def create(
        self,
        params: BatchParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> BatchObject:
        """Submit a batch of inline chat requests; returns the batch (status ``validating``)."""
        return self._call(CREATE, params=params, extra_headers=extra_headers, timeout=timeout)

    def list(
        self,
        *,
        after: Optional[str] = None,
        limit: Optional[int] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> BatchList:
        """One page of batches, newest first; pass ``after=page.last_id`` for the next page."""
        return self._call(
            LIST,
            query={"after": after, "limit": limit},
            extra_headers=extra_headers,
            timeout=timeout,
        )

    def get(
        self, batch_id: str, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> BatchObject:
        """The batch's current status, counts and (once done) results."""
        return self._call(GET, batch_id, extra_headers=extra_headers, timeout=timeout)

    def wait(
        self,
        batch_id: str,
        *,
        max_wait: Optional[float] = 3600.0,
        poll_interval: float = 1.0,
        max_interval: float = 30.0,
        on_progress: Optional[Callable[[BatchObject], Any]] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> BatchObject:
        """Poll the batch until it is ``completed``; returns it (with its results).

        Polls back off from ``poll_interval`` to ``max_interval`` seconds; ``on_progress`` is
        called with every batch fetched. Raises :class:`JobFailedError` when it ends
        ``failed``, ``expired`` or ``cancelled`` (``err.state``, ``err.reason``) and
        :class:`WaitTimeoutError` when ``max_wait`` seconds pass first (``None``: no limit);
        ``timeout`` bounds each request.
        """
        return self._wait(
            lambda: self.get(batch_id, extra_headers=extra_headers, timeout=timeout),
            waiter_for(
                f"batch {batch_id}",
                batch_verdict,
                max_wait,
                poll_interval,
                max_interval,
                on_progress,
            ),
        )

    def cancel(
        self, batch_id: str, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> BatchObject:
        """Ask the gateway to cancel the batch (status ``cancelling`` then ``cancelled``)."""
        return self._call(CANCEL, batch_id, extra_headers=extra_headers, timeout=timeout)


class AsyncBatchesResource(AsyncResource):
    """Batch jobs: create, poll, list and cancel."""

    async def create(
        self,
        params: BatchParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> BatchObject:
        """Submit a batch of inline chat requests; returns the batch (status ``validating``)."""
        return await self._call(CREATE, params=params, extra_headers=extra_headers, timeout=timeout)

    async def list(
        self,
        *,
        after: Optional[str] = None,
        limit: Optional[int] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> BatchList:
        """One page of batches, newest first; pass ``after=page.last_id`` for the next page."""
        return await self._call(
            LIST,
            query={"after": after, "limit": limit},
            extra_headers=extra_headers,
            timeout=timeout,
        )

    async def get(
        self, batch_id: str, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> BatchObject:
        """The batch's current status, counts and (once done) results."""
        return await self._call(GET, batch_id, extra_headers=extra_headers, timeout=timeout)

    async def wait(
        self,
        batch_id: str,
        *,
        max_wait: Optional[float] = 3600.0,
        poll_interval: float = 1.0,
        max_interval: float = 30.0,
        on_progress: Optional[Callable[[BatchObject], Any]] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> BatchObject:
        """Poll the batch until it is ``completed``; returns it (with its results).

        Polls back off from ``poll_interval`` to ``max_interval`` seconds; ``on_progress`` is
        called with every batch fetched. Raises :class:`JobFailedError` when it ends
        ``failed``, ``expired`` or ``cancelled`` (``err.state``, ``err.reason``) and
        :class:`WaitTimeoutError` when ``max_wait`` seconds pass first (``None``: no limit);
        ``timeout`` bounds each request.
        """
        return await self._wait(
            lambda: self.get(batch_id, extra_headers=extra_headers, timeout=timeout),
            waiter_for(
                f"batch {batch_id}",
                batch_verdict,
                max_wait,
                poll_interval,
                max_interval,
                on_progress,
            ),
        )

    async def cancel(
        self, batch_id: str, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> BatchObject:
        """Ask the gateway to cancel the batch (status ``cancelling`` then ``cancelled``)."""
        return await self._call(CANCEL, batch_id, extra_headers=extra_headers, timeout=timeout)
