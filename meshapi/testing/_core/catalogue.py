"""The model catalogue: JSON data (the packaged ``catalogue.json`` by default), checked on load."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Dict, List, Mapping, Optional, Sequence

from .errors import GatewayError

__all__ = ["Catalogue"]

_MODEL_KINDS = {"chat", "reasoning", "embedding", "image", "audio", "realtime", "moderation"}


class Catalogue:
    """The model catalogue, loaded from JSON data (the packaged ``catalogue.json`` by default).

    The file holds either a bare list of model objects or ``{"models": [...]}``; each model needs
    at least ``id`` (``provider/name``) and ``model_type`` (one of chat, reasoning, embedding,
    image, audio, realtime, moderation). Unknown fields are served as they are.
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
