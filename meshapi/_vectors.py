"""Embedding vectors: base64 float32 in, floats out (a numpy array when numpy is installed). No I/O.

Rule: ``encoding_format="base64"`` is the smaller, faster wire format, and it costs the caller
nothing: the embeddings parser decodes every base64 embedding as the answer is parsed, so
``result.data[i].embedding`` is a ``numpy.ndarray`` of float32 when numpy can be imported, else a
list of floats. numpy is optional (never a dependency of the SDK). A body whose base64 is invalid
or does not hold whole float32 values is an ``InvalidResponseError`` naming the embedding.
"""

from __future__ import annotations

import base64
import binascii
import sys
from array import array
from typing import Any, List, Optional

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from ._request import ModelParser

__all__ = ["decode_embedding", "embeddings_parser", "load_numpy"]


def load_numpy() -> Optional[Any]:
    """The numpy module, or ``None`` when it is not installed."""
    try:
        import numpy
    except ImportError:
        return None
    return numpy


def decode_embedding(text: str, index: int) -> Any:
    """Decode one base64 embedding (little-endian float32): a numpy float32 array when numpy is
    installed, else a list of floats. ``ValueError`` names the embedding when it is not valid."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(
            f"embedding {index} is not valid base64 ({exc}); expected base64 of little-endian "
            "float32 values"
        ) from None
    if len(raw) % 4:
        raise ValueError(
            f"embedding {index} decodes to {len(raw)} bytes, which is not a multiple of 4: it is "
            "not a list of float32 values"
        )
    numpy = load_numpy()
    if numpy is not None:
        return numpy.frombuffer(raw, dtype="<f4").astype(numpy.float32)
    values = array("f")
    values.frombytes(raw)
    if sys.byteorder == "big":
        values.byteswap()
    out: List[float] = values.tolist()
    return out


def embeddings_parser() -> ModelParser[Any]:
    """The parser of ``POST /v1/embeddings``: the response model, base64 embeddings decoded."""
    from ._types import EmbeddingsResponse

    def validate(content: bytes) -> Any:
        result = EmbeddingsResponse.model_validate_json(content)
        errors: List[InitErrorDetails] = []
        for position, item in enumerate(result.data):
            if isinstance(item.embedding, str):
                try:
                    item.embedding = decode_embedding(item.embedding, item.index)
                except ValueError as exc:
                    errors.append(
                        {
                            "type": PydanticCustomError("invalid_embedding", str(exc)),
                            "loc": ("data", position, "embedding"),
                            "input": item.embedding[:64],
                        }
                    )
        if errors:
            raise ValidationError.from_exception_data("EmbeddingsResponse", errors)
        return result

    return ModelParser(validate, "EmbeddingsResponse")
