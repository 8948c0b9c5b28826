"""Structured output: pydantic models in, a strict JSON schema out, the reply parsed back. No I/O.

Rule 1: the schema sent follows OpenAI's strict-schema rules: every object has
``additionalProperties: false`` and lists every property in ``required`` (an optional field is a
required field that may be ``null``); ``$ref`` siblings are inlined, a single ``allOf`` is
flattened, ``default: null`` is dropped. The same rules apply to the parameters of a tool made
from a model (:func:`pydantic_function_tool`).
Rule 2: a reply is parsed into the model or raises :class:`StructuredOutputError` carrying the raw
text and pydantic's validation errors; a refusal is not a parse failure: ``message.refusal`` is
set and ``parsed`` is ``None``.

The two twins of ``chat.completions.parse`` / ``responses.parse`` build a :class:`ParsePlan`
(what to send, what to parse into), send its params, and hand the answer to
:meth:`ParsePlan.parse_chat` / :meth:`ParsePlan.parse_response`.
"""

from __future__ import annotations

import copy
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypeVar,
    Union,
)

from pydantic import BaseModel, ValidationError

from ._errors import InvalidRequestError, MeshAPIError

if TYPE_CHECKING:
    from ._types import ChatCompletionResponse, ResponsesResponse
    from ._types.parsed import ParsedChatCompletion, ParsedResponse

__all__ = [
    "ParsePlan",
    "PydanticFunctionTool",
    "StructuredOutputError",
    "pydantic_function_tool",
    "response_format_from",
    "to_strict_json_schema",
]


class StructuredOutputError(MeshAPIError):
    """A reply that should match a model did not. ``raw`` is the text as it came, ``errors``
    pydantic's validation errors (``[{"loc", "msg", "type"}, ...]``; also in ``details``),
    ``model`` the model class, ``finish_reason`` why the reply ended (``length``: cut short)."""

    def __init__(
        self,
        message: str,
        *,
        raw: str,
        errors: List[Dict[str, Any]],
        model: Type[BaseModel],
        finish_reason: Optional[str] = None,
    ) -> None:
        super().__init__(message, error_code="invalid_structured_output", details=errors)
        self.raw = raw
        self.errors = errors
        self.model = model
        self.finish_reason = finish_reason


# -- schemas -------------------------------------------------------------------------------------


def _check_model(model: Any, what: str) -> Type[BaseModel]:
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise InvalidRequestError(f"{what} must be a pydantic model class, got {model!r}")
    return model


def to_strict_json_schema(model: Type[BaseModel]) -> Dict[str, Any]:
    """The JSON schema of ``model`` made strict (see the module docstring)."""
    schema = _check_model(model, "the model").model_json_schema()
    strict = _strict(schema, root=schema)
    defs = strict.pop("$defs", None) or {}
    kept: Dict[str, Any] = {}
    # A recursive root model is also one of the $defs (under its title): refer to it there.
    root_name = str(strict.get("title"))
    stack: Tuple[str, ...] = (root_name,) if root_name in defs else ()
    inlined: Dict[str, Any] = _inline(strict, defs, stack, kept)
    if kept:
        inlined["$defs"] = {name: _inline(defs[name], defs, (name,), kept) for name in defs}
    return inlined


def _inline(node: Any, defs: Dict[str, Any], stack: Tuple[str, ...], kept: Dict[str, Any]) -> Any:
    """Replace each ``#/$defs/X`` reference by X itself (many gateways and local models read no
    ``$ref``), except a recursive one, which stays a reference (and ``kept`` notes it)."""
    if isinstance(node, list):
        return [_inline(v, defs, stack, kept) for v in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
        name = ref[len("#/$defs/") :]
        if name in stack or name not in defs:
            kept[name] = True
            return node
        return _inline(defs[name], defs, (*stack, name), kept)
    return {k: _inline(v, defs, stack, kept) for k, v in node.items()}


def _resolve(root: Dict[str, Any], ref: str) -> Dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"cannot resolve the $ref {ref!r}: only local references are supported")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part]
    if not isinstance(node, dict):
        raise ValueError(f"the $ref {ref!r} does not point at a schema")
    return node


