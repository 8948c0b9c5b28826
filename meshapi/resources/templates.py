"""``/v1/templates``: server-stored prompts with ``{{variable}}`` slots."""

from __future__ import annotations

from typing import Any, List, Mapping, Optional, Union

from .._request import ModelParser, RequestOptions, TimeoutTypes, encode_path_segment, model_body
from .._types import (
    CreateTemplateParams,
    DeleteTemplateResponse,
    TemplateSummary,
    UpdateTemplateParams,
)
from ._base import AsyncResource, SyncResource, call_options, post_model

__all__ = ["AsyncTemplatesResource", "TemplatesResource"]

_ONE = ModelParser.for_model(TemplateSummary)
_MANY = ModelParser.for_list(TemplateSummary)
_DELETED = ModelParser.for_model(DeleteTemplateResponse)

Headers = Optional[Mapping[str, str]]
CreateInput = Union[CreateTemplateParams, Mapping[str, Any]]
UpdateInput = Union[UpdateTemplateParams, Mapping[str, Any]]


def _path(template_id: str) -> str:
    return f"/v1/templates/{encode_path_segment(template_id)}"


def _create(params: CreateInput, extra_headers: Headers, timeout: TimeoutTypes) -> RequestOptions:
    return post_model(
        "/v1/templates", params, CreateTemplateParams, "create", extra_headers, timeout
    )


def _update(
    template_id: str, params: UpdateInput, extra_headers: Headers, timeout: TimeoutTypes
) -> RequestOptions:
    body = model_body(params, UpdateTemplateParams, "update").to_wire()
    return call_options(
        "PATCH", _path(template_id), body=body, extra_headers=extra_headers, timeout=timeout
    )


def _plain(method: str, path: str, extra_headers: Headers, timeout: TimeoutTypes) -> RequestOptions:
    return call_options(method, path, extra_headers=extra_headers, timeout=timeout)


def _deleted(
    template_id: str, content: bytes, status: int, request_id: Optional[str]
) -> DeleteTemplateResponse:
    if not content.strip():
        # 204 No Content: the delete happened and there is nothing to parse.
        return DeleteTemplateResponse(id=template_id, deleted=True)
    return _DELETED.parse(content, status=status, request_id=request_id, what="DELETE template")


class TemplatesResource(SyncResource):
    """Prompt templates: create, list, get, update, delete."""

    def create(
        self, params: CreateInput, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> TemplateSummary:
        """Store a new template (409 ``ConflictError`` if the name is taken)."""
        return self._http.request(_create(params, extra_headers, timeout), _ONE)

    def list(
        self, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> List[TemplateSummary]:
        """Every template this key can see (its own and global ones)."""
        return self._http.request(_plain("GET", "/v1/templates", extra_headers, timeout), _MANY)

    def get(
        self, template_id: str, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> TemplateSummary:
        """One template by id."""
        return self._http.request(_plain("GET", _path(template_id), extra_headers, timeout), _ONE)

    def update(
        self,
        template_id: str,
        params: UpdateInput,
        *,
        extra_headers: Headers = None,
        timeout: TimeoutTypes = None,
    ) -> TemplateSummary:
        """Change some fields of a template; the others stay as they are."""
        return self._http.request(_update(template_id, params, extra_headers, timeout), _ONE)

    def delete(
        self, template_id: str, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> DeleteTemplateResponse:
        """Delete a template."""
        r = self._http.send(_plain("DELETE", _path(template_id), extra_headers, timeout))
        return _deleted(template_id, r.content, r.status_code, r.headers.get("x-request-id"))


class AsyncTemplatesResource(AsyncResource):
    """Prompt templates: create, list, get, update, delete."""

    async def create(
        self, params: CreateInput, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> TemplateSummary:
        """Store a new template (409 ``ConflictError`` if the name is taken)."""
        return await self._http.request(_create(params, extra_headers, timeout), _ONE)

    async def list(
        self, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> List[TemplateSummary]:
        """Every template this key can see (its own and global ones)."""
        return await self._http.request(
            _plain("GET", "/v1/templates", extra_headers, timeout), _MANY
        )

    async def get(
        self, template_id: str, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> TemplateSummary:
        """One template by id."""
        return await self._http.request(
            _plain("GET", _path(template_id), extra_headers, timeout), _ONE
        )

    async def update(
        self,
        template_id: str,
        params: UpdateInput,
        *,
        extra_headers: Headers = None,
        timeout: TimeoutTypes = None,
    ) -> TemplateSummary:
        """Change some fields of a template; the others stay as they are."""
        return await self._http.request(_update(template_id, params, extra_headers, timeout), _ONE)

    async def delete(
        self, template_id: str, *, extra_headers: Headers = None, timeout: TimeoutTypes = None
    ) -> DeleteTemplateResponse:
        """Delete a template."""
        r = await self._http.send(_plain("DELETE", _path(template_id), extra_headers, timeout))
        return _deleted(template_id, r.content, r.status_code, r.headers.get("x-request-id"))
