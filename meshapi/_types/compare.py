"""Compare: POST /v1/chat/compare."""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    ClassVar,
    Dict,
    List,
    Optional,
    Sequence,
    Set,
    Union,
)

from pydantic import Field
from typing_extensions import Required, TypedDict

from ._base import RequestModel, ResponseModel, Usage, _RequestPart
from .chat import MessageParam

__all__ = [
    "CompareModelOverride",
    "CompareModelOverrideDict",
    "CompareParams",
    "CompareParamsDict",
    "CompareResponse",
    "CompareResult",
    "CompareStreamEvent",
    "ModelOverride",
]


# ==============================================================================================
# Compare: POST /v1/chat/compare
# ==============================================================================================


class CompareModelOverrideDict(TypedDict, total=False):
    """:class:`CompareModelOverride` as a dict."""

    model: Required[str]
    temperature: Optional[float]
    top_p: Optional[float]
    max_tokens: Optional[int]
    reasoning_effort: Optional[str]
    system_prompt: Optional[str]


class CompareModelOverride(_RequestPart):
    """Per-model parameters for one model of a compare call. A dict may carry any other
    chat field: the gateway applies it to that model's request."""

    model: str
    temperature: Optional[float] = None
    top_p: Optional[float] = None
    max_tokens: Optional[int] = None
    reasoning_effort: Optional[str] = None
    system_prompt: Optional[str] = None
    """A system message for this model only."""


ModelOverride = CompareModelOverride
"""The name meshapi 0.1.4 used for :class:`CompareModelOverride` (the same class)."""


# Overrides stay open: the gateway applies any field besides ``model`` to that model's request,
# so a dict goes to the wire as given (a model is checked as usual).
if TYPE_CHECKING:
    CompareModelOverrideParam = Union[
        CompareModelOverride, CompareModelOverrideDict, Dict[str, Any]
    ]
else:
    CompareModelOverrideParam = Annotated[
        Union[Dict[str, Any], CompareModelOverride], Field(union_mode="left_to_right")
    ]


class CompareParamsDict(TypedDict, total=False):
    """:class:`CompareParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    models: Required[List[str]]
    messages: Required[Sequence[MessageParam]]
    model_overrides: Optional[List[CompareModelOverrideParam]]
    comparison_model: Optional[str]
    comparison_instructions: Optional[str]
    temperature: Optional[float]
    max_tokens: Optional[int]
    skip_comparison: Optional[bool]
    template: Optional[str]
    variables: Optional[Dict[str, Any]]
    stream: Optional[bool]


class CompareParams(RequestModel):
    """Body of ``POST /v1/chat/compare``: one prompt sent to 1-10 models in parallel.

    The gateway removes duplicate models; the 1-10 count is checked here on the list as given.
    Unless ``skip_comparison`` is set, ``comparison_model`` writes a synthesis of the answers.
    """

    models: List[str] = Field(min_length=1, max_length=10)
    messages: List[MessageParam]
    model_overrides: Optional[List[CompareModelOverrideParam]] = None
    comparison_model: Optional[str] = None
    comparison_instructions: Optional[str] = None
    temperature: Optional[float] = None
    max_tokens: Optional[int] = None
    skip_comparison: Optional[bool] = None
    template: Optional[str] = None
    variables: Optional[Dict[str, Any]] = None
    stream: Optional[bool] = None


class CompareResult(ResponseModel):
    """One model's answer in a compare call; ``error`` / ``error_code`` are set when it failed."""

    model: str
    content: Optional[str] = None
    response_body: Optional[Dict[str, Any]] = None
    """The model's full ``chat.completion`` body."""
    latency_ms: Optional[float] = None
    error: Optional[str] = None
    error_code: Optional[str] = None
    usage: Optional[Usage] = None
    request_id: Optional[str] = None
    """``req_...::<model>``."""


class CompareResponse(ResponseModel):
    """A ``compare.completion`` object. ``partial`` is true when some models failed."""

    object: str
    comparison_id: str
    created: int
    models: List[str]
    results: List[CompareResult]
    comparison: Optional[str] = None
    """The synthesis text, unless ``skip_comparison`` was set."""
    comparison_model: Optional[str] = None
    comparison_usage: Optional[Usage] = None
    comparison_fallback_used: Optional[bool] = None
    total_latency_ms: float
    partial: Optional[bool] = None
    skip_comparison: Optional[bool] = None


class CompareStreamEvent(ResponseModel):
    """One event of a streamed compare call: its name, the whole payload, and its fields.

    ``event`` is the SSE event name. With synthesis: ``meta`` → ``model_chunk`` (one whole result
    per model) → ``model_done`` (``results``) → ``comparison_chunk`` (``delta``,
    ``finish_reason``)... → ``done``. With ``skip_comparison``: ``meta`` → per-token
    ``model_chunk`` (``model``, ``delta``, ``finish_reason``) → ``model_stream_done`` per model →
    ``done``. ``data`` is the payload as received; its keys are also copied to attributes for
    convenience (typed when listed here, as extras otherwise), and a field the event does not
    carry is ``None``.
    """

    # Payload keys that would clash with the event's own two fields: they stay in `data` only.
    _reserved: ClassVar[Set[str]] = {"event", "data"}

    event: str
    data: Dict[str, Any] = Field(default_factory=dict)
    model: Optional[str] = None
    delta: Optional[str] = None
    finish_reason: Optional[str] = None
    error: Optional[str] = None
    error_code: Optional[str] = None
    latency_ms: Optional[float] = None
    usage: Optional[Usage] = None
    results: Optional[List[CompareResult]] = None
    comparison_id: Optional[str] = None
    models: Optional[List[str]] = None
    comparison_model: Optional[str] = None
    comparison_fallback_used: Optional[bool] = None
    total_latency_ms: Optional[float] = None
    partial: Optional[bool] = None
    skip_comparison: Optional[bool] = None

    @classmethod
    def from_sse(cls, event: Optional[str], data: Dict[str, Any]) -> CompareStreamEvent:
        """Build an event from an SSE frame's ``event:`` name and decoded ``data:`` JSON.

        Compare frames always name their event; without a name, the payload's ``type`` is used,
        else ``"message"`` (the SSE default).

        Raises:
            pydantic.ValidationError: a known field has the wrong type.
        """
        if not event:
            kind = data.get("type")
            event = kind if isinstance(kind, str) and kind else "message"
        reserved = cls._reserved
        fields: Dict[str, Any] = {k: v for k, v in data.items() if k not in reserved}
        fields["event"] = event
        fields["data"] = data
        return cls.model_validate(fields)
