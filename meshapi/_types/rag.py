"""RAG files: /v1/files."""

from __future__ import annotations

from typing import Any, ClassVar, Dict, List, Optional, Set, Union

from pydantic import Field
from typing_extensions import Required, TypedDict

from .._pagination import ListPage
from ._base import RequestModel, ResponseModel

__all__ = [
    "BulkEmbedRequest",
    "BulkEmbedRequestDict",
    "BulkEmbedResponse",
    "BulkEmbedResult",
    "InitUploadRequest",
    "InitUploadRequestDict",
    "InitUploadResponse",
    "RagFileListResponse",
    "RagFileStatus",
    "SearchRequest",
    "SearchRequestDict",
    "SearchResponse",
    "SearchResult",
    "UploadFileParams",
    "UploadFileParamsDict",
]


# ==============================================================================================
# RAG files: /v1/files
# ==============================================================================================

# Production does not document whether these timestamps are ISO-8601 strings or unix seconds:
# both are accepted, as given.
_Timestamp = Union[int, str]


class InitUploadRequestDict(TypedDict, total=False):
    """:class:`InitUploadRequest` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    file_name: Required[str]
    mime_type: Required[str]
    embed: Optional[bool]
    metadata: Optional[Dict[str, Any]]


class InitUploadRequest(RequestModel):
    """Body of ``POST /v1/files``: announce a file and get a signed URL to PUT its bytes to."""

    file_name: str
    mime_type: str
    embed: Optional[bool] = None
    """Embed the file as soon as it is uploaded."""
    metadata: Optional[Dict[str, Any]] = None


class UploadFileParamsDict(TypedDict, total=False):
    """:class:`UploadFileParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    file_name: Required[str]
    mime_type: Required[str]
    content: Required[bytes]
    embed: Optional[bool]
    metadata: Optional[Dict[str, Any]]


class UploadFileParams(RequestModel):
    """Arguments of the ``upload_file`` convenience: announce the file, then PUT ``content``.

    ``content`` is never part of the JSON body (:meth:`to_wire` gives the ``POST /v1/files``
    body) and is hidden from ``repr``.
    """

    _wire_exclude: ClassVar[Set[str]] = {"extra_body", "content"}

    file_name: str
    mime_type: str
    content: bytes = Field(repr=False)
    embed: Optional[bool] = None
    metadata: Optional[Dict[str, Any]] = None

    def to_init_request(self) -> InitUploadRequest:
        """Return the :class:`InitUploadRequest` of the first step (``extra_body`` included)."""
        return InitUploadRequest(
            file_name=self.file_name,
            mime_type=self.mime_type,
            embed=self.embed,
            metadata=self.metadata,
            extra_body=self.extra_body,
        )


class InitUploadResponse(ResponseModel):
    """Where to PUT the file: ``signed_url`` carries its own signature and expiry, so the PUT
    must not send the API key."""

    file_id: str
    signed_url: str
    expires_at: _Timestamp


class RagFileStatus(ResponseModel):
    """A RAG file: ``upload_status`` (``pending`` → ``ready``) and ``embedding_status``
    (``pending``, ``processing``, ``ready``, ``failed``)."""

    file_id: str
    upload_status: str
    file_name: str
    file_type: str
    mime_type: str
    size_bytes: Optional[int] = None
    asset_url: Optional[str] = None
    signed_url: Optional[str] = None
    signed_url_expires_at: Optional[_Timestamp] = None
    embedding_status: str
    created_at: _Timestamp
    updated_at: _Timestamp
    total_tokens: Optional[int] = None
    total_cost_usd: Optional[float] = None
    last_error_code: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None


class RagFileListResponse(ListPage):
    """A page of files (``files``, offset pagination); iterating it yields every file across
    pages, fetched lazily."""

    _items_field: ClassVar[str] = "files"

    files: List[RagFileStatus]
    total: int
    limit: int
    offset: int


class BulkEmbedRequestDict(TypedDict, total=False):
    """:class:`BulkEmbedRequest` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    file_ids: Required[List[str]]
    wait: Optional[bool]
    metadata: Optional[Dict[str, Any]]


class BulkEmbedRequest(RequestModel):
    """Body of ``POST /v1/files/embed``: 1-100 file ids; ``wait`` blocks until embedding ends."""

    file_ids: List[str] = Field(min_length=1, max_length=100)
    wait: Optional[bool] = None
    metadata: Optional[Dict[str, Any]] = None


class BulkEmbedResult(ResponseModel):
    """The embedding outcome of one file."""

    file_id: str
    embedding_status: str
    chunk_count: Optional[int] = None
    error: Optional[str] = None


class BulkEmbedResponse(ResponseModel):
    """The answer of ``POST /v1/files/embed``: one result per file."""

    results: List[BulkEmbedResult]


class SearchRequestDict(TypedDict, total=False):
    """:class:`SearchRequest` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    query: Required[str]
    top_k: Optional[int]
    file_ids: Optional[List[str]]
    filter: Optional[Dict[str, Any]]
    date_from: Optional[int]
    date_to: Optional[int]


class SearchRequest(RequestModel):
    """Body of ``POST /v1/files/search``; ``date_from`` / ``date_to`` are unix seconds."""

    query: str
    top_k: Optional[int] = None
    file_ids: Optional[List[str]] = None
    filter: Optional[Dict[str, Any]] = None
    """Metadata filter."""
    date_from: Optional[int] = None
    date_to: Optional[int] = None


class SearchResult(ResponseModel):
    """A matching chunk, with its surrounding text (``parent_text``) and its file."""

    score: float
    text: str
    parent_text: str
    file_id: Optional[str] = None
    file_name: Optional[str] = None
    file_type: Optional[str] = None
    mime_type: Optional[str] = None
    chunk_index: Optional[int] = None
    created_at: Optional[_Timestamp] = None
    metadata: Optional[Dict[str, Any]] = None


class SearchResponse(ResponseModel):
    """The answer of ``POST /v1/files/search``, best match first."""

    results: List[SearchResult]
