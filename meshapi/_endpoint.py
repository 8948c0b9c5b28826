"""Endpoints as data: what one SDK method sends and how its answer is read. No I/O.

Rule 1: a resource method is one line in each twin. It hands its arguments to a declaration
(:class:`Endpoint` for a call that returns one parsed answer, :class:`StreamEndpoint` for a
server-sent event stream) and the resource base sends it; so a new endpoint, sync and async, is
one declaration plus the two one-line methods and their docstring.
Rule 2: everything about a call that is not I/O is decided here, once for both twins: the path
(every id percent-encoded), the body (a params model or a dict validated into one, ``stream`` set
and a contradicting ``stream`` refused), the query (checked by the pagination kind), the headers,
multipart encoding, and how the answer is parsed (including an empty ``204`` answer).

Rule 3: every method takes its body two ways, as a params object (or a dict) or as keyword
arguments (``create(model=..., messages=[...])``), never both; and the per-call options
(:class:`CallOptions`: ``timeout``, ``max_retries``, ``extra_headers``, ``extra_query``,
``extra_body``, ``idempotency_key``) as keyword arguments beside either. :meth:`_Route.build`
tells them apart, so a new endpoint gets both for free; adding an option means adding it to
:class:`CallOptions` (and :data:`OPTION_NAMES`) and reading it in :meth:`_Route.build`.

Typing the keywords: a resource method declares two overloads, one taking the params object
with ``**options: Unpack[BodyCallOptions]`` and one taking ``**params: Unpack[<Kwargs>]``, where
``<Kwargs>`` is the params model's TypedDict (``<Params>Dict``, beside the model; a test keeps
the two in step) plus :class:`CallOptions`. Editors and type checkers see every field.
"""

from __future__ import annotations

import json
import os
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Generic,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypeVar,
    Union,
)

import httpx
from typing_extensions import TypedDict

from ._errors import InvalidRequestError
from ._request import (
    NOT_GIVEN,
    ExtraHeaders,
    ModelParser,
    NotGiven,
    RequestOptions,
    encode_model_id,
    encode_path_segment,
    model_body,
)

if TYPE_CHECKING:
    from ._streaming import Decoder

__all__ = [
    "OPTION_NAMES",
    "BodyCallOptions",
    "CallOptions",
    "CursorPagination",
    "Endpoint",
    "OffsetPagination",
    "Pagination",
    "StreamEndpoint",
    "TokenPagination",
    "encode_multipart",
]

R = TypeVar("R")
T = TypeVar("T")


class CallOptions(TypedDict, total=False):
    """The per-call options every endpoint method accepts (as keyword arguments).

    Attributes:
        timeout: seconds, an ``httpx.Timeout``, or ``None`` for no timeout at all; left out
            (or ``NOT_GIVEN``), the client's timeout applies.
        max_retries: retries for this call instead of the client's setting (``0``: none).
        extra_headers: headers for this call; they replace the SDK's of the same name.
        extra_query: query parameters added to this call's URL.
        idempotency_key: the ``Idempotency-Key`` of this call (instead of a random one), so a
            retry made by your own code is recognised by the gateway.
    """

    timeout: Union[float, httpx.Timeout, NotGiven, None]
    max_retries: int
    extra_headers: ExtraHeaders
    extra_query: Optional[Mapping[str, object]]
    idempotency_key: str


class BodyCallOptions(CallOptions, total=False):
    """:class:`CallOptions` of a method that sends a JSON body, plus ``extra_body``: fields
    merged into the body last (they win over modelled fields; ``None`` is sent as ``null``)."""

    extra_body: Optional[Mapping[str, object]]


# The keyword arguments that are options, not body fields.
OPTION_NAMES = frozenset(BodyCallOptions.__annotations__)


# -- pagination ----------------------------------------------------------------------------------


