"""The model catalogue: JSON data (the packaged ``catalogue.json`` by default), checked on load."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any, Dict, List, Mapping, Optional, Sequence

from .errors import GatewayError

__all__ = ["Catalogue", "brand_of", "decimal_string", "provider_of", "wire_model"]

_MODEL_KINDS = {
    "chat", "reasoning", "embedding", "image", "audio", "realtime", "video", "moderation",
}  # fmt: skip
_BRANDS = {
    "openai": "OpenAI", "anthropic": "Anthropic", "google": "Google", "meta-llama": "Meta",
    "mistralai": "Mistral", "deepseek": "DeepSeek", "x-ai": "xAI", "qwen": "Qwen",
    "cohere": "Cohere", "black-forest-labs": "Black Forest Labs", "sarvam": "Sarvam",
    "byteplus": "BytePlus", "elevenlabs": "ElevenLabs", "twelvelabs": "TwelveLabs",
}  # fmt: skip
# Prices the catalogue gives per 1k tokens, and their per-1M names in the current catalogue.
_PER_1M = {
    "prompt_usd_per_1k": "prompt_usd_per_1m",
    "completion_usd_per_1k": "completion_usd_per_1m",
}
# Catalogue fields that are not prices, though they sit in ``pricing``.
_PRICING_TEXT = {"pricing_unit", "image_output_size", "effective_date", "deprecated_date",
                 "notes", "source_url"}  # fmt: skip


def decimal_string(value: Any) -> Optional[str]:
    """A price as production sends it: a plain decimal string (``"0.000075"``), or ``None``."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


def provider_of(model: Mapping[str, Any]) -> str:
    """The provider: the model's ``provider`` field, else its id's prefix."""
    return str(model.get("provider") or str(model["id"]).split("/", 1)[0])


def brand_of(model: Mapping[str, Any]) -> str:
    """The brand: the model's ``brand`` field, else its provider's display name."""
    if model.get("brand"):
        return str(model["brand"])
    provider = provider_of(model)
    return _BRANDS.get(provider, provider)


def wire_model(model: Mapping[str, Any]) -> Dict[str, Any]:
    """A catalogue model as ``GET /v1/models`` sends it.

    Prices are decimal strings or ``null`` (the catalogue holds numbers, which billing uses);
    the per-1M prices, ``pricing_unit``, ``image_output_usd_per_image``, ``brand`` and the
    ``supports_*`` flags of the current catalogue are derived when the data leaves them out.
    """
    out = dict(model)
    raw = dict(model.get("pricing") or {})
    pricing: Dict[str, Any] = {}
    for name, value in raw.items():
        pricing[name] = value if name in _PRICING_TEXT else decimal_string(value)
    for per_1k, per_1m in _PER_1M.items():
        if per_1m not in raw and raw.get(per_1k) is not None:
            pricing[per_1m] = decimal_string(Decimal(str(raw[per_1k])) * 1000)
    if "image_output_usd_per_image" not in raw and "image_usd_per_image" in raw:
        pricing["image_output_usd_per_image"] = decimal_string(raw["image_usd_per_image"])
    kind = model.get("model_type")
    pricing.setdefault("pricing_unit", "per_image" if kind == "image" else "per_token")
    pricing.setdefault("request_usd", None)
    out["pricing"] = pricing
    out.setdefault("provider", provider_of(model))
    out.setdefault("brand", brand_of(model))
    out.setdefault("supports_realtime", kind == "realtime")
    out.setdefault("supports_embeddings", kind == "embedding")
    out.setdefault("supports_tools", False)
    out.setdefault("supports_structured_output", kind in ("chat", "reasoning"))
    out.setdefault("supports_system_prompt", kind in ("chat", "reasoning", "audio", "realtime"))
    out.setdefault("supports_batching", kind in ("chat", "reasoning"))
    out.setdefault("is_composite", False)
    if model.get("context_length") is not None:
        out.setdefault("context_window", model["context_length"])
    return out


class Catalogue:
    """The model catalogue, loaded from JSON data (the packaged ``catalogue.json`` by default).

    The file holds either a bare list of model objects or ``{"models": [...]}``; each model needs
    at least ``id`` (``provider/name``) and ``model_type`` (one of chat, reasoning, embedding,
    image, audio, realtime, video, moderation). Unknown fields are served as they are.
    """

    def __init__(self, models: Sequence[Mapping[str, Any]]) -> None:
        self._models: Dict[str, Dict[str, Any]] = {}
        for index, raw in enumerate(models):
            model = dict(raw)
            mid = model.get("id")
            if not isinstance(mid, str) or "/" not in mid:
                raise ValueError(f"catalogue entry {index}: 'id' must be a 'provider/name' string")
            if model.get("model_type") not in _MODEL_KINDS:
                raise ValueError(
                    f"catalogue entry {mid!r}: 'model_type' must be one of {sorted(_MODEL_KINDS)}"
                )
            if mid in self._models:
                raise ValueError(f"catalogue entry {mid!r} appears twice")
            model.setdefault("name", mid.split("/", 1)[1])
            model.setdefault("is_free", False)
            model.setdefault("pricing", {})
            model.setdefault("input_modalities", ["text"])
            model.setdefault("output_modalities", ["text"])
            self._models[mid] = model

    @classmethod
    def load(cls, path: Optional[str] = None) -> Catalogue:
        """Load from ``path``, or from the catalogue shipped with the package."""
        if path is None:
            text = resources.files("meshapi.testing").joinpath("catalogue.json").read_text("utf-8")
            source = "the packaged catalogue.json"
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
            source = path
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{source} is not valid JSON: {exc}") from None
        models = data.get("models") if isinstance(data, dict) else data
        if not isinstance(models, list):
            raise ValueError(f"{source} must hold a list of models or {{'models': [...]}}")
        return cls(models)

    def get(self, model_id: str) -> Optional[Dict[str, Any]]:
        """The model object, or ``None`` when the id is unknown."""
        return self._models.get(model_id)

    def require(self, model_id: Any) -> Dict[str, Any]:
        """The model object; an unknown id raises 404 ``model_not_found``."""
        model = self._models.get(model_id) if isinstance(model_id, str) else None
        if model is None:
            raise GatewayError(404, "model_not_found", f"Model {model_id!r} was not found.")
        return model

    def all(self) -> List[Dict[str, Any]]:
        """Every model, in catalogue order."""
        return list(self._models.values())

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._models

    def __len__(self) -> int:
        return len(self._models)
