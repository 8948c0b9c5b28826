"""POST /v1/images/generations: real PNG/JPEG/WebP bytes, URLs, base64 and streaming."""

from __future__ import annotations

import base64
import io
from typing import Any, Dict

import httpx
import pytest
from gwkit import post_stream, sse_json
from imgdecode import check_jpeg, decode_png, decode_webp

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


def luma(pixel: Any) -> float:
    return 0.299 * pixel[0] + 0.587 * pixel[1] + 0.114 * pixel[2]


def test_a_png_decodes_to_the_requested_size(api: httpx.Client) -> None:
    width, height, rows = decode_png(image_bytes(api, size="256x128"))
    assert (width, height) == (256, 128)
    assert len({pixel for row in rows for pixel in row}) > 3


def test_the_three_formats_show_the_same_picture(api: httpx.Client) -> None:
    _, _, png_rows = decode_png(image_bytes(api, size="320x200", output_format="png"))
    width, height, webp_pixels = decode_webp(image_bytes(api, size="320x200", output_format="webp"))
    assert (width, height) == (320, 200)
    assert [p[:3] for p in webp_pixels] == [p for row in png_rows for p in row]
    facts = check_jpeg(image_bytes(api, size="320x200", output_format="jpeg", quality="high"))
    assert (facts["width"], facts["height"], facts["components"]) == (320, 200, 3)
    assert facts["blocks"] == 40 * 25 * 3
    assert abs(facts["first_luma"] - luma(png_rows[0][0])) <= 3


def test_odd_sizes_encode_in_every_format() -> None:
    for fmt in ("png", "jpeg", "webp"):
        _, mime = render_image("odd sizes", 67, 45, fmt)
        assert mime == f"image/{fmt}"
    assert decode_webp(render_image("odd", 67, 45, "webp")[0])[:2] == (67, 45)
    assert check_jpeg(render_image("odd", 67, 45, "jpeg")[0])["blocks"] == 9 * 6 * 3


def test_a_transparent_background_has_alpha_in_png_and_webp(api: httpx.Client) -> None:
    _, _, rows = decode_png(image_bytes(api, size="128x128", background="transparent"))
    assert {pixel[3] for row in rows for pixel in row} == {0, 255}
    _, _, pixels = decode_webp(
        image_bytes(api, size="128x128", background="transparent", output_format="webp")
    )
    assert {pixel[3] for pixel in pixels} == {0, 255}
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
    assert decode_webp(fetched.content)[:2] == (256, 256)
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
        assert decode_png(base64.b64decode(partial["b64_json"]))[:2] == (256, 256)


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
    assert decode_png(base64.b64decode(url.split(",", 1)[1]))[:2] == (64, 64)


def test_an_imaging_library_agrees_when_one_is_installed() -> None:
    image_module = pytest.importorskip("PIL.Image")
    for fmt in ("png", "jpeg", "webp"):
        data, _ = render_image(PROMPT, 200, 120, fmt)
        with image_module.open(io.BytesIO(data)) as picture:
            picture.load()
            assert picture.size == (200, 120)
