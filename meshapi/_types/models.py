"""Models: GET /v1/models (a bare JSON array: parse as List[ModelInfo])."""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional

from pydantic import Field
from typing_extensions import TypedDict

from ._base import RequestModel, ResponseModel

__all__ = ["ModelInfo", "ModelPricing", "ModelSearchParams", "ModelSearchParamsDict", "ModelsPage"]


# ==============================================================================================
# Models: GET /v1/models (a bare JSON array: parse as List[ModelInfo])
# ==============================================================================================


class ModelPricing(ResponseModel):
    """Prices of a model in USD; the ``*_discounted`` fields apply ``discount_pct``."""

    prompt_usd_per_1k: Optional[float] = None
    completion_usd_per_1k: Optional[float] = None
    image_usd_per_image: Optional[float] = None
    discount_pct: Optional[float] = None
    prompt_usd_per_1k_discounted: Optional[float] = None
    completion_usd_per_1k_discounted: Optional[float] = None
    image_usd_per_image_discounted: Optional[float] = None


class ModelInfo(ResponseModel):
    """A model of the catalogue; ``id`` is ``provider/name`` (``openai/gpt-4o``)."""

    id: str
    name: Optional[str] = None
    description: Optional[str] = None
    context_length: Optional[int] = None
    is_free: Optional[bool] = None
    pricing: Optional[ModelPricing] = None
    supports_thinking: Optional[bool] = None
    supports_completions_api: Optional[bool] = None
    supports_responses_api: Optional[bool] = None
    model_type: Optional[str] = None
    input_modalities: Optional[List[str]] = None
    output_modalities: Optional[List[str]] = None


# ==============================================================================================
# Model search: GET /v1/models/search (one page of the catalogue)
# ==============================================================================================


class ModelSearchParamsDict(TypedDict, total=False):
    """:class:`ModelSearchParams` as a dict (the keyword arguments of ``search``)."""

    extra_body: Optional[Dict[str, Any]]
    q: Optional[str]
    free: Optional[bool]
    discounted: Optional[bool]
    input_modality: Optional[List[str]]
    output_modality: Optional[List[str]]
    brand: Optional[List[str]]
    sort: Optional[Literal["brand", "name", "id", "context_length"]]
    order: Optional[Literal["asc", "desc"]]
    limit: Optional[int]
    offset: Optional[int]


class ModelSearchParams(RequestModel):
    """Query of ``GET /v1/models/search`` (every field optional; booleans go out as
    ``true``/``false``, lists as the key repeated: ``brand=OpenAI&brand=Google``).

    ``q`` is fuzzy over id, name and brand; ``input_modality`` / ``output_modality`` need every
    one listed; ``brand`` any one; ``limit`` (1-100) and ``offset`` page the results.
    """

    q: Optional[str] = None
    free: Optional[bool] = None
    discounted: Optional[bool] = None
    input_modality: Optional[List[str]] = None
    output_modality: Optional[List[str]] = None
    brand: Optional[List[str]] = None
    sort: Optional[Literal["brand", "name", "id", "context_length"]] = None
    order: Optional[Literal["asc", "desc"]] = None
    limit: Optional[int] = Field(default=None, ge=1, le=100)
    offset: Optional[int] = Field(default=None, ge=0)


class ModelsPage(ResponseModel):
    """One page of a model search: ``items``, the ``total`` that matched, the ``limit`` and
    ``offset`` used, and ``brands``: the brand facet (every brand among the matches, whatever
    the ``brand`` filter)."""

    items: List[ModelInfo] = Field(default_factory=list)
    total: int
    limit: int
    offset: int
    brands: List[str] = Field(default_factory=list)
