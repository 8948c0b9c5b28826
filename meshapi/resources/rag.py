"""``/v1/files``: RAG — upload files, embed them, search them."""

from __future__ import annotations

import functools
import os
from typing import Any, BinaryIO, Callable, Dict, Mapping, Optional, Tuple, Union, overload

from typing_extensions import Unpack

from .._endpoint import BodyCallOptions, CallOptions, Endpoint, OffsetPagination
from .._errors import InvalidRequestError
from .._http import FileContent
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
from .._uploads import is_file_source, name_and_type
from .._waiting import Waiter, rag_file_verdict, waiter_for
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
# A file to upload: a path, or a binary file object.
FileInput = Union[str, "os.PathLike[str]", BinaryIO]


class InitUploadKwargs(InitUploadRequestDict, CallOptions, total=False):
    """The keyword arguments of ``init_upload()``: the body's fields and the per-call options."""


class BulkEmbedKwargs(BulkEmbedRequestDict, CallOptions, total=False):
    """The keyword arguments of ``embed()``: the body's fields and the per-call options."""


class SearchKwargs(SearchRequestDict, CallOptions, total=False):
    """The keyword arguments of ``search()``: the body's fields and the per-call options."""


class _UploadPlan:
    """``upload_file`` decided before any I/O: the announcing request, then the PUT of the body
    (bytes, or a file streamed from disk) to the signed URL the announcement returns."""

    def __init__(
        self,
        announce: InitUploadRequest,
        body: Union[bytes, FileContent],
        options: Mapping[str, Any],
    ) -> None:
        self.body = body
        self.mime_type = announce.mime_type
        self.timeout: TimeoutTypes = options.get("timeout", NOT_GIVEN)
        self.announce: RequestOptions = INIT_UPLOAD.build((), announce, None, options)

    @classmethod
    def of(
        cls, params: Any, file: Any, fields: Mapping[str, Any], options: Mapping[str, Any]
    ) -> _UploadPlan:
        """From ``upload_file``'s arguments: an :class:`UploadFileParams`, or ``file`` (a path or
        a binary file object, also accepted as the first argument), or ``fields`` with
        ``content`` bytes."""
        if file is None and params is not None and is_file_source(params):
            params, file = None, params
        given = {k: v for k, v in fields.items() if v is not None}
        if params is not None:
            if given or file is not None:
                raise InvalidRequestError(
                    "upload_file() takes either an UploadFileParams or keyword arguments, not both"
                )
            return cls(params.to_init_request(), params.content, options)
        if file is not None:
            if given.pop("content", None) is not None:
                raise InvalidRequestError("upload_file() takes a file or content=, not both")
            name, mime = name_and_type(
                file, given.pop("file_name", None), given.pop("mime_type", None)
            )
            announce = InitUploadRequest(file_name=name, mime_type=mime, **given)
            return cls(announce, FileContent(file), options)
        content = fields.get("content")
        if content is not None and not isinstance(content, (bytes, bytearray, memoryview)):
            raise InvalidRequestError(
                f"content must be bytes, got {type(content).__name__} (pass a path or a binary "
                "file object as file=)"
            )
        upload = UploadFileParams.model_validate(
            {**fields, "content": bytes(content) if content is not None else None}
        )
        return cls(upload.to_init_request(), upload.content, options)

    def put(
        self, announced: InitUploadResponse
    ) -> Tuple[str, Union[bytes, FileContent], str, TimeoutTypes]:
        """The arguments of the PUT: signed URL, body, content type, timeout."""
        return announced.signed_url, self.body, self.mime_type, self.timeout


