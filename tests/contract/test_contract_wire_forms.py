"""Our SDK reads both wire forms where production and older gateways differ: prices as decimal
strings or numbers, image usage in MeshAPI's or OpenAI's spelling (never a silent 0)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

import meshapi._types as t

FIXTURES = Path(__file__).parent / "fixtures"


def test_prices_sent_as_decimal_strings_read_as_numbers() -> None:
    model = t.ModelInfo.model_validate_json((FIXTURES / "model_info.json").read_bytes())
    assert model.pricing is not None
    assert model.pricing.prompt_usd_per_1k == pytest.approx(0.0025)
    assert model.pricing.prompt_usd_per_1m == pytest.approx(2.5)
    assert model.pricing.discount_pct == pytest.approx(10.0)
    assert model.pricing.image_usd_per_image is None
    assert model.pricing.pricing_unit == "per_token"


def test_prices_sent_as_numbers_still_read() -> None:
    pricing = {"prompt_usd_per_1k": 0.001, "completion_usd_per_1m": 4}
    body = {"id": "a/b", "name": "B", "is_free": False, "pricing": pricing}
    model = t.ModelInfo.model_validate_json(json.dumps(body))
    assert model.pricing is not None
    assert model.pricing.prompt_usd_per_1k == pytest.approx(0.001)
    assert model.pricing.completion_usd_per_1m == pytest.approx(4.0)


@pytest.mark.parametrize(
    "usage",
    [
        {"prompt_tokens": 14, "completion_tokens": 272, "total_tokens": 286},
        {"input_tokens": 14, "output_tokens": 272, "total_tokens": 286},
        {"prompt_tokens": 14, "completion_tokens": 272},
        {"input_tokens": 14, "output_tokens": 272},
    ],
    ids=["meshapi", "openai", "meshapi-no-total", "openai-no-total"],
)
def test_image_usage_reads_either_spelling(usage: dict) -> None:  # type: ignore[type-arg]
    body = {"created": 1, "data": [{"url": "https://x/y.png"}], "usage": usage}
    parsed = t.ImageGenerationResponse.model_validate_json(json.dumps(body)).usage
    assert parsed is not None
    assert (parsed.prompt_tokens, parsed.completion_tokens, parsed.total_tokens) == (14, 272, 286)
    assert (parsed.input_tokens, parsed.output_tokens) == (14, 272)


def test_image_usage_without_its_counts_is_invalid() -> None:
    # meshapi 0.1.4 required all three counts; only the total can be worked out.
    with pytest.raises(ValidationError, match="completion_tokens"):
        t.ImageUsage.model_validate({"prompt_tokens": 14, "total_tokens": 14})