def _strict(schema: Dict[str, Any], *, root: Dict[str, Any]) -> Dict[str, Any]:
    out = dict(schema)
    for key in ("$defs", "definitions"):
        if isinstance(out.get(key), dict):
            out[key] = {name: _strict(sub, root=root) for name, sub in out[key].items()}
    if out.get("type") == "object" or "properties" in out:
        properties = out.get("properties") or {}
        out["properties"] = {name: _strict(sub, root=root) for name, sub in properties.items()}
        out["required"] = list(properties)
        out["additionalProperties"] = False
    if isinstance(out.get("items"), dict):
        out["items"] = _strict(out["items"], root=root)
    for key in ("anyOf", "oneOf"):
        if isinstance(out.get(key), list):
            out[key] = [_strict(sub, root=root) for sub in out[key]]
    if isinstance(out.get("allOf"), list):
        if len(out["allOf"]) == 1:
            only = _strict(out.pop("allOf")[0], root=root)
            out = {**out, **only}
        else:
            out["allOf"] = [_strict(sub, root=root) for sub in out["allOf"]]
    if "default" in out and out["default"] is None:
        del out["default"]
    if "$ref" in out and len(out) > 1:
        # A $ref with siblings (a description, say) is not allowed: inline what it points at.
        target = _strict(copy.deepcopy(_resolve(root, out.pop("$ref"))), root=root)
        out = {**target, **out}
    return out


def response_format_from(model: Type[BaseModel], *, strict: bool = True) -> Dict[str, Any]:
    """The chat ``response_format`` of a model (``{"type": "json_schema", ...}``)."""
    return {
        "type": "json_schema",
        "json_schema": {
            "name": _check_model(model, "response_format").__name__,
            "schema": to_strict_json_schema(model) if strict else model.model_json_schema(),
            "strict": strict,
        },
    }


class PydanticFunctionTool(Dict[str, Any]):
    """A function tool definition (a plain dict on the wire) that remembers its model, so that
    ``parse()`` can give each call of it ``parsed_arguments``."""

    def __init__(self, definition: Mapping[str, Any], model: Type[BaseModel]) -> None:
        super().__init__(definition)
        self.model = model


def pydantic_function_tool(
    model: Type[BaseModel], *, name: Optional[str] = None, description: Optional[str] = None
) -> PydanticFunctionTool:
    """A strict function tool whose parameters are ``model``'s fields.

    >>> class GetWeather(BaseModel):
    ...     '''The weather in a city.'''
    ...     city: str
    >>> tool = pydantic_function_tool(GetWeather)   # named GetWeather, described by its doc
    >>> reply = client.chat.completions.parse(params, tools=[tool])
    >>> reply.choices[0].message.tool_calls[0].function.parsed_arguments   # GetWeather(city=...)
    """
    _check_model(model, "a tool")
    function: Dict[str, Any] = {
        "name": name or model.__name__,
        "parameters": to_strict_json_schema(model),
        "strict": True,
    }
    doc = description if description is not None else (model.__doc__ or "").strip()
    if doc:
        function["description"] = doc
    return PydanticFunctionTool({"type": "function", "function": function}, model)


# -- parsing -------------------------------------------------------------------------------------

ToolInput = Union[Type[BaseModel], Mapping[str, Any], Any]


