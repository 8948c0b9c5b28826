"""Image generation: deterministic pictures, inline or stored behind a URL on the gateway.

Rule: images are real files in the requested format. With ``response_format: "url"`` they are
stored in the gateway's database and served from an unguessable URL on the gateway itself
(no auth, like a provider's CDN link); ``b64_json`` returns the bytes inline.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import time
from typing import Any, AsyncIterator, Dict, List, Literal, Mapping, Optional, Tuple

import pydantic

from .._core.billing import format_cost, model_cost
from .._core.config import KeyRecord
from .._core.errors import GatewayError, validation_detail
from .._core.gateway import Gateway
from .._core.tokens import count_tokens
from .._core.validation import validate_body
from .._engines.images import render_image
from .._formats.sse import SSEEvent

__all__ = ["ImageFiles", "ImageJob", "ImageRequest", "generate", "plan_images", "stream"]

DEFAULT_IMAGE_MODEL = "openai/gpt-image-1"
_MAX_STORED = 500
_QUALITY = {"low": 60, "medium": 80, "standard": 80, "high": 92, "hd": 95}
# What "auto" picks, per model family: the quality reported is the one used, never "auto".
_AUTO_QUALITY = {"openai/dall-e-3": "standard"}
_DEFAULT_AUTO_QUALITY = "high"
_MIME = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}

_DDL = """
CREATE TABLE IF NOT EXISTS image_files (
    name TEXT PRIMARY KEY,
    mime TEXT NOT NULL,
    data BLOB NOT NULL,
    created_at REAL NOT NULL
);
"""


class ImageRequest(pydantic.BaseModel):
    """The image generation body."""

    model_config = pydantic.ConfigDict(extra="allow")

    prompt: str = pydantic.Field(min_length=1, max_length=32000)
    model: str = DEFAULT_IMAGE_MODEL
    n: int = pydantic.Field(default=1, ge=1, le=10)
    size: str = "1024x1024"
    quality: Literal["auto", "low", "medium", "high", "standard", "hd"] = "auto"
    response_format: Literal["url", "b64_json"] = "url"
    output_format: Literal["png", "jpeg", "webp"] = "png"
    output_compression: Optional[int] = pydantic.Field(default=None, ge=0, le=100)
    background: Literal["auto", "transparent", "opaque"] = "auto"
    stream: bool = False
    partial_images: Optional[int] = pydantic.Field(default=None, ge=0, le=3)
    user: Optional[str] = None


def _size(value: str) -> tuple[int, int]:
    if value == "auto":
        return 1024, 1024
    try:
        width, height = (int(v) for v in value.lower().split("x"))
    except ValueError:
        width = height = 0
    if not (64 <= width <= 2048 and 64 <= height <= 2048):
        raise GatewayError(
            422,
            "validation_error",
            f"size must be 'auto' or 'WIDTHxHEIGHT' with sides between 64 and 2048, got {value!r}.",
            details=[validation_detail(["body", "size"], "Invalid image size", "value_error")],
        )
    return width, height


class ImageFiles:
    """The images of one gateway served by URL (the newest 500 are kept)."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        gateway.db.ensure_schema(_DDL)

    def store(self, data: bytes, fmt: str) -> str:
        """Keep ``data`` and return its URL on the gateway."""
        name = f"img_{secrets.token_urlsafe(16)}.{fmt}"
        db = self.gateway.db
        with db.transaction():
            db.execute(
                "INSERT INTO image_files (name, mime, data, created_at) VALUES (?, ?, ?, ?)",
                (name, _MIME[fmt], data, time.time()),
            )
            # Keep the table bounded: drop the oldest files beyond the cap.
            db.execute(
                "DELETE FROM image_files WHERE name NOT IN"
                " (SELECT name FROM image_files ORDER BY created_at DESC LIMIT ?)",
                (_MAX_STORED,),
            )
        return f"{self.gateway.config.public_base_url}/v1/images/files/{name}"

    def load(self, name: str) -> Tuple[bytes, str]:
        """The bytes and MIME type of a stored image; 404 ``not_found`` when unknown."""
        rows = self.gateway.db.execute("SELECT mime, data FROM image_files WHERE name = ?", (name,))
        if not rows:
            raise GatewayError(404, "not_found", "This image does not exist or has expired.")
        return bytes(rows[0]["data"]), str(rows[0]["mime"])


