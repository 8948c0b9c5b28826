"""Embeddings: POST /v1/embeddings."""

from __future__ import annotations

import base64
import binascii
import sys
from array import array
from typing import Annotated, Any, Dict, List, Literal, Optional, Union

from pydantic import Field, field_serializer
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
    """One embedding: a list of floats. Asked for with ``encoding_format="base64"``, it is
    decoded by the client as the answer is parsed: a numpy float32 array when numpy is installed,
    else a list of floats (a model built by hand may still hold the base64 text:
    :meth:`vector` decodes it)."""

    object: str = "embedding"
    index: int
    # A float list first, left to right: the common case validates once, with no smart-union
    # scoring over a list of thousands of numbers.
    embedding: Annotated[Union[List[float], str], Field(union_mode="left_to_right")]

    @field_serializer("embedding")
    def _dump_embedding(self, value: Any) -> Any:
        # A base64 embedding decoded by the client is a numpy array: dump it as a list.
        tolist = getattr(value, "tolist", None)
        return tolist() if tolist is not None and not isinstance(value, (list, str)) else value

    def vector(self) -> List[float]:
        """Return the embedding as a list of floats, decoding the base64 form when needed.

        Raises:
            ValueError: the base64 text is invalid or does not hold whole float32 values.
        """
        embedding: Any = self.embedding
        if not isinstance(embedding, str):
            return embedding if isinstance(embedding, list) else list(embedding.tolist())
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

    object: str = "list"
    data: List[EmbeddingsData]
    model: Optional[str] = None
    usage: Optional[Usage] = None
