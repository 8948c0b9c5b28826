"""Bases."""

from __future__ import annotations

from typing import Any, ClassVar, Dict, Iterable, Optional, Set

from pydantic import BaseModel, ConfigDict

__all__ = [
    "CompletionTokensDetails",
    "PromptTokensDetails",
    "RequestModel",
    "ResponseModel",
    "Usage",
]


# ==============================================================================================
# Bases
# ==============================================================================================


class _RequestPart(BaseModel):
    """Base of request-only models nested inside a params model (messages, tools, parts...).

    Unknown fields are rejected so that a typo is reported, not dropped. Nested parts have no
    ``extra_body`` of their own: pass a plain dict instead of the model to send fields the SDK
    does not know.
    """

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, protected_namespaces=(), defer_build=True
    )


class RequestModel(BaseModel):
    """Base of every request params model: forbids unknown fields, builds the wire body.

    ``extra_body`` holds fields the SDK does not model yet; they are merged into the body last,
    so they also override a modelled field, and a ``None`` value there is sent as JSON ``null``
    (the only way to send an explicit null, since ``None`` fields are otherwise left out).
    """

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, protected_namespaces=(), defer_build=True
    )

    # Fields that are never part of the JSON body. A class-level constant so that to_wire does
    # no per-call work beyond model_dump.
    _wire_exclude: ClassVar[Set[str]] = {"extra_body"}

    extra_body: Optional[Dict[str, Any]] = None
    """Extra JSON fields merged into the body as given; its keys win over modelled fields."""

    def to_wire(self, *, leave_out: Iterable[str] = ()) -> Dict[str, Any]:
        """Return the JSON body: ``None`` fields left out, ``extra_body`` merged last.

        ``leave_out`` names more fields to leave out (the file parts of a multipart body, which
        are sent as they are rather than as JSON)."""
        exclude = self._wire_exclude | set(leave_out) if leave_out else self._wire_exclude
        body = self.model_dump(mode="json", exclude_none=True, by_alias=True, exclude=exclude)
        extra = self.extra_body
        if extra:
            body.update(extra)
        return body


class ResponseModel(BaseModel):
    """Base of every response model: unknown fields are kept and readable as attributes."""

    model_config = ConfigDict(
        extra="allow", populate_by_name=True, protected_namespaces=(), defer_build=True
    )


# ==============================================================================================
# Shared: token usage
# ==============================================================================================


class PromptTokensDetails(ResponseModel):
    """Breakdown of the prompt tokens (cached and audio tokens, when the provider reports them)."""

    cached_tokens: Optional[int] = None
    audio_tokens: Optional[int] = None


class CompletionTokensDetails(ResponseModel):
    """Breakdown of the completion tokens (reasoning, audio, prediction tokens)."""

    reasoning_tokens: Optional[int] = None
    audio_tokens: Optional[int] = None
    accepted_prediction_tokens: Optional[int] = None
    rejected_prediction_tokens: Optional[int] = None


class Usage(ResponseModel):
    """Token counts of a chat completion, an embeddings call or one compared model.

    A count the gateway left out reads as 0; ``"total_tokens" in usage.model_fields_set`` tells
    a reported 0 from a missing one. Embeddings report no ``completion_tokens``.
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    prompt_tokens_details: Optional[PromptTokensDetails] = None
    completion_tokens_details: Optional[CompletionTokensDetails] = None
