"""The local model answers the simple factual questions demos and tests ask, and follows a JSON
schema (given as ``response_format`` or written in the messages). Table-driven, no sockets."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

import pytest

from meshapi.testing._engines.text import (
    ReplyRequest,
    Turn,
    generate_reply,
    schema_in_messages,
)

MODEL = "openai/gpt-4o-mini"


def reply(prompt: str, *, system: Optional[str] = None, **options: Any) -> str:
    turns: List[Turn] = [Turn(role="system", text=system)] if system else []
    turns.append(Turn(role="user", text=prompt))
    text = generate_reply(ReplyRequest(turns=turns, model=MODEL, **options)).text
    assert text is not None
    return text


# (prompt, the answer must contain, or equal when it starts with "=")
FACTS = [
    ("What is the capital of France?", "Paris"),
    ("What is the capital of Japan? Answer in one word.", "=Tokyo"),
    ("what's the capital city of the united kingdom", "London"),
    ("Which city is the capital of Italy?", "Rome"),
    ("What is the capital of Australia? Reply with just the city.", "=Canberra"),
    ("Which country is Ottawa the capital of?", "Canada"),
    ("What is 2+2?", "4"),
    ("What is 17 * 3?", "51"),
    ("What is 12 times 4?", "48"),
    ("What is 100 divided by 8?", "12.5"),
    ("How much is 7 plus 5 minus 2?", "10"),
    ("Calculate (3 + 4) * 5", "35"),
    ("What is 9 squared? Answer with just the number.", "=81"),
    ("Reply with exactly: pong", "=pong"),
    ('Reply with exactly "Hello, World!"', "=Hello, World!"),
    ("Respond with only the word OK.", "=OK"),
    ("Connectivity check. Say exactly READY and nothing else.", "=READY"),
    ("Answer with just 42", "=42"),
    ("Count to 5", "1, 2, 3, 4, 5"),
    ("My name is Ada. What is my favourite color?", "haven't told me"),
]


@pytest.mark.parametrize("prompt,expected", FACTS, ids=[p for p, _ in FACTS])
def test_it_answers_simple_factual_questions(prompt: str, expected: str) -> None:
    answer = reply(prompt)
    if expected.startswith("="):
        assert answer == expected[1:]
    else:
        assert expected in answer
    # Deterministic: the same request, the same answer.
    assert reply(prompt) == answer


CITY = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "country": {"type": "string"},
        "population": {"type": "integer"},
        "is_capital": {"type": "boolean"},
        "landmarks": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["name", "country", "population", "is_capital", "landmarks"],
    "additionalProperties": False,
}


def _check_city(value: Dict[str, Any]) -> None:
    assert set(value) == set(CITY["properties"])
    assert value["name"] == "Paris" and value["country"] == "France"
    assert isinstance(value["population"], int) and not isinstance(value["population"], bool)
    assert isinstance(value["is_capital"], bool)
    assert isinstance(value["landmarks"], list) and all(
        isinstance(x, str) for x in value["landmarks"]
    )


def test_json_schema_mode_follows_the_schema_with_the_facts_it_knows() -> None:
    _check_city(json.loads(reply("Tell me about Paris.", json_schema=CITY)))


# How libraries describe the schema in JSON mode (response_format json_object): instructor's
# system prompt, a fenced block in the user message, a bare schema after a sentence.
DESCRIBED = [
    (
        "As a genius expert, your task is to understand the content and provide the parsed "
        "objects in json that match the following json_schema:\n\n"
        + json.dumps({"$defs": {"City": CITY}, "$ref": "#/$defs/City"}, indent=2)
        + "\n\nMake sure to return an instance of the JSON, not the schema itself",
        "Tell me about Paris.",
    ),
    (
        None,
        "Tell me about Paris. Answer as JSON matching this schema:\n```json\n"
        + json.dumps(CITY)
        + "\n```",
    ),
    ("Reply in JSON. Schema: " + json.dumps({**CITY, "title": "City"}), "Describe Paris."),
]


@pytest.mark.parametrize("system,prompt", DESCRIBED, ids=["instructor", "fenced", "inline"])
def test_json_mode_follows_a_schema_written_in_the_messages(
    system: Optional[str], prompt: str
) -> None:
    _check_city(json.loads(reply(prompt, system=system, json_mode=True)))


@pytest.mark.parametrize(
    "prompt",
    [
        "Reply with a JSON object describing a cat (keys: name, age).",
        "Return JSON with the fields title, year and rating for the film Alien.",
    ],
)
def test_json_mode_gives_the_keys_the_prompt_lists(prompt: str) -> None:
    value = json.loads(reply(prompt, json_mode=True))
    numbers = {k for k, v in value.items() if isinstance(v, int) and not isinstance(v, bool)}
    if "cat" in prompt:
        assert set(value) == {"name", "age"} and numbers == {"age"}
    else:
        assert set(value) == {"title", "year", "rating"} and numbers == {"year", "rating"}


def test_json_mode_without_a_schema_answers_an_object() -> None:
    value = json.loads(reply("What is the capital of France?", json_mode=True))
    assert value == {"answer": "The capital of France is Paris."} or "Paris" in value["answer"]


def test_a_json_example_that_is_not_a_schema_is_not_taken_for_one() -> None:
    turns = [
        Turn(role="user", text='Echo {"a": 1} back, then {"type": "object", "properties": {}}')
    ]
    assert schema_in_messages(turns) == {"type": "object", "properties": {}}
    assert schema_in_messages([Turn(role="user", text='Echo {"a": 1} {broken')]) is None
