"""``/v1/embeddings``."""

from __future__ import annotations

from typing import Any, Optional, Union, overload

from typing_extensions import Unpack

from .._endpoint import BodyCallOptions, CallOptions, Endpoint
from .._types import EmbeddingsParams, EmbeddingsParamsDict, EmbeddingsResponse
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncEmbeddingsResource", "EmbeddingsKwargs", "EmbeddingsResource"]

CREATE = Endpoint(
    "POST", "/v1/embeddings", EmbeddingsResponse, name="create", params=EmbeddingsParams
)

EmbeddingsParamsInput = Union[EmbeddingsParams, EmbeddingsParamsDict]


class EmbeddingsKwargs(EmbeddingsParamsDict, CallOptions, total=False):
    """The keyword arguments of ``create()``: the body's fields and the per-call options."""


class EmbeddingsResource(SyncResource):
    """Vector embeddings (OpenAI-compatible)."""

    @overload
    def create(
        self, params: EmbeddingsParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> EmbeddingsResponse: ...
    @overload
    def create(self, /, **kwargs: Unpack[EmbeddingsKwargs]) -> EmbeddingsResponse: ...
    def create(
        self, params: Optional[EmbeddingsParamsInput] = None, /, **kwargs: Any
    ) -> EmbeddingsResponse:
        """Embed a string or a list of strings; ``encoding_format="base64"`` is decoded by
        ``result.data[i].vector()``. Keyword arguments or an :class:`EmbeddingsParams` (or its
        dict), with the per-call options beside either."""
        return self._call(CREATE, params=params, options=kwargs)


class AsyncEmbeddingsResource(AsyncResource):
    """Vector embeddings (OpenAI-compatible)."""

    @overload
    async def create(
        self, params: EmbeddingsParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> EmbeddingsResponse: ...
    @overload
    async def create(self, /, **kwargs: Unpack[EmbeddingsKwargs]) -> EmbeddingsResponse: ...
    async def create(
        self, params: Optional[EmbeddingsParamsInput] = None, /, **kwargs: Any
    ) -> EmbeddingsResponse:
        """Embed a string or a list of strings; ``encoding_format="base64"`` is decoded by
        ``result.data[i].vector()``. Keyword arguments or an :class:`EmbeddingsParams` (or its
        dict), with the per-call options beside either."""
        return await self._call(CREATE, params=params, options=kwargs)
