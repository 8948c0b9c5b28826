"""Batches: /v1/batches."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Literal, Optional, Sequence, Union

from pydantic import Field
from typing_extensions import Required, TypedDict

from .._pagination import ListPage
from ._base import RequestModel, ResponseModel, _RequestPart

__all__ = [
    "BatchList",
    "BatchListResponse",
    "BatchObject",
    "BatchRequestCounts",
    "BatchRequestItem",
    "BatchRequestItemDict",
    "CreateBatchParams",
    "CreateBatchParamsDict",
]


# ==============================================================================================
# Batches: /v1/batches
# ==============================================================================================


class BatchRequestItemDict(TypedDict, total=False):
    """:class:`BatchRequestItem` as a dict."""

    custom_id: Required[str]
    method: Literal["POST"]
    url: str
    body: Required[Dict[str, Any]]


class BatchRequestItem(_RequestPart):
    """One request of a batch: an id of your choosing and a chat completions body."""

    custom_id: str
    method: Literal["POST"] = "POST"
    url: str = "/v1/chat/completions"
    body: Dict[str, Any]


if TYPE_CHECKING:
    BatchRequestItemParam = Union[BatchRequestItemDict, BatchRequestItem]
else:
    BatchRequestItemParam = BatchRequestItem


class CreateBatchParamsDict(TypedDict, total=False):
    """:class:`CreateBatchParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    requests: Required[Sequence[BatchRequestItemParam]]
    completion_window: Optional[str]
    metadata: Optional[Dict[str, str]]


class CreateBatchParams(RequestModel):
    """Body of ``POST /v1/batches``: the requests inline (no file upload), at least one."""

    requests: List[BatchRequestItemParam] = Field(min_length=1)
    completion_window: Optional[str] = None
    metadata: Optional[Dict[str, str]] = None


class BatchRequestCounts(ResponseModel):
    """How many requests of a batch exist, completed and failed."""

    total: int = 0
    completed: int = 0
    failed: int = 0


class BatchObject(ResponseModel):
    """A batch job.

    ``status``: ``validating`` → ``in_progress`` → ``finalizing`` → ``completed``, or ``failed``,
    ``expired``, ``cancelling`` → ``cancelled``. Timestamps are unix seconds.
    """

    id: str
    object: str = "batch"
    endpoint: Optional[str] = None
    status: str
    model: Optional[str] = None
    provider: Optional[str] = None
    completion_window: Optional[str] = None
    created_at: Optional[int] = None
    in_progress_at: Optional[int] = None
    completed_at: Optional[int] = None
    failed_at: Optional[int] = None
    cancelled_at: Optional[int] = None
    expires_at: Optional[int] = None
    request_counts: Optional[BatchRequestCounts] = None
    metadata: Optional[Dict[str, Any]] = None
    results: Optional[List[Dict[str, Any]]] = None
    errors_detail: Optional[List[Dict[str, Any]]] = None
    output_file_id: Optional[str] = None
    error_file_id: Optional[str] = None


class BatchList(ListPage):
    """A page of batches (``data``); iterating it yields every batch across pages, fetched
    lazily (``after=last_id`` while ``has_more``)."""

    object: str
    data: List[BatchObject]
    has_more: bool
    first_id: Optional[str] = None
    last_id: Optional[str] = None


BatchListResponse = BatchList
"""The name meshapi 0.1.4 used for :class:`BatchList` (the same class)."""
