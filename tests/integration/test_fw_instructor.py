"""instructor against the local gateway: structured output in its tool-calling, JSON-schema and
JSON modes (the last describes the schema in a system message), streamed partial objects, and
async."""

from __future__ import annotations

from typing import List

import instructor
import openai
import pydantic
import pytest

from meshapi.testing import LocalGateway

MODES = [instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA, instructor.Mode.JSON]


class City(pydantic.BaseModel):
    name: str
    country: str
    landmarks: List[str]


def messages(text: str) -> List[dict]:  # type: ignore[type-arg]
    return [{"role": "user", "content": text}]


@pytest.mark.parametrize("mode", MODES, ids=[m.value for m in MODES])
def test_structured_output(gw: LocalGateway, mode: instructor.Mode) -> None:
    raw = openai.OpenAI(base_url=gw.base_url + "/v1", api_key=gw.api_key, max_retries=0)
    client = instructor.from_openai(raw, mode=mode)
    city = client.chat.completions.create(
        model="openai/gpt-4o-mini",
        response_model=City,
        messages=messages("Tell me about Paris."),
        max_retries=0,
    )
    assert (city.name, city.country) == ("Paris", "France")
    assert city.landmarks and all(isinstance(x, str) for x in city.landmarks)
    raw.close()


def test_streamed_partial_objects(gw: LocalGateway) -> None:
    raw = openai.OpenAI(base_url=gw.base_url + "/v1", api_key=gw.api_key, max_retries=0)
    client = instructor.from_openai(raw)
    partials = list(
        client.chat.completions.create_partial(
            model="openai/gpt-4o-mini",
            response_model=City,
            messages=messages("Tell me about Tokyo."),
        )
    )
    assert len(partials) > 1
    assert (partials[-1].name, partials[-1].country) == ("Tokyo", "Japan")
    raw.close()


async def test_async_client(gw: LocalGateway) -> None:
    raw = openai.AsyncOpenAI(base_url=gw.base_url + "/v1", api_key=gw.api_key, max_retries=0)
    client = instructor.from_openai(raw)
    city = await client.chat.completions.create(
        model="openai/gpt-4o-mini", response_model=City, messages=messages("Describe Cairo.")
    )
    assert (city.name, city.country) == ("Cairo", "Egypt")
    await raw.close()
