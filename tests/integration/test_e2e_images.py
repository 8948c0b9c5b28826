"""Image generation over real sockets: real image bytes by URL or base64, and the stream."""

from __future__ import annotations

import base64
import struct
from typing import Any, Tuple

import httpx
import pytest

from meshapi import ImageGenerationParams, ImageStreamEvent

MODEL = "openai/gpt-image-1"

MAGIC = {
    "png": lambda b: b.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpeg": lambda b: b.startswith(b"\xff\xd8\xff"),
    "webp": lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP",
}
CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}


def png_size(data: bytes) -> Tuple[int, int]:
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
async def test_generated_url_serves_real_image_bytes(api: Any, fmt: str) -> None:
    result = await api.call(
        lambda c: c.images.generate(
            ImageGenerationParams(
                model=MODEL, prompt="A fox in the snow", size="256x256", output_format=fmt
            )
        )
    )
    assert result.output_format == fmt
    assert len(result.data) == 1
    url = result.data[0].url
    assert url and url.startswith(api.gw.base_url)
    async with httpx.AsyncClient() as http:
        fetched = await http.get(url)  # no Authorization: the URL is enough
    assert fetched.status_code == 200
    assert fetched.headers["content-type"].startswith(CONTENT_TYPES[fmt])
    assert MAGIC[fmt](fetched.content), fetched.content[:16]


async def test_b64_json_holds_the_image_and_n_and_size_are_honoured(api: Any) -> None:
    result = await api.call(
        lambda c: c.images.generate(
            ImageGenerationParams(
                model=MODEL,
                prompt="A lighthouse",
                n=2,
                size="320x200",
                response_format="b64_json",
                output_format="png",
            )
        )
    )
    assert len(result.data) == 2
    images = [base64.b64decode(d.b64_json or "") for d in result.data]
    for image, item in zip(images, result.data):
        assert item.url is None
        assert MAGIC["png"](image)
        assert png_size(image) == (320, 200)
    assert result.size == "320x200"
    assert result.usage is not None and result.usage.output_tokens > 0


async def test_image_stream_sends_partial_images_then_the_completed_one(api: Any) -> None:
    events = await api.collect(
        lambda c: c.images.stream(
            ImageGenerationParams(
                model=MODEL,
                prompt="A fox",
                size="256x256",
                partial_images=2,
                response_format="b64_json",
            )
        )
    )
    assert all(isinstance(e, ImageStreamEvent) for e in events)
    partial = [e for e in events if e.type == "image_generation.partial_image"]
    assert len(partial) == 2
    assert [e.partial_image_index for e in partial] == [0, 1]
    last = events[-1]
    assert last.type == "image_generation.completed" and last.status == "completed"
    assert last.data and last.data[0].b64_json
    assert MAGIC["png"](base64.b64decode(last.data[0].b64_json))
    for e in partial:
        assert e.status == "in_progress"
        assert MAGIC["png"](base64.b64decode(e.b64_json or ""))
