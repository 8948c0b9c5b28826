"""``/v1/embeddings``."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Union

from .._request import ModelParser, RequestOptions, TimeoutTypes
from .._types import EmbeddingsParams, EmbeddingsResponse
from ._base import AsyncResource, SyncResource, post_model

__all__ = ["AsyncEmbeddingsResource", "EmbeddingsResource"]

_RESPONSE = ModelParser.for_model(EmbeddingsResponse)

EmbeddingsParamsInput = Union[EmbeddingsParams, Mapping[str, Any]]


def _options(
    params: EmbeddingsParamsInput,
    extra_headers: Optional[Mapping[str, str]],
    timeout: TimeoutTypes,
) -> RequestOptions:
    return post_model("/v1/embeddings", params, EmbeddingsParams, "create", extra_headers, timeout)


class EmbeddingsResource(SyncResource):
    """Vector embeddings (OpenAI-compatible)."""

    def create(
        self,
        params: EmbeddingsParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> EmbeddingsResponse:
        """Embed a string or a list of strings; ``encoding_format="base64"`` is decoded by
        ``result.data[i].vector()``."""
        return self._http.request(_options(params, extra_headers, timeout), _RESPONSE)


class AsyncEmbeddingsResource(AsyncResource):
    """Vector embeddings (OpenAI-compatible)."""

    async def create(
        self,
        params: EmbeddingsParamsInput,
        *,
        extra_headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = None,
    ) -> EmbeddingsResponse:
        """Embed a string or a list of strings; ``encoding_format="base64"`` is decoded by
        ``result.data[i].vector()``."""
        return await self._http.request(_options(params, extra_headers, timeout), _RESPONSE)
