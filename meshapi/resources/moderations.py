"""``/v1/moderations``: Content moderation: classify text and images for policy violations."""

from __future__ import annotations

from typing import Any, Mapping, Union

from .._endpoint import Endpoint
from .._request import ExtraHeaders, TimeoutTypes
from .._types import ModerationParams, ModerationResponse
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncModerationsResource", "ModerationsResource"]

CREATE = Endpoint(
    "POST", "/v1/moderations", ModerationResponse, name="create", params=ModerationParams
)

ModerationParamsInput = Union[ModerationParams, Mapping[str, Any]]


class ModerationsResource(SyncResource):
    """Content moderation: classify text and images for policy violations."""

    def create(
        self,
        params: ModerationParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ModerationResponse:
        """Classify one text, several texts, or text and image parts; one result per input
        (``result.results[i].flagged``, ``.categories``, ``.category_scores``)."""
        return self._call(CREATE, params=params, extra_headers=extra_headers, timeout=timeout)


class AsyncModerationsResource(AsyncResource):
    """Content moderation: classify text and images for policy violations."""

    async def create(
        self,
        params: ModerationParamsInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> ModerationResponse:
        """Classify one text, several texts, or text and image parts; one result per input
        (``result.results[i].flagged``, ``.categories``, ``.category_scores``)."""
        return await self._call(CREATE, params=params, extra_headers=extra_headers, timeout=timeout)
