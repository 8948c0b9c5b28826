"""The published SDKs' public names, read from their field lists (``names-0.1.4.md``,
``names-0.1.11.md``: facts about meshapi 0.1.4 and 0.1.11, copied from ``shared/``).

Two uses:

- :func:`sample_fields` builds a value for every listed field of a model, in the shape the
  published SDK took (a dict where it took a model, a string where it took a string), so a test
  can build OUR class of the same name from the same arguments;
- :func:`doc_models` writes pydantic models from the lists (required fields, types, extra
  policy as published), so a test can check that the local gateway's answers parse the way the
  published SDKs parse them.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pydantic

HERE = Path(__file__).parent
DOCS = {"0.1.4": HERE / "names-0.1.4.md", "0.1.11": HERE / "names-0.1.11.md"}

_ENTRY = re.compile(r"^- `(?P<name>[A-Za-z_]+)`(?P<rest>.*)$")
_MODEL = re.compile(r"^ \(model, extra=(?P<extra>\w+)\): (?P<fields>.*)$")
_ALIAS = re.compile(r"^ = (?P<type>.+)$")
_FIELD = re.compile(
    r"^(?P<name>\w+): (?P<type>.+?)(?: = (?P<default>.+?))?(?: \[(?P<limits>[^\]]+)\])?$"
)


@dataclasses.dataclass
class Field:
    name: str
    type: str
    default: Optional[str]  # None: required; "(factory)": a default factory; else a repr

    @property
    def required(self) -> bool:
        return self.default is None


@dataclasses.dataclass
class ModelDoc:
    name: str
    extra: str
    fields: List[Field]


@dataclasses.dataclass
class NameList:
    names: List[str]  # every listed public name, in order
    models: Dict[str, ModelDoc]
    aliases: Dict[str, str]  # `Name = type` entries (type aliases, __version__)
    classes: List[str]  # `(class; ...)` entries


def _split_top(text: str, sep: str) -> List[str]:
    """Split ``text`` on ``sep`` outside brackets."""
    out, depth, start = [], 0, 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            out.append(text[start:i])
            start = i + len(sep)
            i += len(sep)
            continue
        i += 1
    out.append(text[start:])
    return [part.strip() for part in out if part.strip()]


def load(version: str) -> NameList:
    listing = NameList([], {}, {}, [])
    for line in DOCS[version].read_text("utf-8").splitlines():
        entry = _ENTRY.match(line)
        if not entry:
            continue
        name, rest = entry.group("name"), entry.group("rest")
        if name.startswith("__"):
            continue
        listing.names.append(name)
        model = _MODEL.match(rest)
        alias = _ALIAS.match(rest)
        if model:
            fields = []
            for raw in _split_top(model.group("fields"), "; "):
                match = _FIELD.match(raw)
                assert match, f"{version}: cannot read field {raw!r} of {name}"
                fields.append(Field(match["name"], match["type"], match["default"]))
            listing.models[name] = ModelDoc(name, model.group("extra"), fields)
        elif alias:
            listing.aliases[name] = alias.group("type")
        elif "(class" in rest or "(classes" in rest:
            listing.classes.append(name)
    return listing


# ---------------------------------------------------------------------------------------------
# Type expressions: "Optional[List[ToolCall]]" -> ("Optional", [("List", [("ToolCall", [])])])

TypeTree = Tuple[str, List[Any]]


def parse_type(text: str) -> TypeTree:
    text = text.strip()
    if text.startswith("Literal["):
        return ("Literal", _split_top(text[len("Literal[") : -1], ","))
    if "[" not in text:
        return (text, [])
    head, inner = text.split("[", 1)
    return (head, [parse_type(arg) for arg in _split_top(inner[:-1], ",")])


# ---------------------------------------------------------------------------------------------
# Sample values in the published shapes


def sample_value(tree: TypeTree, listing: NameList, field_name: str = "") -> Any:
    head, args = tree
    if head in ("Optional",):
        return sample_value(args[0], listing, field_name)
    if head == "Union":
        return sample_value(args[0], listing, field_name)
    if head == "Literal":
        return eval(args[0])  # a quoted literal from the list
    if head == "List":
        item = args[0]
        if item[0] in listing.models or item[0] in _SCALARS or item[0] in ("Dict", "Literal"):
            return [sample_value(item, listing, field_name)]
        return []  # a type the list names but does not describe
    if head == "Dict":
        value_type = args[1][0] if len(args) > 1 else "Any"
        return {"key": True if value_type == "bool" else 0.5 if value_type == "float" else "v"}
    if head in listing.models:
        return sample_fields(listing.models[head], listing)
    if head in listing.aliases:
        return sample_value(parse_type(listing.aliases[head]), listing, field_name)
    if head == "str":
        # Prices and percentages are decimal strings in the published SDKs.
        return "0.5" if ("usd" in field_name or "pct" in field_name) else "text"
    if head in _SCALARS:
        return _SCALARS[head]
    if head == "Any":
        return {"key": "v"}  # in practice an object (logprobs, an error, an output item)
    if head == "NoneType":
        return None
    raise AssertionError(f"no sample for type {head!r}")


_SCALARS: Dict[str, Any] = {"int": 1, "float": 0.5, "bool": True, "str": "text"}


def sample_fields(model: ModelDoc, listing: NameList) -> Dict[str, Any]:
    """A value for every listed field (the default where the list gives a literal one)."""
    out: Dict[str, Any] = {}
    for field in model.fields:
        if field.default not in (None, "(factory)", "None", "[]"):
            out[field.name] = eval(field.default)
        else:
            out[field.name] = sample_value(parse_type(field.type), listing, field.name)
    return out


# ---------------------------------------------------------------------------------------------
# Pydantic models written from the lists


def _python_type(tree: TypeTree, resolve: Dict[str, Any]) -> Any:
    head, args = tree
    if head == "Literal":
        return typing.Literal[tuple(eval(a) for a in args)]  # type: ignore[misc]
    simple = {"str": str, "int": int, "float": float, "bool": bool, "Any": Any, "NoneType": None}
    if head in simple:
        return simple[head]
    if head in resolve:
        return resolve[head]
    generic = {"Optional": typing.Optional, "List": typing.List, "Dict": typing.Dict}
    converted = [_python_type(arg, resolve) for arg in args]
    if head == "Union":
        return typing.Union[tuple(converted)]  # type: ignore[misc]
    if head in generic:
        return generic[head][converted[0] if len(converted) == 1 else tuple(converted)]
    return Dict[str, Any]  # a type the list names but does not describe: any object


def doc_models(*versions: str) -> Dict[str, type]:
    """Pydantic models written from the field lists (the later version wins on a name)."""
    docs: Dict[str, ModelDoc] = {}
    aliases: Dict[str, str] = {}
    for version in versions:
        listing = load(version)
        docs.update(listing.models)
        aliases.update(listing.aliases)
    built: Dict[str, Any] = {}
    resolve: Dict[str, Any] = {name: typing.ForwardRef(name) for name in docs}
    namespace: Dict[str, Any] = {}
    for name, text in aliases.items():
        resolve[name] = _python_type(parse_type(text), resolve)
    for name, doc in docs.items():
        fields: Dict[str, Any] = {}
        for field in doc.fields:
            annotation = _python_type(parse_type(field.type), resolve)
            if field.default is None:
                fields[field.name] = (annotation, ...)
            elif field.default == "(factory)":
                factory = list if field.type.startswith("List") else dict
                fields[field.name] = (annotation, pydantic.Field(default_factory=factory))
            else:
                fields[field.name] = (annotation, eval(field.default))
        model = pydantic.create_model(  # type: ignore[call-overload]
            name,
            __config__=pydantic.ConfigDict(extra=doc.extra, protected_namespaces=()),
            **fields,
        )
        built[name] = model
        namespace[name] = model
    for name in aliases:
        namespace[name] = resolve[name]
    for model in built.values():
        model.model_rebuild(_types_namespace=namespace)
    return built
