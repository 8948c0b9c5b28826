"""Templates: /v1/templates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Dict, List, Optional, Sequence, Union

from pydantic import Field
from typing_extensions import Required, TypedDict

from ._base import RequestModel, ResponseModel
from .chat import MessageParam

__all__ = [
    "CreateTemplateParams",
    "CreateTemplateParamsDict",
    "DeleteTemplateResponse",
    "TemplateSummary",
    "UpdateTemplateParams",
    "UpdateTemplateParamsDict",
]


# ==============================================================================================
# Templates: /v1/templates
# ==============================================================================================

# A template's messages stay open, as in meshapi 0.1.4 (``List[Dict[str, Any]]``): a dict goes to
# the wire as given and the gateway checks it when the template is stored; a message model
# (ChatMessage, or a reply's ChatCompletionMessage) is accepted and checked as usual.
if TYPE_CHECKING:
    TemplateMessageParam = Union[MessageParam, Dict[str, Any]]
else:
    TemplateMessageParam = Annotated[
        Union[Dict[str, Any], MessageParam], Field(union_mode="left_to_right")
    ]


class CreateTemplateParamsDict(TypedDict, total=False):
    """:class:`CreateTemplateParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    name: Required[str]
    description: Optional[str]
    system: Optional[str]
    messages: Optional[Sequence[TemplateMessageParam]]
    model: Optional[str]
    params: Optional[Dict[str, Any]]
    variables: Optional[List[str]]


class CreateTemplateParams(RequestModel):
    """Body of ``POST /v1/templates``: a stored prompt with ``{{variable}}`` slots.

    ``model`` and ``params`` apply to requests that use the template unless they override them.
    """

    name: str
    description: Optional[str] = None
    system: Optional[str] = None
    messages: Optional[List[TemplateMessageParam]] = None
    model: Optional[str] = None
    params: Optional[Dict[str, Any]] = None
    variables: Optional[List[str]] = None


class UpdateTemplateParamsDict(TypedDict, total=False):
    """:class:`UpdateTemplateParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    name: Optional[str]
    description: Optional[str]
    system: Optional[str]
    messages: Optional[Sequence[TemplateMessageParam]]
    model: Optional[str]
    params: Optional[Dict[str, Any]]
    variables: Optional[List[str]]


class UpdateTemplateParams(RequestModel):
    """Body of ``PATCH /v1/templates/{id}``: only the fields given are changed.

    ``None`` means "leave unchanged"; to clear a field, send an explicit null with
    ``extra_body={"description": None}``.
    """

    name: Optional[str] = None
    description: Optional[str] = None
    system: Optional[str] = None
    messages: Optional[List[TemplateMessageParam]] = None
    model: Optional[str] = None
    params: Optional[Dict[str, Any]] = None
    variables: Optional[List[str]] = None


class TemplateSummary(ResponseModel):
    """A stored template. Timestamps are kept as the ISO-8601 strings the API sends."""

    id: str
    name: str
    owner: Optional[str] = None
    is_global: bool
    description: Optional[str] = None
    system: Optional[str] = None
    messages: Optional[List[Dict[str, Any]]] = None
    model: Optional[str] = None
    params: Optional[Dict[str, Any]] = None
    variables: Optional[List[str]] = None
    created_at: str
    updated_at: str


class DeleteTemplateResponse(ResponseModel):
    """The answer of ``DELETE /v1/templates/{id}``; a 204 answer gives an empty one."""

    id: Optional[str] = None
    deleted: Optional[bool] = None
