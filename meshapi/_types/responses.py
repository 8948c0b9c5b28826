"""Responses: POST /v1/responses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Dict, List, Literal, Optional, Sequence, Union

from pydantic import ConfigDict, Discriminator, Field, Tag
from typing_extensions import Required, TypedDict

from .._pagination import ListPage
from ._base import RequestModel, ResponseModel, _RequestPart
from .chat import MessageParam

__all__ = [
    "ResponsesListItem",
    "ResponsesListResponse",
    "BuiltinTool",
    "BuiltinToolDict",
    "ResponseOutputContent",
    "ResponseOutputItem",
    "ResponsesFunctionTool",
    "ResponsesFunctionToolDict",
    "ResponsesParams",
    "ResponsesParamsDict",
    "ResponsesResponse",
    "ResponsesStreamEvent",
    "ResponsesUsage",
]


# ==============================================================================================
# Responses: POST /v1/responses
# ==============================================================================================


class ResponsesFunctionToolDict(TypedDict, total=False):
    """:class:`ResponsesFunctionTool` as a dict."""

    type: Literal["function"]
    name: Required[str]
    description: Optional[str]
    parameters: Optional[Dict[str, Any]]
    strict: Optional[bool]


class ResponsesFunctionTool(_RequestPart):
    """A function tool in the Responses shape (name and parameters at the top level)."""

    type: Literal["function"] = "function"
    name: str
    description: Optional[str] = None
    parameters: Optional[Dict[str, Any]] = None
    strict: Optional[bool] = None


_BuiltinToolType = Literal[
    "image_generation",
    "web_search_preview",
    "web_search_preview_2025_03_11",
    "file_search",
    "computer_use_preview",
    "code_interpreter",
]


class BuiltinToolDict(TypedDict, total=False):
    """:class:`BuiltinTool` as a dict: its ``type``; a tool's own options go beside it (type
    checkers see such a dict as a plain ``Dict[str, Any]``, which ``tools`` also takes)."""

    type: Required[_BuiltinToolType]


class BuiltinTool(_RequestPart):
    """A built-in tool of the Responses API; its own options are passed as extra fields.

    >>> BuiltinTool(type="web_search_preview", search_context_size="low")
    """

    model_config = ConfigDict(extra="allow")

    type: _BuiltinToolType


def _input_kind(value: Any) -> str:
    # A role without a "type" is a chat message (checked strictly); anything else is an input
    # item of the Responses API (function_call_output, ...), sent as given.
    if isinstance(value, dict):
        return "message" if "role" in value and "type" not in value else "item"
    return "item" if isinstance(value, (str, bytes)) else "message"


if TYPE_CHECKING:
    ResponseInputItem = Union[MessageParam, Dict[str, Any]]
else:
    ResponseInputItem = Annotated[
        Union[Annotated[MessageParam, Tag("message")], Annotated[Dict[str, Any], Tag("item")]],
        Discriminator(_input_kind),
    ]
"""One item of ``input``: a chat message (its dict checked as strictly as
:class:`ChatMessage`), or any other input item of the Responses API as a dict."""


class ResponsesParamsDict(TypedDict, total=False):
    """:class:`ResponsesParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    model: Optional[str]
    input: Required[Union[str, Sequence[ResponseInputItem]]]
    instructions: Optional[str]
    reasoning: Optional[Dict[str, Any]]
    max_output_tokens: Optional[int]
    tools: Optional[
        List[
            Union[
                ResponsesFunctionToolDict,
                BuiltinToolDict,
                ResponsesFunctionTool,
                BuiltinTool,
                Dict[str, Any],
            ]
        ]
    ]
    tool_choice: Optional[Union[str, Dict[str, Any]]]
    parallel_tool_calls: Optional[bool]
    seed: Optional[int]
    response_format: Optional[Dict[str, Any]]
    text: Optional[Dict[str, Any]]
    temperature: Optional[float]
    top_p: Optional[float]
    previous_response_id: Optional[str]
    metadata: Optional[Dict[str, Any]]
    store: Optional[bool]
    background: Optional[bool]
    include: Optional[List[str]]
    truncation: Optional[str]
    user: Optional[str]
    upstream_timeout: Optional[float]
    thinking: Optional[Dict[str, Any]]
    caching: Optional[Union[bool, Dict[str, Any]]]
    expire_at: Optional[int]
    max_tool_calls: Optional[int]
    context_management: Optional[Union[Dict[str, Any], List[Dict[str, Any]]]]
    plugins: Optional[List[Dict[str, Any]]]
    template: Optional[str]
    variables: Optional[Dict[str, Any]]
    session_id: Optional[str]
    stream: Optional[bool]


class ResponsesParams(RequestModel):
    """Body of ``POST /v1/responses`` (reasoning models).

    ``input`` is a string or a list of input items (dicts, or :class:`ChatMessage` for plain
    role/content messages). ``tools`` holds function tools in the Responses shape
    (``{"type": "function", "name": ..., "parameters": ...}``) and built-in tool objects.
    """

    model: Optional[str] = None
    """A model id, or ``"auto"`` for the gateway's auto router."""
    input: Union[str, List[ResponseInputItem]]
    instructions: Optional[str] = None
    reasoning: Optional[Dict[str, Any]] = None
    """For example ``{"effort": "medium"}``."""
    max_output_tokens: Optional[int] = Field(default=None, ge=1)
    tools: Optional[
        List[
            Annotated[
                Union[Dict[str, Any], ResponsesFunctionTool, BuiltinTool],
                Field(union_mode="left_to_right"),
            ]
        ]
    ] = None
    """Dicts, :class:`ResponsesFunctionTool` or :class:`BuiltinTool`."""
    tool_choice: Optional[Union[str, Dict[str, Any]]] = None
    parallel_tool_calls: Optional[bool] = None
    seed: Optional[int] = None
    response_format: Optional[Dict[str, Any]] = None
    text: Optional[Dict[str, Any]] = None
    temperature: Optional[float] = Field(default=None, ge=0, le=2)
    top_p: Optional[float] = Field(default=None, ge=0, le=1)
    previous_response_id: Optional[str] = None
    """Continue the conversation of a stored response (its input and output come first)."""
    metadata: Optional[Dict[str, Any]] = None
    store: Optional[bool] = None
    """Keep the response, retrievable with ``responses.get(id)`` (``False``: do not keep it)."""
    background: Optional[bool] = None
    """Run it as a background job: listed by ``responses.list()``, fetched by id."""
    include: Optional[List[str]] = None
    truncation: Optional[str] = None
    user: Optional[str] = Field(default=None, max_length=256)
    upstream_timeout: Optional[float] = Field(
        default=None, gt=0, validation_alias="timeout", serialization_alias="timeout"
    )
    """Sent as ``timeout``: the upstream timeout in seconds for this response (the gateway's
    own default is 300 s). ``ResponsesParams(timeout=30)`` works too (the 0.1.11 name); as
    a keyword argument of ``create()``, ``timeout=`` is the client's HTTP timeout, so use
    ``upstream_timeout=`` there."""
    thinking: Optional[Dict[str, Any]] = None
    caching: Optional[Union[bool, Dict[str, Any]]] = None
    expire_at: Optional[int] = None
    max_tool_calls: Optional[int] = Field(default=None, ge=1, le=10)
    context_management: Optional[Union[Dict[str, Any], List[Dict[str, Any]]]] = None
    plugins: Optional[List[Dict[str, Any]]] = None
    template: Optional[str] = None
    variables: Optional[Dict[str, Any]] = None
    session_id: Optional[str] = None
    stream: Optional[bool] = None


class ResponseOutputContent(ResponseModel):
    """A content part of an output item (``output_text``, ``refusal``, ``reasoning_text``...)."""

    type: str
    text: Optional[str] = None
    refusal: Optional[str] = None
    annotations: Optional[List[Dict[str, Any]]] = None


class ResponseOutputItem(ResponseModel):
    """An item of ``output``: a ``message``, a ``function_call``, a ``reasoning`` item...

    Fields that do not apply to an item's ``type`` are ``None``; item-specific fields not listed
    here are kept as extras.
    """

    type: str
    id: Optional[str] = None
    status: Optional[str] = None
    role: Optional[str] = None
    content: Optional[List[ResponseOutputContent]] = None
    # function_call items
    call_id: Optional[str] = None
    name: Optional[str] = None
    arguments: Optional[str] = None
    # reasoning items
    summary: Optional[List[Dict[str, Any]]] = None


class ResponsesUsage(ResponseModel):
    """Token counts of a response; a count the gateway left out reads as 0."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    input_tokens_details: Optional[Dict[str, Any]] = None
    output_tokens_details: Optional[Dict[str, Any]] = None


class ResponsesResponse(ResponseModel):
    """A response object. ``status``: ``completed``, ``in_progress``, ``incomplete``, ``failed``...

    ``created_at`` is a float because the API documents it as a number. ``id`` is optional as
    in meshapi 0.1.4 (an event may carry a partial response); the gateway always sends it.
    """

    id: Optional[str] = None
    object: str = "response"
    created_at: Optional[float] = None
    model: Optional[str] = None
    status: Optional[str] = None
    output: List[ResponseOutputItem] = Field(default_factory=list)
    usage: Optional[ResponsesUsage] = None
    error: Optional[Dict[str, Any]] = None
    incomplete_details: Optional[Dict[str, Any]] = None
    instructions: Optional[Any] = None
    previous_response_id: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None

    @property
    def output_text(self) -> str:
        """The text of every ``output_text`` part of every ``message`` item, concatenated."""
        texts: List[str] = []
        for item in self.output:
            if item.type != "message" or not item.content:
                continue
            for part in item.content:
                if part.type == "output_text" and part.text:
                    texts.append(part.text)
        return "".join(texts)


class ResponsesStreamEvent(ResponseModel):
    """One event of a streamed response, told apart by ``type``.

    Known types include ``response.created`` / ``response.in_progress`` / ``response.completed``
    (with ``response``), ``response.output_item.added`` / ``.done`` (with ``item``),
    ``response.output_text.delta`` (with ``delta``) and ``response.output_text.done`` (with
    ``text``). Fields of other event types are kept as extras.
    """

    type: str
    sequence_number: Optional[int] = None
    delta: Optional[str] = None
    text: Optional[str] = None
    response: Optional[ResponsesResponse] = None
    item: Optional[ResponseOutputItem] = None
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None


# ==============================================================================================
# Stored responses: GET /v1/responses (list), GET /v1/responses/{id}
# ==============================================================================================


class ResponsesListItem(ResponseModel):
    """One stored (background or ``store=True``) response job of ``responses.list()``; fetch the
    full response with ``responses.get(item.id)``."""

    id: str
    object: Optional[str] = None
    model: Optional[str] = None
    provider: Optional[str] = None
    status: Optional[str] = None
    created_at: Optional[int] = None
    completed_at: Optional[int] = None
    usage_synced: Optional[bool] = None


class ResponsesListResponse(ListPage):
    """One page of stored responses, newest first; ``has_more`` with ``last_id`` continues.
    Iterating it yields every response across pages, fetched lazily."""

    object: Optional[str] = None
    data: List[ResponsesListItem] = Field(default_factory=list)
    has_more: bool = False
    first_id: Optional[str] = None
    last_id: Optional[str] = None