def _validate(model: Type[BaseModel], raw: str, what: str, finish_reason: Optional[str]) -> Any:
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        errors: List[Dict[str, Any]] = [
            {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()
        ]
        first = errors[0] if errors else {"loc": [], "msg": "invalid"}
        where = ".".join(str(p) for p in first["loc"]) or "(root)"
        cut = (
            " (the reply was cut short: finish_reason=length)" if finish_reason == "length" else ""
        )
        raise StructuredOutputError(
            f"{what} does not match {model.__name__}: {len(errors)} error(s), first at "
            f"{where}: {first['msg']}{cut}",
            raw=raw,
            errors=errors,
            model=model,
            finish_reason=finish_reason,
        ) from None


class ParsePlan:
    """What ``parse()`` sends (``params``) and what it parses the answer into.

    ``params`` is the caller's params model or dict; ``response_format`` a pydantic model class
    (or ``None``: only tools are parsed); ``tools`` more tools: model classes,
    :func:`pydantic_function_tool` results, or plain tool dicts (sent as given, not parsed).
    """

    def __init__(
        self,
        params: Any,
        response_format: Optional[Type[BaseModel]],
        tools: Optional[Sequence[ToolInput]] = None,
        *,
        responses: bool = False,
        kwargs: Optional[Mapping[str, Any]] = None,
    ) -> None:
        # A keyword call (``parse(model=..., messages=..., tools=[...])``): the body's fields
        # are the keywords that are not per-call options. ``options`` is what is left to pass on.
        from ._endpoint import OPTION_NAMES
        from ._modes import RESPONSE_MODE

        if RESPONSE_MODE.get() is not None:
            raise InvalidRequestError(
                "parse() builds a parsed answer from the response, so it has no raw response: "
                "call it on the client itself (or use create() with with_raw_response)"
            )

        options = dict(kwargs or {})
        if params is None:
            keep = OPTION_NAMES | {"fallback_models"}
            params = {k: options.pop(k) for k in list(options) if k not in keep}
        elif "tools" in options:
            tools = [*(tools or []), *options.pop("tools")]
        self.options = options
        if response_format is None and isinstance(_get(params, "response_format"), type):
            response_format = _get(params, "response_format")  # a class in a params dict
        self.output_model = (
            _check_model(response_format, "response_format") if response_format else None
        )
        self.tool_models: Dict[str, Type[BaseModel]] = {}
        update: Dict[str, Any] = {}
        given_tools = _get(params, "tools")
        all_tools = list(given_tools or []) + list(tools or [])
        if all_tools:
            update["tools"] = [self._tool(t, responses) for t in all_tools]
        if self.output_model is not None:
            fmt = response_format_from(self.output_model)
            if responses:
                text = dict(_get(params, "text") or {})
                text["format"] = {"type": "json_schema", **fmt["json_schema"]}
                update["text"] = text
            else:
                update["response_format"] = fmt
        self.params = _with(params, update)

    def _tool(self, tool: ToolInput, responses: bool) -> Any:
        if isinstance(tool, type) and issubclass(tool, BaseModel):
            tool = pydantic_function_tool(tool)
        if isinstance(tool, PydanticFunctionTool):
            function = tool["function"]
            self.tool_models[function["name"]] = tool.model
            if responses:  # the Responses API's flat shape
                return {"type": "function", **function}
            return dict(tool)
        return tool

    def parse_chat(self, completion: ChatCompletionResponse) -> ParsedChatCompletion[Any]:
        """The :class:`ParsedChatCompletion` of a chat completion."""
        from ._types.parsed import ParsedChatCompletion

        data = completion.model_dump(by_alias=True)
        for choice, raw_choice in zip(data["choices"], completion.choices):
            message = choice["message"]
            finish = raw_choice.finish_reason
            content = raw_choice.message.content
            if self.output_model is not None and content and not raw_choice.message.refusal:
                message["parsed"] = _validate(
                    self.output_model, content, "the reply's content", finish
                )
            for call in message.get("tool_calls") or []:
                model = self.tool_models.get(call["function"]["name"])
                if model is not None:
                    call["function"]["parsed_arguments"] = _validate(
                        model,
                        call["function"]["arguments"],
                        f"the arguments of tool call {call.get('id')} ({model.__name__})",
                        finish,
                    )
        return _keep_meta(completion, ParsedChatCompletion.model_validate(data))

    def parse_response(self, response: ResponsesResponse) -> ParsedResponse[Any]:
        """The :class:`ParsedResponse` of a Responses API answer."""
        from ._types.parsed import ParsedResponse

        data = response.model_dump(by_alias=True)
        refusals = [
            part.refusal
            for item in response.output
            if item.type == "message"
            for part in item.content or ()
            if part.type == "refusal" and part.refusal
        ]
        if refusals:
            data["refusal"] = "".join(refusals)
        elif self.output_model is not None and response.output_text:
            cut = "length" if (response.incomplete_details or {}).get("reason") else None
            data["output_parsed"] = _validate(
                self.output_model, response.output_text, "the response's output text", cut
            )
        for item, raw in zip(data["output"], response.output):
            model = self.tool_models.get(raw.name or "") if raw.type == "function_call" else None
            if model is not None and raw.arguments is not None:
                item["parsed_arguments"] = _validate(
                    model, raw.arguments, f"the arguments of {raw.call_id}", None
                )
        return _keep_meta(response, ParsedResponse.model_validate(data))


def _get(params: Any, name: str) -> Any:
    if params is None:
        return None
    if isinstance(params, Mapping):
        return params.get(name)
    return getattr(params, name, None)


def _with(params: Any, update: Dict[str, Any]) -> Any:
    """``params`` (a params model or a mapping) with ``update``'s fields replaced."""
    if not update:
        return params
    if isinstance(params, Mapping):
        return {**params, **update}
    if isinstance(params, BaseModel):
        # Validated again (not model_copy), so the new fields are typed as the model types them.
        given = {name: getattr(params, name) for name in params.model_fields_set}
        return type(params).model_validate({**given, **update})
    raise InvalidRequestError(
        f"params must be a params model or a dict, got {type(params).__name__}"
    )


P = TypeVar("P")


def _keep_meta(source: Any, parsed: P) -> P:
    """The parsed answer keeps the ``_meta`` (request id, headers...) of the one it came from."""
    meta = (getattr(source, "__pydantic_private__", None) or {}).get("_meshapi_meta")
    if meta is not None:
        private = getattr(parsed, "__pydantic_private__", None)
        if private is None:
            object.__setattr__(parsed, "__pydantic_private__", {})
            private = parsed.__pydantic_private__  # type: ignore[attr-defined]
        private["_meshapi_meta"] = meta
    return parsed
