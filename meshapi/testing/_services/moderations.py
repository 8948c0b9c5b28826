"""Moderations: ``POST /v1/moderations`` with the deterministic classifier of
:mod:`.._engines.moderation`.

``input`` is a string, a list of strings, or a list of parts (``{"type": "text", "text"}`` /
``{"type": "image_url", "image_url": {"url"}}``); there is one result per string and one per
part, in input order. ``model`` defaults to ``omni-moderation-latest``; a bare id without a
provider (``omni-moderation-latest``) means the ``openai/`` model of that name. Moderation is
free: nothing is charged.
"""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Mapping, Optional, Union

import pydantic

from .._core.config import KeyRecord
from .._core.errors import GatewayError, validation_detail
from .._core.gateway import Gateway
from .._core.validation import validate_body
from .._engines.moderation import classify

__all__ = ["ModerationRequest", "moderate"]

DEFAULT_MODEL = "omni-moderation-latest"
_MAX_INPUTS = 32


class _Url(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow")

    url: str = pydantic.Field(min_length=1)


class ModerationPart(pydantic.BaseModel):
    """One part of a multimodal input."""

    model_config = pydantic.ConfigDict(extra="allow")

    type: Literal["text", "image_url"]
    text: Optional[str] = None
    image_url: Optional[_Url] = None

    @pydantic.model_validator(mode="after")
    def _check(self) -> ModerationPart:
        if self.type == "text" and self.text is None:
            raise ValueError("a 'text' part needs 'text'")
        if self.type == "image_url" and self.image_url is None:
            raise ValueError("an 'image_url' part needs 'image_url': {'url': ...}")
        return self


class ModerationRequest(pydantic.BaseModel):
    """The moderations body."""

    model_config = pydantic.ConfigDict(extra="allow")

    input: Union[str, List[str], List[ModerationPart]]
    model: str = DEFAULT_MODEL


def _model(gateway: Gateway, name: str) -> Dict[str, Any]:
    model = gateway.catalogue.require(name if "/" in name else f"openai/{name}")
    if model.get("model_type") != "moderation":
        raise GatewayError(
            400,
            "invalid_request",
            f"Model {name!r} is not a moderation model; use {DEFAULT_MODEL!r}.",
        )
    return model


def _image_words(url: str) -> str:
    # No vision here: an http(s) image is judged by the words of its URL, a data: URL by nothing.
    return "" if url.startswith("data:") else url.replace("/", " ").replace(".", " ")


def _result(text: str, kind: str) -> Dict[str, Any]:
    categories, scores = classify(text)
    return {
        "flagged": any(categories.values()),
        "categories": categories,
        "category_scores": scores,
        "category_applied_input_types": {c: [kind] for c in categories},
    }


def moderate(gateway: Gateway, body: Mapping[str, Any], key: KeyRecord) -> Dict[str, Any]:
    """Classify every input; one result per string or part."""
    request = validate_body(ModerationRequest, body)
    model = _model(gateway, request.model)
    items: List[Any] = [request.input] if isinstance(request.input, str) else list(request.input)
    if not items:
        raise GatewayError(
            422,
            "validation_error",
            "input must not be empty.",
            details=[validation_detail(["body", "input"], "List should have 1 item", "too_short")],
        )
    if len(items) > _MAX_INPUTS:
        raise GatewayError(
            400, "invalid_request", f"input has {len(items)} items; at most {_MAX_INPUTS}."
        )
    results: List[Dict[str, Any]] = []
    for item in items:
        if isinstance(item, str):
            results.append(_result(item, "text"))
        elif item.type == "text":
            results.append(_result(item.text or "", "text"))
        else:
            if "image" not in (model.get("input_modalities") or []):
                raise GatewayError(
                    400,
                    "invalid_request",
                    f"Model {model['id']!r} moderates text only; use {DEFAULT_MODEL!r} for images.",
                )
            assert item.image_url is not None
            results.append(_result(_image_words(item.image_url.url), "image"))
    return {"id": "modr-" + gateway.new_id("x")[2:], "model": request.model, "results": results}
