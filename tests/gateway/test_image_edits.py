"""The local gateway's image edits over HTTP: every operation, and the errors."""

from __future__ import annotations

import base64
import io
import zlib
from typing import Any, Dict, Tuple

import httpx
import pytest
from PIL import Image

SPEECH = {"input": "Hello from MeshAPI.", "model": "sarvam/bulbul:v2", "voice": "meera"}


def form(fields: Dict[str, str], file: bytes, filename: str = "audio.wav") -> Dict[str, Any]:
    """httpx multipart arguments."""
    return {"data": fields, "files": {"file": (filename, file, "application/octet-stream")}}


def error_of(response: httpx.Response) -> Dict[str, Any]:
    error: Dict[str, Any] = response.json()["error"]
    return error


# -- image edits ---------------------------------------------------------------------------------


def png(image: Image.Image, **save: Any) -> str:
    out = io.BytesIO()
    image.save(out, "PNG", **save)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def subject() -> Image.Image:
    """A red square on a white background, 40x30."""
    picture = Image.new("RGB", (40, 30), (255, 255, 255))
    for x in range(12, 28):
        for y in range(8, 22):
            picture.putpixel((x, y), (220, 20, 30))
    return picture


def hole_mask() -> Image.Image:
    """Opaque everywhere but a transparent 10x10 hole at the top left."""
    mask = Image.new("RGBA", (40, 30), (0, 0, 0, 255))
    for x in range(10):
        for y in range(10):
            mask.putpixel((x, y), (0, 0, 0, 0))
    return mask


def edit(api: httpx.Client, **body: Any) -> Image.Image:
    reply = api.post("/v1/images/edits", json={"model": "openai/gpt-image-1", **body})
    assert reply.status_code == 200, reply.text
    item = reply.json()["data"][0]
    raw = (
        base64.b64decode(item["b64_json"]) if "b64_json" in item else httpx.get(item["url"]).content
    )
    picture = Image.open(io.BytesIO(raw))
    assert picture.format == "PNG"
    return picture.convert("RGBA")


def region(picture: Image.Image, box: Tuple[int, int, int, int]) -> bytes:
    return picture.crop(box).tobytes()


def test_inpaint_paints_the_hole_and_keeps_every_other_pixel(api: httpx.Client) -> None:
    source = subject().convert("RGBA")
    out = edit(
        api,
        image=png(subject()),
        mask={"url": png(hole_mask())},
        operation="inpaint",
        prompt="a blue sky",
    )
    assert out.size == (40, 30)
    assert region(out, (10, 0, 40, 30)) == region(source, (10, 0, 40, 30))
    assert region(out, (0, 10, 10, 30)) == region(source, (0, 10, 10, 30))
    assert region(out, (0, 0, 10, 10)) != region(source, (0, 0, 10, 10))


def test_edit_changes_the_picture_and_a_mask_limits_where(api: httpx.Client) -> None:
    source = subject().convert("RGBA")
    whole = edit(api, image=png(subject()), prompt="beach at sunset", response_format="b64_json")
    assert region(whole, (12, 8, 28, 22)) != region(source, (12, 8, 28, 22))
    masked = edit(api, image=png(subject()), prompt="beach at sunset", mask=png(hole_mask()))
    assert region(masked, (10, 10, 40, 30)) == region(source, (10, 10, 40, 30))
    assert region(masked, (0, 0, 10, 10)) != region(source, (0, 0, 10, 10))


def test_outpaint_and_reframe_grow_the_canvas_around_the_untouched_picture(
    api: httpx.Client,
) -> None:
    source = subject().convert("RGBA")
    out = edit(api, image=png(subject()), prompt="a meadow", operation="outpaint", expand_factor=2)
    assert out.size == (80, 60) and region(out, (20, 15, 60, 45)) == source.tobytes()
    wide = edit(api, image=png(subject()), operation="reframe", aspect_ratio="16:9")
    assert wide.size == (53, 30) and region(wide, (6, 0, 46, 30)) == source.tobytes()


