"""``/v1/moderations``: Content moderation: classify text and images for policy violations."""

from __future__ import annotations

from typing import Any, Optional, Union, overload

from typing_extensions import Unpack

from .._endpoint import BodyCallOptions, CallOptions, Endpoint
from .._types import ModerationParams, ModerationParamsDict, ModerationResponse
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncModerationsResource", "ModerationKwargs", "ModerationsResource"]

CREATE = Endpoint(
    "POST", "/v1/moderations", ModerationResponse, name="create", params=ModerationParams
)

ModerationParamsInput = Union[ModerationParams, ModerationParamsDict]


class ModerationKwargs(ModerationParamsDict, CallOptions, total=False):
    """The keyword arguments of ``create()``: the body's fields and the per-call options."""


class ModerationsResource(SyncResource):
    """Content moderation: classify text and images for policy violations."""

    @overload
    def create(
        self, params: ModerationParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> ModerationResponse: ...
    @overload
    def create(self, /, **kwargs: Unpack[ModerationKwargs]) -> ModerationResponse: ...
    def create(
        self, params: Optional[ModerationParamsInput] = None, /, **kwargs: Any
    ) -> ModerationResponse:
        """Classify one text, several texts, or text and image parts; one result per input
        (``result.results[i].flagged``, ``.categories``, ``.category_scores``). Keyword
        arguments or a :class:`ModerationParams` (or its dict), with the per-call options
        beside either."""
        return self._call(CREATE, params=params, options=kwargs)


class AsyncModerationsResource(AsyncResource):
    """Content moderation: classify text and images for policy violations."""

    @overload
    async def create(
        self, params: ModerationParamsInput, /, **options: Unpack[BodyCallOptions]
    ) -> ModerationResponse: ...
    @overload
    async def create(self, /, **kwargs: Unpack[ModerationKwargs]) -> ModerationResponse: ...
    async def create(
        self, params: Optional[ModerationParamsInput] = None, /, **kwargs: Any
    ) -> ModerationResponse:
        """Classify one text, several texts, or text and image parts; one result per input
        (``result.results[i].flagged``, ``.categories``, ``.category_scores``). Keyword
        arguments or a :class:`ModerationParams` (or its dict), with the per-call options
        beside either."""
        return await self._call(CREATE, params=params, options=kwargs)
