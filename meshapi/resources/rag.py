"""``/v1/files``: RAG — upload files, embed them, search them."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple, Union, overload

from typing_extensions import Unpack

from .._endpoint import BodyCallOptions, CallOptions, Endpoint, OffsetPagination
from .._errors import InvalidRequestError
from .._request import NOT_GIVEN, RequestOptions, TimeoutTypes
from .._types import (
    BulkEmbedRequest,
    BulkEmbedRequestDict,
    BulkEmbedResponse,
    InitUploadRequest,
    InitUploadRequestDict,
    InitUploadResponse,
    RagFileListResponse,
    RagFileStatus,
    SearchRequest,
    SearchRequestDict,
    SearchResponse,
    UploadFileParams,
)
from ._base import AsyncResource, SyncResource

__all__ = [
    "AsyncRagResource",
    "BulkEmbedKwargs",
    "InitUploadKwargs",
    "RagResource",
    "SearchKwargs",
]

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

InitInput = Union[InitUploadRequest, InitUploadRequestDict]
EmbedInput = Union[BulkEmbedRequest, BulkEmbedRequestDict]
SearchInput = Union[SearchRequest, SearchRequestDict]


class InitUploadKwargs(InitUploadRequestDict, CallOptions, total=False):
    """The keyword arguments of ``init_upload()``: the body's fields and the per-call options."""


class BulkEmbedKwargs(BulkEmbedRequestDict, CallOptions, total=False):
    """The keyword arguments of ``embed()``: the body's fields and the per-call options."""


class SearchKwargs(SearchRequestDict, CallOptions, total=False):
    """The keyword arguments of ``search()``: the body's fields and the per-call options."""