class ImageJob:
    """One validated generation request: renders, items, usage and cost."""

    def __init__(self, gateway: Gateway, params: ImageRequest, model: Dict[str, Any]) -> None:
        self.gateway = gateway
        self.params = params
        self.model = model
        self.width, self.height = _size(params.size)
        self.transparent = params.background == "transparent"
        if self.transparent and params.output_format == "jpeg":
            raise GatewayError(
                400,
                "invalid_request",
                "A transparent background needs output_format 'png' or 'webp'.",
            )
        self.quality_name = (
            _AUTO_QUALITY.get(params.model, _DEFAULT_AUTO_QUALITY)
            if params.quality == "auto"
            else params.quality
        )
        self.quality = params.output_compression or _QUALITY[self.quality_name]
        self.created = int(time.time())
        self.prompt_tokens = count_tokens(params.prompt)

    def render(self, index: int, coarseness: int = 1) -> bytes:
        prompt = self.params.prompt if index == 0 else f"{self.params.prompt}#{index}"
        data, _ = render_image(
            prompt,
            self.width,
            self.height,
            self.params.output_format,
            transparent=self.transparent,
            coarseness=coarseness,
            quality=self.quality,
        )
        return data

    def item(self, data: bytes) -> Dict[str, Any]:
        entry: Dict[str, Any] = {"revised_prompt": self.params.prompt}
        if self.params.response_format == "url":
            entry["url"] = self.gateway.part(ImageFiles).store(data, self.params.output_format)
        else:
            entry["b64_json"] = base64.b64encode(data).decode("ascii")
        return entry

    def meta(self) -> Dict[str, Any]:
        return {
            "background": "transparent" if self.transparent else "opaque",
            "output_format": self.params.output_format,
            "quality": self.quality_name,
            "size": f"{self.width}x{self.height}",
        }

    def usage(self) -> Dict[str, Any]:
        """Token counts in MeshAPI's spelling (``prompt_tokens``/``completion_tokens``, which the
        published SDKs require) and OpenAI's images API spelling (``input_tokens``/
        ``output_tokens``, which the openai client reads), the same numbers under both."""
        output_tokens = 272 * self.params.n  # roughly a 1024x1024 low-detail image's token cost
        total = self.prompt_tokens + output_tokens
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": output_tokens,
            "total_tokens": total,
            "input_tokens": self.prompt_tokens,
            "output_tokens": output_tokens,
            "input_tokens_details": {"text_tokens": self.prompt_tokens, "image_tokens": 0},
            "output_tokens_details": {"image_tokens": output_tokens, "text_tokens": 0},
        }

    def bill(self, key_record: KeyRecord) -> str:
        cost = model_cost(self.model, self.prompt_tokens, 0, self.params.n)
        self.gateway.charge(key_record, cost)
        return format_cost(cost)


def plan_images(gateway: Gateway, body: Mapping[str, Any]) -> ImageJob:
    """Validate an image generation body (422/400/404 before anything is drawn)."""
    params = validate_body(ImageRequest, body)
    model = gateway.catalogue.require(params.model)
    if model.get("model_type") != "image":
        raise GatewayError(
            400, "invalid_request", f"Model {params.model!r} does not generate images."
        )
    return ImageJob(gateway, params, model)


async def generate(job: ImageJob, key: KeyRecord) -> Dict[str, Any]:
    """The images response object (charged to ``key``)."""
    data: List[Dict[str, Any]] = []
    for index in range(job.params.n):
        # Encoding is CPU work: keep the event loop free for other clients meanwhile.
        image = await asyncio.to_thread(job.render, index)
        data.append(job.item(image))
    return {
        "created": job.created,
        "data": data,
        **job.meta(),
        "usage": job.usage(),
        "cost": job.bill(key),
    }


async def stream(job: ImageJob, key: KeyRecord) -> AsyncIterator[SSEEvent]:
    """Partial images, then each finished image; the last carries usage and cost."""
    partials = job.params.partial_images if job.params.partial_images is not None else 1
    cost = job.bill(key)
    for index in range(job.params.n):
        for partial in range(partials):
            coarse = 2 ** (partials - partial + 1)
            image = await asyncio.to_thread(job.render, index, coarse)
            b64 = base64.b64encode(image).decode("ascii")
            yield (
                "image_generation.partial_image",
                {
                    "type": "image_generation.partial_image",
                    "object": "image.chunk",
                    "status": "in_progress",
                    "index": index,
                    "partial_image_index": partial,
                    "b64_json": b64,
                    "data": [{"b64_json": b64}],
                    "created": job.created,
                    "created_at": job.created,
                    **job.meta(),
                },
            )
        image = await asyncio.to_thread(job.render, index)
        item = job.item(image)
        completed: Dict[str, Any] = {
            "type": "image_generation.completed",
            "object": "image.chunk",
            "status": "completed",
            "index": index,
            "data": [item],
            "created": job.created,
            "created_at": job.created,
            **job.meta(),
        }
        if "b64_json" in item:
            completed["b64_json"] = item["b64_json"]
        if index == job.params.n - 1:
            completed["usage"] = job.usage()
            completed["cost"] = cost
        yield "image_generation.completed", completed
