"""POST /v1/images/generations: real PNG/JPEG/WebP bytes, URLs, base64 and streaming."""

from __future__ import annotations

import base64
import io
from typing import Any, Dict, Set

import httpx
import pytest
from gwkit import post_stream, sse_json
from PIL import Image, ImageChops, ImageStat

from meshapi.testing._engines.images import render_image

PROMPT = "A watercolor of a fox in a snowy forest"


def generate(api: httpx.Client, **body: Any) -> Dict[str, Any]:
    body.setdefault("prompt", PROMPT)
    response = api.post("/v1/images/generations", json=body)
    assert response.status_code == 200, response.text
    result: Dict[str, Any] = response.json()
    return result


def image_bytes(api: httpx.Client, **body: Any) -> bytes:
    item = generate(api, response_format="b64_json", **body)["data"][0]
    return base64.b64decode(item["b64_json"])


def decode(data: bytes, fmt: str = "png") -> Image.Image:
    """The picture as Pillow reads it (every byte checked: a damaged file raises)."""
    picture = Image.open(io.BytesIO(data))
    assert picture.format == {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}[fmt]
    picture.load()
    return picture


def mean_error(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute difference per RGB channel (0 to 255)."""
    difference = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    return sum(ImageStat.Stat(difference).mean) / 3


def alpha_values(picture: Image.Image) -> Set[int]:
    return {value for _, value in picture.getchannel("A").getcolors(256) or []}


def test_a_png_decodes_to_the_requested_size(api: httpx.Client) -> None:
    picture = decode(image_bytes(api, size="256x128"))
    assert picture.size == (256, 128) and picture.mode == "RGB"
    assert len(picture.getcolors(256 * 128) or []) > 3


def test_the_three_formats_show_the_same_picture(api: httpx.Client) -> None:
    png = decode(image_bytes(api, size="320x200", output_format="png"))
    webp = decode(image_bytes(api, size="320x200", output_format="webp"), "webp")
    assert webp.size == (320, 200)
    # PNG and lossless WebP: the very same pixels.
    assert list(webp.convert("RGB").getdata()) == list(png.getdata())
    jpeg = decode(image_bytes(api, size="320x200", output_format="jpeg", quality="high"), "jpeg")
    assert (jpeg.size, jpeg.mode) == ((320, 200), "RGB")
    assert mean_error(jpeg, png) < 2  # lossy, but the same picture


def test_odd_sizes_encode_in_every_format() -> None:
    png = decode(render_image("odd sizes", 67, 45, "png")[0])
    for fmt in ("png", "jpeg", "webp"):
        data, mime = render_image("odd sizes", 67, 45, fmt)
        assert mime == f"image/{fmt}"
        picture = decode(data, fmt)
        assert picture.size == (67, 45)
        assert mean_error(picture, png) < (4 if fmt == "jpeg" else 0.001)


def test_a_transparent_background_has_alpha_in_png_and_webp(api: httpx.Client) -> None:
    png = decode(image_bytes(api, size="128x128", background="transparent"))
    assert png.mode == "RGBA" and alpha_values(png) == {0, 255}
    webp = decode(
        image_bytes(api, size="128x128", background="transparent", output_format="webp"), "webp"
    )
    assert alpha_values(webp) == {0, 255}
    response = api.post(
        "/v1/images/generations",
        json={"prompt": "x", "background": "transparent", "output_format": "jpeg"},
    )
    assert response.status_code == 400


def test_pictures_are_deterministic_per_prompt(api: httpx.Client) -> None:
    assert image_bytes(api, size="128x128") == image_bytes(api, size="128x128")
    assert image_bytes(api, size="128x128") != image_bytes(
        api, size="128x128", prompt="A red bicycle"
    )


def test_a_url_is_served_by_the_gateway_without_auth(api: httpx.Client) -> None:
    result = generate(api, output_format="webp", size="256x256")
    assert result["output_format"] == "webp" and result["size"] == "256x256"
    item = result["data"][0]
    assert item["revised_prompt"] == PROMPT
    fetched = httpx.get(item["url"])
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "image/webp"
    assert decode(fetched.content, "webp").size == (256, 256)
    assert api.get("/v1/images/files/img_missing.png").status_code == 404


def test_n_images_are_distinct_and_billed_per_image(api: httpx.Client) -> None:
    result = generate(api, n=3, size="64x64", response_format="b64_json")
    assert len({item["b64_json"] for item in result["data"]}) == 3
    single = generate(api, n=1, size="64x64", response_format="b64_json")
    assert float(result["cost"]) > 2.9 * float(single["cost"]) > 0


def test_a_streamed_generation_sends_partials_then_completed_then_done(api: httpx.Client) -> None:
    body = {
        "prompt": PROMPT,
        "stream": True,
        "size": "256x256",
        "partial_images": 2,
        "response_format": "b64_json",
    }
    response = post_stream(api, "/v1/images/generations", body)
    frames = sse_json(response.text)
    assert frames[-1] == (None, "[DONE]")
    names = [name for name, _ in frames[:-1]]
    assert names == ["image_generation.partial_image"] * 2 + ["image_generation.completed"]
    partials = [data for name, data in frames if name == "image_generation.partial_image"]
    assert [p["partial_image_index"] for p in partials] == [0, 1]
    assert all(p["status"] == "in_progress" and p["object"] == "image.chunk" for p in partials)
    completed = frames[-2][1]
    assert completed["status"] == "completed" and completed["usage"]["total_tokens"] > 0
    final = base64.b64decode(completed["data"][0]["b64_json"])
    assert final == image_bytes(api, size="256x256")
    for partial in partials:
        assert decode(base64.b64decode(partial["b64_json"])).size == (256, 256)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"prompt": ""}, 422),
        ({}, 422),
        ({"prompt": "x", "size": "huge"}, 422),
        ({"prompt": "x", "size": "4096x4096"}, 422),
        ({"prompt": "x", "output_format": "gif"}, 422),
        ({"prompt": "x", "n": 0}, 422),
        ({"prompt": "x", "model": "openai/gpt-4o"}, 400),
        ({"prompt": "x", "model": "acme/none"}, 404),
    ],
    ids=[
        "empty-prompt",
        "no-prompt",
        "bad-size",
        "too-big",
        "bad-format",
        "zero-n",
        "chat-model",
        "unknown-model",
    ],
)
def test_bad_image_requests_are_rejected(
    api: httpx.Client, body: Dict[str, Any], status: int
) -> None:
    assert api.post("/v1/images/generations", json=body).status_code == status


def test_chat_with_image_modality_returns_an_image(api: httpx.Client) -> None:
    response = api.post(
        "/v1/chat/completions",
        json={
            "model": "openai/gpt-image-1",
            "modality": "image",
            "image": {"size": "64x64"},
            "messages": [{"role": "user", "content": "A lighthouse at night"}],
        },
    )
    assert response.status_code == 200, response.text
    url = response.json()["choices"][0]["message"]["images"][0]["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    assert decode(base64.b64decode(url.split(",", 1)[1])).size == (64, 64)
