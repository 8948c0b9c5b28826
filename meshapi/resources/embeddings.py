"""``/v1/embeddings``."""

from __future__ import annotations

from typing import Any, Optional, Union, overload

from typing_extensions import Unpack

from .._endpoint import BodyCallOptions, CallOptions, Endpoint
from .._types import EmbeddingsParams, EmbeddingsParamsDict, EmbeddingsResponse
from .._vectors import embeddings_parser
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncEmbeddingsResource", "EmbeddingsKwargs", "EmbeddingsResource"]

# Base64 embeddings are decoded as the answer is parsed (numpy array or list of floats).
CREATE: Endpoint[EmbeddingsResponse] = Endpoint(
    "POST", "/v1/embeddings", embeddings_parser(), name="create", params=EmbeddingsParams
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
        """Embed a string or a list of strings. Keyword arguments or an
        :class:`EmbeddingsParams` (or its dict), with the per-call options beside either.

        With ``encoding_format="base64"`` (smaller and faster on the wire) each
        ``result.data[i].embedding`` arrives decoded: a numpy float32 array when numpy is
        installed, else a list of floats; ``.vector()`` is always a list of floats.
        """
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
        """Embed a string or a list of strings. Keyword arguments or an
        :class:`EmbeddingsParams` (or its dict), with the per-call options beside either.

        With ``encoding_format="base64"`` (smaller and faster on the wire) each
        ``result.data[i].embedding`` arrives decoded: a numpy float32 array when numpy is
        installed, else a list of floats; ``.vector()`` is always a list of floats.
        """
        return await self._call(CREATE, params=params, options=kwargs)
