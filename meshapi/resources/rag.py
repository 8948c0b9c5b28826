"""``/v1/files``: RAG — upload files, embed them, search them."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple, Union

from .._endpoint import Endpoint, OffsetPagination
from .._request import ExtraHeaders, RequestOptions, TimeoutTypes
from .._types import (
    BulkEmbedRequest,
    BulkEmbedResponse,
    InitUploadRequest,
    InitUploadResponse,
    RagFileListResponse,
    RagFileStatus,
    SearchRequest,
    SearchResponse,
    UploadFileParams,
)
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncRagResource", "RagResource"]

INIT_UPLOAD = Endpoint(
    "POST", "/v1/files", InitUploadResponse, name="init_upload", params=InitUploadRequest
)
GET = Endpoint("GET", "/v1/files/{file_id}", RagFileStatus, name="get")
LIST = Endpoint(
    "GET", "/v1/files", RagFileListResponse, name="list", pagination=OffsetPagination(items="files")
)
EMBED = Endpoint(
    "POST", "/v1/files/embed", BulkEmbedResponse, name="embed", params=BulkEmbedRequest
)
SEARCH = Endpoint("POST", "/v1/files/search", SearchResponse, name="search", params=SearchRequest)

InitInput = Union[InitUploadRequest, Mapping[str, Any]]


class _UploadPlan:
    """``upload_file`` decided before any I/O: the announcing request, then the PUT of the bytes
    to the signed URL the announcement returns."""

    def __init__(
        self, file: UploadFileParams, extra_headers: ExtraHeaders, timeout: TimeoutTypes
    ) -> None:
        self.file = file
        self.timeout = timeout
        self.announce: RequestOptions = INIT_UPLOAD.build(
            (), file.to_init_request(), extra_headers=extra_headers, timeout=timeout
        )

    def put(self, announced: InitUploadResponse) -> Tuple[str, bytes, str, TimeoutTypes]:
        """The arguments of the PUT: signed URL, bytes, content type, timeout."""
        return announced.signed_url, self.file.content, self.file.mime_type, self.timeout


def _upload_params(
    params: Optional[UploadFileParams],
    file_name: Optional[str],
    mime_type: Optional[str],
    content: Optional[bytes],
    embed: Optional[bool],
    metadata: Optional[Dict[str, Any]],
) -> UploadFileParams:
    if params is not None:
        if any(v is not None for v in (file_name, mime_type, content, embed, metadata)):
            raise TypeError(
                "upload_file() takes either an UploadFileParams or keyword arguments, not both"
            )
        return params
    if content is not None and not isinstance(content, (bytes, bytearray, memoryview)):
        raise TypeError(f"content must be bytes, got {type(content).__name__}")
    return UploadFileParams.model_validate(
        {
            "file_name": file_name,
            "mime_type": mime_type,
            "content": bytes(content) if content is not None else None,
            "embed": embed,
            "metadata": metadata,
        }
    )


class RagResource(SyncResource):
    """Retrieval-augmented generation: files in, chunks embedded, vector search out."""

    def init_upload(
        self, params: InitInput, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> InitUploadResponse:
        """Announce a file; returns ``file_id`` and a ``signed_url`` to PUT its bytes to."""
        return self._call(INIT_UPLOAD, params=params, extra_headers=extra_headers, timeout=timeout)

    def upload_file(
        self,
        params: Optional[UploadFileParams] = None,
        *,
        file_name: Optional[str] = None,
        mime_type: Optional[str] = None,
        content: Optional[bytes] = None,
        embed: Optional[bool] = None,
        metadata: Optional[Dict[str, Any]] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> InitUploadResponse:
        """Announce the file and PUT its bytes to the signed URL in one call.

        The PUT carries the file's content type and no Authorization header (the URL is signed),
        goes through this client's connection settings, and follows no redirect.
        """
        file = _upload_params(params, file_name, mime_type, content, embed, metadata)
        plan = _UploadPlan(file, extra_headers, timeout)
        announced = self._http.request(plan.announce, INIT_UPLOAD.parser)
        self._http.upload(*plan.put(announced))
        return announced

    def get(
        self, file_id: str, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> RagFileStatus:
        """A file's upload and embedding status."""
        return self._call(GET, file_id, extra_headers=extra_headers, timeout=timeout)

    def list(
        self,
        *,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> RagFileListResponse:
        """One page of files (offset pagination): ``page.files``, ``page.total``."""
        return self._call(
            LIST,
            query={"limit": limit, "offset": offset},
            extra_headers=extra_headers,
            timeout=timeout,
        )

    def embed(
        self,
        params: Union[BulkEmbedRequest, Mapping[str, Any]],
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> BulkEmbedResponse:
        """Start embedding uploaded files (``wait=True`` waits for the result)."""
        return self._call(EMBED, params=params, extra_headers=extra_headers, timeout=timeout)

    def search(
        self,
        params: Union[SearchRequest, Mapping[str, Any]],
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> SearchResponse:
        """Vector search over the embedded chunks, best first."""
        return self._call(SEARCH, params=params, extra_headers=extra_headers, timeout=timeout)


class AsyncRagResource(AsyncResource):
    """Retrieval-augmented generation: files in, chunks embedded, vector search out."""

    async def init_upload(
        self, params: InitInput, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> InitUploadResponse:
        """Announce a file; returns ``file_id`` and a ``signed_url`` to PUT its bytes to."""
        return await self._call(
            INIT_UPLOAD, params=params, extra_headers=extra_headers, timeout=timeout
        )

    async def upload_file(
        self,
        params: Optional[UploadFileParams] = None,
        *,
        file_name: Optional[str] = None,
        mime_type: Optional[str] = None,
        content: Optional[bytes] = None,
        embed: Optional[bool] = None,
        metadata: Optional[Dict[str, Any]] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> InitUploadResponse:
        """Announce the file and PUT its bytes to the signed URL in one call.

        The PUT carries the file's content type and no Authorization header (the URL is signed),
        goes through this client's connection settings, and follows no redirect.
        """
        file = _upload_params(params, file_name, mime_type, content, embed, metadata)
        plan = _UploadPlan(file, extra_headers, timeout)
        announced = await self._http.request(plan.announce, INIT_UPLOAD.parser)
        await self._http.upload(*plan.put(announced))
        return announced

    async def get(
        self, file_id: str, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> RagFileStatus:
        """A file's upload and embedding status."""
        return await self._call(GET, file_id, extra_headers=extra_headers, timeout=timeout)

    async def list(
        self,
        *,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> RagFileListResponse:
        """One page of files (offset pagination): ``page.files``, ``page.total``."""
        return await self._call(
            LIST,
            query={"limit": limit, "offset": offset},
            extra_headers=extra_headers,
            timeout=timeout,
        )

    async def embed(
        self,
        params: Union[BulkEmbedRequest, Mapping[str, Any]],
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> BulkEmbedResponse:
        """Start embedding uploaded files (``wait=True`` waits for the result)."""
        return await self._call(EMBED, params=params, extra_headers=extra_headers, timeout=timeout)

    async def search(
        self,
        params: Union[SearchRequest, Mapping[str, Any]],
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> SearchResponse:
        """Vector search over the embedded chunks, best first."""
        return await self._call(SEARCH, params=params, extra_headers=extra_headers, timeout=timeout)