def _ready_waiter(
    file_id: str,
    embedded: bool,
    max_wait: Optional[float],
    poll_interval: float,
    max_interval: float,
    on_progress: Optional[Callable[[RagFileStatus], Any]],
) -> Waiter[RagFileStatus]:
    verdict = functools.partial(rag_file_verdict, embedded=embedded)
    what = f"RAG file {file_id}"
    return waiter_for(what, verdict, max_wait, poll_interval, max_interval, on_progress)


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
        params: Union[UploadFileParams, FileInput, None] = None,
        *,
        file: Optional[FileInput] = None,
        file_name: Optional[str] = None,
        mime_type: Optional[str] = None,
        content: Optional[bytes] = None,
        embed: Optional[bool] = None,
        metadata: Optional[Dict[str, Any]] = None,
        **options: Unpack[BodyCallOptions],
    ) -> InitUploadResponse:
        """Announce the file and PUT its bytes to the signed URL in one call.

        The file is ``content`` bytes, or ``file``: a path or a binary file object (also
        accepted as the first argument: ``upload_file("handbook.pdf", embed=True)``), streamed
        from disk in chunks, never read whole; its name defaults to the path's and its
        ``mime_type`` is guessed from the name when not given. The PUT carries the file's
        content type and no Authorization header (the URL is signed), goes through this
        client's connection settings, and follows no redirect.
        """
        fields = {"file_name": file_name, "mime_type": mime_type, "content": content}
        plan = _UploadPlan.of(
            params, file, {**fields, "embed": embed, "metadata": metadata}, options
        )
        announced = self._http.request(plan.announce, INIT_UPLOAD.parser)
        self._http.upload(*plan.put(announced))
        return announced

    def get(self, file_id: str, **options: Unpack[CallOptions]) -> RagFileStatus:
        """A file's upload and embedding status."""
        return self._call(GET, file_id, options=options)

    def wait_until_ready(
        self,
        file_id: str,
        *,
        embedded: bool = True,
        max_wait: Optional[float] = 600.0,
        poll_interval: float = 0.5,
        max_interval: float = 5.0,
        on_progress: Optional[Callable[[RagFileStatus], Any]] = None,
        **options: Unpack[CallOptions],
    ) -> RagFileStatus:
        """Poll the file until it is uploaded and (``embedded=True``) embedded; returns its
        final status.

        Polls back off from ``poll_interval`` to ``max_interval`` seconds; ``on_progress``
        is called with every status fetched. Raises :class:`JobFailedError` when embedding
        failed (``err.state``, ``err.reason``: the file's ``last_error_code``) and
        :class:`WaitTimeoutError` when ``max_wait`` seconds pass first (``None``: no limit);
        the per-call options (``timeout``...) apply to each poll.
        """
        return self._wait(
            lambda: self.get(file_id, **options),
            _ready_waiter(file_id, embedded, max_wait, poll_interval, max_interval, on_progress),
        )

    def list(
        self,
        *,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> RagFileListResponse:
        """One page of files (offset pagination): ``page.files``, ``page.total``. Iterating it
        yields every file, fetching the next pages as needed."""
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
        params: Union[UploadFileParams, FileInput, None] = None,
        *,
        file: Optional[FileInput] = None,
        file_name: Optional[str] = None,
        mime_type: Optional[str] = None,
        content: Optional[bytes] = None,
        embed: Optional[bool] = None,
        metadata: Optional[Dict[str, Any]] = None,
        **options: Unpack[BodyCallOptions],
    ) -> InitUploadResponse:
        """Announce the file and PUT its bytes to the signed URL in one call.

        The file is ``content`` bytes, or ``file``: a path or a binary file object (also
        accepted as the first argument: ``upload_file("handbook.pdf", embed=True)``), streamed
        from disk in chunks, never read whole; its name defaults to the path's and its
        ``mime_type`` is guessed from the name when not given. The PUT carries the file's
        content type and no Authorization header (the URL is signed), goes through this
        client's connection settings, and follows no redirect.
        """
        fields = {"file_name": file_name, "mime_type": mime_type, "content": content}
        plan = _UploadPlan.of(
            params, file, {**fields, "embed": embed, "metadata": metadata}, options
        )
        announced = await self._http.request(plan.announce, INIT_UPLOAD.parser)
        await self._http.upload(*plan.put(announced))
        return announced

    async def get(self, file_id: str, **options: Unpack[CallOptions]) -> RagFileStatus:
        """A file's upload and embedding status."""
        return await self._call(GET, file_id, options=options)

    async def wait_until_ready(
        self,
        file_id: str,
        *,
        embedded: bool = True,
        max_wait: Optional[float] = 600.0,
        poll_interval: float = 0.5,
        max_interval: float = 5.0,
        on_progress: Optional[Callable[[RagFileStatus], Any]] = None,
        **options: Unpack[CallOptions],
    ) -> RagFileStatus:
        """Poll the file until it is uploaded and (``embedded=True``) embedded; returns its
        final status.

        Polls back off from ``poll_interval`` to ``max_interval`` seconds; ``on_progress``
        is called with every status fetched. Raises :class:`JobFailedError` when embedding
        failed (``err.state``, ``err.reason``: the file's ``last_error_code``) and
        :class:`WaitTimeoutError` when ``max_wait`` seconds pass first (``None``: no limit);
        the per-call options (``timeout``...) apply to each poll.
        """
        return await self._wait(
            lambda: self.get(file_id, **options),
            _ready_waiter(file_id, embedded, max_wait, poll_interval, max_interval, on_progress),
        )

    async def list(
        self,
        *,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        **options: Unpack[CallOptions],
    ) -> RagFileListResponse:
        """One page of files (offset pagination): ``page.files``, ``page.total``. Iterating it
        yields every file, fetching the next pages as needed."""
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
