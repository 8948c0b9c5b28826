"""Video generation: ``/v1/video/generations`` as asynchronous tasks.

Rule: a task moves ``queued`` → ``running`` → ``succeeded`` in the background (one runner per
task, owned by the gateway: ``_core/jobs.Jobs``), each step ``GatewayOptions.video_step_delay``
seconds apart, and ends with a real animated GIF served from an unguessable URL on the gateway
(``content.video_url``). The text prompt can steer the ending, so failure paths can be tested:
``#fail`` ends the task ``failed`` (error ``content_policy_violation``), ``#expire`` ends it
``expired`` (as if ``execution_expires_after`` had run out; a real run-out expires it too).
``return_last_frame`` adds ``content.last_frame_url`` (a PNG of the last frame). Reference
pictures and clips in ``content`` (``image_url``, ``video_url``, ``audio_url``) are accepted
but not fetched (no network): the scene comes from the text. ``callback_url`` gets a POST
with the full task on each status change (``queued`` included); a callback that fails is not
retried and does not change the task.

Tasks and files live in memory (the newest 200 of each), scoped to the key's owner.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import threading
import time
from collections import OrderedDict
from typing import Any, Dict, List, Literal, Mapping, Optional, Tuple

import httpx
import pydantic

from .._core.billing import format_cost, model_cost
from .._core.config import KeyRecord
from .._core.errors import GatewayError, validation_detail
from .._core.gateway import Gateway
from .._core.jobs import Jobs
from .._core.validation import validate_body
from .._engines.video import PALETTE, render_frames
from .._formats.gif import encode_gif
from .._formats.png import Pixels, encode_png_rgba
from .images import ImageFiles

__all__ = ["VideoRequest", "VideoTasks", "create_task", "get_task", "list_tasks"]

_MAX_KEPT = 200
_RATIOS = {
    "16:9": (16, 9),
    "4:3": (4, 3),
    "1:1": (1, 1),
    "3:4": (3, 4),
    "9:16": (9, 16),
    "21:9": (21, 9),
    "adaptive": (16, 9),
}
_FPS = 8
_PREVIEW_LONG_SIDE = 192
TERMINAL = ("succeeded", "failed", "expired", "cancelled")


class _ContentItem(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow")

    type: Literal["text", "image_url", "video_url", "audio_url", "draft_task"]
    text: Optional[str] = None
    image_url: Optional[Dict[str, Any]] = None
    video_url: Optional[Dict[str, Any]] = None
    audio_url: Optional[Dict[str, Any]] = None
    role: Optional[str] = None


class VideoRequest(pydantic.BaseModel):
    """The generation body (BytePlus Seedance task format)."""

    model_config = pydantic.ConfigDict(extra="ignore")

    model: str
    content: List[_ContentItem] = pydantic.Field(min_length=1)
    callback_url: Optional[str] = pydantic.Field(default=None, pattern=r"^https?://\S+$")
    return_last_frame: bool = False
    service_tier: str = "default"
    execution_expires_after: int = pydantic.Field(default=172800, ge=1, le=259200)
    generate_audio: bool = False
    draft: bool = False
    resolution: Literal["480p", "720p", "1080p"] = "720p"
    ratio: str = "16:9"
    duration: int = pydantic.Field(default=5, ge=2, le=12)
    frames: Optional[int] = pydantic.Field(default=None, ge=1, le=300)
    seed: int = pydantic.Field(default=-1, ge=-1, le=4294967295)
    camera_fixed: bool = False
    watermark: bool = False
    safety_identifier: Optional[str] = None
    priority: Optional[int] = None


class VideoTasks:
    """The tasks and video files of one gateway, and the runners moving the tasks along."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self._lock = threading.Lock()
        self.tasks: OrderedDict[str, Tuple[str, Dict[str, Any]]] = OrderedDict()
        self.files: OrderedDict[str, bytes] = OrderedDict()
        self.jobs = Jobs(gateway, "video", self._crashed)

    def _crashed(self, task_id: str, exc: Exception) -> None:
        # A runner that broke must not leave its task "running" for ever.
        self.update(
            task_id,
            status="failed",
            error={
                "code": "internal_error",
                "message": f"the local gateway could not make the video: {type(exc).__name__}",
            },
        )

    def add(self, owner: str, task: Dict[str, Any]) -> None:
        with self._lock:
            self.tasks[task["id"]] = (owner, task)
            while len(self.tasks) > _MAX_KEPT:
                self.tasks.popitem(last=False)

    def get(self, owner: str, task_id: str) -> Dict[str, Any]:
        with self._lock:
            found = self.tasks.get(task_id)
            if found is None or found[0] != owner:
                raise GatewayError(404, "not_found", f"Video task {task_id!r} does not exist.")
            return dict(found[1])

    def owned(self, owner: str) -> List[Dict[str, Any]]:
        with self._lock:
            return [dict(task) for who, task in self.tasks.values() if who == owner]

    def update(self, task_id: str, **changes: Any) -> Dict[str, Any]:
        with self._lock:
            task = self.tasks[task_id][1]
            task.update(changes, updated_at=int(time.time()))
            return dict(task)

    def store_file(self, data: bytes) -> str:
        name = f"vid_{secrets.token_urlsafe(16)}.gif"
        with self._lock:
            self.files[name] = data
            while len(self.files) > _MAX_KEPT:
                self.files.popitem(last=False)
        return f"{self.gateway.config.public_base_url}/v1/video/files/{name}"

    def load_file(self, name: str) -> bytes:
        with self._lock:
            data = self.files.get(name)
        if data is None:
            raise GatewayError(404, "not_found", "This video does not exist or has expired.")
        return data

    def start(
        self, task_id: str, params: VideoRequest, model: Mapping[str, Any], key: KeyRecord
    ) -> None:
        self.jobs.start(task_id, lambda: self._run(task_id, params, model, key))

    async def _notify(self, client: Optional[httpx.AsyncClient], task: Dict[str, Any]) -> None:
        if client is None:
            return
        try:
            await client.post(str(task["_callback_url"]), json=_public(task))
        except httpx.HTTPError:
            pass  # a callback that fails is not retried (module rule)

    async def _run(
        self, task_id: str, params: VideoRequest, model: Mapping[str, Any], key: KeyRecord
    ) -> None:
        delay = self.gateway.config.options.video_step_delay
        started = time.monotonic()
        client = httpx.AsyncClient(timeout=5.0) if params.callback_url else None
        try:
            await self._notify(client, self.update(task_id))
            await asyncio.sleep(delay)
            await self._notify(client, self.update(task_id, status="running"))
            prompt = " ".join(c.text or "" for c in params.content if c.type == "text").strip()
            width, height = _preview_size(params.ratio)
            frames = params.frames or params.duration * _FPS
            frames = min(frames, 96)
            data, last_frame = await asyncio.to_thread(
                _render, prompt or "video", width, height, frames, params.return_last_frame
            )
            await asyncio.sleep(delay)
            if "#expire" in prompt or time.monotonic() - started > params.execution_expires_after:
                final = self.update(
                    task_id,
                    status="expired",
                    error={
                        "code": "task_expired",
                        "message": "The task expired before it finished.",
                    },
                )
            elif "#fail" in prompt:
                final = self.update(
                    task_id,
                    status="failed",
                    error={
                        "code": "content_policy_violation",
                        "message": "The prompt was refused by the video model.",
                    },
                )
            else:
                tokens = width * height * frames // 1024
                cost = model_cost(model, 0, tokens)
                self.gateway.charge(key, cost)
                content = {"video_url": self.store_file(data)}
                if last_frame is not None:
                    content["last_frame_url"] = self.gateway.part(ImageFiles).store(
                        last_frame, "png"
                    )
                final = self.update(
                    task_id,
                    status="succeeded",
                    content=content,
                    frames=frames,
                    usage={"completion_tokens": tokens, "total_tokens": tokens},
                    cost=format_cost(cost),
                )
            await self._notify(client, final)
        finally:
            if client is not None:
                await client.aclose()


