"""``/v1/embeddings``."""

from __future__ import annotations

from typing import Any, Mapping, Union

from .._endpoint import Endpoint
from .._request import ExtraHeaders, TimeoutTypes
from .._types import EmbeddingsParams, EmbeddingsResponse
from .._vectors import embeddings_parser
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncEmbeddingsResource", "EmbeddingsResource"]

# Base64 embeddings are decoded as the answer is parsed (numpy array or list of floats).
CREATE: Endpoint[EmbeddingsResponse] = Endpoint(
    "POST", "/v1/embeddings", embeddings_parser(), name="create", params=EmbeddingsParams
)

EmbeddingsParamsInput = Union[EmbeddingsParams, Mapping[str, Any]]


class EmbeddingsResource(SyncResource):
    """Vector embeddings (OpenAI-compatible)."""

    def create(
        self,
        params: EmbeddingsParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> EmbeddingsResponse:
        """Embed a string or a list of strings.

        With ``encoding_format="base64"`` (smaller and faster on the wire) each
        ``result.data[i].embedding`` arrives decoded: a numpy float32 array when numpy is
        installed, else a list of floats; ``.vector()`` is always a list of floats.
        """
        return self._call(CREATE, params=params, extra_headers=extra_headers, timeout=timeout)


class AsyncEmbeddingsResource(AsyncResource):
    """Vector embeddings (OpenAI-compatible)."""

    async def create(
        self,
        params: EmbeddingsParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> EmbeddingsResponse:
        """Embed a string or a list of strings.

        With ``encoding_format="base64"`` (smaller and faster on the wire) each
        ``result.data[i].embedding`` arrives decoded: a numpy float32 array when numpy is
        installed, else a list of floats; ``.vector()`` is always a list of floats.
        """
        return await self._call(CREATE, params=params, extra_headers=extra_headers, timeout=timeout)
