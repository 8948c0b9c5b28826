"""The model catalogue routes and the catalogue data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest
from gwkit import client_for

from meshapi.testing import LocalGateway
from meshapi.testing._core.catalogue import Catalogue, decimal_string, wire_model

SPEC_MODELS = [
    "openai/gpt-4o-mini",
    "openai/gpt-4o",
    "anthropic/claude-sonnet-4.5",
    "anthropic/claude-haiku-4.5",
    "openai/o4-mini",
    "openai/text-embedding-3-small",
    "openai/gpt-image-1",
    "openai/gpt-5-nano",
    "openai/gpt-4o-realtime-preview",
    "openai/gpt-realtime-mini",
    "openai/gpt-4o-audio-preview",
]
FIELDS = {
    "id", "name", "context_length", "is_free", "pricing", "description", "supports_thinking",
    "supports_completions_api", "supports_responses_api", "model_type", "input_modalities",
    "output_modalities",
}  # fmt: skip


def test_the_list_is_a_bare_array_of_complete_model_objects(api: httpx.Client) -> None:
    models = api.get("/v1/models").json()
    assert isinstance(models, list) and len(models) >= 40
    for model in models:
        assert set(model) >= FIELDS, model["id"]
        assert "/" in model["id"]
        assert {"prompt_usd_per_1k", "completion_usd_per_1k", "discount_pct"} <= set(
            model["pricing"]
        )


def test_the_catalogue_covers_every_model_the_spec_uses_and_every_kind(api: httpx.Client) -> None:
    models = {m["id"]: m for m in api.get("/v1/models").json()}
    assert set(SPEC_MODELS) <= set(models)
    kinds = {m["model_type"] for m in models.values()}
    assert kinds >= {
        "chat", "reasoning", "embedding", "image", "audio", "realtime", "video", "moderation",
    }  # fmt: skip
    assert "audio" in models["openai/gpt-4o-audio-preview"]["output_modalities"]
    assert models["openai/o4-mini"]["supports_thinking"] is True


@pytest.mark.parametrize("free", [True, False])
def test_the_free_filter_and_the_free_and_paid_routes_agree(api: httpx.Client, free: bool) -> None:
    filtered = api.get("/v1/models", params={"free": str(free).lower()}).json()
    route = api.get("/v1/models/free" if free else "/v1/models/paid").json()
    assert filtered == route
    assert filtered and all(m["is_free"] is free for m in filtered)


def test_a_bad_free_parameter_is_422(api: httpx.Client) -> None:
    response = api.get("/v1/models", params={"free": "maybe"})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"] == ["query", "free"]


def test_one_model_by_an_id_containing_a_slash(api: httpx.Client) -> None:
    model = api.get("/v1/models/anthropic/claude-sonnet-4.5").json()
    assert model["id"] == "anthropic/claude-sonnet-4.5"
    assert api.get("/v1/models/google/gemini-2.0-flash-exp:free").json()["is_free"] is True


def test_an_unknown_model_is_404_with_a_fastapi_detail(api: httpx.Client) -> None:
    response = api.get("/v1/models/acme/imaginary-1")
    assert response.status_code == 404
    assert response.json() == {"detail": "Model 'acme/imaginary-1' not found"}


def test_models_need_a_key(shared_gateway: LocalGateway) -> None:
    response = httpx.get(f"{shared_gateway.base_url}/v1/models")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_user_catalogue_file_replaces_the_packaged_one(
    make_gateway: Callable[..., LocalGateway], tmp_path: Path
) -> None:
    path = tmp_path / "models.json"
    path.write_text(json.dumps([{"id": "acme/tiny", "model_type": "chat", "pricing": {}}]))
    gateway = make_gateway(catalogue_path=str(path))
    with client_for(gateway) as client:
        assert [m["id"] for m in client.get("/v1/models").json()] == ["acme/tiny"]
        reply = client.post(
            "/v1/chat/completions",
            json={"model": "acme/tiny", "messages": [{"role": "user", "content": "Say ok"}]},
        )
        assert reply.json()["choices"][0]["message"]["content"] == "Ok."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{", "not valid JSON"),
        ('{"models": 3}', "must hold a list"),
        ('[{"id": "nope", "model_type": "chat"}]', "provider/name"),
        ('[{"id": "a/b", "model_type": "toaster"}]', "model_type"),
        ('[{"id": "a/b", "model_type": "chat"}, {"id": "a/b", "model_type": "chat"}]', "twice"),
    ],
)
def test_a_broken_catalogue_file_is_refused_with_a_clear_message(
    tmp_path: Path, data: str, message: str
) -> None:
    path = tmp_path / "models.json"
    path.write_text(data)
    with pytest.raises(ValueError, match=message):
        Catalogue.load(str(path))


@pytest.mark.parametrize(
    "value,wire",
    [(7.5e-05, "0.000075"), (0.0025, "0.0025"), (50, "50"), (0, "0"), (0.0, "0"),
     ("0.10", "0.1"), (None, None), (True, None), ("n/a", None), (float("nan"), None)],
)  # fmt: skip
def test_prices_leave_the_gateway_as_plain_decimal_strings(value: Any, wire: Any) -> None:
    assert decimal_string(value) == wire


def test_a_model_on_the_wire_has_string_prices_and_the_current_catalogue_fields() -> None:
    entry = {
        "id": "acme/m", "model_type": "chat", "context_length": 8000,
        "pricing": {"prompt_usd_per_1k": 0.001, "image_usd_per_image": None, "notes": "n"},
    }  # fmt: skip
    model = wire_model(entry)
    assert model["pricing"]["prompt_usd_per_1k"] == "0.001"
    assert model["pricing"]["prompt_usd_per_1m"] == "1"
    assert model["pricing"]["image_output_usd_per_image"] is None
    assert model["pricing"]["notes"] == "n" and model["pricing"]["pricing_unit"] == "per_token"
    assert (model["brand"], model["provider"], model["context_window"]) == ("acme", "acme", 8000)
    assert entry["pricing"]["prompt_usd_per_1k"] == 0.001  # the catalogue itself is untouched
