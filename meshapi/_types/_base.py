"""Bases."""

from __future__ import annotations

import inspect
import json
from typing import TYPE_CHECKING, Any, ClassVar, Dict, Iterable, Optional, Set

from pydantic import BaseModel, ConfigDict, ValidationError

from .._errors import InvalidRequestError

if TYPE_CHECKING:
    from .._meta import ResponseMeta

__all__ = [
    "CompletionTokensDetails",
    "PromptTokensDetails",
    "RequestModel",
    "ResponseModel",
    "TokenUsage",
    "Usage",
    "UsageInfo",
]


# ==============================================================================================
# Bases
# ==============================================================================================


class _Model(BaseModel):
    """What every model of the SDK has: ``to_dict()`` / ``to_json()``, and a constructor
    signature (``help()``, ``inspect.signature``, editors) before its schema is built."""

    if not TYPE_CHECKING:

        def __init__(self, **data: Any) -> None:
            try:
                super().__init__(**data)
            except ValidationError as exc:
                raise _invalid(type(self), exc) from None

        # Tell pydantic this is its own __init__: validation (model_validate, nested models,
        # response parsing) must not be routed through it, only direct construction.
        __init__.__pydantic_base_init__ = True

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        # defer_build leaves pydantic's signature as `(**data)` until first use; the fields
        # are known already, so say them.
        cls.__signature__ = _signature(cls)

    def to_dict(self, *, exclude_none: bool = True) -> Dict[str, Any]:
        """A JSON-ready dict of this object (fields by their wire names, ``None`` left out
        unless ``exclude_none=False``; fields kept from the wire included)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=exclude_none)

    def to_json(self, *, indent: Optional[int] = None, exclude_none: bool = True) -> str:
        """:meth:`to_dict` as a JSON string."""
        return json.dumps(self.to_dict(exclude_none=exclude_none), indent=indent)


def _invalid(model: type, exc: ValidationError) -> InvalidRequestError:
    from .._request import invalid_request_error

    return invalid_request_error(f"{model.__name__}(...)", model, exc)


def _signature(cls: type) -> inspect.Signature:
    params = []
    for name, field in getattr(cls, "model_fields", {}).items():
        annotation = field.annotation if field.annotation is not None else Any
        default = inspect.Parameter.empty if field.is_required() else field.get_default()
        params.append(
            inspect.Parameter(
                field.alias or name,
                inspect.Parameter.KEYWORD_ONLY,
                default=default,
                annotation=annotation,
            )
        )
    params.sort(key=lambda p: p.default is not inspect.Parameter.empty)
    return inspect.Signature(params, return_annotation=None)


class _RequestPart(_Model):
    """Base of request-only models nested inside a params model (messages, tools, parts...).

    Unknown fields are rejected so that a typo is reported, not dropped. Nested parts have no
    ``extra_body`` of their own: pass a plain dict instead of the model to send fields the SDK
    does not know.
    """

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, protected_namespaces=(), defer_build=True
    )


class RequestModel(_Model):
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


class ResponseModel(_Model):
    """Base of every response model: fields the gateway adds beyond the model are kept, and
    read through :attr:`extra_fields` (a misspelt declared field stays an error for type
    checkers). ``_meta`` says how the answer arrived (:class:`meshapi.ResponseMeta`)."""

    model_config = ConfigDict(
        extra="allow", populate_by_name=True, protected_namespaces=(), defer_build=True
    )

    @property
    def extra_fields(self) -> Dict[str, Any]:
        """The fields the gateway sent that this model does not declare (a new field, a
        provider's own), by their wire names."""
        return dict(self.__pydantic_extra__ or {})

    @property
    def _meta(self) -> Optional[ResponseMeta]:
        """How this answer arrived: request id, HTTP status, headers (``X-Mesh-Routing-*``,
        the resolved model), retries taken, time elapsed. ``None`` on an object the SDK did not
        receive (built by hand, or nested inside an answer: ask the answer)."""
        from .._meta import meta_of

        return meta_of(self)

    def __eq__(self, other: object) -> bool:
        # Equal answers are equal however they arrived: the _meta bookkeeping is left out.
        if not isinstance(other, BaseModel):
            return NotImplemented
        return (
            type(self) is type(other)
            and self.__dict__ == other.__dict__
            and self.__pydantic_extra__ == other.__pydantic_extra__
        )

    __hash__ = None  # type: ignore[assignment]


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
    classifier_prompt_tokens: Optional[int] = None
    """Tokens the gateway's auto-router classifier read (``model: "auto"``), when reported."""
    classifier_completion_tokens: Optional[int] = None
    classifier_tokens: Optional[int] = None


UsageInfo = Usage
"""The name meshapi 0.1.4 used for :class:`Usage` of chat completions (the same class)."""

TokenUsage = Usage
"""The name meshapi 0.1.4 used for :class:`Usage` of a compare synthesis (the same class)."""
