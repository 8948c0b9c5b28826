"""The live-test settings loader (no network): .env parsing, precedence, the missing token."""

from __future__ import annotations

from pathlib import Path

import pytest

from .config import DEFAULTS, EnvFileError, LiveConfig, parse_env_text, read_settings


def test_env_text_allows_comments_export_quotes_and_blank_lines() -> None:
    text = """
# a comment
MESHAPI_BASE_URL=https://api-dev.meshapi.ai
export MESHAPI_TOKEN="rsk_quoted"
MESHAPI_MODEL = 'openai/gpt-4o'
MESHAPI_IMAGE_URL=https://example.com/cat.png  # trailing comment
MESHAPI_AUDIO_OUT_MODEL=
"""
    assert parse_env_text(text) == {
        "MESHAPI_BASE_URL": "https://api-dev.meshapi.ai",
        "MESHAPI_TOKEN": "rsk_quoted",
        "MESHAPI_MODEL": "openai/gpt-4o",
        "MESHAPI_IMAGE_URL": "https://example.com/cat.png",
        "MESHAPI_AUDIO_OUT_MODEL": "",
    }


def test_a_malformed_line_names_the_file_and_line_but_not_the_value() -> None:
    with pytest.raises(EnvFileError, match=r"x.env:2: expected KEY=VALUE") as info:
        parse_env_text("A=1\nrsk_secret_value_without_a_key\n", "x.env")
    assert "rsk_secret" not in str(info.value)


def test_environment_beats_the_livetests_file_which_beats_the_root_file(tmp_path: Path) -> None:
    near = tmp_path / "near.env"
    far = tmp_path / "far.env"
    near.write_text("MESHAPI_MODEL=near/model\nMESHAPI_TOKEN=rsk_near\n", encoding="utf-8")
    far.write_text(
        "MESHAPI_MODEL=far/model\nMESHAPI_SECOND_MODEL=far/second\nMESHAPI_TOKEN=rsk_far\n",
        encoding="utf-8",
    )
    settings = read_settings(
        {"MESHAPI_TOKEN": "rsk_env", "MESHAPI_IMAGE_URL": "  "}, [near, far, tmp_path / "none"]
    )
    assert settings["MESHAPI_TOKEN"] == "rsk_env"
    assert settings["MESHAPI_MODEL"] == "near/model"
    assert settings["MESHAPI_SECOND_MODEL"] == "far/second"
    assert settings["MESHAPI_IMAGE_URL"] is None, "blank means unset"
    assert settings["MESHAPI_REALTIME_MODEL"] == DEFAULTS["MESHAPI_REALTIME_MODEL"]


def test_config_needs_a_token_for_a_named_gateway_and_fills_local_defaults() -> None:
    settings = read_settings({"MESHAPI_BASE_URL": "https://gw.example"}, [])
    with pytest.raises(ValueError, match="MESHAPI_TOKEN is not"):
        LiveConfig.from_settings(settings)
    local = LiveConfig.from_settings(
        read_settings({"MESHAPI_AUDIO_OUT_MODEL": "mine/audio"}, []),
        base_url="http://127.0.0.1:1",
        token="rsk_local",
        local=True,
        local_defaults={"MESHAPI_AUDIO_OUT_MODEL": "x/y", "MESHAPI_IMAGE_URL": "http://i/p.png"},
    )
    assert local.audio_out_model == "mine/audio", "a given setting is kept"
    assert local.image_url == "http://i/p.png"
    assert local.local and local.model == "openai/gpt-4o-mini"
    assert "rsk_local" not in repr(local)
