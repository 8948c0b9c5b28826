"""Images: POST /v1/images/generations."""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, Union

from pydantic import Field
from typing_extensions import Required, TypedDict

from ._base import RequestModel, ResponseModel

__all__ = [
    "ImageData",
    "ImageGenerationParams",
    "ImageGenerationParamsDict",
    "ImageGenerationResponse",
    "ImageStreamEvent",
    "ImageUsage",
]


# ==============================================================================================
# Images: POST /v1/images/generations
# ==============================================================================================


class ImageGenerationParamsDict(TypedDict, total=False):
    """:class:`ImageGenerationParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    prompt: Required[str]
    model: Optional[str]
    n: Optional[int]
    size: Optional[str]
    quality: Optional[str]
    response_format: Optional[Literal["url", "b64_json"]]
    output_format: Optional[Literal["png", "jpeg", "webp"]]
    output_compression: Optional[int]
    background: Optional[Literal["transparent", "opaque", "auto"]]
    moderation: Optional[Literal["low", "auto"]]
    partial_images: Optional[int]
    stream: Optional[bool]
    user: Optional[str]
    aspect_ratio: Optional[str]
    resolution: Optional[str]
    image: Optional[Union[str, List[str]]]
    seed: Optional[int]
    sequential_image_generation: Optional[Literal["auto", "disabled"]]
    sequential_image_generation_options: Optional[Dict[str, Any]]
    guidance_scale: Optional[float]
    watermark: Optional[bool]
    optimize_prompt_options: Optional[Dict[str, Any]]


class ImageGenerationParams(RequestModel):
    """Body of ``POST /v1/images/generations``."""

    prompt: str
    model: Optional[str] = None
    n: Optional[int] = None
    size: Optional[str] = None
    """For example ``"1024x1024"``."""
    quality: Optional[str] = None
    """For example ``"low"``, ``"medium"``, ``"high"``, ``"auto"``."""
    response_format: Optional[Literal["url", "b64_json"]] = None
    output_format: Optional[Literal["png", "jpeg", "webp"]] = None
    output_compression: Optional[int] = Field(default=None, ge=0, le=100)
    background: Optional[Literal["transparent", "opaque", "auto"]] = None
    moderation: Optional[Literal["low", "auto"]] = None
    partial_images: Optional[int] = Field(default=None, ge=0, le=3)
    stream: Optional[bool] = None
    user: Optional[str] = None
    aspect_ratio: Optional[str] = None
    """For example ``"16:9"`` (models that size by ratio)."""
    resolution: Optional[str] = None
    """For example ``"2K"``."""
    image: Optional[Union[str, List[str]]] = None
    """Input picture(s) for image-to-image models: URLs or ``data:`` URLs."""
    seed: Optional[int] = Field(default=None, ge=-1, le=2147483647)
    sequential_image_generation: Optional[Literal["auto", "disabled"]] = None
    sequential_image_generation_options: Optional[Dict[str, Any]] = None
    guidance_scale: Optional[float] = Field(default=None, ge=1, le=10)
    watermark: Optional[bool] = None
    optimize_prompt_options: Optional[Dict[str, Any]] = None


class ImageData(ResponseModel):
    """One generated image: a ``url`` or base64 ``b64_json``."""

    url: Optional[str] = None
    b64_json: Optional[str] = None
    revised_prompt: Optional[str] = None


class ImageUsage(ResponseModel):
    """Token counts of an image generation; a count the gateway left out reads as 0."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    input_tokens_details: Optional[Dict[str, Any]] = None


class ImageGenerationResponse(ResponseModel):
    """The answer of ``POST /v1/images/generations``."""

    created: Optional[int] = None
    data: List[ImageData]
    background: Optional[str] = None
    output_format: Optional[str] = None
    quality: Optional[str] = None
    size: Optional[str] = None
    usage: Optional[ImageUsage] = None


class ImageStreamEvent(ResponseModel):
    """One event of a streamed image generation (an ``image.chunk`` with ``status`` and
    ``data``, or a ``image_generation.partial_image`` / ``.completed`` event with ``b64_json``).
    """

    type: Optional[str] = None
    object: Optional[str] = None
    status: Optional[str] = None
    created: Optional[int] = None
    data: Optional[List[ImageData]] = None
    b64_json: Optional[str] = None
    partial_image_index: Optional[int] = None
    usage: Optional[ImageUsage] = None
