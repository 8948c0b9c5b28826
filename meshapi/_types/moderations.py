"""Moderations: POST /v1/moderations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Dict, List, Literal, Optional, Sequence, Union

from pydantic import Discriminator, Field, Tag, field_validator, model_validator
from typing_extensions import Required, TypedDict

from ._base import RequestModel, ResponseModel, _RequestPart

__all__ = [
    "ModerationImageUrl",
    "ModerationImageUrlDict",
    "ModerationInputItem",
    "ModerationInputItemDict",
    "ModerationParams",
    "ModerationParamsDict",
    "ModerationResponse",
    "ModerationResult",
]


# ==============================================================================================
# Moderations: POST /v1/moderations
# ==============================================================================================


class ModerationImageUrlDict(TypedDict, total=False):
    """:class:`ModerationImageUrl` as a dict."""

    url: Required[str]


class ModerationImageUrl(_RequestPart):
    """The image of an ``image_url`` moderation input: an ``https:`` or ``data:`` URL."""

    url: str


class ModerationInputItemDict(TypedDict, total=False):
    """:class:`ModerationInputItem` as a dict."""

    type: Required[Literal["text", "image_url"]]
    text: Optional[str]
    image_url: Optional[Union[ModerationImageUrlDict, ModerationImageUrl]]


class ModerationInputItem(_RequestPart):
    """One part of a multimodal moderation input: ``text`` with ``text``, or ``image_url`` with
    ``image_url``."""

    type: Literal["text", "image_url"]
    text: Optional[str] = None
    image_url: Optional[ModerationImageUrl] = None

    @model_validator(mode="after")
    def _has_its_content(self) -> ModerationInputItem:
        if self.type == "text" and self.text is None:
            raise ValueError("a 'text' input item needs text=...")
        if self.type == "image_url" and self.image_url is None:
            raise ValueError("an 'image_url' input item needs image_url=ModerationImageUrl(...)")
        return self


class ModerationParamsDict(TypedDict, total=False):
    """:class:`ModerationParams` as a dict (the keyword arguments of ``create``)."""

    extra_body: Optional[Dict[str, Any]]
    input: Required[
        Union[str, Sequence[str], Sequence[Union[ModerationInputItemDict, ModerationInputItem]]]
    ]
    model: str


def _input_kind(value: Any) -> str:
    # Which form `input` takes, so that a mistake is reported against that form only.
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return "texts"
    return "parts"


if TYPE_CHECKING:
    ModerationInput = Union[str, List[str], List[ModerationInputItem]]
else:
    ModerationInput = Annotated[
        Union[
            Annotated[str, Tag("text")],
            Annotated[List[str], Tag("texts")],
            Annotated[List[ModerationInputItem], Tag("parts")],
        ],
        Discriminator(_input_kind),
    ]


class ModerationParams(RequestModel):
    """Body of ``POST /v1/moderations``: one text, several texts, or text and image parts. The
    answer has one result per string or part, in order. ``model`` is always sent."""

    input: ModerationInput
    model: str = "omni-moderation-latest"

    @field_validator("input")
    @classmethod
    def _not_empty(
        cls, value: Union[str, List[str], List[ModerationInputItem]]
    ) -> Union[str, List[str], List[ModerationInputItem]]:
        if isinstance(value, list) and not value:
            raise ValueError("input must hold at least one text or part")
        return value


class ModerationResult(ResponseModel):
    """The verdict on one input: ``flagged`` when any category is; ``categories`` says which,
    ``category_scores`` how sure (0 to 1) for each category (``violence``, ``harassment``,
    ``hate``, ``self-harm``, ``sexual``... and sub-categories such as ``violence/graphic``)."""

    flagged: bool
    categories: Dict[str, bool] = Field(default_factory=dict)
    category_scores: Dict[str, float] = Field(default_factory=dict)
    category_applied_input_types: Optional[Dict[str, List[str]]] = None


class ModerationResponse(ResponseModel):
    """The answer of ``POST /v1/moderations``: one :class:`ModerationResult` per input."""

    id: Optional[str] = None
    model: Optional[str] = None
    results: List[ModerationResult] = Field(default_factory=list)