class Pagination:
    """How a list endpoint pages: which query parameters it takes, where the items are in a page,
    and the query of the next page. Subclasses are the three kinds the gateway uses."""

    def __init__(self, *, items: str, limit_param: str, max_limit: Optional[int]) -> None:
        self.items = items
        self.limit_param = limit_param
        self.max_limit = max_limit

    def check(self, query: Mapping[str, Any]) -> None:
        """Refuse an out-of-range page size before anything is sent (``ValueError``)."""
        limit = query.get(self.limit_param)
        if limit is None:
            return
        if self.max_limit is not None and not 1 <= limit <= self.max_limit:
            raise InvalidRequestError(
                f"{self.limit_param} must be between 1 and {self.max_limit}, got {limit}"
            )
        if limit < 1:
            raise InvalidRequestError(f"{self.limit_param} must be >= 1, got {limit}")

    def items_of(self, page: Any) -> List[Any]:
        """The items of one page."""
        items = getattr(page, self.items)
        return list(items) if items is not None else []

    def next_query(self, page: Any, query: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
        """The query of the page after ``page`` (fetched with ``query``), or ``None`` at the end."""
        raise NotImplementedError


class CursorPagination(Pagination):
    """``?after=<id>&limit=n``; a page says ``has_more`` and the id to continue after."""

    def __init__(
        self,
        *,
        items: str = "data",
        cursor_param: str = "after",
        cursor_field: str = "last_id",
        has_more_field: str = "has_more",
        limit_param: str = "limit",
        max_limit: Optional[int] = None,
    ) -> None:
        super().__init__(items=items, limit_param=limit_param, max_limit=max_limit)
        self.cursor_param = cursor_param
        self.cursor_field = cursor_field
        self.has_more_field = has_more_field

    def next_query(self, page: Any, query: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
        cursor = getattr(page, self.cursor_field, None)
        if not getattr(page, self.has_more_field, False) or not cursor:
            return None
        return {**query, self.cursor_param: cursor}


class OffsetPagination(Pagination):
    """``?offset=k&limit=n``; a page says how many items there are in all."""

    def __init__(
        self,
        *,
        items: str,
        total_field: str = "total",
        offset_param: str = "offset",
        limit_param: str = "limit",
        max_limit: Optional[int] = None,
    ) -> None:
        super().__init__(items=items, limit_param=limit_param, max_limit=max_limit)
        self.total_field = total_field
        self.offset_param = offset_param

    def check(self, query: Mapping[str, Any]) -> None:
        super().check(query)
        offset = query.get(self.offset_param)
        if offset is not None and offset < 0:
            raise InvalidRequestError(f"{self.offset_param} must be >= 0, got {offset}")

    def next_query(self, page: Any, query: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
        count = len(self.items_of(page))
        offset = (query.get(self.offset_param) or 0) + count
        total = getattr(page, self.total_field, None)
        if count == 0 or (isinstance(total, int) and offset >= total):
            return None
        return {**query, self.offset_param: offset}


class TokenPagination(Pagination):
    """``?page_token=<token>``; a page carries the token of the next one (absent at the end)."""

    def __init__(
        self,
        *,
        items: str = "data",
        token_param: str = "page_token",
        token_field: str = "next_page_token",
        limit_param: str = "limit",
        max_limit: Optional[int] = None,
    ) -> None:
        super().__init__(items=items, limit_param=limit_param, max_limit=max_limit)
        self.token_param = token_param
        self.token_field = token_field

    def next_query(self, page: Any, query: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
        token = getattr(page, self.token_field, None)
        return {**query, self.token_param: token} if token else None


# -- multipart -----------------------------------------------------------------------------------

FileValue = Union[bytes, Tuple[str, bytes], Tuple[str, bytes, str]]


def _quote(value: str) -> str:
    # As browsers and httpx do: a quote or a line break cannot end the header parameter early.
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def encode_multipart(
    fields: Mapping[str, Any], files: Mapping[str, FileValue], *, boundary: Optional[str] = None
) -> Tuple[bytes, str]:
    """A ``multipart/form-data`` body and its Content-Type: ``fields`` as text parts (booleans as
    ``true``/``false``, lists and objects as JSON, ``None`` left out), ``files`` as file parts
    (bytes, ``(filename, bytes)`` or ``(filename, bytes, content_type)``; the type is guessed
    from the filename when not given)."""
    import mimetypes  # deferred: only multipart endpoints pay for it

    boundary = boundary or os.urandom(16).hex()
    out: List[bytes] = []
    for name, value in fields.items():
        if value is None:
            continue
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"\r\n\r\n'
        out.append(head.encode() + _form_value(value).encode() + b"\r\n")
    for name, file in files.items():
        if isinstance(file, (bytes, bytearray, memoryview)):
            filename, content, ctype = name, bytes(file), None
        else:
            filename, content = file[0], bytes(file[1])
            ctype = file[2] if len(file) > 2 else None
        ctype = ctype or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        out.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"; '
                f'filename="{_quote(filename)}"\r\nContent-Type: {ctype}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


# -- endpoints -----------------------------------------------------------------------------------


def _parse_path(template: str) -> List[Tuple[str, Optional[Callable[[str], str]]]]:
    """``"/v1/x/{id}/y"`` → literal and placeholder pieces. ``{name}`` is one percent-encoded
    segment; ``{name:model}`` a model id, whose ``/`` is kept (``openai/gpt-4o``)."""
    pieces: List[Tuple[str, Optional[Callable[[str], str]]]] = []
    rest = template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        placeholder, _, rest = tail.partition("}")
        if head:
            pieces.append((head, None))
        name, _, kind = placeholder.partition(":")
        if kind not in ("", "model"):
            raise ValueError(f"unknown placeholder kind {kind!r} in {template!r}")
        pieces.append((name, encode_model_id if kind == "model" else encode_path_segment))
    if rest:
        pieces.append((rest, None))
    return pieces


class _Route:
    """What both kinds of endpoint share: building the request."""

    def __init__(
        self,
        method: str,
        path: str,
        *,
        name: str,
        params: Optional[Type[Any]] = None,
        sets_stream: Optional[bool] = None,
        body_defaults: Optional[Mapping[str, Any]] = None,
        pagination: Optional[Pagination] = None,
        headers: Optional[Mapping[str, str]] = None,
        multipart_files: Sequence[str] = (),
    ) -> None:
        self.method = method
        self.path = path
        self.name = name
        self.params = params
        self.sets_stream = sets_stream
        self.body_defaults = dict(body_defaults or {})
        self.pagination = pagination
        self.headers = dict(headers or {})
        self.multipart_files = tuple(multipart_files)
        self._pieces = _parse_path(path)
        self._static = self._pieces == [(path, None)]
        self.placeholders = [text for text, encode in self._pieces if encode is not None]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.method} {self.path}, name={self.name!r})"

    def render_path(self, path_args: Sequence[str]) -> str:
        """The path with every placeholder filled in and encoded."""
        if self._static:
            return self.path
        if len(path_args) != len(self.placeholders):
            raise InvalidRequestError(
                f"{self.name}() needs {len(self.placeholders)} path argument(s) "
                f"({', '.join(self.placeholders)}), got {len(path_args)}"
            )
        args = iter(path_args)
        return "".join(
            text if encode is None else encode(next(args)) for text, encode in self._pieces
        )

    def body(
        self, params: Any, extra_body: Optional[Mapping[str, Any]] = None
    ) -> Tuple[Optional[Dict[str, Any]], Dict[str, Any]]:
        """The JSON body from a params model or a dict (validated into the model), and the file
        parts of a multipart endpoint (taken from the model as they are, bytes or tuples)."""
        if self.params is None:
            if params is not None:
                raise InvalidRequestError(f"{self.name}() takes no request body")
            if extra_body:
                raise InvalidRequestError(
                    f"{self.name}() sends no body, so it takes no extra_body "
                    "(use extra_query for query parameters)"
                )
            return None, {}
        model = model_body({} if params is None else params, self.params, self.name)
        wire: Dict[str, Any] = model.to_wire(leave_out=self.multipart_files)
        if extra_body:
            wire.update(extra_body)
        files: Dict[str, Any] = {}
        for name in self.multipart_files:
            value = getattr(model, name, None)
            if value is not None:
                files[name] = value
        if self.sets_stream is not None:
            given = wire.get("stream")
            if given is not None and bool(given) != self.sets_stream:
                other = "stream()" if given else "create()"
                raise InvalidRequestError(
                    f"{self.name}() was given stream={given!r}; call {other} instead "
                    "(or leave `stream` unset: the method sets it)"
                )
            wire["stream"] = self.sets_stream
        for key, value in self.body_defaults.items():
            wire.setdefault(key, value)
        return wire, files

    def split(self, params: Any, kwargs: Mapping[str, Any]) -> Tuple[Any, Dict[str, Any]]:
        """Tell the keyword arguments of a call apart: per-call options (returned), and body
        fields, which become the params when no params object was given (refused beside one)."""
        options: Dict[str, Any] = {}
        fields: Dict[str, Any] = {}
        for key, value in kwargs.items():
            (options if key in OPTION_NAMES else fields)[key] = value
        if not fields:
            return params, options
        if self.params is None:
            names = ", ".join(sorted(fields))
            raise InvalidRequestError(
                f"{self.name}() got unexpected keyword argument(s): {names} "
                f"(its options are: {', '.join(sorted(OPTION_NAMES - {'extra_body'}))})"
            )
        if params is not None:
            names = ", ".join(sorted(fields))
            raise InvalidRequestError(
                f"{self.name}() was given a params object and the keyword argument(s) {names}: "
                f"pass either a {self.params.__name__} (or a dict) or keyword arguments, not both"
            )
        return fields, options

    def build(
        self,
        path_args: Sequence[str] = (),
        params: Any = None,
        query: Optional[Mapping[str, Any]] = None,
        kwargs: Optional[Mapping[str, Any]] = None,
    ) -> RequestOptions:
        """The :class:`RequestOptions` of one call. ``kwargs``: the method's keyword arguments,
        the :class:`CallOptions` and, when ``params`` is not given, the body's fields."""
        params, options = self.split(params, kwargs or {})
        path = self.render_path(path_args)
        if query is not None and self.pagination is not None:
            self.pagination.check(query)
        extra_query = options.get("extra_query")
        if extra_query:
            query = {**(query or {}), **extra_query}
        body, files = self.body(params, options.get("extra_body"))
        content: Optional[bytes] = None
        headers: Optional[Mapping[str, str]] = options.get("extra_headers")
        if self.multipart_files and body is not None:
            content, ctype = encode_multipart(body, files)
            body = None
            headers = {**self.headers, "Content-Type": ctype, **(headers or {})}
        elif self.headers:
            headers = {**self.headers, **(headers or {})}
        return RequestOptions(
            self.method,
            path,
            body=body,
            content=content,
            params=query,
            headers=headers,
            timeout=options.get("timeout", NOT_GIVEN),
            max_retries=_check_retries(options.get("max_retries")),
            idempotency_key=options.get("idempotency_key"),
        )


def _check_retries(value: Any) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidRequestError(f"max_retries must be an int >= 0, got {value!r}")
    return int(value)


class Endpoint(_Route, Generic[R]):
    """One call that returns one parsed answer (a model, a list of models, or bytes).

    >>> GET_BATCH = Endpoint("GET", "/v1/batches/{batch_id}", BatchObject, name="get")
    >>> # in BatchesResource:      return self._call(GET_BATCH, batch_id, **options)
    >>> # in AsyncBatchesResource: return await self._call(GET_BATCH, batch_id, **options)

    Args:
        method, path: the HTTP method and path template (``{name}`` placeholders are encoded ids,
            ``{name:model}`` a model id that keeps its ``/``).
        response: the response model class, or a :class:`ModelParser` (``ModelParser.for_list``
            for a bare JSON array, ``ModelParser.raw()`` for binary content).
        name: the method's name, for error messages.
        params: the params model of the JSON body (a ``RequestModel``), if it has one.
        sets_stream: set the body's ``stream`` to this value, refusing a contradicting one.
        body_defaults: body fields added when the caller left them out.
        pagination: the :class:`Pagination` kind of a list endpoint.
        headers: headers this endpoint always sends (e.g. ``Accept`` of a binary endpoint).
        multipart_files: body fields sent as file parts; naming any makes the body multipart.
        on_empty: builds the answer from the path arguments when the body is empty (a 204).
    """

    def __init__(
        self,
        method: str,
        path: str,
        response: Union[Type[R], ModelParser[R]],
        *,
        name: str,
        params: Optional[Type[Any]] = None,
        sets_stream: Optional[bool] = None,
        body_defaults: Optional[Mapping[str, Any]] = None,
        pagination: Optional[Pagination] = None,
        headers: Optional[Mapping[str, str]] = None,
        multipart_files: Sequence[str] = (),
        on_empty: Optional[Callable[[Sequence[str]], R]] = None,
    ) -> None:
        super().__init__(
            method,
            path,
            name=name,
            params=params,
            sets_stream=sets_stream,
            body_defaults=body_defaults,
            pagination=pagination,
            headers=headers,
            multipart_files=multipart_files,
        )
        self.parser: ModelParser[R] = (
            response if isinstance(response, ModelParser) else ModelParser.for_model(response)  # type: ignore[type-var]
        )
        self.on_empty = on_empty

    def parser_for(self, path_args: Sequence[str]) -> ModelParser[R]:
        """The parser of this call's answer (one that accepts an empty body, if declared)."""
        on_empty = self.on_empty
        if on_empty is None:
            return self.parser
        inner = self.parser

        def validate(content: bytes) -> R:
            return on_empty(path_args) if not content.strip() else inner.validate(content)

        return ModelParser(validate, inner.name)

    def streaming(
        self,
        decode: Decoder[T],
        *,
        name: str = "stream",
        body_defaults: Optional[Mapping[str, Any]] = None,
    ) -> StreamEndpoint[T]:
        """The streaming twin of this endpoint: same path and params, ``stream: true``."""
        return StreamEndpoint(
            self.method,
            self.path,
            decode,
            name=name,
            params=self.params,
            body_defaults=body_defaults,
            headers=self.headers,
        )


class StreamEndpoint(_Route, Generic[T]):
    """A call answered with a server-sent event stream; ``decode`` turns each event into an item.
    Its body's ``stream`` is set to true (and ``stream=False`` refused)."""

    def __init__(
        self,
        method: str,
        path: str,
        decode: Decoder[T],
        *,
        name: str,
        params: Optional[Type[Any]] = None,
        body_defaults: Optional[Mapping[str, Any]] = None,
        headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        super().__init__(
            method,
            path,
            name=name,
            params=params,
            sets_stream=True if params is not None else None,
            body_defaults=body_defaults,
            headers=headers,
        )
        self.decode = decode
