"""``/v1/images/generations``."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Union

from .._request import ModelParser, RequestOptions, TimeoutTypes
from .._streaming import AsyncStream, Stream, model_decoder
from .._types import ImageGenerationParams, ImageGenerationResponse, ImageStreamEvent
from ._base import AsyncResource, SyncResource, post_model

__all__ = ["AsyncImagesResource", "ImagesResource"]

PATH = "/v1/images/generations"
_RESPONSE = ModelParser.for_model(ImageGenerationResponse)
_EVENT = model_decoder(ImageStreamEvent)

ImageParamsInput = Union[ImageGenerationParams, Mapping[str, Any]]


def _options(
    params: ImageParamsInput,
    extra_headers: Optional[Mapping[str, str]],
    timeout: TimeoutTypes,
    *,
    stream: bool,
) -> RequestOptions:
    method = "stream" if stream else "generate"
    return post_model(
        PATH, params, ImageGenerationParams, method, extra_headers, timeout, stream=stream
    )


class ImagesResource(SyncResource):
    """Image generation."""

    def generate(
        self,
        params: ImageParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> ImageGenerationResponse:
        """Generate images; each ``data`` item has a ``url`` or ``b64_json``."""
        return self._http.request(_options(params, extra_headers, timeout, stream=False), _RESPONSE)

    def stream(
        self,
        params: ImageParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> Stream[ImageStreamEvent]:
        """Stream image chunks (partial images, then the completed ones)."""
        return self._stream(_options(params, extra_headers, timeout, stream=True), _EVENT)


class AsyncImagesResource(AsyncResource):
    """Image generation."""

    async def generate(
        self,
        params: ImageParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> ImageGenerationResponse:
        """Generate images; each ``data`` item has a ``url`` or ``b64_json``."""
        return await self._http.request(
            _options(params, extra_headers, timeout, stream=False), _RESPONSE
        )

    def stream(
        self,
        params: ImageParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> AsyncStream[ImageStreamEvent]:
        """Stream image chunks (partial images, then the completed ones)."""
        return self._stream(_options(params, extra_headers, timeout, stream=True), _EVENT)