def test_upscale_enlarges_and_mix_blends(api: httpx.Client) -> None:
    assert edit(api, image=png(subject()), operation="upscale").size == (80, 60)
    assert edit(api, image=png(subject()), operation="upscale", upscale_factor="4x").size == (
        160,
        120,
    )
    blue = Image.new("RGB", (20, 20), (0, 0, 255))
    mixed = edit(
        api, image=png(subject()), operation="mix", prompt="blend", reference_images=[png(blue)]
    )
    assert mixed.getpixel((0, 0))[:3] == (128, 128, 255)  # white half-way to blue


def test_remove_background_makes_the_background_transparent(api: httpx.Client) -> None:
    out = edit(api, image=png(subject()), operation="remove_background")
    assert out.getpixel((0, 0))[3] == 0 and out.getpixel((39, 29))[3] == 0
    assert out.getpixel((20, 15)) == (220, 20, 30, 255)


@pytest.mark.parametrize(
    "save",
    [
        lambda im: im.convert("P"),
        lambda im: im.convert("L"),
        lambda im: im.convert("LA"),
        lambda im: im.convert("1"),
        lambda im: im.convert("I;16"),
    ],
)
def test_every_kind_of_png_is_read(api: httpx.Client, save: Any) -> None:
    picture = save(subject())
    out = edit(api, image=png(picture), operation="upscale")
    assert out.size == (80, 60)


@pytest.mark.parametrize(
    ("body", "status", "code", "words"),
    [
        ({"image": "https://example.com/a.png"}, 400, "invalid_request", "remote image URLs"),
        ({"image": {"url": "http://example.com/a.png"}}, 400, "invalid_request", "remote"),
        ({"image": "not base64!"}, 422, "validation_error", "base64"),
        (
            {"image": "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff\xe0xx").decode()},
            400,
            "invalid_request",
            "JPEG",
        ),
        ({"operation": "edit", "prompt": ""}, 422, "validation_error", "prompt"),
        ({"operation": "inpaint"}, 422, "validation_error", "mask"),
        ({"operation": "mix", "prompt": "x"}, 422, "validation_error", "reference_images"),
        ({"operation": "reframe"}, 422, "validation_error", "aspect_ratio"),
        (
            {"operation": "upscale", "upscale_factor": "9"},
            422,
            "validation_error",
            "upscale_factor",
        ),
        (
            {"operation": "upscale", "upscale_factor": "4", "size": "9000x9000"},
            422,
            "validation_error",
            "at most",
        ),
        ({"operation": "paint"}, 422, "validation_error", "operation"),
        ({"model": "openai/dall-e-3"}, 400, "model_capability_not_supported", "dall-e-3"),
        ({"model": "openai/gpt-4o-mini"}, 400, "model_capability_not_supported", "gpt-4o-mini"),
    ],
)
def test_bad_edits_say_what_was_wrong(
    api: httpx.Client, body: Dict[str, Any], status: int, code: str, words: str
) -> None:
    full = {"model": "openai/gpt-image-1", "image": png(subject()), "prompt": "x", **body}
    reply = api.post("/v1/images/edits", json=full)
    assert reply.status_code == status, reply.text
    assert error_of(reply)["code"] == code and words in error_of(reply)["message"]


def test_an_interlaced_png_is_refused_with_the_reason(api: httpx.Client) -> None:
    raw = bytearray(base64.b64decode(png(subject()).split(",", 1)[1]))
    assert raw[12:16] == b"IHDR"
    raw[28] = 1  # the IHDR interlace method byte: Adam7
    raw[29:33] = zlib.crc32(bytes(raw[12:29])).to_bytes(4, "big")
    image = "data:image/png;base64," + base64.b64encode(bytes(raw)).decode()
    reply = api.post(
        "/v1/images/edits",
        json={"model": "openai/gpt-image-1", "image": image, "operation": "upscale"},
    )
    assert reply.status_code == 400
    assert (
        error_of(reply)["code"] == "invalid_request" and "interlaced" in error_of(reply)["message"]
    )
