"""``/v1/video/generations``: video generation tasks (submit, poll, list, wait)."""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union, overload

from typing_extensions import Unpack

from .._endpoint import OPTION_NAMES, BodyCallOptions, CallOptions, Endpoint, OffsetPagination
from .._errors import InvalidRequestError
from .._http import Destination
from .._request import NOT_GIVEN, TimeoutTypes, model_body
from .._types import (
    VIDEO_TERMINAL_STATUSES,
    CreateVideoGenerationResponse,
    ListVideoGenerationsParams,
    ListVideoGenerationsParamsDict,
    VideoGenerationParams,
    VideoGenerationParamsDict,
    VideoTaskListResponse,
    VideoTaskResponse,
)
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


class VideoWait:
    """The decisions of :meth:`VideosResource.wait`, without I/O: after each poll, stop (the task
    is ``succeeded``, ``failed``, ``expired`` or ``cancelled``), sleep (0.25 s, then twice as
    long each time, up to ``poll_interval``), or give up with ``TimeoutError`` once ``max_wait``
    seconds have passed, so a poll never spins forever."""

    def __init__(
        self,
        task_id: str,
        poll_interval: float,
        max_wait: Optional[float],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if poll_interval <= 0:
            raise InvalidRequestError(f"poll_interval must be > 0 seconds, got {poll_interval}")
        if max_wait is not None and max_wait < 0:
            raise InvalidRequestError(f"max_wait must be >= 0 seconds (or None), got {max_wait}")
        self.task_id = task_id
        self.poll_interval = poll_interval
        self.max_wait = max_wait
        self.clock = clock
        self.started = clock()
        self.last_status: Optional[str] = None
        # Short tasks end sooner than a fixed interval would notice: the pause starts at a
        # quarter of a second and doubles up to poll_interval.
        self.next_pause = min(0.25, poll_interval)

    def after(self, task: VideoTaskResponse) -> Optional[float]:
        """``None`` when ``task`` is finished, else the seconds to sleep before the next poll."""
        self.last_status = task.status
        if task.status in VIDEO_TERMINAL_STATUSES:
            return None
        pause = self.next_pause
        self.next_pause = min(self.poll_interval, pause * 2)
        if self.max_wait is None:
            return pause
        left = self.max_wait - (self.clock() - self.started)
        if left <= 0:
            raise TimeoutError(
                f"video task {self.task_id!r} is still {task.status!r} after "
                f"{self.max_wait:g} s (raise max_wait to wait longer)"
            )
        return min(pause, left)


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
        on_update: OnUpdate = None,
        **options: Unpack[CallOptions],
    ) -> VideoTaskResponse:
        """Poll until the task is ``succeeded``, ``failed``, ``expired`` or ``cancelled`` and
        return it (pauses grow from 0.25 s to ``poll_interval``); ``on_update`` sees every poll;
        ``TimeoutError`` after ``max_wait`` seconds."""
        no_response_mode("wait", "polls until the task ends")
        plan = VideoWait(task_id, poll_interval, max_wait)
        while True:
            task = self._call(RETRIEVE, task_id, options=options)
            if on_update is not None:
                on_update(task)
            delay = plan.after(task)
            if delay is None:
                return task
            self._http.sleep(delay)

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
        on_update: OnUpdate = None,
        **options: Unpack[CallOptions],
    ) -> VideoTaskResponse:
        """Poll until the task is ``succeeded``, ``failed``, ``expired`` or ``cancelled`` and
        return it (pauses grow from 0.25 s to ``poll_interval``); ``on_update`` sees every poll;
        ``TimeoutError`` after ``max_wait`` seconds."""
        no_response_mode("wait", "polls until the task ends")
        plan = VideoWait(task_id, poll_interval, max_wait)
        while True:
            task = await self._call(RETRIEVE, task_id, options=options)
            if on_update is not None:
                on_update(task)
            delay = plan.after(task)
            if delay is None:
                return task
            await self._http.sleep(delay)

    async def download(
        self, task: VideoTaskResponse, output: Destination, *, timeout: TimeoutTypes = NOT_GIVEN
    ) -> int:
        """Write a ``succeeded`` task's video to ``output`` (a path or a binary file object) as it
        arrives; returns the bytes written. The URL is fetched without the API key."""
        no_response_mode("download", "writes the video to a file")
        return await self._http.fetch(video_url_of(task), output, timeout)
