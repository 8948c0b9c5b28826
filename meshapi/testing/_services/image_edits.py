"""Image edits: ``POST /v1/images/edits``, every operation a real transform of the picture.

Rule: the pictures (``image``, ``mask``, ``reference_images``) come as ``data:`` URLs or bare
base64, plain or wrapped as ``{"url": ...}``; remote http(s) URLs are refused with 400
``invalid_request``, as production does. The local gateway reads PNG pictures (any standard
non-interlaced PNG; see ``_formats/png.py``); a JPEG or WebP input is refused with 400 naming
the format. What each operation does is in ``_engines/image_edit.py``; the result is a PNG, by
URL on the gateway (the default) or inline as ``b64_json``. A model must declare the operation
in the catalogue (``supports_image_edit``, ``supports_image_inpaint``, ...), else 400
``model_capability_not_supported``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
import time
from typing import Any, Dict, List, Literal, Mapping, Optional, Union

import pydantic

from .._core.billing import format_cost, model_cost
from .._core.config import KeyRecord
from .._core.errors import GatewayError, validation_detail
from .._core.gateway import Gateway
from .._core.validation import validate_body
from .._engines import image_edit as engine
from .._engines.text import count_tokens
from .._formats.png import Pixels, decode_png, encode_png_rgba
from .images import ImageFiles

__all__ = ["EditRequest", "edit_images"]

_MAX_SIDE = 4096
_MAX_PIXELS = 4096 * 4096 // 4
_CAPABILITY = {
    "edit": "supports_image_edit",
    "inpaint": "supports_image_inpaint",
    "outpaint": "supports_image_outpaint",
    "mix": "supports_image_mix",
    "reframe": "supports_image_reframe",
    "upscale": "supports_image_upscale",
    "remove_background": "supports_image_remove_background",
}
_NEEDS_PROMPT = ("edit", "outpaint", "mix")

ImageInput = Union[str, Dict[str, Any]]


class EditRequest(pydantic.BaseModel):
    """The edit body."""

    model_config = pydantic.ConfigDict(extra="ignore")

    model: str
    image: ImageInput
    prompt: str = pydantic.Field(default="", max_length=32000)
    operation: Literal[
        "edit", "inpaint", "outpaint", "mix", "reframe", "upscale", "remove_background"
    ] = "edit"
    mask: Optional[ImageInput] = None
    reference_images: Optional[List[ImageInput]] = None
    n: int = pydantic.Field(default=1, ge=1, le=4)
    size: Optional[str] = None
    response_format: Literal["url", "b64_json"] = "url"
    background: Optional[str] = None
    upscale_factor: Optional[str] = None
    quality_tier: Optional[str] = None
    aspect_ratio: Optional[str] = None
    resolution: Optional[str] = None
    expand_factor: Optional[Union[float, str]] = None
    mask_feather: int = pydantic.Field(default=0, ge=0, le=64)


def _unprocessable(field: str, message: str) -> GatewayError:
    return GatewayError(
        422,
        "validation_error",
        message,
        details=[validation_detail(["body", field], message, "value_error")],
    )


def _picture(value: ImageInput, field: str) -> Pixels:
    """Decode one picture field (a string or ``{"url": ...}``)."""
    if isinstance(value, dict):
        url = value.get("url")
        if not isinstance(url, str):
            raise _unprocessable(field, f"{field} must be a string or an object with a 'url'.")
        value = url
    text = value.strip()
    if re.match(r"^https?://", text, re.IGNORECASE):
        raise GatewayError(
            400,
            "invalid_request",
            f"{field}: remote image URLs are not accepted by /v1/images/edits;"
            " send the picture as a data: URL or base64.",
        )
    if text.startswith("data:"):
        head, comma, text = text.partition(",")
        if not comma or ";base64" not in head:
            raise _unprocessable(field, f"{field} must be a base64 data: URL.")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _unprocessable(field, f"{field} is not valid base64.") from None
    kind = (
        "JPEG"
        if raw[:3] == b"\xff\xd8\xff"
        else "WebP"
        if raw[8:12] == b"WEBP"
        else "GIF"
        if raw[:4] == b"GIF8"
        else None
    )
    if kind is not None:
        raise GatewayError(
            400,
            "invalid_request",
            f"{field}: the local gateway edits PNG pictures; this one is {kind}."
            " Convert it to PNG first.",
        )
    try:
        return decode_png(raw)
    except ValueError as exc:
        raise GatewayError(
            400, "invalid_request", f"{field}: the picture could not be read: {exc}."
        ) from None


def _factor(value: Any, field: str, default: float, high: float) -> float:
    if value is None:
        return default
    text = str(value).strip().lower().rstrip("x")
    try:
        factor = float(text)
    except ValueError:
        factor = 0.0
    if not 1.0 < factor <= high:
        raise _unprocessable(field, f"{field} must be a number above 1 and at most {high:g}.")
    return factor


def _pair(value: str, sep: str, field: str) -> tuple[int, int]:
    try:
        a, b = (int(v) for v in value.lower().split(sep))
    except ValueError:
        a = b = 0
    if a <= 0 or b <= 0:
        example = "16:9" if sep == ":" else "1024x1024"
        raise _unprocessable(field, f"{field} must look like {example!r}, got {value!r}.")
    return a, b


def _check_size(width: int, height: int) -> None:
    if width > _MAX_SIDE or height > _MAX_SIDE or width * height > _MAX_PIXELS:
        raise GatewayError(
            422,
            "validation_error",
            f"The result would be {width}x{height}; the local gateway makes pictures of at most"
            f" {_MAX_SIDE} pixels a side and {_MAX_PIXELS} pixels in all.",
            details=[validation_detail(["body"], "Result too large", "value_error")],
        )


def _plan(gateway: Gateway, body: Mapping[str, Any]) -> tuple[EditRequest, Dict[str, Any]]:
    params = validate_body(EditRequest, body)
    model = gateway.catalogue.require(params.model)
    capability = _CAPABILITY[params.operation]
    if model.get("model_type") != "image" or not model.get(capability):
        able = sorted(m["id"] for m in gateway.catalogue.all() if m.get(capability))
        raise GatewayError(
            400,
            "model_capability_not_supported",
            f"Model {params.model!r} cannot {params.operation.replace('_', ' ')} images."
            f" Models that can: {', '.join(able) or 'none'}.",
        )
    if params.operation in _NEEDS_PROMPT and not params.prompt.strip():
        raise _unprocessable("prompt", f"prompt is required for operation {params.operation!r}.")
    if params.operation == "inpaint" and params.mask is None:
        raise _unprocessable("mask", "operation 'inpaint' needs a mask (transparent = paint here).")
    if params.operation == "mix" and not params.reference_images:
        raise _unprocessable("reference_images", "operation 'mix' needs reference_images.")
    if params.operation == "reframe" and not (params.aspect_ratio or params.size):
        raise _unprocessable(
            "aspect_ratio", "operation 'reframe' needs aspect_ratio (e.g. '16:9')."
        )
    return params, model


def _apply(params: EditRequest, index: int) -> bytes:
    """One result picture (CPU work: run in a thread)."""
    image = _picture(params.image, "image")
    mask = _picture(params.mask, "mask") if params.mask is not None else None
    prompt = params.prompt if index == 0 else f"{params.prompt}#{index}"
    op = params.operation
    if op == "edit":
        out = engine.edit(image, prompt, mask, params.mask_feather)
    elif op == "inpaint":
        assert mask is not None
        out = engine.inpaint(image, mask, prompt, params.mask_feather)
    elif op == "outpaint":
        factor = _factor(params.expand_factor, "expand_factor", 1.5, 3.0)
        _check_size(round(image.width * factor), round(image.height * factor))
        out = engine.outpaint(image, prompt, factor)
    elif op == "mix":
        refs = [
            _picture(r, f"reference_images[{i}]")
            for i, r in enumerate(params.reference_images or [])
        ]
        out = engine.mix(image, refs)
    elif op == "reframe":
        if params.aspect_ratio:
            rw, rh = _pair(params.aspect_ratio, ":", "aspect_ratio")
        else:
            rw, rh = _pair(params.size or "", "x", "size")
        out = engine.reframe(image, prompt, rw, rh)
    elif op == "upscale":
        factor = _factor(params.upscale_factor, "upscale_factor", 2.0, 4.0)
        _check_size(round(image.width * factor), round(image.height * factor))
        out = engine.upscale(image, factor)
    else:
        out = engine.remove_background(image)
    if params.size and op != "reframe":
        width, height = _pair(params.size, "x", "size")
        _check_size(width, height)
        out = engine.resize(out, width, height)
    return encode_png_rgba(out)


async def edit_images(gateway: Gateway, body: Mapping[str, Any], key: KeyRecord) -> Dict[str, Any]:
    """``POST /v1/images/edits``: ``{created, data: [{url or b64_json, revised_prompt}], ...}``."""
    params, model = _plan(gateway, body)
    data: List[Dict[str, Any]] = []
    size = ""
    for index in range(params.n):
        png = await asyncio.to_thread(_apply, params, index)
        size = "{}x{}".format(*decode_png_size(png))
        item: Dict[str, Any] = {"revised_prompt": params.prompt}
        if params.response_format == "url":
            item["url"] = gateway.part(ImageFiles).store(png, "png")
        else:
            item["b64_json"] = base64.b64encode(png).decode("ascii")
        data.append(item)
    tokens = count_tokens(params.prompt) if params.prompt else 0
    cost = model_cost(model, tokens, 0, params.n)
    gateway.charge(key, cost)
    return {
        "created": int(time.time()),
        "data": data,
        "operation": params.operation,
        "output_format": "png",
        "size": size,
        "usage": {"input_tokens": tokens, "output_tokens": 0, "total_tokens": tokens},
        "cost": format_cost(cost),
    }


def decode_png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
