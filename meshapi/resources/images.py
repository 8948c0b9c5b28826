"""``/v1/images/generations``."""

from __future__ import annotations

from typing import Any, Optional, Union, overload

from typing_extensions import Unpack

from .._endpoint import BodyCallOptions, CallOptions, Endpoint
from .._streaming import AsyncStream, Stream, model_decoder
from .._types import (
    ImageEditParams,
    ImageEditParamsDict,
    ImageGenerationParams,
    ImageGenerationParamsDict,
    ImageGenerationResponse,
    ImageStreamEvent,
)
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncImagesResource", "ImageEditKwargs", "ImageGenerationKwargs", "ImagesResource"]

GENERATE = Endpoint(
    "POST",
    "/v1/images/generations",
    ImageGenerationResponse,
    name="generate",
    params=ImageGenerationParams,
    sets_stream=False,
)
STREAM = GENERATE.streaming(model_decoder(ImageStreamEvent))
EDIT = Endpoint(
    "POST", "/v1/images/edits", ImageGenerationResponse, name="edit", params=ImageEditParams
)

ImageGenerationParamsInput = Union[ImageGenerationParams, ImageGenerationParamsDict]


class ImageGenerationKwargs(ImageGenerationParamsDict, CallOptions, total=False):
    """The keyword arguments of ``generate()`` / ``stream()``: body fields and options."""


ImageEditInput = Union[ImageEditParams, ImageEditParamsDict]


class ImageEditKwargs(ImageEditParamsDict, CallOptions, total=False):
    """The keyword arguments of ``edit()``: the body's fields and the per-call options."""


class ImagesResource(SyncResource):
    """Image generation."""

    @overload
    def generate(
        self, params: ImageGenerationParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> ImageGenerationResponse: ...
    @overload
    def generate(self, /, **kwargs: Unpack[ImageGenerationKwargs]) -> ImageGenerationResponse: ...
    def generate(
        self, params: Optional[ImageGenerationParamsInput] = None, /, **kwargs: Any
    ) -> ImageGenerationResponse:
        """Generate images; each ``data`` item has a ``url`` or ``b64_json``. Keyword
        arguments or an :class:`ImageGenerationParams` (or its dict), with the per-call options
        beside either."""
        return self._call(GENERATE, params=params, options=kwargs)

    @overload
    def stream(
        self, params: ImageGenerationParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> Stream[ImageStreamEvent]: ...
    @overload
    def stream(self, /, **kwargs: Unpack[ImageGenerationKwargs]) -> Stream[ImageStreamEvent]: ...
    def stream(
        self, params: Optional[ImageGenerationParamsInput] = None, /, **kwargs: Any
    ) -> Stream[ImageStreamEvent]:
        """Stream image chunks (partial images, then the completed ones); takes what
        :meth:`generate` takes."""
        return self._stream(STREAM, params=params, options=kwargs)

    @overload
    def edit(
        self, params: ImageEditInput, /, **options: Unpack[BodyCallOptions]
    ) -> ImageGenerationResponse: ...
    @overload
    def edit(self, /, **kwargs: Unpack[ImageEditKwargs]) -> ImageGenerationResponse: ...
    def edit(
        self, params: Optional[ImageEditInput] = None, /, **kwargs: Any
    ) -> ImageGenerationResponse:
        """Edit a picture (``operation``: edit, inpaint, outpaint, mix, reframe, upscale,
        remove_background); the pictures go as ``data:`` URLs or base64, never http(s) URLs."""
        return self._call(EDIT, params=params, options=kwargs)


class AsyncImagesResource(AsyncResource):
    """Image generation."""

    @overload
    async def generate(
        self, params: ImageGenerationParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> ImageGenerationResponse: ...
    @overload
    async def generate(
        self, /, **kwargs: Unpack[ImageGenerationKwargs]
    ) -> ImageGenerationResponse: ...
    async def generate(
        self, params: Optional[ImageGenerationParamsInput] = None, /, **kwargs: Any
    ) -> ImageGenerationResponse:
        """Generate images; each ``data`` item has a ``url`` or ``b64_json``. Keyword
        arguments or an :class:`ImageGenerationParams` (or its dict), with the per-call options
        beside either."""
        return await self._call(GENERATE, params=params, options=kwargs)

    @overload
    def stream(
        self, params: ImageGenerationParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> AsyncStream[ImageStreamEvent]: ...
    @overload
    def stream(
        self, /, **kwargs: Unpack[ImageGenerationKwargs]
    ) -> AsyncStream[ImageStreamEvent]: ...
    def stream(
        self, params: Optional[ImageGenerationParamsInput] = None, /, **kwargs: Any
    ) -> AsyncStream[ImageStreamEvent]:
        """Stream image chunks (partial images, then the completed ones); takes what
        :meth:`generate` takes."""
        return self._stream(STREAM, params=params, options=kwargs)

    @overload
    async def edit(
        self, params: ImageEditInput, /, **options: Unpack[BodyCallOptions]
    ) -> ImageGenerationResponse: ...
    @overload
    async def edit(self, /, **kwargs: Unpack[ImageEditKwargs]) -> ImageGenerationResponse: ...
    async def edit(
        self, params: Optional[ImageEditInput] = None, /, **kwargs: Any
    ) -> ImageGenerationResponse:
        """Edit a picture (``operation``: edit, inpaint, outpaint, mix, reframe, upscale,
        remove_background); the pictures go as ``data:`` URLs or base64, never http(s) URLs."""
        return await self._call(EDIT, params=params, options=kwargs)
