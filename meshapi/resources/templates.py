"""``/v1/templates``: server-stored prompts with ``{{variable}}`` slots."""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Union, overload

from typing_extensions import Unpack

from .._endpoint import BodyCallOptions, CallOptions, Endpoint
from .._request import ModelParser
from .._types import (
    CreateTemplateParams,
    CreateTemplateParamsDict,
    DeleteTemplateResponse,
    TemplateSummary,
    UpdateTemplateParams,
    UpdateTemplateParamsDict,
)
from ._base import AsyncResource, SyncResource

__all__ = [
    "AsyncTemplatesResource",
    "CreateTemplateKwargs",
    "TemplatesResource",
    "UpdateTemplateKwargs",
]


def _deleted(path_args: Sequence[str]) -> DeleteTemplateResponse:
    # 204 No Content: the delete happened and there is nothing to parse.
    return DeleteTemplateResponse(id=path_args[0], deleted=True)


CREATE = Endpoint(
    "POST", "/v1/templates", TemplateSummary, name="create", params=CreateTemplateParams
)
LIST = Endpoint("GET", "/v1/templates", ModelParser.for_list(TemplateSummary), name="list")
GET = Endpoint("GET", "/v1/templates/{template_id}", TemplateSummary, name="get")
UPDATE = Endpoint(
    "PATCH",
    "/v1/templates/{template_id}",
    TemplateSummary,
    name="update",
    params=UpdateTemplateParams,
)
DELETE = Endpoint(
    "DELETE",
    "/v1/templates/{template_id}",
    DeleteTemplateResponse,
    name="delete",
    on_empty=_deleted,
)

CreateInput = Union[CreateTemplateParams, CreateTemplateParamsDict]
UpdateInput = Union[UpdateTemplateParams, UpdateTemplateParamsDict]


class CreateTemplateKwargs(CreateTemplateParamsDict, CallOptions, total=False):
    """The keyword arguments of ``create()``: the body's fields and the per-call options."""


class UpdateTemplateKwargs(UpdateTemplateParamsDict, CallOptions, total=False):
    """The keyword arguments of ``update()``: the body's fields and the per-call options."""


class TemplatesResource(SyncResource):
    """Prompt templates: create, list, get, update, delete."""

    @overload
    def create(
        self, params: CreateInput, /, **options: Unpack[BodyCallOptions]
    ) -> TemplateSummary: ...
    @overload
    def create(self, /, **kwargs: Unpack[CreateTemplateKwargs]) -> TemplateSummary: ...
    def create(self, params: Optional[CreateInput] = None, /, **kwargs: Any) -> TemplateSummary:
        """Store a new template (409 ``ConflictError`` if the name is taken). Keyword
        arguments or a :class:`CreateTemplateParams` (or its dict)."""
        return self._call(CREATE, params=params, options=kwargs)

    def list(self, **options: Unpack[CallOptions]) -> List[TemplateSummary]:
        """Every template this key can see (its own and global ones)."""
        return self._call(LIST, options=options)

    def get(self, template_id: str, **options: Unpack[CallOptions]) -> TemplateSummary:
        """One template by id."""
        return self._call(GET, template_id, options=options)

    @overload
    def update(
        self, template_id: str, params: UpdateInput, /, **options: Unpack[BodyCallOptions]
    ) -> TemplateSummary: ...
    @overload
    def update(
        self, template_id: str, /, **kwargs: Unpack[UpdateTemplateKwargs]
    ) -> TemplateSummary: ...
    def update(
        self, template_id: str, params: Optional[UpdateInput] = None, /, **kwargs: Any
    ) -> TemplateSummary:
        """Change some fields of a template; the others stay as they are. Keyword arguments
        or an :class:`UpdateTemplateParams` (or its dict)."""
        return self._call(UPDATE, template_id, params=params, options=kwargs)

    def delete(self, template_id: str, **options: Unpack[CallOptions]) -> DeleteTemplateResponse:
        """Delete a template."""
        return self._call(DELETE, template_id, options=options)


class AsyncTemplatesResource(AsyncResource):
    """Prompt templates: create, list, get, update, delete."""

    @overload
    async def create(
        self, params: CreateInput, /, **options: Unpack[BodyCallOptions]
    ) -> TemplateSummary: ...
    @overload
    async def create(self, /, **kwargs: Unpack[CreateTemplateKwargs]) -> TemplateSummary: ...
    async def create(
        self, params: Optional[CreateInput] = None, /, **kwargs: Any
    ) -> TemplateSummary:
        """Store a new template (409 ``ConflictError`` if the name is taken). Keyword
        arguments or a :class:`CreateTemplateParams` (or its dict)."""
        return await self._call(CREATE, params=params, options=kwargs)

    async def list(self, **options: Unpack[CallOptions]) -> List[TemplateSummary]:
        """Every template this key can see (its own and global ones)."""
        return await self._call(LIST, options=options)

    async def get(self, template_id: str, **options: Unpack[CallOptions]) -> TemplateSummary:
        """One template by id."""
        return await self._call(GET, template_id, options=options)

    @overload
    async def update(
        self, template_id: str, params: UpdateInput, /, **options: Unpack[BodyCallOptions]
    ) -> TemplateSummary: ...
    @overload
    async def update(
        self, template_id: str, /, **kwargs: Unpack[UpdateTemplateKwargs]
    ) -> TemplateSummary: ...
    async def update(
        self, template_id: str, params: Optional[UpdateInput] = None, /, **kwargs: Any
    ) -> TemplateSummary:
        """Change some fields of a template; the others stay as they are. Keyword arguments
        or an :class:`UpdateTemplateParams` (or its dict)."""
        return await self._call(UPDATE, template_id, params=params, options=kwargs)

    async def delete(
        self, template_id: str, **options: Unpack[CallOptions]
    ) -> DeleteTemplateResponse:
        """Delete a template."""
        return await self._call(DELETE, template_id, options=options)
