"""Models: GET /v1/models (a bare JSON array: parse as List[ModelInfo])."""

from __future__ import annotations

from typing import List, Optional

from ._base import ResponseModel

__all__ = ["ModelInfo", "ModelPricing"]


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
