"""``/v1/batches``: bulk inference jobs with inline requests."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Union

from .._request import ModelParser, RequestOptions, TimeoutTypes, encode_path_segment
from .._types import BatchList, BatchObject, CreateBatchParams
from ._base import AsyncResource, SyncResource, call_options, post_model

__all__ = ["AsyncBatchesResource", "BatchesResource"]

_BATCH = ModelParser.for_model(BatchObject)
_LIST = ModelParser.for_model(BatchList)

BatchParamsInput = Union[CreateBatchParams, Mapping[str, Any]]
Headers = Optional[Mapping[str, str]]


def _create(
    params: BatchParamsInput, extra_headers: Headers, timeout: TimeoutTypes
) -> RequestOptions:
    return post_model("/v1/batches", params, CreateBatchParams, "create", extra_headers, timeout)


def _list(
    after: Optional[str], limit: Optional[int], extra_headers: Headers, timeout: TimeoutTypes
) -> RequestOptions:
    if limit is not None and not 1 <= limit <= 100:
        raise ValueError(f"limit must be between 1 and 100, got {limit}")
    return call_options(
        "GET",
        "/v1/batches",
        params={"after": after, "limit": limit},
        extra_headers=extra_headers,
        timeout=timeout,
    )


def _one(
    method: str, batch_id: str, suffix: str, extra_headers: Headers, timeout: TimeoutTypes
) -> RequestOptions:
    path = f"/v1/batches/{encode_path_segment(batch_id)}{suffix}"
    return call_options(method, path, extra_headers=extra_headers, timeout=timeout)


class BatchesResource(SyncResource):
    """Batch jobs: create, poll, list and cancel."""

    def create(
        self,
        params: BatchParamsInput,
        *,
        extra_headers: Headers = None,
        timeout: TimeoutTypes = None,
    ) -> BatchObject:
        """Submit a batch of inline chat requests; returns the batch (status ``validating``)."""
        return self._http.request(_create(params, extra_headers, timeout), _BATCH)

    def list(
        self,
        *,
        after: Optional[str] = None,
        limit: Optional[int] = None,
        extra_headers: Headers = None,
        timeout: TimeoutTypes = None,
    ) -> BatchList:
        """One page of batches, newest first; pass ``after=page.last_id`` for the next page."""
        return self._http.request(_list(after, limit, extra_headers, timeout), _LIST)

    def get(
        self, batch_id: str, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> BatchObject:
        """The batch's current status, counts and (once done) results."""
        return self._http.request(_one("GET", batch_id, "", extra_headers, timeout), _BATCH)

    def cancel(
        self, batch_id: str, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> BatchObject:
        """Ask the gateway to cancel the batch (status ``cancelling`` then ``cancelled``)."""
        return self._http.request(_one("POST", batch_id, "/cancel", extra_headers, timeout), _BATCH)


class AsyncBatchesResource(AsyncResource):
    """Batch jobs: create, poll, list and cancel."""

    async def create(
        self,
        params: BatchParamsInput,
        *,
        extra_headers: Headers = None,
        timeout: TimeoutTypes = None,
    ) -> BatchObject:
        """Submit a batch of inline chat requests; returns the batch (status ``validating``)."""
        return await self._http.request(_create(params, extra_headers, timeout), _BATCH)

    async def list(
        self,
        *,
        after: Optional[str] = None,
        limit: Optional[int] = None,
        extra_headers: Headers = None,
        timeout: TimeoutTypes = None,
    ) -> BatchList:
        """One page of batches, newest first; pass ``after=page.last_id`` for the next page."""
        return await self._http.request(_list(after, limit, extra_headers, timeout), _LIST)

    async def get(
        self, batch_id: str, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> BatchObject:
        """The batch's current status, counts and (once done) results."""
        return await self._http.request(_one("GET", batch_id, "", extra_headers, timeout), _BATCH)

    async def cancel(
        self, batch_id: str, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> BatchObject:
        """Ask the gateway to cancel the batch (status ``cancelling`` then ``cancelled``)."""
        return await self._http.request(
            _one("POST", batch_id, "/cancel", extra_headers, timeout), _BATCH
        )
