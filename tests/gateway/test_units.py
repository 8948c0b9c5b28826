"""The gateway's pure parts without a server: tokenizer, engine, schemas, limits, ids, framing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any, Dict, List

import pytest
from gwkit import schema_errors

from meshapi.testing import GatewayError
from meshapi.testing._core.ids import new_ulid
from meshapi.testing._core.ratelimit import RateLimiter
from meshapi.testing._engines.embeddings import embed_text
from meshapi.testing._engines.text import (
    ReplyRequest,
    ToolSpec,
    Turn,
    build_from_schema,
    count_tokens,
    generate_reply,
    tokenize,
)
from meshapi.testing._formats.sse import encode_frame


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hello, world!",
        "  leading and trailing  ",
        "internationalization 12345678 ✓ 日本語",
        "a\n\nb\tc",
    ],
)
def test_tokens_concatenate_back_to_the_text(text: str) -> None:
    assert "".join(tokenize(text)) == text
    assert count_tokens(text) == len(tokenize(text))


def test_long_words_and_numbers_cost_more_tokens() -> None:
    assert count_tokens("cat") == 1
    assert count_tokens("internationalization") > 2
    assert count_tokens("1234567") == 3


SCHEMAS: List[Dict[str, Any]] = [
    {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]},
    {
        "type": "object",
        "properties": {"unit": {"type": "string", "enum": ["c", "f"], "default": "f"}},
        "required": ["unit"],
    },
    {
        "type": "object",
        "properties": {"n": {"type": ["integer", "null"], "minimum": 5}},
        "required": ["n"],
    },
    {
        "type": "object",
        "properties": {
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 3}
        },
        "required": ["tags"],
    },
    {
        "type": "object",
        "properties": {"v": {"anyOf": [{"type": "null"}, {"type": "number", "maximum": 2}]}},
        "required": ["v"],
    },
    {
        "type": "object",
        "properties": {"kind": {"const": "fixed"}, "ok": {"type": "boolean"}},
        "required": ["kind", "ok"],
    },
    {
        "type": "object",
        "properties": {
            "when": {"type": "string", "format": "date-time"},
            "site": {"type": "string", "format": "uri"},
        },
        "required": ["when", "site"],
    },
    {
        "type": "object",
        "properties": {"code": {"type": "string", "minLength": 8, "maxLength": 8}},
        "required": ["code"],
    },
    {
        "type": "object",
        "properties": {
            "inner": {
                "type": "object",
                "properties": {"deep": {"type": "integer"}},
                "required": ["deep"],
            }
        },
        "required": ["inner"],
    },
    {},
]


@pytest.mark.parametrize("schema", SCHEMAS)
@pytest.mark.parametrize("prompt", ["", "Do it for 7 people in Rome on 2025-03-04", "x"])
def test_values_built_from_a_schema_are_valid_against_it(
    schema: Dict[str, Any], prompt: str
) -> None:
    value = build_from_schema(schema, prompt)
    assert schema_errors(value, schema) == []


def test_schema_values_come_from_the_prompt_when_it_says() -> None:
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "days": {"type": "integer"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            "email": {"type": "string"},
        },
        "required": ["city", "days"],
    }
    value = build_from_schema(schema, "Forecast for Tokyo for 5 days in fahrenheit, mail bob@x.io")
    assert value == {"city": "Tokyo", "days": 5, "unit": "fahrenheit", "email": "bob@x.io"}


def reply(text: str, **kwargs: Any) -> str:
    result = generate_reply(ReplyRequest(turns=[Turn("user", text)], model="m/x", **kwargs))
    assert result.text is not None
    return result.text


@pytest.mark.parametrize(
    "prompt", ["What is 1/0?", "What is 9**99999?", "What is ((((?", "calculate 2 ^ 1000"]
)
def test_arithmetic_never_crashes_on_hostile_input(prompt: str) -> None:
    # No division by zero, no runaway power: the engine declines and answers in prose.
    text = reply(prompt)
    assert len(text) > 40 and not re.search(r"\d{12}|\binf\b|\bnan\b", text)


def test_a_tool_needs_a_matching_prompt_unless_forced() -> None:
    tool = ToolSpec("lookup_stock_price", "Look up the latest stock price for a ticker symbol", {
        "type": "object", "properties": {"ticker": {"type": "string"}}, "required": ["ticker"],
    })  # fmt: skip
    turns = [Turn("user", "What's the stock price of ACME?")]
    called = generate_reply(ReplyRequest(turns=turns, model="m/x", tools=[tool]))
    assert called.tool_calls and called.tool_calls[0]["name"] == "lookup_stock_price"
    assert json.loads(called.tool_calls[0]["arguments"])["ticker"] == "ACME"
    ignored = generate_reply(
        ReplyRequest(turns=[Turn("user", "Tell me a joke")], model="m/x", tools=[tool])
    )
    assert ignored.tool_calls == []


def test_the_same_reply_in_a_process_with_another_hash_seed() -> None:
    code = (
        "from meshapi.testing._engines.text import *; "
        "turns = [Turn('user', 'Explain gravity and orbits')]; "
        "print(generate_reply(ReplyRequest(turns=turns, model='m/x', seed=4)).text)"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }  # fmt: skip
    assert len(outputs) == 1
    assert outputs == {reply("Explain gravity and orbits", seed=4) + "\n"}


def test_an_empty_text_still_embeds_to_a_unit_vector() -> None:
    vector = embed_text("...", 16)
    assert sum(v * v for v in vector) == pytest.approx(1.0)
    assert embed_text("Cats", 16) == embed_text("cats", 16)


def test_the_rpm_window_slides_and_the_rpd_count_resets_at_midnight() -> None:
    now = [1_700_000_000.0]
    limiter = RateLimiter(clock=lambda: now[0])
    limiter.check("k", rpm=2, rpd=None)
    now[0] += 30
    limiter.check("k", rpm=2, rpd=None)
    with pytest.raises(GatewayError) as info:
        limiter.check("k", rpm=2, rpd=None)
    assert info.value.status == 429 and info.value.retry_after == pytest.approx(30)
    now[0] += 31
    limiter.check("k", rpm=2, rpd=None)
    day = RateLimiter(clock=lambda: now[0])
    now[0] = 1_700_006_399.0  # 23:59:59 UTC
    day.check("d", rpm=None, rpd=1)
    with pytest.raises(GatewayError) as info:
        day.check("d", rpm=None, rpd=1)
    assert info.value.retry_after == pytest.approx(1.0)
    now[0] += 2
    day.check("d", rpm=None, rpd=1)


def test_ulids_are_unique_and_sorted_by_creation() -> None:
    ids = [new_ulid() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert all(len(i) == 26 for i in ids)


def test_frames_split_multi_line_data_and_honour_the_line_end() -> None:
    assert encode_frame("done", {"a": 1}) == b'event: done\ndata: {"a":1}\n\n'
    assert encode_frame(None, "one\ntwo", "\r\n") == b"data: one\r\ndata: two\r\n\r\n"


def test_an_error_envelope_has_details_and_retry_after_when_given() -> None:
    error = GatewayError(429, "rate_limit_exceeded", "slow", retry_after=1.2, details=[{"x": 1}])
    assert error.envelope("req_1") == {
        "error": {
            "code": "rate_limit_exceeded",
            "message": "slow",
            "details": [{"x": 1}],
            "retry_after_seconds": 2,
        },
        "request_id": "req_1",
    }
    assert error.response_headers() == {"Retry-After": "2"}
