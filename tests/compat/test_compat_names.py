"""Every public name of meshapi 0.1.4 imports from ``meshapi`` and takes the same arguments.

Read from the published name list (``names-0.1.4.md``): each name must import, each listed model
must build from a value for every listed field (in the shape 0.1.4 took it: a dict where it took
a model, a string where it took a string; then again with nested models built from our own
classes), and the names we spell differently must be the same object as ours.
"""

from __future__ import annotations

from typing import Any, Dict

import pytest
from doclists import ModelDoc, load, parse_type, sample_fields

import meshapi

V014 = load("0.1.4")

# Our name for the thing 0.1.4 named differently: one class, two names (the README's table).
ALIASES = {
    "ImageDetail": "ImageURL",
    "ContentPartAudio": "ContentPartInputAudio",
    "ModelOverride": "CompareModelOverride",
    "ChatCompletionChunkDelta": "ChoiceDelta",
    "ImageItem": "ImageData",
    "EmbeddingItem": "EmbeddingsData",
    "UsageInfo": "Usage",
    "EmbeddingsUsage": "Usage",
    "TokenUsage": "Usage",
    "BatchListResponse": "BatchList",
}


def test_the_list_is_read_whole() -> None:
    # 80 names, `__version__` aside; a parser that skipped lines would pass everything below.
    assert len(V014.names) == 79
    assert len(V014.models) == 64
    assert len(V014.classes) == 12
    assert set(V014.aliases) == {"ChatRole", "ContentPart", "ToolChoice"}


@pytest.mark.parametrize("name", V014.names)
def test_every_014_name_imports_from_meshapi(name: str) -> None:
    assert name in meshapi.__all__
    assert getattr(meshapi, name) is not None


@pytest.mark.parametrize("alias,ours", sorted(ALIASES.items()))
def test_a_014_name_is_the_same_object_as_ours(alias: str, ours: str) -> None:
    assert getattr(meshapi, alias) is getattr(meshapi, ours)


def _samples(name: str, doc: ModelDoc) -> Dict[str, Any]:
    values = sample_fields(doc, V014)
    for (model, field), value in NARROWER.items():
        if model == name:
            values[field] = value
    return values


def _nested_as_models(model: ModelDoc, values: Dict[str, Any]) -> Dict[str, Any]:
    """The same values with each nested model built from OUR class of that name."""
    out = dict(values)
    for field in model.fields:
        head, args = parse_type(field.type)
        while head == "Optional" or (head == "Union" and args):
            head, args = args[0]
        value = out[field.name]
        if head in V014.models and isinstance(value, dict):
            out[field.name] = getattr(meshapi, head)(**value)
        elif head == "List" and args and args[0][0] in V014.models:
            item_name = args[0][0]
            out[field.name] = [
                getattr(meshapi, item_name)(**v) if isinstance(v, dict) else v for v in value
            ]
    return out


def _check_built(instance: Any, values: Dict[str, Any]) -> None:
    for name, given in values.items():
        got = getattr(instance, name)
        if isinstance(given, (str, int, bool)) and not isinstance(given, float):
            if name in ("created_at", "updated_at") or "usd" in name or "pct" in name:
                continue  # we read these as numbers or timestamps: checked in other tests
            assert got == given or str(got) == str(given), f"{name}: {given!r} -> {got!r}"


# Response models where we require a field 0.1.4 left optional: the gateway always sends it,
# and requiring it is what lets a broken body fail as invalid_response instead of surfacing as
# None later (`choice.message.content` stays typed without an Optional in the way).
STRICTER_RESPONSES = {
    "BatchObject": {"status"},
    "ChatCompletionChoice": {"message"},
    "CompareStreamEvent": {"event"},
    "ResponsesStreamEvent": {"type"},
}


# Fields 0.1.4 typed `Any` that we type by what the wire carries: given a value of that type.
NARROWER = {("CompareStreamEvent", "error"): "the model failed"}


@pytest.mark.parametrize("name", sorted(V014.models))
def test_every_014_model_builds_from_its_required_fields_alone(name: str) -> None:
    doc = V014.models[name]
    values = _samples(name, doc)
    required = {f.name: values[f.name] for f in doc.fields if f.required}
    extra = STRICTER_RESPONSES.get(name, set())
    required.update({field: values[field] for field in extra})
    _check_built(getattr(meshapi, name)(**required), required)


def test_the_stricter_response_models_are_response_models() -> None:
    for name in STRICTER_RESPONSES:
        assert issubclass(getattr(meshapi, name), meshapi.ResponseModel), name


