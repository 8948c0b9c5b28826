"""``/v1/templates``: server-stored prompts with ``{{variable}}`` slots."""

from __future__ import annotations

from typing import Any, List, Mapping, Sequence, Union

from .._endpoint import Endpoint
from .._request import ExtraHeaders, ModelParser, TimeoutTypes
from .._types import (
    CreateTemplateParams,
    DeleteTemplateResponse,
    TemplateSummary,
    UpdateTemplateParams,
)
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncTemplatesResource", "TemplatesResource"]


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

CreateInput = Union[CreateTemplateParams, Mapping[str, Any]]
UpdateInput = Union[UpdateTemplateParams, Mapping[str, Any]]


class TemplatesResource(SyncResource):
    """Prompt templates: create, list, get, update, delete."""

    def create(
        self,
        params: CreateInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> TemplateSummary:
        """Store a new template (409 ``ConflictError`` if the name is taken)."""
        return self._call(CREATE, params=params, extra_headers=extra_headers, timeout=timeout)

    def list(
        self, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> List[TemplateSummary]:
        """Every template this key can see (its own and global ones)."""
        return self._call(LIST, extra_headers=extra_headers, timeout=timeout)

    def get(
        self, template_id: str, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> TemplateSummary:
        """One template by id."""
        return self._call(GET, template_id, extra_headers=extra_headers, timeout=timeout)

    def update(
        self,
        template_id: str,
        params: UpdateInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> TemplateSummary:
        """Change some fields of a template; the others stay as they are."""
        return self._call(
            UPDATE, template_id, params=params, extra_headers=extra_headers, timeout=timeout
        )

    def delete(
        self, template_id: str, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> DeleteTemplateResponse:
        """Delete a template."""
        return self._call(DELETE, template_id, extra_headers=extra_headers, timeout=timeout)


class AsyncTemplatesResource(AsyncResource):
    """Prompt templates: create, list, get, update, delete."""

    async def create(
        self,
        params: CreateInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> TemplateSummary:
        """Store a new template (409 ``ConflictError`` if the name is taken)."""
        return await self._call(CREATE, params=params, extra_headers=extra_headers, timeout=timeout)

    async def list(
        self, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> List[TemplateSummary]:
        """Every template this key can see (its own and global ones)."""
        return await self._call(LIST, extra_headers=extra_headers, timeout=timeout)

    async def get(
        self, template_id: str, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> TemplateSummary:
        """One template by id."""
        return await self._call(GET, template_id, extra_headers=extra_headers, timeout=timeout)

    async def update(
        self,
        template_id: str,
        params: UpdateInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> TemplateSummary:
        """Change some fields of a template; the others stay as they are."""
        return await self._call(
            UPDATE, template_id, params=params, extra_headers=extra_headers, timeout=timeout
        )

    async def delete(
        self, template_id: str, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> DeleteTemplateResponse:
        """Delete a template."""
        return await self._call(DELETE, template_id, extra_headers=extra_headers, timeout=timeout)