class _UploadPlan:
    """``upload_file`` decided before any I/O: the announcing request, then the PUT of the bytes
    to the signed URL the announcement returns."""

    def __init__(self, file: UploadFileParams, options: Mapping[str, Any]) -> None:
        self.file = file
        self.timeout: TimeoutTypes = options.get("timeout", NOT_GIVEN)
        self.announce: RequestOptions = INIT_UPLOAD.build((), file.to_init_request(), None, options)

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
            raise InvalidRequestError(
                "upload_file() takes either an UploadFileParams or keyword arguments, not both"
            )
        return params
    if content is not None and not isinstance(content, (bytes, bytearray, memoryview)):
        raise InvalidRequestError(f"content must be bytes, got {type(content).__name__}")
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

    @overload
    def init_upload(
        self, params: InitInput, /, **options: Unpack[BodyCallOptions]
    ) -> InitUploadResponse: ...
    @overload
    def init_upload(self, /, **kwargs: Unpack[InitUploadKwargs]) -> InitUploadResponse: ...
    def init_upload(
        self, params: Optional[InitInput] = None, /, **kwargs: Any
    ) -> InitUploadResponse:
        """Announce a file; returns ``file_id`` and a ``signed_url`` to PUT its bytes to."""
        return self._call(INIT_UPLOAD, params=params, options=kwargs)

    def upload_file(
        self,
        params: Optional[UploadFileParams] = None,
        *,
        file_name: Optional[str] = None,
        mime_type: Optional[str] = None,
        content: Optional[bytes] = None,
        embed: Optional[bool] = None,
        metadata: Optional[Dict[str, Any]] = None,
        **options: Unpack[BodyCallOptions],
    ) -> InitUploadResponse:
        """Announce the file and PUT its bytes to the signed URL in one call.

        The PUT carries the file's content type and no Authorization header (the URL is signed),
        goes through this client's connection settings, and follows no redirect.
        """
        file = _upload_params(params, file_name, mime_type, content, embed, metadata)
        plan = _UploadPlan(file, options)
        announced = self._http.request(plan.announce, INIT_UPLOAD.parser)
        self._http.upload(*plan.put(announced))
        return announced

    def get(self, file_id: str, **options: Unpack[CallOptions]) -> RagFileStatus:
        """A file's upload and embedding status."""
        return self._call(GET, file_id, options=options)

    def list(
        self,
        *,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> RagFileListResponse:
        """One page of files (offset pagination): ``page.files``, ``page.total``."""
        return self._call(LIST, query={"limit": limit, "offset": offset}, options=options)

    @overload
    def embed(
        self, params: EmbedInput, /, **options: Unpack[BodyCallOptions]
    ) -> BulkEmbedResponse: ...
    @overload
    def embed(self, /, **kwargs: Unpack[BulkEmbedKwargs]) -> BulkEmbedResponse: ...
    def embed(self, params: Optional[EmbedInput] = None, /, **kwargs: Any) -> BulkEmbedResponse:
        """Start embedding uploaded files (``wait=True`` waits for the result)."""
        return self._call(EMBED, params=params, options=kwargs)

    @overload
    def search(
        self, params: SearchInput, /, **options: Unpack[BodyCallOptions]
    ) -> SearchResponse: ...
    @overload
    def search(self, /, **kwargs: Unpack[SearchKwargs]) -> SearchResponse: ...
    def search(self, params: Optional[SearchInput] = None, /, **kwargs: Any) -> SearchResponse:
        """Vector search over the embedded chunks, best first."""
        return self._call(SEARCH, params=params, options=kwargs)


class AsyncRagResource(AsyncResource):
    """Retrieval-augmented generation: files in, chunks embedded, vector search out."""

    @overload
    async def init_upload(
        self, params: InitInput, /, **options: Unpack[BodyCallOptions]
    ) -> InitUploadResponse: ...
    @overload
    async def init_upload(self, /, **kwargs: Unpack[InitUploadKwargs]) -> InitUploadResponse: ...
    async def init_upload(
        self, params: Optional[InitInput] = None, /, **kwargs: Any
    ) -> InitUploadResponse:
        """Announce a file; returns ``file_id`` and a ``signed_url`` to PUT its bytes to."""
        return await self._call(INIT_UPLOAD, params=params, options=kwargs)

    async def upload_file(
        self,
        params: Optional[UploadFileParams] = None,
        *,
        file_name: Optional[str] = None,
        mime_type: Optional[str] = None,
        content: Optional[bytes] = None,
        embed: Optional[bool] = None,
        metadata: Optional[Dict[str, Any]] = None,
        **options: Unpack[BodyCallOptions],
    ) -> InitUploadResponse:
        """Announce the file and PUT its bytes to the signed URL in one call.

        The PUT carries the file's content type and no Authorization header (the URL is signed),
        goes through this client's connection settings, and follows no redirect.
        """
        file = _upload_params(params, file_name, mime_type, content, embed, metadata)
        plan = _UploadPlan(file, options)
        announced = await self._http.request(plan.announce, INIT_UPLOAD.parser)
        await self._http.upload(*plan.put(announced))
        return announced

    async def get(self, file_id: str, **options: Unpack[CallOptions]) -> RagFileStatus:
        """A file's upload and embedding status."""
        return await self._call(GET, file_id, options=options)

    async def list(
        self,
        *,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> RagFileListResponse:
        """One page of files (offset pagination): ``page.files``, ``page.total``."""
        return await self._call(LIST, query={"limit": limit, "offset": offset}, options=options)

    @overload
    async def embed(
        self, params: EmbedInput, /, **options: Unpack[BodyCallOptions]
    ) -> BulkEmbedResponse: ...
    @overload
    async def embed(self, /, **kwargs: Unpack[BulkEmbedKwargs]) -> BulkEmbedResponse: ...
    async def embed(
        self, params: Optional[EmbedInput] = None, /, **kwargs: Any
    ) -> BulkEmbedResponse:
        """Start embedding uploaded files (``wait=True`` waits for the result)."""
        return await self._call(EMBED, params=params, options=kwargs)

    @overload
    async def search(
        self, params: SearchInput, /, **options: Unpack[BodyCallOptions]
    ) -> SearchResponse: ...
    @overload
    async def search(self, /, **kwargs: Unpack[SearchKwargs]) -> SearchResponse: ...
    async def search(
        self, params: Optional[SearchInput] = None, /, **kwargs: Any
    ) -> SearchResponse:
        """Vector search over the embedded chunks, best first."""
        return await self._call(SEARCH, params=params, options=kwargs)
