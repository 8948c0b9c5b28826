"""``/v1/video/generations``: video generation tasks (submit, poll, list, wait)."""

from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union, overload

from typing_extensions import Unpack

from .._endpoint import OPTION_NAMES, BodyCallOptions, CallOptions, Endpoint, OffsetPagination
from .._errors import InvalidRequestError
from .._http import Destination
from .._request import NOT_GIVEN, TimeoutTypes, model_body
from .._types import (
    CreateVideoGenerationResponse,
    ListVideoGenerationsParams,
    ListVideoGenerationsParamsDict,
    VideoGenerationParams,
    VideoGenerationParamsDict,
    VideoTaskListResponse,
    VideoTaskResponse,
)
from .._waiting import Waiter, video_verdict
from ._base import AsyncResource, SyncResource, no_response_mode

__all__ = [
    "AsyncVideosResource",
    "ListVideoGenerationsKwargs",
    "VideoGenerationKwargs",
    "VideosResource",
]

GENERATE = Endpoint(
    "POST",
    "/v1/video/generations",
    CreateVideoGenerationResponse,
    name="generate",
    params=VideoGenerationParams,
)
RETRIEVE = Endpoint("GET", "/v1/video/generations/{task_id}", VideoTaskResponse, name="retrieve")
LIST = Endpoint(
    "GET",
    "/v1/video/generations",
    VideoTaskListResponse,
    name="list",
    pagination=OffsetPagination(items="data", max_limit=100),
)

VideoParamsInput = Union[VideoGenerationParams, VideoGenerationParamsDict]
ListVideosInput = Union[ListVideoGenerationsParams, ListVideoGenerationsParamsDict]
OnUpdate = Optional[Callable[[VideoTaskResponse], Any]]


class VideoGenerationKwargs(VideoGenerationParamsDict, CallOptions, total=False):
    """The keyword arguments of ``generate()``: the body's fields and the per-call options."""


class ListVideoGenerationsKwargs(ListVideoGenerationsParamsDict, CallOptions, total=False):
    """The keyword arguments of ``list()``: the query's fields and the per-call options."""


def video_url_of(task: VideoTaskResponse) -> str:
    """The URL of a finished task's video; ``ValueError`` saying why when there is none."""
    url = task.content.video_url if task.content is not None else None
    if not url:
        why = f"it is {task.status}" if task.status != "succeeded" else "it has no video_url"
        raise InvalidRequestError(f"video task {task.id!r} has no video to download: {why}")
    return url


def _list_query(params: Any, kwargs: Mapping[str, Any]) -> Tuple[Any, Dict[str, Any]]:
    """The query of ``list()`` (from the params object or the keyword fields) and the options."""
    options = {k: v for k, v in kwargs.items() if k in OPTION_NAMES}
    fields = {k: v for k, v in kwargs.items() if k not in OPTION_NAMES}
    if fields and params is not None:
        raise InvalidRequestError(
            "list() was given a params object and the keyword argument(s) "
            f"{', '.join(sorted(fields))}: pass one or the other, not both"
        )
    source = fields if params is None else params
    return model_body(source, ListVideoGenerationsParams, "list").to_wire(), options


def _video_waiter(
    task_id: str,
    poll_interval: float,
    max_wait: Optional[float],
    on_progress: OnUpdate,
    on_update: OnUpdate,
) -> Waiter[VideoTaskResponse]:
    """The policy of ``wait()``: pauses start at 0.25 s and double up to ``poll_interval``
    (short tasks are noticed sooner); ``on_update`` is the older name of ``on_progress``."""
    if on_progress is not None and on_update is not None:
        raise InvalidRequestError("wait() takes on_progress or on_update (the same), not both")
    return Waiter(
        f"video task {task_id!r}",
        video_verdict,
        max_wait=max_wait,
        poll_interval=min(0.25, poll_interval) if poll_interval > 0 else poll_interval,
        max_interval=poll_interval,
        factor=2.0,
        on_progress=on_progress or on_update,
    )


