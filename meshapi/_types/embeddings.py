"""Embeddings: POST /v1/embeddings."""

from __future__ import annotations

import base64
import binascii
import sys
from array import array
from typing import TYPE_CHECKING, Annotated, Any, Dict, List, Literal, Optional, Sequence, Union

from pydantic import Discriminator, Field, Tag, field_serializer, model_validator
from typing_extensions import Required, TypedDict

from ._base import RequestModel, ResponseModel, Usage, _RequestPart
from .chat import ProviderPreferences, ProviderPreferencesDict

__all__ = [
    "EmbeddingItem",
    "EmbeddingsData",
    "EmbeddingsParams",
    "EmbeddingsParamsDict",
    "EmbeddingsResponse",
    "ImageEmbeddingUrl",
    "ImageEmbeddingUrlDict",
    "MultimodalEmbeddingInput",
    "MultimodalEmbeddingInputDict",
    "VideoEmbeddingUrl",
    "VideoEmbeddingUrlDict",
    "EmbeddingsUsage",
]


# ==============================================================================================
# Embeddings: POST /v1/embeddings
# ==============================================================================================


class ImageEmbeddingUrlDict(TypedDict, total=False):
    """:class:`ImageEmbeddingUrl` as a dict."""

    url: Required[str]


class VideoEmbeddingUrlDict(TypedDict, total=False):
    """:class:`VideoEmbeddingUrl` as a dict."""

    url: Required[str]


class MultimodalEmbeddingInputDict(TypedDict, total=False):
    """:class:`MultimodalEmbeddingInput` as a dict."""

    type: Required[Literal["text", "image_url", "video_url"]]
    text: Optional[str]
    image_url: Optional[Union[ImageEmbeddingUrlDict, ImageEmbeddingUrl]]
    video_url: Optional[Union[VideoEmbeddingUrlDict, VideoEmbeddingUrl]]


class ImageEmbeddingUrl(_RequestPart):
    """The image of an ``image_url`` embedding input (an ``https:`` or ``data:`` URL)."""

    url: str


class VideoEmbeddingUrl(_RequestPart):
    """The video of a ``video_url`` embedding input."""

    url: str


class MultimodalEmbeddingInput(_RequestPart):
    """One input of a multimodal embedding model: ``text``, ``image_url`` or ``video_url``, with
    the field of that name set. Each input gets its own embedding."""

    type: Literal["text", "image_url", "video_url"]
    text: Optional[str] = None
    image_url: Optional[ImageEmbeddingUrl] = None
    video_url: Optional[VideoEmbeddingUrl] = None

    @model_validator(mode="after")
    def _has_its_content(self) -> MultimodalEmbeddingInput:
        if getattr(self, self.type) is None:
            raise ValueError(f"a {self.type!r} input needs {self.type}=...")
        return self


class EmbeddingsParamsDict(TypedDict, total=False):
    """:class:`EmbeddingsParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    model: Optional[str]
    input: Required[
        Union[
            str,
            List[str],
            List[int],
            List[List[int]],
            Sequence[Union[MultimodalEmbeddingInputDict, MultimodalEmbeddingInput]],
        ]
    ]
    dimensions: Optional[int]
    encoding_format: Optional[Literal["float", "base64"]]
    input_type: Optional[str]
    instructions: Optional[str]
    sparse_embedding: Optional[bool]
    provider: Optional[Union[str, ProviderPreferencesDict, ProviderPreferences, Dict[str, Any]]]
    user: Optional[str]


def _input_kind(value: Any) -> str:
    # Which form `input` takes, so that a mistake is reported against that form only.
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, str) for v in value):
            return "texts"
        if all(isinstance(v, int) for v in value):
            return "tokens"
        if all(isinstance(v, (list, tuple)) for v in value):
            return "token_lists"
    return "parts"


if TYPE_CHECKING:
    EmbeddingsInput = Union[
        str, List[str], List[int], List[List[int]], List[MultimodalEmbeddingInput]
    ]
else:
    EmbeddingsInput = Annotated[
        Union[
            Annotated[str, Tag("text")],
            Annotated[List[str], Tag("texts")],
            Annotated[List[int], Tag("tokens")],
            Annotated[List[List[int]], Tag("token_lists")],
            Annotated[List[MultimodalEmbeddingInput], Tag("parts")],
        ],
        Discriminator(_input_kind),
    ]


class EmbeddingsParams(RequestModel):
    """Body of ``POST /v1/embeddings``.

    ``input`` is a string, a list of strings, a token list, a list of token lists, or a list of
    :class:`MultimodalEmbeddingInput` (text, images, videos; for models that embed them). With
    ``encoding_format="base64"`` each embedding arrives as a base64 string; read it with
    :meth:`EmbeddingsData.vector`. ``model="auto"`` lets the gateway's auto router pick.
    """

    model: Optional[str] = None
    """Required by the gateway unless a template or its default supplies it (optional here, as
    in meshapi 0.1.4); ``"auto"`` lets the gateway's auto router pick."""
    input: EmbeddingsInput
    dimensions: Optional[int] = Field(default=None, ge=1)
    encoding_format: Optional[Literal["float", "base64"]] = None
    input_type: Optional[str] = None
    instructions: Optional[str] = None
    sparse_embedding: Optional[bool] = None
    provider: Optional[
        Annotated[
            Union[str, Dict[str, Any], ProviderPreferences], Field(union_mode="left_to_right")
        ]
    ] = None
    """A provider name, or routing preferences (a dict or :class:`ProviderPreferences`)."""
    user: Optional[str] = Field(default=None, max_length=256)


class EmbeddingsData(ResponseModel):
    """One embedding: a list of floats. Asked for with ``encoding_format="base64"``, it is
    decoded by the client as the answer is parsed: a numpy float32 array when numpy is installed,
    else a list of floats (a model built by hand may still hold the base64 text:
    :meth:`vector` decodes it)."""

    object: str
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

    object: str
    data: List[EmbeddingsData]
    model: str
    usage: Optional[Usage] = None
    byok_used: Optional[bool] = None
    """The call ran on the account's own provider key."""
    fallback_triggered: Optional[bool] = None
    """The gateway fell back to another model."""
