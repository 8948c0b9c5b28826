"""Images: POST /v1/images/generations."""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, Sequence, Union

from pydantic import Field, model_validator
from typing_extensions import Required, TypedDict

from ._base import RequestModel, ResponseModel, _RequestPart

__all__ = [
    "ImageData",
    "ImageEditParams",
    "ImageEditParamsDict",
    "ImageGenerationChunk",
    "ImageGenerationParams",
    "ImageGenerationParamsDict",
    "ImageGenerationResponse",
    "ImageItem",
    "ImageRef",
    "ImageRefDict",
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


ImageItem = ImageData
"""The name meshapi 0.1.4 used for :class:`ImageData` (the same class)."""

# The two spellings of the same counts: MeshAPI's (chat-style) and OpenAI's images API.
_USAGE_SPELLINGS = (("prompt_tokens", "input_tokens"), ("completion_tokens", "output_tokens"))


class ImageUsage(ResponseModel):
    """Token counts of an image generation.

    The gateway reports ``prompt_tokens`` / ``completion_tokens`` / ``total_tokens``; OpenAI's
    images API calls the first two ``input_tokens`` / ``output_tokens``. Either spelling is read
    and both attributes are filled, so ``usage.prompt_tokens`` and ``usage.input_tokens`` agree
    whichever one the server sent. A missing total is the sum of the other two; a usage object
    without the prompt and completion counts (in either spelling) is an invalid response, as it
    was for meshapi 0.1.4, which required all three.
    """

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    input_tokens: int = 0
    output_tokens: int = 0
    input_tokens_details: Optional[Dict[str, Any]] = None
    output_tokens_details: Optional[Dict[str, Any]] = None

    @model_validator(mode="before")
    @classmethod
    def _either_spelling(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        filled = dict(data)
        for ours, theirs in _USAGE_SPELLINGS:
            if filled.get(ours) is None and filled.get(theirs) is not None:
                filled[ours] = filled[theirs]
            elif filled.get(theirs) is None and filled.get(ours) is not None:
                filled[theirs] = filled[ours]
        if filled.get("total_tokens") is None and (
            filled.get("prompt_tokens") is not None or filled.get("completion_tokens") is not None
        ):
            prompt, completion = filled.get("prompt_tokens"), filled.get("completion_tokens")
            if isinstance(prompt, int) and isinstance(completion, int):
                filled["total_tokens"] = prompt + completion
        return filled


class ImageGenerationResponse(ResponseModel):
    """The answer of ``POST /v1/images/generations``."""

    created: int
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


class ImageGenerationChunk(ResponseModel):
    """An ``image.chunk`` object of a streamed generation."""

    id: Optional[str] = None
    object: Optional[str] = "image.chunk"
    created: int
    data: List[ImageData] = Field(default_factory=list)
    status: Optional[str] = None
    model: Optional[str] = None


# ==============================================================================================
# Image edits: POST /v1/images/edits
# ==============================================================================================


class ImageRefDict(TypedDict, total=False):
    """:class:`ImageRef` as a dict."""

    url: Required[str]


class ImageRef(_RequestPart):
    """A picture wrapped as ``{"url": ...}``: a ``data:image/...;base64,`` URL or bare base64
    (remote http(s) URLs are refused by the gateway)."""

    url: str


ImageInput = Union[str, ImageRef]


class ImageEditParamsDict(TypedDict, total=False):
    """:class:`ImageEditParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    model: Required[str]
    image: Required[Union[str, ImageRef, ImageRefDict]]
    prompt: str
    operation: Literal[
        "edit", "inpaint", "outpaint", "mix", "reframe", "upscale", "remove_background"
    ]
    mask: Optional[Union[str, ImageRef, ImageRefDict]]
    reference_images: Optional[Sequence[Union[str, ImageRef, ImageRefDict]]]
    n: Optional[int]
    size: Optional[str]
    response_format: Optional[Literal["url", "b64_json"]]
    background: Optional[str]
    upscale_factor: Optional[str]
    quality_tier: Optional[str]
    aspect_ratio: Optional[str]
    resolution: Optional[str]
    expand_factor: Optional[Union[str, float]]
    mask_feather: Optional[int]


class ImageEditParams(RequestModel):
    """Body of ``POST /v1/images/edits``. ``image``, ``mask`` and each reference picture are a
    ``data:`` URL or bare base64, as a string or an :class:`ImageRef`. ``prompt`` is needed by
    ``edit``, ``outpaint`` and ``mix``; ``upscale_factor`` (e.g. ``"2"``) by ``upscale``;
    ``aspect_ratio`` (e.g. ``"16:9"``) by ``reframe``; ``mask`` marks the area ``inpaint`` paints
    (its transparent pixels, as OpenAI masks do)."""

    model: str
    image: ImageInput
    prompt: str = ""
    operation: Literal[
        "edit", "inpaint", "outpaint", "mix", "reframe", "upscale", "remove_background"
    ] = "edit"
    mask: Optional[ImageInput] = None
    reference_images: Optional[List[ImageInput]] = None
    n: Optional[int] = Field(default=None, ge=1, le=10)
    size: Optional[str] = None
    response_format: Optional[Literal["url", "b64_json"]] = None
    background: Optional[str] = None
    upscale_factor: Optional[str] = None
    quality_tier: Optional[str] = None
    aspect_ratio: Optional[str] = None
    resolution: Optional[str] = None
    expand_factor: Optional[Union[str, float]] = None
    mask_feather: Optional[int] = Field(default=None, ge=0)
