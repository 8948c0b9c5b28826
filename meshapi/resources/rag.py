"""``/v1/files``: RAG — upload files, embed them, search them."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Union

from .._request import ModelParser, RequestOptions, TimeoutTypes, encode_path_segment
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
from ._base import AsyncResource, SyncResource, call_options, post_model

__all__ = ["AsyncRagResource", "RagResource"]

_INIT = ModelParser.for_model(InitUploadResponse)
_STATUS = ModelParser.for_model(RagFileStatus)
_LIST = ModelParser.for_model(RagFileListResponse)
_EMBED = ModelParser.for_model(BulkEmbedResponse)
_SEARCH = ModelParser.for_model(SearchResponse)

Headers = Optional[Mapping[str, str]]
InitInput = Union[InitUploadRequest, Mapping[str, Any]]


def _post(
    path: str, body: Dict[str, Any], extra_headers: Headers, timeout: TimeoutTypes
) -> RequestOptions:
    return call_options("POST", path, body=body, extra_headers=extra_headers, timeout=timeout)


def _init(params: InitInput, extra_headers: Headers, timeout: TimeoutTypes) -> RequestOptions:
    return post_model("/v1/files", params, InitUploadRequest, "init_upload", extra_headers, timeout)


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


def _list(
    limit: Optional[int], offset: Optional[int], extra_headers: Headers, timeout: TimeoutTypes
) -> RequestOptions:
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be >= 1, got {limit}")
    if offset is not None and offset < 0:
        raise ValueError(f"offset must be >= 0, got {offset}")
    return call_options(
        "GET",
        "/v1/files",
        params={"limit": limit, "offset": offset},
        extra_headers=extra_headers,
        timeout=timeout,
    )


def _get(file_id: str, extra_headers: Headers, timeout: TimeoutTypes) -> RequestOptions:
    return call_options(
        "GET",
        f"/v1/files/{encode_path_segment(file_id)}",
        extra_headers=extra_headers,
        timeout=timeout,
    )


def _embed(
    params: Union[BulkEmbedRequest, Mapping[str, Any]],
    extra_headers: Headers,
    timeout: TimeoutTypes,
) -> RequestOptions:
    return post_model("/v1/files/embed", params, BulkEmbedRequest, "embed", extra_headers, timeout)


def _search(
    params: Union[SearchRequest, Mapping[str, Any]], extra_headers: Headers, timeout: TimeoutTypes
) -> RequestOptions:
    return post_model("/v1/files/search", params, SearchRequest, "search", extra_headers, timeout)


class RagResource(SyncResource):
    """Retrieval-augmented generation: files in, chunks embedded, vector search out."""

    def init_upload(
        self, params: InitInput, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> InitUploadResponse:
        """Announce a file; returns ``file_id`` and a ``signed_url`` to PUT its bytes to."""
        return self._http.request(_init(params, extra_headers, timeout), _INIT)

    def upload_file(
        self,
        params: Optional[UploadFileParams] = None,
        *,
        file_name: Optional[str] = None,
        mime_type: Optional[str] = None,
        content: Optional[bytes] = None,
        embed: Optional[bool] = None,
        metadata: Optional[Dict[str, Any]] = None,
        extra_headers: Headers = None,
        timeout: TimeoutTypes = None,
    ) -> InitUploadResponse:
        """Announce the file and PUT its bytes to the signed URL in one call.

        The PUT carries the file's content type and no Authorization header (the URL is signed),
        goes through this client's connection settings, and follows no redirect.
        """
        p = _upload_params(params, file_name, mime_type, content, embed, metadata)
        upload = self._http.request(_init(p.to_init_request(), extra_headers, timeout), _INIT)
        self._http.upload(upload.signed_url, p.content, p.mime_type, timeout)
        return upload

    def get(
        self, file_id: str, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> RagFileStatus:
        """A file's upload and embedding status."""
        return self._http.request(_get(file_id, extra_headers, timeout), _STATUS)

    def list(
        self,
        *,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        extra_headers: Headers = None,
        timeout: TimeoutTypes = None,
    ) -> RagFileListResponse:
        """One page of files (offset pagination): ``page.files``, ``page.total``."""
        return self._http.request(_list(limit, offset, extra_headers, timeout), _LIST)

    def embed(
        self,
        params: Union[BulkEmbedRequest, Mapping[str, Any]],
        *,
        extra_headers: Headers = None,
        timeout: TimeoutTypes = None,
    ) -> BulkEmbedResponse:
        """Start embedding uploaded files (``wait=True`` waits for the result)."""
        return self._http.request(_embed(params, extra_headers, timeout), _EMBED)

    def search(
        self,
        params: Union[SearchRequest, Mapping[str, Any]],
        *,
        extra_headers: Headers = None,
        timeout: TimeoutTypes = None,
    ) -> SearchResponse:
        """Vector search over the embedded chunks, best first."""
        return self._http.request(_search(params, extra_headers, timeout), _SEARCH)


class AsyncRagResource(AsyncResource):
    """Retrieval-augmented generation: files in, chunks embedded, vector search out."""

    async def init_upload(
        self, params: InitInput, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> InitUploadResponse:
        """Announce a file; returns ``file_id`` and a ``signed_url`` to PUT its bytes to."""
        return await self._http.request(_init(params, extra_headers, timeout), _INIT)

    async def upload_file(
        self,
        params: Optional[UploadFileParams] = None,
        *,
        file_name: Optional[str] = None,
        mime_type: Optional[str] = None,
        content: Optional[bytes] = None,
        embed: Optional[bool] = None,
        metadata: Optional[Dict[str, Any]] = None,
        extra_headers: Headers = None,
        timeout: TimeoutTypes = None,
    ) -> InitUploadResponse:
        """Announce the file and PUT its bytes to the signed URL in one call.

        The PUT carries the file's content type and no Authorization header (the URL is signed),
        goes through this client's connection settings, and follows no redirect.
        """
        p = _upload_params(params, file_name, mime_type, content, embed, metadata)
        upload = await self._http.request(_init(p.to_init_request(), extra_headers, timeout), _INIT)
        await self._http.upload(upload.signed_url, p.content, p.mime_type, timeout)
        return upload

    async def get(
        self, file_id: str, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> RagFileStatus:
        """A file's upload and embedding status."""
        return await self._http.request(_get(file_id, extra_headers, timeout), _STATUS)

    async def list(
        self,
        *,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        extra_headers: Headers = None,
        timeout: TimeoutTypes = None,
    ) -> RagFileListResponse:
        """One page of files (offset pagination): ``page.files``, ``page.total``."""
        return await self._http.request(_list(limit, offset, extra_headers, timeout), _LIST)

    async def embed(
        self,
        params: Union[BulkEmbedRequest, Mapping[str, Any]],
        *,
        extra_headers: Headers = None,
        timeout: TimeoutTypes = None,
    ) -> BulkEmbedResponse:
        """Start embedding uploaded files (``wait=True`` waits for the result)."""
        return await self._http.request(_embed(params, extra_headers, timeout), _EMBED)

    async def search(
        self,
        params: Union[SearchRequest, Mapping[str, Any]],
        *,
        extra_headers: Headers = None,
        timeout: TimeoutTypes = None,
    ) -> SearchResponse:
        """Vector search over the embedded chunks, best first."""
        return await self._http.request(_search(params, extra_headers, timeout), _SEARCH)
