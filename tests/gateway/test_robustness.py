"""Bad input never produces a 500: every field of every endpoint gets values of the wrong shape."""

from __future__ import annotations

import copy
import uuid
from typing import Any, Dict, Iterator, List, Tuple

import httpx
import pytest

WRONG: List[Any] = [None, 0, -1, 10**30, 3.5, "", "x", True, [], [1], [{}], {}, {"a": 1}]

VALID: Dict[str, Dict[str, Any]] = {
    "/v1/chat/completions": {
        "model": "openai/gpt-4o-mini",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
        "max_tokens": 5,
        "temperature": 0.5,
        "stop": ["x"],
        "n": 1,
        "tools": [
            {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
        ],
        "tool_choice": "auto",
        "response_format": {"type": "json_object"},
        "stream_options": {"include_usage": True},
        "template": None,
        "variables": {"a": "b"},
        "models": ["openai/gpt-4o"],
        "modalities": ["text"],
        "image": {"size": "64x64"},
    },
    "/v1/responses": {
        "model": "openai/o4-mini",
        "input": [{"role": "user", "content": [{"type": "input_text", "text": "hi"}]}],
        "instructions": "be brief",
        "reasoning": {"effort": "low", "summary": "auto"},
        "max_output_tokens": 50,
        "tools": [{"type": "function", "name": "f", "parameters": {"type": "object"}}],
        "tool_choice": "auto",
        "text": {"format": {"type": "text"}},
    },
    "/v1/embeddings": {
        "model": "openai/text-embedding-3-small",
        "input": ["a"],
        "dimensions": 8,
        "encoding_format": "float",
    },
    "/v1/images/generations": {
        "prompt": "x",
        "size": "64x64",
        "n": 1,
        "output_format": "png",
        "response_format": "b64_json",
    },
    "/v1/templates": {
        "name": "robust",
        "system": "s",
        "messages": [{"role": "user", "content": "c"}],
        "params": {},
        "variables": [],
    },
}


def paths(value: Any, prefix: Tuple[Any, ...] = ()) -> Iterator[Tuple[Any, ...]]:
    """Every location inside a JSON value (dict keys and list indexes)."""
    if isinstance(value, dict):
        for key, sub in value.items():
            yield (*prefix, key)
            yield from paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield (*prefix, index)
            yield from paths(sub, (*prefix, index))


def replaced(body: Dict[str, Any], path: Tuple[Any, ...], new: Any) -> Dict[str, Any]:
    out = copy.deepcopy(body)
    target: Any = out
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return out


@pytest.mark.parametrize("endpoint", list(VALID))
def test_no_wrongly_shaped_field_causes_a_server_error(api: httpx.Client, endpoint: str) -> None:
    body = VALID[endpoint]
    failures = []
    # Each location gets None plus three other wrong values, rotating through the list so
    # every kind of value is tried somewhere while the test stays quick.
    for index, path in enumerate(paths(body)):
        for wrong in [None] + [WRONG[1 + (3 * index + j) % (len(WRONG) - 1)] for j in range(3)]:
            payload = replaced(body, path, wrong)
            if endpoint == "/v1/templates" and path != ("name",):
                payload["name"] = f"robust-{uuid.uuid4().hex}"  # no 409 from earlier rounds
            response = api.post(endpoint, json=payload)
            if response.status_code >= 500 or (
                response.status_code >= 400 and "error" not in response.json()
            ):
                failures.append((path, wrong, response.status_code, response.text[:200]))
    assert failures == []
