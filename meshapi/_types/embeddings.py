"""Embeddings: POST /v1/embeddings."""

from __future__ import annotations

import base64
import binascii
import sys
from array import array
from typing import Annotated, Any, Dict, List, Literal, Optional, Union

from pydantic import Field
from typing_extensions import Required, TypedDict

from ._base import RequestModel, ResponseModel, Usage
from .chat import ProviderPreferences

__all__ = [
    "EmbeddingItem",
    "EmbeddingsData",
    "EmbeddingsParams",
    "EmbeddingsParamsDict",
    "EmbeddingsResponse",
    "EmbeddingsUsage",
]


# ==============================================================================================
# Embeddings: POST /v1/embeddings
# ==============================================================================================


class EmbeddingsParamsDict(TypedDict, total=False):
    """:class:`EmbeddingsParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    model: Required[str]
    input: Required[Union[str, List[str], List[int], List[List[int]]]]
    dimensions: Optional[int]
    encoding_format: Optional[Literal["float", "base64"]]
    input_type: Optional[str]
    provider: Optional[Union[str, Dict[str, Any]]]
    user: Optional[str]


class EmbeddingsParams(RequestModel):
    """Body of ``POST /v1/embeddings``.

    ``input`` is a string, a list of strings, a token list or a list of token lists. With
    ``encoding_format="base64"`` each embedding arrives as a base64 string; read it with
    :meth:`EmbeddingsData.vector`.
    """

    model: Optional[str] = None
    """Required by the gateway unless a template or its default supplies it (optional here, as
    in meshapi 0.1.4)."""
    input: Union[str, List[str], List[int], List[List[int]]]
    dimensions: Optional[int] = None
    encoding_format: Optional[Literal["float", "base64"]] = None
    input_type: Optional[str] = None
    provider: Optional[
        Annotated[
            Union[str, Dict[str, Any], ProviderPreferences], Field(union_mode="left_to_right")
        ]
    ] = None
    """A provider name, or routing preferences (a dict or :class:`ProviderPreferences`)."""
    user: Optional[str] = None


class EmbeddingsData(ResponseModel):
    """One embedding: a list of floats, or a base64 string of little-endian float32."""

    object: str
    index: int
    # A float list first, left to right: the common case validates once, with no smart-union
    # scoring over a list of thousands of numbers.
    embedding: Annotated[Union[List[float], str], Field(union_mode="left_to_right")]

    def vector(self) -> List[float]:
        """Return the embedding as floats, decoding the base64 form when needed.

        Raises:
            ValueError: the base64 text is invalid or does not hold whole float32 values.
        """
        embedding = self.embedding
        if not isinstance(embedding, str):
            return embedding
        try:
            raw = base64.b64decode(embedding, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(
                f"embedding {self.index} is not valid base64 ({exc}); expected base64 of "
                "little-endian float32 values"
            ) from exc
        if len(raw) % 4:
            raise ValueError(
                f"embedding {self.index} decodes to {len(raw)} bytes, which is not a multiple "
                "of 4: it is not a list of float32 values"
            )
        values = array("f")
        values.frombytes(raw)
        if sys.byteorder == "big":
            values.byteswap()
        return values.tolist()


EmbeddingItem = EmbeddingsData
"""The name meshapi 0.1.4 used for :class:`EmbeddingsData` (the same class)."""

EmbeddingsUsage = Usage
"""The name meshapi 0.1.4 used for the :class:`Usage` of embeddings (the same class)."""


class EmbeddingsResponse(ResponseModel):
    """The answer of ``POST /v1/embeddings``: ``data`` in input order, plus usage."""

    object: str
    data: List[EmbeddingsData]
    model: str
    usage: Optional[Usage] = None