def _render(
    prompt: str, width: int, height: int, frames: int, last_frame: bool
) -> Tuple[bytes, Optional[bytes]]:
    """The GIF, and the last frame as a PNG when asked for (CPU work: run in a thread)."""
    pictures = render_frames(prompt, width, height, frames)
    gif = encode_gif(width, height, PALETTE, pictures, max(2, round(100 / _FPS)))
    if not last_frame:
        return gif, None
    rgba = bytearray()
    for index in pictures[-1]:
        rgba += bytes(PALETTE[index]) + b"\xff"
    return gif, encode_png_rgba(Pixels(width, height, rgba))


def _preview_size(ratio: str) -> Tuple[int, int]:
    w, h = _RATIOS[ratio]
    if w >= h:
        return _PREVIEW_LONG_SIDE, max(16, round(_PREVIEW_LONG_SIDE * h / w))
    return max(16, round(_PREVIEW_LONG_SIDE * w / h)), _PREVIEW_LONG_SIDE


def _public(task: Mapping[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in task.items() if not k.startswith("_")}


def create_task(gateway: Gateway, body: Mapping[str, Any], key: KeyRecord) -> Dict[str, Any]:
    """``POST /v1/video/generations``: validate, queue the task, answer ``{id}``."""
    params = validate_body(VideoRequest, body)
    model = gateway.catalogue.require(params.model)
    if not model.get("supports_video_generation"):
        raise GatewayError(
            400,
            "model_capability_not_supported",
            f"Model {params.model!r} does not generate videos.",
        )
    if params.ratio not in _RATIOS:
        raise GatewayError(
            422,
            "validation_error",
            f"ratio must be one of {', '.join(_RATIOS)}, got {params.ratio!r}.",
            details=[validation_detail(["body", "ratio"], "Invalid ratio", "value_error")],
        )
    if not any(c.type == "text" and (c.text or "").strip() for c in params.content) and not any(
        c.type == "image_url" for c in params.content
    ):
        raise GatewayError(
            422,
            "validation_error",
            "content needs a text prompt or an image_url item.",
            details=[validation_detail(["body", "content"], "No prompt", "value_error")],
        )
    now = int(time.time())
    task: Dict[str, Any] = {
        "id": gateway.new_id("cgt"),
        "model": params.model,
        "status": "queued",
        "error": None,
        "created_at": now,
        "updated_at": now,
        "content": None,
        "seed": params.seed if params.seed >= 0 else 0,
        "resolution": params.resolution,
        "ratio": params.ratio,
        "duration": params.duration,
        "framespersecond": _FPS,
        "generate_audio": params.generate_audio,
        "draft": params.draft,
        "service_tier": params.service_tier,
        "execution_expires_after": params.execution_expires_after,
        "_callback_url": params.callback_url,
    }
    if params.safety_identifier is not None:
        task["safety_identifier"] = params.safety_identifier
    if params.priority is not None:
        task["priority"] = params.priority
    tasks = gateway.part(VideoTasks)
    tasks.add(key.owner, task)
    tasks.start(task["id"], params, model, key)
    return {"id": task["id"]}


def get_task(gateway: Gateway, key: KeyRecord, task_id: str) -> Dict[str, Any]:
    """``GET /v1/video/generations/{id}``."""
    return _public(gateway.part(VideoTasks).get(key.owner, task_id))


def _time(value: Optional[str], name: str) -> Optional[float]:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise GatewayError(
            422,
            "validation_error",
            f"{name} must be a Unix time or an ISO 8601 date, got {value!r}.",
            details=[validation_detail(["query", name], "Invalid time", "value_error")],
        ) from None


def list_tasks(
    gateway: Gateway, key: KeyRecord, query: Mapping[str, Any], limit: int, offset: int
) -> Dict[str, Any]:
    """``GET /v1/video/generations``: newest first, filtered, offset pagination."""
    tasks = gateway.part(VideoTasks).owned(key.owner)
    status, model = query.get("status"), query.get("model")
    after = _time(query.get("created_after"), "created_after")
    before = _time(query.get("created_before"), "created_before")
    chosen = [
        _public(t)
        for t in reversed(tasks)
        if (not status or t["status"] == status)
        and (not model or t["model"] == model)
        and (after is None or t["created_at"] >= after)
        and (before is None or t["created_at"] <= before)
    ]
    page = chosen[offset : offset + limit]
    return {
        "object": "list",
        "data": page,
        "has_more": offset + len(page) < len(chosen),
        "total": len(chosen),
        "limit": limit,
        "offset": offset,
    }
