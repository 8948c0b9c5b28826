"""What a request costs: catalogue prices times usage, and cost as the wire shows it."""

from __future__ import annotations

from typing import Any, Mapping

__all__ = ["format_cost", "model_cost"]


def format_cost(cost: float) -> str:
    """Cost as production sends it: a decimal string in USD."""
    return f"{max(cost, 0.0):.8f}"


def model_cost(
    model: Mapping[str, Any], prompt_tokens: int, completion_tokens: int, images: int = 0
) -> float:
    """USD cost from the catalogue's per-1k-token (and per-image) prices."""
    pricing = model.get("pricing") or {}
    cost = prompt_tokens / 1000 * float(pricing.get("prompt_usd_per_1k") or 0)
    cost += completion_tokens / 1000 * float(pricing.get("completion_usd_per_1k") or 0)
    cost += images * float(pricing.get("image_usd_per_image") or 0)
    return cost
