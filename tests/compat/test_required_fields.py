"""Fields the published SDKs required in an answer are required, and never ``Optional``, in ours.

A response field written ``name: type`` with no default in a published field list
(``names-0.1.4.md``, ``names-0.1.11.md``) was required there: production always sends it, and
code written for that SDK reads it without a ``None`` check. Ours must not make that code (or a
type checker) think the value can be missing. Each such field of every response model (a
subclass of :class:`meshapi.ResponseModel`) is checked three ways: our field is required, its
type does not admit ``None``, and a body without it fails as an :class:`InvalidResponseError`
naming the field. The few fields we deliberately do not require are listed in ``EXCEPTIONS``
with the reason; a body without one of those still parses (the tolerance is tested too).

Fields the published lists left optional may stay ``Optional`` here: that direction is
``test_compat_names.STRICTER_RESPONSES``'s. Names of the 0.1.11 list that meshapi does not
export yet (moderations, web search, router select, model search, responses list) are not
response models of ours, so they are not checked until they exist.
"""

from __future__ import annotations

import json
import re
import typing
from typing import Any, Dict, List, Tuple

import pytest
from doclists import ModelDoc, NameList, load, sample_fields

import meshapi
from meshapi import InvalidResponseError, ResponseModel
from meshapi._request import ModelParser

V014, V011 = load("0.1.4"), load("0.1.11")
# One listing for sample values: a 0.1.11 model may nest a model only the 0.1.4 list describes.
BOTH = NameList(
    V014.names + V011.names,
    {**V014.models, **V011.models},
    {**V014.aliases, **V011.aliases},
    V014.classes + V011.classes,
)

_USAGE = (
    "one class (Usage) is 0.1.4's UsageInfo, EmbeddingsUsage and TokenUsage; TokenUsage's counts "
    "were optional, embeddings send no completion_tokens and 0.1.11 made embeddings' counts "
    "optional: a missing count reads as 0 (an int, never None)"
)

# (published name, field) -> why ours does not require it. Keep it short and explicit.
EXCEPTIONS: Dict[Tuple[str, str], str] = {
    ("UsageInfo", "prompt_tokens"): _USAGE,
    ("UsageInfo", "completion_tokens"): _USAGE,
    ("UsageInfo", "total_tokens"): _USAGE,
    ("EmbeddingsUsage", "prompt_tokens"): _USAGE,
    ("EmbeddingsUsage", "total_tokens"): _USAGE,
    ("ToolCall", "type"): (
        "ToolCall is also what a request's assistant turn carries (ToolCallDict, whose `type` "
        "may be left out); it defaults to 'function', a str, never None"
    ),
    ("ApiErrorEnvelope", "request_id"): (
        "the same envelope arrives in-band in a stream as {'error': {...}} with no request_id "
        "(protocol.md, Streaming)"
    ),
}


def _cases() -> List[Tuple[str, str]]:
    cases: Dict[Tuple[str, str], None] = {}
    for listing in (V014, V011):
        for name, doc in listing.models.items():
            cls = getattr(meshapi, name, None)
            if not (isinstance(cls, type) and issubclass(cls, ResponseModel)):
                continue
            for field in doc.fields:
                if field.required:
                    cases[(name, field.name)] = None
    return list(cases)


CASES = _cases()
# Required in ours, always set once parsed, but worked out when the wire leaves it out.
DERIVED: Dict[Tuple[str, str], str] = {
    ("ImageUsage", "total_tokens"): "the sum of prompt_tokens and completion_tokens",
}

CHECKED = [case for case in CASES if case not in EXCEPTIONS]
TOLERATED = sorted(EXCEPTIONS)


def _doc(name: str) -> ModelDoc:
    return BOTH.models[name]


def _body(name: str) -> Dict[str, Any]:
    """A body with every listed field, in the published shapes."""
    return sample_fields(_doc(name), BOTH)