class VideosResource(SyncResource):
    """Video generation: submit a task, poll it, list past tasks."""

    @overload
    def generate(
        self, params: VideoParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> CreateVideoGenerationResponse: ...
    @overload
    def generate(
        self, /, **kwargs: Unpack[VideoGenerationKwargs]
    ) -> CreateVideoGenerationResponse: ...
    def generate(
        self, params: Optional[VideoParamsInput] = None, /, **kwargs: Any
    ) -> CreateVideoGenerationResponse:
        """Submit a generation task; returns its ``id`` (poll with :meth:`retrieve` or
        :meth:`wait`). Keyword arguments or a :class:`VideoGenerationParams` (or its dict)."""
        return self._call(GENERATE, params=params, options=kwargs)

    def retrieve(self, task_id: str, **options: Unpack[CallOptions]) -> VideoTaskResponse:
        """The task's status (and, once ``succeeded``, ``content.video_url``)."""
        return self._call(RETRIEVE, task_id, options=options)

    @overload
    def list(
        self, params: ListVideosInput, /, **options: Unpack[CallOptions]
    ) -> VideoTaskListResponse: ...
    @overload
    def list(self, /, **kwargs: Unpack[ListVideoGenerationsKwargs]) -> VideoTaskListResponse: ...
    def list(
        self, params: Optional[ListVideosInput] = None, /, **kwargs: Any
    ) -> VideoTaskListResponse:
        """One page of tasks, newest first (``limit``/``offset``; ``page.total`` in all)."""
        query, options = _list_query(params, kwargs)
        return self._call(LIST, query=query, options=options)

    def wait(
        self,
        task_id: str,
        *,
        poll_interval: float = 2.0,
        max_wait: Optional[float] = 600.0,
        on_progress: OnUpdate = None,
        on_update: OnUpdate = None,
        **options: Unpack[CallOptions],
    ) -> VideoTaskResponse:
        """Poll until the task has ``succeeded`` and return it (pauses grow from 0.25 s to
        ``poll_interval``); ``on_progress`` (or ``on_update``) sees every poll. A task that ends
        ``failed``, ``expired`` or ``cancelled`` raises :class:`JobFailedError` (``err.state``,
        ``err.reason``: the task's error; ``err.job``: the task); ``max_wait`` seconds without
        an end raise :class:`WaitTimeoutError` (an ``APITimeoutError`` and a ``TimeoutError``)
        naming the status it was stuck in; ``max_wait=None`` waits as long as it takes."""
        return self._wait(
            lambda: self.retrieve(task_id, **options),
            _video_waiter(task_id, poll_interval, max_wait, on_progress, on_update),
        )

    def download(
        self, task: VideoTaskResponse, output: Destination, *, timeout: TimeoutTypes = NOT_GIVEN
    ) -> int:
        """Write a ``succeeded`` task's video to ``output`` (a path or a binary file object) as it
        arrives; returns the bytes written. The URL is fetched without the API key."""
        no_response_mode("download", "writes the video to a file")
        return self._http.fetch(video_url_of(task), output, timeout)


class AsyncVideosResource(AsyncResource):
    """Video generation: submit a task, poll it, list past tasks."""

    @overload
    async def generate(
        self, params: VideoParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> CreateVideoGenerationResponse: ...
    @overload
    async def generate(
        self, /, **kwargs: Unpack[VideoGenerationKwargs]
    ) -> CreateVideoGenerationResponse: ...
    async def generate(
        self, params: Optional[VideoParamsInput] = None, /, **kwargs: Any
    ) -> CreateVideoGenerationResponse:
        """Submit a generation task; returns its ``id`` (poll with :meth:`retrieve` or
        :meth:`wait`). Keyword arguments or a :class:`VideoGenerationParams` (or its dict)."""
        return await self._call(GENERATE, params=params, options=kwargs)

    async def retrieve(self, task_id: str, **options: Unpack[CallOptions]) -> VideoTaskResponse:
        """The task's status (and, once ``succeeded``, ``content.video_url``)."""
        return await self._call(RETRIEVE, task_id, options=options)

    @overload
    async def list(
        self, params: ListVideosInput, /, **options: Unpack[CallOptions]
    ) -> VideoTaskListResponse: ...
    @overload
    async def list(
        self, /, **kwargs: Unpack[ListVideoGenerationsKwargs]
    ) -> VideoTaskListResponse: ...
    async def list(
        self, params: Optional[ListVideosInput] = None, /, **kwargs: Any
    ) -> VideoTaskListResponse:
        """One page of tasks, newest first (``limit``/``offset``; ``page.total`` in all)."""
        query, options = _list_query(params, kwargs)
        return await self._call(LIST, query=query, options=options)

    async def wait(
        self,
        task_id: str,
        *,
        poll_interval: float = 2.0,
        max_wait: Optional[float] = 600.0,
        on_progress: OnUpdate = None,
        on_update: OnUpdate = None,
        **options: Unpack[CallOptions],
    ) -> VideoTaskResponse:
        """Poll until the task has ``succeeded`` and return it (pauses grow from 0.25 s to
        ``poll_interval``); ``on_progress`` (or ``on_update``) sees every poll. A task that ends
        ``failed``, ``expired`` or ``cancelled`` raises :class:`JobFailedError` (``err.state``,
        ``err.reason``: the task's error; ``err.job``: the task); ``max_wait`` seconds without
        an end raise :class:`WaitTimeoutError` (an ``APITimeoutError`` and a ``TimeoutError``)
        naming the status it was stuck in; ``max_wait=None`` waits as long as it takes."""
        return await self._wait(
            lambda: self.retrieve(task_id, **options),
            _video_waiter(task_id, poll_interval, max_wait, on_progress, on_update),
        )

    async def download(
        self, task: VideoTaskResponse, output: Destination, *, timeout: TimeoutTypes = NOT_GIVEN
    ) -> int:
        """Write a ``succeeded`` task's video to ``output`` (a path or a binary file object) as it
        arrives; returns the bytes written. The URL is fetched without the API key."""
        no_response_mode("download", "writes the video to a file")
        return await self._http.fetch(video_url_of(task), output, timeout)
