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
from .._engines.router import Prompt
from .router import AUTO, auto_select

__all__ = ["EmbeddingsRequest", "create_embeddings"]

_MAX_INPUTS = 2048


class _Url(pydantic.BaseModel):
    url: str = pydantic.Field(min_length=1)


class EmbeddingPart(pydantic.BaseModel):
    """A multimodal input: text, an image or a video (one embedding each)."""

    model_config = pydantic.ConfigDict(extra="allow")

    type: Literal["text", "image_url", "video_url"]
    text: Optional[str] = None
    image_url: Optional[_Url] = None
    video_url: Optional[_Url] = None

    @pydantic.model_validator(mode="after")
    def _check(self) -> EmbeddingPart:
        if getattr(self, self.type) is None:
            raise ValueError(f"a {self.type!r} input needs {self.type!r}")
        return self


class EmbeddingsRequest(pydantic.BaseModel):
    """The embeddings body."""

    model_config = pydantic.ConfigDict(extra="allow")

    input: Union[str, List[str], List[int], List[List[int]], List[EmbeddingPart]]
    instructions: Optional[str] = None
    sparse_embedding: Optional[bool] = None
    model: str
    dimensions: Optional[int] = pydantic.Field(default=None, ge=1)
    encoding_format: Literal["float", "base64"] = "float"
    input_type: Optional[str] = None
    user: Optional[str] = pydantic.Field(default=None, max_length=256)
    provider: Optional[Dict[str, Any]] = None


def items_of(request: EmbeddingsRequest) -> List[Any]:
    """The inputs, one per embedding."""
    value = request.input
    if isinstance(value, str):
        return [value]
    if value and all(isinstance(v, int) for v in value):
        return [value]  # one token list
    return list(value)


def _texts(request: EmbeddingsRequest) -> List[Tuple[str, int]]:
    """Each input as text, with its token count."""
    items = items_of(request)
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
        if isinstance(item, EmbeddingPart):
            if item.type == "image_url" and item.image_url is not None:
                texts.append((f"image {item.image_url.url}", 85))
            elif item.type == "video_url" and item.video_url is not None:
                texts.append((f"video {item.video_url.url}", 260))
            else:
                texts.append((item.text or "", count_tokens(item.text or "")))
        elif isinstance(item, list):
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
    inputs = _texts(params)
    name = params.model
    if name == AUTO:
        name = auto_select(gateway, Prompt(tuple(t for t, _ in inputs)), "embeddings").model
    model = gateway.catalogue.require(name)
    if model.get("model_type") != "embedding":
        raise GatewayError(400, "invalid_request", f"Model {name!r} is not an embedding model.")
    accepts = set(model.get("input_modalities") or ["text"])
    for index, item in enumerate(items_of(params)):
        kind = {"image_url": "image", "video_url": "video"}.get(getattr(item, "type", "text"))
        if kind is not None and kind not in accepts:
            raise GatewayError(
                400,
                "model_capability_not_supported",
                f"input[{index}] is {'an' if kind == 'image' else 'a'} {kind}, and {name!r}"
                f" embeds only {', '.join(sorted(accepts))}.",
            )
    native = int(model.get("embedding_dimensions") or 1536)
    dims = params.dimensions or native
    if dims > native:
        raise GatewayError(
            400,
            "invalid_request",
            f"dimensions must be at most {native} for {name!r}, got {dims}.",
        )
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
