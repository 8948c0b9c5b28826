"""Embeddings: OpenAI-shaped vectors from the deterministic engine."""

from __future__ import annotations

import base64
import struct
from typing import Any, Dict, List, Literal, Mapping, Optional, Tuple, Union

import pydantic

from .._core.billing import format_cost, model_cost
from .._core.config import KeyRecord
from .._core.errors import GatewayError, validation_detail
from .._core.gateway import Gateway
from .._core.tokens import count_tokens
from .._core.validation import validate_body
from .._engines.embeddings import embed_texts

__all__ = ["EmbeddingsRequest", "create_embeddings"]

_MAX_INPUTS = 2048


class EmbeddingsRequest(pydantic.BaseModel):
    """The embeddings body."""

    model_config = pydantic.ConfigDict(extra="allow")

    input: Union[str, List[str], List[int], List[List[int]]]
    model: str
    dimensions: Optional[int] = pydantic.Field(default=None, ge=1)
    encoding_format: Literal["float", "base64"] = "float"
    input_type: Optional[str] = None
    user: Optional[str] = None
    provider: Optional[Dict[str, Any]] = None


def _texts(request: EmbeddingsRequest) -> List[Tuple[str, int]]:
    """Each input as text, with its token count."""
    value = request.input
    if isinstance(value, str):
        items: List[Any] = [value]
    elif value and all(isinstance(v, int) for v in value):
        items = [value]  # one token list
    else:
        items = list(value)
    if not items:
        raise GatewayError(
            422,
            "validation_error",
            "input must not be empty.",
            details=[
                validation_detail(
                    ["body", "input"], "List should have at least 1 item", "too_short"
                )
            ],
        )
    if len(items) > _MAX_INPUTS:
        raise GatewayError(
            400,
            "invalid_request",
            f"input has {len(items)} items; at most {_MAX_INPUTS} are allowed.",
        )
    texts: List[Tuple[str, int]] = []
    for index, item in enumerate(items):
        if isinstance(item, list):
            if not item:
                raise GatewayError(
                    422,
                    "validation_error",
                    f"input[{index}] is an empty token list.",
                    details=[
                        validation_detail(
                            ["body", "input", index],
                            "List should have at least 1 item",
                            "too_short",
                        )
                    ],
                )
            # Token ids have no vocabulary here: each id becomes a word of its own.
            texts.append((" ".join(f"tok{t}" for t in item), len(item)))
        elif not item.strip():
            raise GatewayError(
                422,
                "validation_error",
                f"input[{index}] is empty; every input must contain text.",
                details=[
                    validation_detail(
                        ["body", "input", index], "String should not be empty", "string_too_short"
                    )
                ],
            )
        else:
            texts.append((item, count_tokens(item)))
    return texts


def create_embeddings(gateway: Gateway, body: Mapping[str, Any], key: KeyRecord) -> Dict[str, Any]:
    """The ``list`` of embeddings for an OpenAI embeddings body (charged to ``key``)."""
    params = validate_body(EmbeddingsRequest, body)
    model = gateway.catalogue.require(params.model)
    if model.get("model_type") != "embedding":
        raise GatewayError(
            400, "invalid_request", f"Model {params.model!r} is not an embedding model."
        )
    native = int(model.get("embedding_dimensions") or 1536)
    dims = params.dimensions or native
    if dims > native:
        raise GatewayError(
            400,
            "invalid_request",
            f"dimensions must be at most {native} for {params.model!r}, got {dims}.",
        )
    inputs = _texts(params)
    vectors = embed_texts([text for text, _ in inputs], dims)
    data: List[Dict[str, Any]] = []
    for index, vector in enumerate(vectors):
        embedding: Union[List[float], str]
        if params.encoding_format == "base64":
            embedding = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")
        else:
            embedding = vector
        data.append({"object": "embedding", "index": index, "embedding": embedding})
    tokens = sum(count for _, count in inputs)
    cost = model_cost(model, tokens, 0)
    gateway.charge(key, cost)
    return {
        "object": "list",
        "data": data,
        "model": model["id"],
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        "cost": format_cost(cost),
    }
