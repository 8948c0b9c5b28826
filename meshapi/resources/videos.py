"""``/v1/video/generations``: video generation tasks (submit, poll, list, wait)."""

from __future__ import annotations

import time
from typing import Any, Callable, Mapping, Optional, Union

from .._endpoint import Endpoint, OffsetPagination
from .._http import Destination
from .._request import ExtraHeaders, TimeoutTypes, model_body
from .._types import (
    VIDEO_TERMINAL_STATUSES,
    CreateVideoGenerationResponse,
    ListVideoGenerationsParams,
    VideoGenerationParams,
    VideoTaskListResponse,
    VideoTaskResponse,
)
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncVideosResource", "VideosResource"]

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

VideoParamsInput = Union[VideoGenerationParams, Mapping[str, Any]]
OnUpdate = Optional[Callable[[VideoTaskResponse], Any]]


def video_url_of(task: VideoTaskResponse) -> str:
    """The URL of a finished task's video; ``ValueError`` saying why when there is none."""
    url = task.content.video_url if task.content is not None else None
    if not url:
        why = f"it is {task.status}" if task.status != "succeeded" else "it has no video_url"
        raise ValueError(f"video task {task.id!r} has no video to download: {why}")
    return url


def _list_query(params: Any) -> Any:
    return model_body(
        {} if params is None else params, ListVideoGenerationsParams, "list"
    ).to_wire()


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
            raise ValueError(f"poll_interval must be > 0 seconds, got {poll_interval}")
        if max_wait is not None and max_wait < 0:
            raise ValueError(f"max_wait must be >= 0 seconds (or None), got {max_wait}")
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

    def generate(
        self,
        params: VideoParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> CreateVideoGenerationResponse:
        """Submit a generation task; returns its ``id`` (poll with :meth:`retrieve` or
        :meth:`wait`)."""
        return self._call(GENERATE, params=params, extra_headers=extra_headers, timeout=timeout)

    def retrieve(
        self, task_id: str, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> VideoTaskResponse:
        """The task's status (and, once ``succeeded``, ``content.video_url``)."""
        return self._call(RETRIEVE, task_id, extra_headers=extra_headers, timeout=timeout)

    def list(
        self,
        params: Union[ListVideoGenerationsParams, Mapping[str, Any], None] = None,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> VideoTaskListResponse:
        """One page of tasks, newest first (``limit``/``offset``; ``page.total`` in all)."""
        return self._call(
            LIST, query=_list_query(params), extra_headers=extra_headers, timeout=timeout
        )

    def wait(
        self,
        task_id: str,
        *,
        poll_interval: float = 2.0,
        max_wait: Optional[float] = 600.0,
        on_update: OnUpdate = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> VideoTaskResponse:
        """Poll until the task is ``succeeded``, ``failed``, ``expired`` or ``cancelled`` and
        return it (pauses grow from 0.25 s to ``poll_interval``); ``on_update`` sees every poll;
        ``TimeoutError`` after ``max_wait`` seconds."""
        plan = VideoWait(task_id, poll_interval, max_wait)
        while True:
            task = self.retrieve(task_id, extra_headers=extra_headers, timeout=timeout)
            if on_update is not None:
                on_update(task)
            delay = plan.after(task)
            if delay is None:
                return task
            self._http.sleep(delay)

    def download(
        self, task: VideoTaskResponse, output: Destination, *, timeout: TimeoutTypes = None
    ) -> int:
        """Write a ``succeeded`` task's video to ``output`` (a path or a binary file object) as it
        arrives; returns the bytes written. The URL is fetched without the API key."""
        return self._http.fetch(video_url_of(task), output, timeout)


class AsyncVideosResource(AsyncResource):
    """Video generation: submit a task, poll it, list past tasks."""

    async def generate(
        self,
        params: VideoParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> CreateVideoGenerationResponse:
        """Submit a generation task; returns its ``id`` (poll with :meth:`retrieve` or
        :meth:`wait`)."""
        return await self._call(
            GENERATE, params=params, extra_headers=extra_headers, timeout=timeout
        )

    async def retrieve(
        self, task_id: str, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> VideoTaskResponse:
        """The task's status (and, once ``succeeded``, ``content.video_url``)."""
        return await self._call(RETRIEVE, task_id, extra_headers=extra_headers, timeout=timeout)

    async def list(
        self,
        params: Union[ListVideoGenerationsParams, Mapping[str, Any], None] = None,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> VideoTaskListResponse:
        """One page of tasks, newest first (``limit``/``offset``; ``page.total`` in all)."""
        return await self._call(
            LIST, query=_list_query(params), extra_headers=extra_headers, timeout=timeout
        )

    async def wait(
        self,
        task_id: str,
        *,
        poll_interval: float = 2.0,
        max_wait: Optional[float] = 600.0,
        on_update: OnUpdate = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> VideoTaskResponse:
        """Poll until the task is ``succeeded``, ``failed``, ``expired`` or ``cancelled`` and
        return it (pauses grow from 0.25 s to ``poll_interval``); ``on_update`` sees every poll;
        ``TimeoutError`` after ``max_wait`` seconds."""
        plan = VideoWait(task_id, poll_interval, max_wait)
        while True:
            task = await self.retrieve(task_id, extra_headers=extra_headers, timeout=timeout)
            if on_update is not None:
                on_update(task)
            delay = plan.after(task)
            if delay is None:
                return task
            await self._http.sleep(delay)

    async def download(
        self, task: VideoTaskResponse, output: Destination, *, timeout: TimeoutTypes = None
    ) -> int:
        """Write a ``succeeded`` task's video to ``output`` (a path or a binary file object) as it
        arrives; returns the bytes written. The URL is fetched without the API key."""
        return await self._http.fetch(video_url_of(task), output, timeout)
