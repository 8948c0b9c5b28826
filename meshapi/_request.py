"""Request building and response parsing: everything between a resource call and the wire. No I/O.

Rule 1: a path never escapes its resource. Every id placed in a path is percent-encoded, and the
dot segments ``.`` and ``..`` are encoded too (clients and servers resolve them), so
``templates.get("../models")`` asks for the template named ``../models``. Model ids keep their
``/`` (``openai/gpt-4o``) because that is how the gateway routes them.
Rule 2: a response either parses into its model or raises ``InvalidResponseError`` naming the
field that was wrong; a body is parsed once, from bytes, by pydantic (no dict round trip).
"""

from __future__ import annotations

import gc
import json
import os
import re
import time
from typing import (
    Any,
    Callable,
    Dict,
    Generic,
    List,
    Mapping,
    Optional,
    Set,
    Tuple,
    Type,
    TypeVar,
    Union,
)
from urllib.parse import quote

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from ._errors import InvalidRequestError, InvalidResponseError

__all__ = [
    "NOT_GIVEN",
    "ExtraHeaders",
    "NotGiven",
    "ModelParser",
    "RequestOptions",
    "encode_json",
    "encode_model_id",
    "encode_path_segment",
    "invalid_response_error",
    "new_idempotency_key",
    "new_request_id",
]

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class NotGiven:
    """The type of :data:`NOT_GIVEN`: "this argument was left out", as distinct from ``None``.

    ``timeout=None`` means *no timeout*; ``timeout=NOT_GIVEN`` (or leaving it out) means the
    client's default.
    """

    _instance: Optional[NotGiven] = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()
"""Left out: the client's setting applies (see :class:`NotGiven`)."""

# A timeout: seconds, an httpx.Timeout, None for no timeout at all, or NOT_GIVEN for the default.
TimeoutTypes = Union[float, httpx.Timeout, None, NotGiven]
# The `extra_headers=` of every resource method: headers for this one call.
ExtraHeaders = Optional[Mapping[str, str]]

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

# Lists at least this large are parsed with the cyclic garbage collector paused.
_GC_PAUSE_BYTES = 32 * 1024


_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]  # 1,024 pairs: 10 bits per lookup


def new_request_id() -> str:
    """A client-side request id in the gateway's own format: ``req_`` + a ULID (time-sortable)."""
    v = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    p = _PAIRS
    return "req_" + "".join([p[(v >> shift) & 1023] for shift in _SHIFTS])


_SHIFTS = tuple(range(120, -1, -10))


def new_idempotency_key() -> str:
    """A random (version 4) UUID, formatted without the cost of ``uuid.UUID``."""
    b = bytearray(os.urandom(16))
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def encode_path_segment(value: str) -> str:
    """Percent-encode one path segment, ``/`` included; ``.`` and ``..`` are encoded as well."""
    if not isinstance(value, str):
        raise InvalidRequestError(f"an id must be a str, got {type(value).__name__}")
    if not value:
        raise InvalidRequestError("an id must not be empty")
    encoded = quote(value, safe="")
    if encoded in (".", ".."):
        encoded = encoded.replace(".", "%2E")
    return encoded


def encode_model_id(value: str) -> str:
    """Encode a model id for a path: each ``/``-separated part is encoded, the ``/`` kept."""
    if not isinstance(value, str):
        raise InvalidRequestError(f"a model id must be a str, got {type(value).__name__}")
    if not value or any(not part for part in value.split("/")):
        raise InvalidRequestError(f"invalid model id {value!r}: expected 'provider/name'")
    return "/".join(encode_path_segment(part) for part in value.split("/"))


def encode_json(body: Any) -> bytes:
    """Compact UTF-8 JSON, the way the body goes on the wire."""
    return _ENCODER.encode(body).encode()


# json.dumps with non-default options builds a new JSONEncoder on every call.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


