"""Video generation: ``/v1/video/generations`` (an asynchronous task, polled by id)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Union

from pydantic import Field
from typing_extensions import Required, TypedDict

from ._base import RequestModel, ResponseModel, _RequestPart

__all__ = [
    "VIDEO_TERMINAL_STATUSES",
    "CreateVideoGenerationResponse",
    "ListVideoGenerationsParams",
    "ListVideoGenerationsParamsDict",
    "VideoContentItem",
    "VideoContentItemDict",
    "VideoGenerationParams",
    "VideoGenerationParamsDict",
    "VideoTaskContent",
    "VideoTaskError",
    "VideoTaskListResponse",
    "VideoTaskResponse",
    "VideoTaskUsage",
]

VIDEO_TERMINAL_STATUSES = frozenset({"succeeded", "failed", "expired", "cancelled"})
"""The statuses after which a video task never changes again."""


class VideoContentItemDict(TypedDict, total=False):
    """:class:`VideoContentItem` as a dict."""

    type: Required[str]
    text: Optional[str]
    image_url: Optional[Dict[str, Any]]
    video_url: Optional[Dict[str, Any]]
    audio_url: Optional[Dict[str, Any]]
    draft_task: Optional[Dict[str, Any]]
    role: Optional[str]


class VideoContentItem(_RequestPart):
    """One item of a video request's ``content``: ``type`` is ``text`` (with ``text``),
    ``image_url``, ``video_url`` or ``audio_url`` (each an object, normally ``{"url": ...}``);
    ``role`` says what a picture is for (e.g. ``first_frame``)."""

    type: str
    text: Optional[str] = None
    image_url: Optional[Dict[str, Any]] = None
    video_url: Optional[Dict[str, Any]] = None
    audio_url: Optional[Dict[str, Any]] = None
    draft_task: Optional[Dict[str, Any]] = None
    role: Optional[str] = None


class VideoGenerationParamsDict(TypedDict, total=False):
    """:class:`VideoGenerationParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    model: Required[str]
    content: Required[Sequence[Union[VideoContentItem, VideoContentItemDict]]]
    callback_url: Optional[str]
    return_last_frame: Optional[bool]
    service_tier: Optional[str]
    execution_expires_after: Optional[int]
    generate_audio: Optional[bool]
    draft: Optional[bool]
    resolution: Optional[str]
    ratio: Optional[str]
    duration: Optional[int]
    frames: Optional[int]
    seed: Optional[int]
    camera_fixed: Optional[bool]
    watermark: Optional[bool]
    safety_identifier: Optional[str]
    priority: Optional[int]


class VideoGenerationParams(RequestModel):
    """Body of ``POST /v1/video/generations`` (BytePlus Seedance task format)."""

    model: str
    content: List[VideoContentItem] = Field(min_length=1)
    callback_url: Optional[str] = None
    """The gateway POSTs the full task here on each status change."""
    return_last_frame: Optional[bool] = None
    service_tier: Optional[str] = None
    execution_expires_after: Optional[int] = None
    """Seconds after which an unfinished task ends as ``expired``."""
    generate_audio: Optional[bool] = None
    draft: Optional[bool] = None
    resolution: Optional[str] = None
    ratio: Optional[str] = None
    duration: Optional[int] = None
    frames: Optional[int] = None
    seed: Optional[int] = None
    camera_fixed: Optional[bool] = None
    watermark: Optional[bool] = None
    safety_identifier: Optional[str] = None
    priority: Optional[int] = None


class CreateVideoGenerationResponse(ResponseModel):
    """The answer of a submission: the task id to poll."""

    id: str


class ListVideoGenerationsParamsDict(TypedDict, total=False):
    """:class:`ListVideoGenerationsParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    status: Optional[str]
    model: Optional[str]
    created_after: Optional[str]
    created_before: Optional[str]
    limit: Optional[int]
    offset: Optional[int]


class ListVideoGenerationsParams(RequestModel):
    """Query of ``GET /v1/video/generations`` (offset pagination)."""

    status: Optional[str] = None
    model: Optional[str] = None
    created_after: Optional[str] = None
    created_before: Optional[str] = None
    limit: Optional[int] = Field(default=None, ge=1, le=100)
    offset: Optional[int] = Field(default=None, ge=0)


class VideoTaskContent(ResponseModel):
    """What a finished task produced: the video's URL (and the last frame's, if asked for)."""

    video_url: Optional[str] = None
    last_frame_url: Optional[str] = None


class VideoTaskError(ResponseModel):
    """Why a task failed (or expired)."""

    code: str
    message: str


class VideoTaskUsage(ResponseModel):
    """Tokens a task was billed for."""

    completion_tokens: int
    total_tokens: int


class VideoTaskResponse(ResponseModel):
    """A video generation task. ``status`` moves ``queued`` → ``running`` → one of
    :data:`VIDEO_TERMINAL_STATUSES`; ``done`` says it will not change again."""

    id: str
    status: str
    model: Optional[str] = None
    error: Optional[VideoTaskError] = None
    created_at: Optional[int] = None
    updated_at: Optional[int] = None
    content: Optional[VideoTaskContent] = None
    seed: Optional[int] = None
    resolution: Optional[str] = None
    ratio: Optional[str] = None
    duration: Optional[int] = None
    frames: Optional[int] = None
    framespersecond: Optional[int] = None
    generate_audio: Optional[bool] = None
    safety_identifier: Optional[str] = None
    priority: Optional[int] = None
    draft: Optional[bool] = None
    draft_task_id: Optional[str] = None
    service_tier: Optional[str] = None
    execution_expires_after: Optional[int] = None
    usage: Optional[VideoTaskUsage] = None

    @property
    def done(self) -> bool:
        """True once the task is ``succeeded``, ``failed``, ``expired`` or ``cancelled``."""
        return self.status in VIDEO_TERMINAL_STATUSES


class VideoTaskListResponse(ResponseModel):
    """One page of tasks, newest first."""

    object: Optional[str] = None
    data: List[VideoTaskResponse]
    has_more: bool
    total: int
    limit: int
    offset: int
