"""Client-side model fallback: when a model fails, the same request on the next model. No I/O.

Rule 1: only a failure of the model itself falls back: a 502, 503 or 504, ``model_not_found``,
``model_capability_not_supported``, or an upstream (provider) error; for a stream, only before
its first item arrived (nothing has been shown to the caller yet). Authentication, validation,
billing and rate-limit errors never fall back: another model would fail the same way, or the
caller must act. A connection error or a timeout does not either (the client's retries handle
those; another model would not help).
Rule 2: the answer says what happened: ``reply._meta.model`` is the model that served it and
``reply._meta.models_tried`` every model tried, in order (also on a stream's ``_meta`` and on the
last error's ``models_tried`` when every model failed).

``fallback_models=[...]`` is given per call (a keyword of ``create`` / ``stream`` / ``parse`` of
chat completions and responses) or per client (``MeshAPI(fallback_models=[...])``; a call's own
list wins, ``fallback_models=[]`` turns it off). :class:`FallbackPlan` decides; the resource
base's twins only send and catch.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from pydantic import BaseModel

from ._endpoint import BodyCallOptions
from ._errors import InvalidRequestError, MeshAPIError

__all__ = [
    "FALLBACK_CODES",
    "FALLBACK_STATUSES",
    "FallbackCallOptions",
    "FallbackPlan",
    "fallback_models_option",
    "should_fall_back",
]


class FallbackCallOptions(BodyCallOptions, total=False):
    """:class:`~meshapi.BodyCallOptions` plus ``fallback_models``: the models to try, in
    order, when the call's model fails (see :mod:`meshapi._fallback`)."""

    fallback_models: Sequence[str]


FALLBACK_STATUSES = frozenset({502, 503, 504})
FALLBACK_CODES = frozenset(
    {
        "model_not_found",
        "model_capability_not_supported",
        "upstream_error",
        "provider_error",
        "provider_unavailable",
        "model_unavailable",
        "model_overloaded",
    }
)
# The statuses and codes of errors that never fall back, whatever else they say.
NEVER_STATUSES = frozenset({400, 401, 402, 403, 409, 413, 422, 429})
NEVER_CODES = frozenset(
    {
        "unauthorized",
        "invalid_api_key",
        "forbidden",
        "spend_limit_exceeded",
        "insufficient_credits",
        "validation_error",
        "invalid_request",
        "rate_limit_exceeded",
    }
)


def should_fall_back(error: BaseException) -> bool:
    """Whether ``error`` is a failure of the model that another model may not have."""
    if not isinstance(error, MeshAPIError):
        return False
    code = error.error_code
    if code in ("model_not_found", "model_capability_not_supported"):
        return True
    if code in NEVER_CODES or error.status in NEVER_STATUSES:
        return False
    return error.status in FALLBACK_STATUSES or code in FALLBACK_CODES


def _check_models(value: Any, where: str) -> List[str]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InvalidRequestError(f"{where} must be a list of model ids, got {value!r}")
    for model in value:
        if not isinstance(model, str) or not model:
            raise InvalidRequestError(
                f"{where} must hold model ids (non-empty strings), got {model!r}"
            )
    return list(value)


def fallback_models_option(value: Sequence[str]) -> Tuple[str, ...]:
    """A client's ``fallback_models=``, checked."""
    return tuple(_check_models(value, "fallback_models"))


class FallbackPlan:
    """The models one call tries, in order, and the request for the current one.

    ``params`` is the call's params model or dict (or ``None`` for a keyword call, whose body
    fields are in ``options``); ``options`` the method's keyword arguments, from which
    ``fallback_models`` is taken; ``client_models`` the client's default list.
    """

    def __init__(
        self,
        params: Any,
        options: Mapping[str, Any],
        client_models: Sequence[str] = (),
    ) -> None:
        rest = dict(options)
        given = rest.pop("fallback_models", None)
        fallbacks = (
            _check_models(given, "fallback_models") if given is not None else list(client_models)
        )
        self.params = params
        self.options = rest
        primary = self._model_of(params, rest)
        self.models: List[str] = [primary] if primary else []
        self.models += [m for m in fallbacks if m not in self.models]
        self.active = bool(fallbacks) and primary is not None
        self.position = 0
        self.tried: List[str] = []
        self.errors: List[Tuple[str, MeshAPIError]] = []

    @staticmethod
    def _model_of(params: Any, options: Mapping[str, Any]) -> Optional[str]:
        if params is None:
            model = options.get("model")
        elif isinstance(params, Mapping):
            model = params.get("model")
        else:
            model = getattr(params, "model", None)
        return model if isinstance(model, str) and model else None

    @property
    def model(self) -> Optional[str]:
        """The model of the current attempt."""
        return self.models[self.position] if self.models else None

    def request(self) -> Tuple[Any, Dict[str, Any]]:
        """``(params, options)`` of the current attempt: the call's, with its model."""
        if not self.active or self.position == 0:
            self._note_try()
            return self.params, dict(self.options)
        model = self.models[self.position]
        self._note_try()
        params = self.params
        if params is None:
            return None, {**self.options, "model": model}
        if isinstance(params, Mapping):
            return {**params, "model": model}, dict(self.options)
        if isinstance(params, BaseModel):
            given = {name: getattr(params, name) for name in params.model_fields_set}
            return type(params).model_validate({**given, "model": model}), dict(self.options)
        raise InvalidRequestError(
            f"params must be a params model or a dict, got {type(params).__name__}"
        )

    def _note_try(self) -> None:
        model = self.model
        if model is not None and (not self.tried or self.tried[-1] != model):
            self.tried.append(model)

    def next(self, error: BaseException) -> bool:
        """After ``error`` on the current model: move to the next model and return ``True``,
        or return ``False`` (raise the error: it does not fall back, or no model is left).
        The error is given ``models_tried``."""
        if isinstance(error, MeshAPIError):
            error.models_tried = list(self.tried)  # type: ignore[attr-defined]
            if self.model is not None:
                self.errors.append((self.model, error))
        if not self.active or not should_fall_back(error):
            return False
        if self.position + 1 >= len(self.models):
            return False
        self.position += 1
        return True

    def served(self, meta: Any) -> None:
        """Record on ``meta`` (a :class:`~meshapi.ResponseMeta`) which model served and which
        were tried."""
        if meta is not None and self.active:
            meta.model = self.model
            meta.models_tried = tuple(self.tried)