class RequestOptions:
    """One call as data: what to send. Built by the resources, sent by ``_http``."""

    __slots__ = (
        "body",
        "content",
        "headers",
        "idempotency_key",
        "max_retries",
        "method",
        "params",
        "path",
        "timeout",
    )

    def __init__(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        content: Optional[bytes] = None,
        params: Optional[Mapping[str, Any]] = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        max_retries: Optional[int] = None,
        idempotency_key: Optional[str] = None,
    ) -> None:
        self.method = method
        self.path = path
        self.body = body
        self.content = content
        self.params = params
        self.headers = headers
        self.timeout = timeout
        self.max_retries = max_retries
        self.idempotency_key = idempotency_key

    def __repr__(self) -> str:
        return f"RequestOptions({self.method} {self.path})"


def _describe_validation_error(exc: ValidationError, limit: int = 3) -> str:
    parts = []
    for item in exc.errors(include_url=False)[:limit]:
        loc = ".".join(str(p) for p in item.get("loc", ())) or "(body)"
        parts.append(f"{loc}: {item.get('msg', 'invalid')}")
    more = exc.error_count() - limit
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


def _excerpt(content: bytes, limit: int = 120) -> str:
    text = " ".join(content[: limit * 2].decode("utf-8", errors="replace").split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# An InvalidResponseError keeps the start of the body and the first validation items, not all
# of a body that may be megabytes long.
_KEPT_BODY_BYTES = 8 * 1024
_MAX_DETAILS = 20


def _kept_body(content: bytes) -> str:
    if len(content) <= _KEPT_BODY_BYTES:
        return content.decode("utf-8", errors="replace")
    head = content[:_KEPT_BODY_BYTES].decode("utf-8", errors="ignore")
    return f"{head}... ({len(content) - _KEPT_BODY_BYTES} more bytes not kept)"


def invalid_response_error(
    what: str,
    content: bytes,
    exc: ValidationError,
    *,
    status: Optional[int] = None,
    request_id: Optional[str] = None,
) -> InvalidResponseError:
    """Turn a pydantic failure on a response body into a clear ``invalid_response`` error."""
    if any(item.get("type") == "json_invalid" for item in exc.errors(include_url=False)):
        message = f"{what}: the body is not valid JSON: {_excerpt(content)!r}"
    else:
        message = f"{what} does not match the expected shape: {_describe_validation_error(exc)}"
    return InvalidResponseError(
        message,
        status=status,
        error_code="invalid_response",
        request_id=request_id,
        details=exc.errors(include_url=False, include_context=False)[:_MAX_DETAILS],
        body=_kept_body(content),
    )


class ModelParser(Generic[T]):
    """Parses a response body straight from bytes into ``T`` (a model or a list of models)."""

    __slots__ = ("_name", "_validate")

    def __init__(self, validate: Callable[[bytes], T], name: str) -> None:
        self._validate = validate
        self._name = name

    @property
    def name(self) -> str:
        """What is parsed, for error messages (``"ChatCompletionResponse"``)."""
        return self._name

    @classmethod
    def for_model(cls, model: Type[M]) -> ModelParser[M]:
        return ModelParser(model.model_validate_json, model.__name__)

    @classmethod
    def raw(cls) -> ModelParser[bytes]:
        """The body as it came: the parser of a binary answer (audio, an image file...)."""
        return ModelParser(bytes, "bytes")

    @classmethod
    def for_list(cls, model: Type[M]) -> ModelParser[List[M]]:
        """A parser for a bare JSON array of ``model``; its TypeAdapter is built on first use,
        so that importing the SDK does not pay for a schema it may never need."""
        adapter: List[TypeAdapter[List[M]]] = []

        def validate(content: bytes) -> List[M]:
            if not adapter:
                adapter.append(TypeAdapter(List[model]))  # type: ignore[valid-type]
            if len(content) < _GC_PAUSE_BYTES or not gc.isenabled():
                return adapter[0].validate_json(content)
            # Building thousands of small acyclic objects (the 300-model catalogue is ~2,700)
            # trips the cyclic collector into full passes over the caller's whole heap; none of
            # these objects can form a cycle, so pause it for the parse (measured: -25% CPU).
            gc.disable()
            try:
                return adapter[0].validate_json(content)
            finally:
                gc.enable()

        return ModelParser(validate, f"List[{model.__name__}]")

    def validate(self, content: bytes) -> T:
        """Validate without context: raises pydantic's ``ValidationError`` (the hot path)."""
        return self._validate(content)

    def parse(self, content: bytes, *, status: int, request_id: Optional[str], what: str) -> T:
        try:
            return self._validate(content)
        except ValidationError as exc:
            raise invalid_response_error(
                f"response to {what} ({self._name})",
                content,
                exc,
                status=status,
                request_id=request_id,
            ) from None


def model_body(params: Any, model: Type[Any], method_name: str) -> Any:
    """Accept a params model or a plain mapping; return the validated model.

    A mapping is validated with the same rules (unknown fields rejected, nested messages, tools
    and parts too), so a typo is caught before anything goes on the wire; a failure is an
    :class:`InvalidRequestError` naming each field once.
    """
    if isinstance(params, model):
        return params
    if isinstance(params, Mapping):
        try:
            return model.model_validate(dict(params))
        except ValidationError as exc:
            raise invalid_request_error(f"{method_name}()", model, exc) from None
    raise InvalidRequestError(
        f"{method_name}() expects a {model.__name__}, a dict or keyword arguments, "
        f"got {type(params).__name__}"
    )


_BRANCH_TYPES = frozenset({"str", "int", "float", "bool", "list", "dict", "none", "bytes"})


def _is_branch(segment: Any) -> bool:
    # pydantic names the union branch an error came from inside its location: a type ("str",
    # "list[...]", "function-before[...]") or a discriminator's tag ("type=text").
    return isinstance(segment, str) and (
        "[" in segment or segment in _BRANCH_TYPES or segment.startswith("type=")
    )


def _one_branch(items: List[Any]) -> List[Any]:
    """The errors of one union branch per union: the branch that got furthest (the caller
    meant that one), with the branch names taken out of the locations."""
    groups: Dict[Tuple[Any, ...], Dict[Any, int]] = {}
    for item in items:
        loc = tuple(item.get("loc", ()))
        for i, segment in enumerate(loc):
            if _is_branch(segment):
                depth = groups.setdefault(loc[:i], {})
                depth[segment] = max(depth.get(segment, 0), len(loc))
                break
    best = {prefix: max(depths, key=lambda k: depths[k]) for prefix, depths in groups.items()}
    out = []
    for item in items:
        loc = tuple(item.get("loc", ()))
        keep = True
        for i, segment in enumerate(loc):
            if _is_branch(segment):
                keep = best.get(loc[:i]) == segment
                break
        if keep:
            out.append({**item, "loc": tuple(p for p in loc if not _is_branch(p))})
    return out


_FIXES = {
    "missing": "add it",
    "extra_forbidden": "remove it or check its spelling",
}


def invalid_request_error(what: str, model: Type[Any], exc: ValidationError) -> InvalidRequestError:
    """Turn a pydantic failure on request input into an :class:`InvalidRequestError` that names
    each field once, says what was wrong and how to fix it (an unknown field gets the closest
    known name, when there is one)."""
    import difflib

    items = _one_branch(exc.errors(include_url=False, include_context=False, include_input=False))
    parts: List[str] = []
    seen: Set[str] = set()
    fields = list(getattr(model, "model_fields", {}))
    for item in items:
        loc = item.get("loc", ())
        where = ".".join(str(p) for p in loc) or "(body)"
        kind = item.get("type", "")
        if kind == "extra_forbidden":
            text = f"{where}: unknown field"
            if len(loc) == 1:
                close = difflib.get_close_matches(str(loc[0]), fields, n=1)
                if close:
                    text += f" (did you mean {close[0]!r}?)"
            else:
                text += " (remove it or check its spelling)"
        elif kind == "union_tag_invalid":
            # "Input tag 'type=x' found using _part_type() does not match ... 'type=text', ..."
            msg = re.sub(r" found using \S+", "", str(item.get("msg", ""))).replace("type=", "")
            text = f"{where}: unknown type: {msg.replace('Input tag', 'tag')}"
        else:
            text = f"{where}: {item.get('msg', 'invalid')}"
            if kind in _FIXES:
                text += f" ({_FIXES[kind]})"
        if where in seen:
            continue  # one problem per field: a union reports each of its branches
        seen.add(where)
        parts.append(text)
    return InvalidRequestError(
        f"{what}: invalid {model.__name__}: " + "; ".join(parts), details=items
    )
