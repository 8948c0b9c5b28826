"""Models: GET /v1/models (a bare JSON array: parse as List[ModelInfo])."""

from __future__ import annotations

from typing import Any, ClassVar, Dict, List, Literal, Optional

from pydantic import Field
from typing_extensions import TypedDict

from .._pagination import ListPage
from ._base import RequestModel, ResponseModel

__all__ = [
    "ListModelsParams",
    "ListModelsParamsDict",
    "ModelInfo",
    "ModelPricing",
    "ModelSearchParams",
    "ModelSearchParamsDict",
    "ModelsPage",
]


# ==============================================================================================
# Models: GET /v1/models (a bare JSON array: parse as List[ModelInfo])
# ==============================================================================================


class ListModelsParamsDict(TypedDict, total=False):
    """:class:`ListModelsParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    free: Optional[bool]


class ListModelsParams(RequestModel):
    """Query of ``GET /v1/models``: ``free=True`` / ``free=False`` filters on the server."""

    free: Optional[bool] = None


class ModelPricing(ResponseModel):
    """Prices of a model in USD.

    The wire carries them as decimal strings (``"0.00015"``) or ``null``; they read here as
    numbers (a number on the wire is accepted too). Per-1k prices are what meshapi 0.1.4 read;
    the per-1M prices and the rest are the current catalogue's. ``*_discounted`` apply
    ``discount_pct``.
    """

    prompt_usd_per_1k: Optional[float] = None
    completion_usd_per_1k: Optional[float] = None
    image_usd_per_image: Optional[float] = None
    discount_pct: Optional[float] = None
    prompt_usd_per_1k_discounted: Optional[float] = None
    completion_usd_per_1k_discounted: Optional[float] = None
    image_usd_per_image_discounted: Optional[float] = None
    pricing_unit: Optional[str] = None
    request_usd: Optional[float] = None
    prompt_usd_per_1m: Optional[float] = None
    completion_usd_per_1m: Optional[float] = None
    long_context_input_usd_per_1m: Optional[float] = None
    long_context_output_usd_per_1m: Optional[float] = None
    cache_read_input_usd_per_1m: Optional[float] = None
    cache_write_input_usd_per_1m: Optional[float] = None
    cache_read_audio_input_usd_per_1m: Optional[float] = None
    long_context_cache_read_input_usd_per_1m: Optional[float] = None
    long_context_cache_write_input_usd_per_1m: Optional[float] = None
    batch_input_usd_per_1m: Optional[float] = None
    batch_output_usd_per_1m: Optional[float] = None
    training_usd_per_1m: Optional[float] = None
    fine_tuned_input_usd_per_1m: Optional[float] = None
    fine_tuned_output_usd_per_1m: Optional[float] = None
    audio_input_usd_per_1m: Optional[float] = None
    audio_output_usd_per_1m: Optional[float] = None
    transcription_usd_per_1m: Optional[float] = None
    cached_audio_input_usd_per_1m: Optional[float] = None
    cached_text_input_usd_per_1m: Optional[float] = None
    cache_hit_usd_per_1m: Optional[float] = None
    output_with_audio_usd_per_1m: Optional[float] = None
    output_with_video_usd_per_1m: Optional[float] = None
    image_input_usd_per_image: Optional[float] = None
    image_output_usd_per_image: Optional[float] = None
    image_output_size: Optional[str] = None
    effective_date: Optional[str] = None
    deprecated_date: Optional[str] = None
    notes: Optional[str] = None
    source_url: Optional[str] = None


class ModelInfo(ResponseModel):
    """A model of the catalogue; ``id`` is ``provider/name`` (``openai/gpt-4o``)."""

    id: str
    name: str
    description: Optional[str] = None
    context_length: Optional[int] = None
    is_free: bool
    pricing: Optional[ModelPricing] = None
    supports_thinking: Optional[bool] = None
    supports_completions_api: Optional[bool] = None
    supports_responses_api: Optional[bool] = None
    model_type: Optional[str] = None
    input_modalities: Optional[List[str]] = None
    output_modalities: Optional[List[str]] = None
    brand: Optional[str] = None
    provider: Optional[str] = None
    supports_realtime: Optional[bool] = None
    supports_embeddings: Optional[bool] = None
    supports_tools: Optional[bool] = None
    supports_structured_output: Optional[bool] = None
    supports_system_prompt: Optional[bool] = None
    supports_batching: Optional[bool] = None
    supports_background_response: Optional[bool] = None
    supports_video_generation: Optional[bool] = None
    supports_image_edit: Optional[bool] = None
    context_window: Optional[int] = None
    standard_context_threshold: Optional[int] = None
    realtime_session_max_tokens: Optional[int] = None
    realtime_max_concurrent_per_owner: Optional[int] = None
    is_composite: Optional[bool] = None
    composite_models: Optional[List[Any]] = None


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


class ModelsPage(ListPage):
    """One page of a model search: ``items``, the ``total`` that matched, the ``limit`` and
    ``offset`` used, and ``brands``: the brand facet (every brand among the matches, whatever
    the ``brand`` filter). Iterating it yields every match across pages, fetched lazily."""

    _items_field: ClassVar[str] = "items"

    items: List[ModelInfo] = Field(default_factory=list)
    total: int
    limit: int
    offset: int
    brands: List[str] = Field(default_factory=list)
