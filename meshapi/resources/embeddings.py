"""``/v1/embeddings``."""

from __future__ import annotations

from typing import Any, Mapping, Union

from .._endpoint import Endpoint
from .._request import ExtraHeaders, TimeoutTypes
from .._types import EmbeddingsParams, EmbeddingsResponse
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncEmbeddingsResource", "EmbeddingsResource"]

CREATE = Endpoint(
    "POST", "/v1/embeddings", EmbeddingsResponse, name="create", params=EmbeddingsParams
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
        """Embed a string or a list of strings; ``encoding_format="base64"`` is decoded by
        ``result.data[i].vector()``."""
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
        """Embed a string or a list of strings; ``encoding_format="base64"`` is decoded by
        ``result.data[i].vector()``."""
        return await self._call(CREATE, params=params, extra_headers=extra_headers, timeout=timeout)