@pytest.mark.parametrize("name", sorted(V014.models))
def test_every_014_model_builds_from_its_listed_fields(name: str) -> None:
    doc = V014.models[name]
    cls = getattr(meshapi, name)
    values = _samples(name, doc)
    _check_built(cls(**values), values)
    _check_built(cls(**_nested_as_models(doc, values)), values)
    # A params model serialises to the wire with what it was given.
    if hasattr(cls, "to_wire"):
        body = cls(**values).to_wire()
        for field in doc.fields:
            if values[field.name] is not None:
                assert field.name in body, f"{name}.{field.name} is not sent"


def test_014_request_models_take_a_dict_or_a_model_where_014_took_a_model() -> None:
    params = meshapi.ChatCompletionParams(
        model="openai/gpt-4o-mini",
        messages=[
            meshapi.ChatMessage(
                role="user",
                content=[
                    meshapi.ContentPartText(type="text", text="hi"),
                    meshapi.ContentPartImage(
                        type="image_url", image_url=meshapi.ImageDetail(url="https://x/y.png")
                    ),
                    meshapi.ContentPartAudio(
                        type="input_audio",
                        input_audio=meshapi.InputAudio(data="AAAA", format="wav"),
                    ),
                ],
            )
        ],
        tool_choice=meshapi.ToolChoiceObject(
            type="function", function=meshapi.ToolChoiceFunction(name="f")
        ),
        image=meshapi.ImageOptions(),
        audio=meshapi.AudioOutputOptions(voice="alloy", format="wav"),
        provider=meshapi.ProviderPreferences(order=["openai"]),
    )
    body = params.to_wire()
    assert body["tool_choice"] == {"type": "function", "function": {"name": "f"}}
    assert body["image"] == {
        "n": 1,
        "size": "1024x1024",
        "quality": "high",
        "response_format": "url",
    }
    assert body["audio"] == {"voice": "alloy", "format": "wav"}
    assert body["provider"] == {"order": ["openai"]}
    assert body["messages"][0]["content"][2]["input_audio"] == {"data": "AAAA", "format": "wav"}
    tools = meshapi.ResponsesParams(
        input="hi",
        tools=[
            meshapi.ResponsesFunctionTool(name="f", parameters={"type": "object"}),
            meshapi.BuiltinTool(type="web_search_preview", search_context_size="low"),
        ],
    ).to_wire()["tools"]
    assert tools == [
        {"type": "function", "name": "f", "parameters": {"type": "object"}},
        {"type": "web_search_preview", "search_context_size": "low"},
    ]


def test_meshapi_config_builds_a_client_as_014_code_did(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MESHAPI_TOKEN", "rsk_from_env")
    monkeypatch.delenv("MESHAPI_BASE_URL", raising=False)
    config = meshapi.MeshAPIConfig(base_url="http://127.0.0.1:9/", max_retries=5, timeout=7.0)
    assert config.base_url == "http://127.0.0.1:9" and config.token == "rsk_from_env"
    assert "rsk_from_env" not in repr(config)
    for cls in (meshapi.MeshAPI, meshapi.AsyncMeshAPI):
        client = cls(config=config)
        assert client.base_url == "http://127.0.0.1:9"
        assert client._http.max_retries == 5
        assert client._http.timeout.read == 7.0
        # An explicit argument still wins over the config.
        assert cls(config=config, base_url="http://127.0.0.1:10").base_url == "http://127.0.0.1:10"
        client2 = cls(**config.client_kwargs())
        assert client2.base_url == client.base_url
    with pytest.raises(TypeError, match="MeshAPIConfig"):
        meshapi.MeshAPI(config={"base_url": "x"})  # type: ignore[arg-type]


# -- 0.1.11 -------------------------------------------------------------------------------------

V011 = load("0.1.11")


def test_the_0_1_11_list_is_read_whole() -> None:
    # The list of names added in 0.1.11 has 43 entries (its heading counts 52 in `__all__`).
    assert len(V011.names) == 43


# Values the list's notation cannot carry: limits given in the protocol's prose, not in brackets.
V011_VALUES = {
    ("RouterSelectParams", "messages"): [{"role": "user", "content": "Which model?"}],
    ("TranscriptionParams", "diarization_threshold"): 0.2,  # 0.1-0.4 (protocol-0.1.11.md)
}


@pytest.mark.parametrize("name", V011.names)
def test_every_0_1_11_name_imports_from_meshapi(name: str) -> None:
    assert name in meshapi.__all__
    assert getattr(meshapi, name) is not None


@pytest.mark.parametrize("name", sorted(V011.models))
def test_every_0_1_11_model_builds_from_its_listed_fields(name: str) -> None:
    doc = V011.models[name]
    values = sample_fields(doc, V011)
    for (model, field), value in V011_VALUES.items():
        if model == name:
            values[field] = value
    _check_built(getattr(meshapi, name)(**values), values)