def _admits_none(annotation: Any) -> bool:
    if annotation is None or annotation is type(None) or annotation is Any:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _admits_none(typing.get_args(annotation)[0])
    if origin is typing.Union:
        return any(_admits_none(arg) for arg in typing.get_args(annotation))
    return False


def _parse(name: str, body: Dict[str, Any]) -> Any:
    parser = ModelParser.for_model(getattr(meshapi, name))
    return parser.parse(
        json.dumps(body).encode(), status=200, request_id="req_test", what=f"GET /v1/{name}"
    )


def test_the_cases_are_read_whole() -> None:
    # A parser that skipped a model or a field would let everything below pass.
    assert len(CASES) == 106
    assert {name for name, _ in CASES} >= {
        "ChatCompletionResponse",
        "ChatCompletionChunk",
        "CompareResponse",
        "ModelInfo",
        "TemplateSummary",
        "RagFileStatus",
        "ImageGenerationChunk",
        "VideoTaskResponse",
        "Voice",
    }


def test_every_exception_is_a_published_required_field_we_really_do_not_require() -> None:
    for (name, field), reason in EXCEPTIONS.items():
        assert (name, field) in CASES, f"{name}.{field}: not a required field of a response model"
        ours = getattr(meshapi, name).model_fields[field]
        assert not ours.is_required(), f"{name}.{field} is required now: drop the exception"
        assert reason


@pytest.mark.parametrize("name, field", CHECKED, ids=[f"{n}.{f}" for n, f in CHECKED])
def test_a_field_the_published_sdk_required_is_required_and_not_optional(
    name: str, field: str
) -> None:
    cls = getattr(meshapi, name)
    ours = cls.model_fields.get(field)
    assert ours is not None, f"{cls.__name__} has no field {field!r}"
    assert ours.is_required(), f"{cls.__name__}.{field} has a default ({ours.get_default()!r})"
    assert not _admits_none(ours.annotation), f"{cls.__name__}.{field}: {ours.annotation}"


@pytest.mark.parametrize("name, field", CHECKED, ids=[f"{n}.{f}" for n, f in CHECKED])
def test_an_answer_without_a_required_field_is_an_invalid_response_naming_it(
    name: str, field: str
) -> None:
    body = _body(name)
    _parse(name, body)  # whole, it parses: the failures below are the field's
    missing, null = {k: v for k, v in body.items() if k != field}, {**body, field: None}
    if (name, field) in DERIVED:
        usage = _parse(name, missing)
        assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
        return
    for broken, says in ((missing, rf"\b{field}: Field required"), (null, rf"\b{field}[.:]")):
        with pytest.raises(InvalidResponseError) as info:
            _parse(name, broken)
        assert info.value.error_code == "invalid_response"
        assert info.value.request_id == "req_test"
        assert re.search(says, info.value.message), info.value.message


@pytest.mark.parametrize("name, field", TOLERATED, ids=[f"{n}.{f}" for n, f in TOLERATED])
def test_a_field_we_do_not_require_may_be_left_out(name: str, field: str) -> None:
    body = {k: v for k, v in _body(name).items() if k != field}
    parsed = _parse(name, body)
    assert field not in parsed.model_fields_set
    if field != "request_id":  # the one exception that may really be None
        assert getattr(parsed, field) is not None


def test_a_stream_chunk_without_its_model_is_an_invalid_response_naming_it() -> None:
    # Stream frames go through their own decoder: the same rule holds there.
    from meshapi._streaming import model_decoder

    chunk = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "choices": [{"index": 0, "delta": {"content": "hi"}}],
    }
    decode = model_decoder(meshapi.ChatCompletionChunk)
    with pytest.raises(InvalidResponseError, match="model: Field required"):
        decode(None, json.dumps(chunk), "req_test")
    assert decode(None, json.dumps({**chunk, "model": "a/b"}), "req_test").model == "a/b"
