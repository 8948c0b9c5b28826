"""``/v1/images/generations``."""

from __future__ import annotations

from typing import Any, Mapping, Union

from .._endpoint import Endpoint
from .._request import ExtraHeaders, TimeoutTypes
from .._streaming import AsyncStream, Stream, model_decoder
from .._types import (
    ImageEditParams,
    ImageGenerationParams,
    ImageGenerationResponse,
    ImageStreamEvent,
)
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncImagesResource", "ImagesResource"]

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

ImageParamsInput = Union[ImageGenerationParams, Mapping[str, Any]]
ImageEditInput = Union[ImageEditParams, Mapping[str, Any]]


class ImagesResource(SyncResource):
    """Image generation."""

    def generate(
        self,
        params: ImageParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ImageGenerationResponse:
        """Generate images; each ``data`` item has a ``url`` or ``b64_json``."""
        return self._call(GENERATE, params=params, extra_headers=extra_headers, timeout=timeout)

    def stream(
        self,
        params: ImageParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> Stream[ImageStreamEvent]:
        """Stream image chunks (partial images, then the completed ones)."""
        return self._stream(STREAM, params=params, extra_headers=extra_headers, timeout=timeout)

    def edit(
        self,
        params: ImageEditInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ImageGenerationResponse:
        """Edit a picture (``operation``: edit, inpaint, outpaint, mix, reframe, upscale,
        remove_background); the pictures go as ``data:`` URLs or base64, never http(s) URLs."""
        return self._call(EDIT, params=params, extra_headers=extra_headers, timeout=timeout)


class AsyncImagesResource(AsyncResource):
    """Image generation."""

    async def generate(
        self,
        params: ImageParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ImageGenerationResponse:
        """Generate images; each ``data`` item has a ``url`` or ``b64_json``."""
        return await self._call(
            GENERATE, params=params, extra_headers=extra_headers, timeout=timeout
        )

    def stream(
        self,
        params: ImageParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> AsyncStream[ImageStreamEvent]:
        """Stream image chunks (partial images, then the completed ones)."""
        return self._stream(STREAM, params=params, extra_headers=extra_headers, timeout=timeout)

    async def edit(
        self,
        params: ImageEditInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ImageGenerationResponse:
        """Edit a picture (``operation``: edit, inpaint, outpaint, mix, reframe, upscale,
        remove_background); the pictures go as ``data:`` URLs or base64, never http(s) URLs."""
        return await self._call(EDIT, params=params, extra_headers=extra_headers, timeout=timeout)
