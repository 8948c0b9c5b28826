"""Live-test settings: the ``MESHAPI_*`` variables, from the environment or ``.env.livetest``.

Where a setting comes from, strongest first:

1. the process environment;
2. ``livetests/.env.livetest``;
3. ``.env.livetest`` at the repository root.

The files hold ``KEY=VALUE`` lines (``#`` comments, blank lines, an optional ``export`` prefix and
matching quotes around the value are allowed). A blank value counts as unset, so a setting can be
switched off in a file without deleting the line. No ``python-dotenv`` dependency: the format is
parsed here.

| variable | default | |
|---|---|---|
| ``MESHAPI_BASE_URL`` | unset: a LocalGateway for the session | the gateway to test |
| ``MESHAPI_TOKEN`` | the LocalGateway's key | required when ``MESHAPI_BASE_URL`` is set |
| ``MESHAPI_MODEL`` | ``openai/gpt-4o-mini`` | primary chat model |
| ``MESHAPI_SECOND_MODEL`` | ``anthropic/claude-haiku-4.5`` | second model (compare, matrix) |
| ``MESHAPI_EMBEDDINGS_MODEL`` | ``openai/text-embedding-3-small`` | |
| ``MESHAPI_IMAGE_GEN_MODEL`` | unset: tests skipped | |
| ``MESHAPI_IMAGE_URL`` | unset: vision tests skipped | a publicly reachable image |
| ``MESHAPI_INPUT_AUDIO_B64`` | unset: audio-input tests skipped | base64 audio |
| ``MESHAPI_INPUT_AUDIO_FORMAT`` | ``wav`` | format of that audio |
| ``MESHAPI_AUDIO_OUT_MODEL`` | unset: audio-output tests skipped | |
| ``MESHAPI_REALTIME_MODEL`` | ``openai/gpt-realtime-mini`` | realtime (WebSocket) model |

Against the LocalGateway (``MESHAPI_BASE_URL`` unset) the optional settings that are not given
get local values instead (an image model, an audio model, an image URL served by the gateway, a
short generated WAV), so that nothing is skipped.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence

__all__ = [
    "DEFAULTS",
    "ENV_FILE_NAME",
    "EnvFileError",
    "LiveConfig",
    "default_env_files",
    "missing_token_message",
    "parse_env_file",
    "parse_env_text",
    "read_settings",
]

ENV_FILE_NAME = ".env.livetest"

# Every variable of the table, with its default (None: unset unless given).
DEFAULTS: Dict[str, Optional[str]] = {
    "MESHAPI_BASE_URL": None,
    "MESHAPI_TOKEN": None,
    "MESHAPI_MODEL": "openai/gpt-4o-mini",
    "MESHAPI_SECOND_MODEL": "anthropic/claude-haiku-4.5",
    "MESHAPI_EMBEDDINGS_MODEL": "openai/text-embedding-3-small",
    "MESHAPI_IMAGE_GEN_MODEL": None,
    "MESHAPI_IMAGE_URL": None,
    "MESHAPI_INPUT_AUDIO_B64": None,
    "MESHAPI_INPUT_AUDIO_FORMAT": "wav",
    "MESHAPI_AUDIO_OUT_MODEL": None,
    "MESHAPI_REALTIME_MODEL": "openai/gpt-realtime-mini",
}


class EnvFileError(ValueError):
    """A line of an ``.env.livetest`` file that is not ``KEY=VALUE``."""


def parse_env_text(text: str, source: str = "<text>") -> Dict[str, str]:
    """``KEY=VALUE`` lines to a dict; the last occurrence of a key wins.

    Raises:
        EnvFileError: a line is neither blank, a comment, nor ``KEY=VALUE`` (the message names
            the file and line, never the value: it may be a key).
    """
    values: Dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key or not key.replace("_", "").isalnum() or key[0].isdigit():
            raise EnvFileError(
                f"{source}:{number}: expected KEY=VALUE (a variable name, '=', a value)"
            )
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()  # a trailing comment after an unquoted value
        values[key] = value
    return values


def parse_env_file(path: Path) -> Dict[str, str]:
    """Parse one ``.env.livetest`` file (UTF-8)."""
    return parse_env_text(path.read_text(encoding="utf-8"), str(path))


def default_env_files() -> List[Path]:
    """The files read by default, strongest first: ``livetests/`` then the repository root."""
    here = Path(__file__).resolve().parent
    return [here / ENV_FILE_NAME, here.parent / ENV_FILE_NAME]


def read_settings(
    environ: Optional[Mapping[str, str]] = None, files: Optional[Sequence[Path]] = None
) -> Dict[str, Optional[str]]:
    """Every variable of :data:`DEFAULTS`, resolved: environment, then files, then default.

    A blank value (in the environment or a file) counts as unset.
    """
    env = os.environ if environ is None else environ
    layers: List[Mapping[str, str]] = [env]
    for path in default_env_files() if files is None else files:
        if path.is_file():
            layers.append(parse_env_file(path))
    settings: Dict[str, Optional[str]] = {}
    for name, default in DEFAULTS.items():
        value: Optional[str] = None
        for layer in layers:
            given = layer.get(name)
            if given is not None and given.strip():
                value = given.strip()
                break
        settings[name] = value if value is not None else default
    return settings


@dataclasses.dataclass(frozen=True)
class LiveConfig:
    """Resolved settings for one live-test session (``config`` fixture)."""

    base_url: str
    token: str = dataclasses.field(repr=False)
    model: str
    second_model: str
    embeddings_model: str
    image_gen_model: Optional[str]
    image_url: Optional[str]
    input_audio_b64: Optional[str] = dataclasses.field(repr=False)
    input_audio_format: str
    audio_out_model: Optional[str]
    realtime_model: str
    local: bool
    """True when the tests run against a LocalGateway started for this session."""

    def need(self, field: str) -> str:
        """The optional setting ``field`` (``"image_url"``...), or skip the calling test with
        the name of the variable to set."""
        value = getattr(self, field)
        if not value:
            import pytest

            pytest.skip(f"MESHAPI_{field.upper()} is not set")
        return str(value)

    @classmethod
    def from_settings(
        cls,
        settings: Mapping[str, Optional[str]],
        *,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        local: bool = False,
        local_defaults: Optional[Mapping[str, str]] = None,
    ) -> LiveConfig:
        """Build the config; ``base_url``/``token`` override the settings (the local gateway's),
        and ``local_defaults`` fill optional settings that were not given."""
        merged: Dict[str, Optional[str]] = dict(settings)
        for name, value in (local_defaults or {}).items():
            if not merged.get(name):
                merged[name] = value
        url = base_url or merged["MESHAPI_BASE_URL"]
        key = token or merged["MESHAPI_TOKEN"]
        if not url:
            raise ValueError("MESHAPI_BASE_URL is not set and no local gateway was started")
        if not key:
            raise ValueError(missing_token_message(url))

        def required(name: str) -> str:
            value = merged.get(name)
            assert value, f"{name} has a default"
            return value

        return cls(
            base_url=url,
            token=key,
            model=required("MESHAPI_MODEL"),
            second_model=required("MESHAPI_SECOND_MODEL"),
            embeddings_model=required("MESHAPI_EMBEDDINGS_MODEL"),
            image_gen_model=merged.get("MESHAPI_IMAGE_GEN_MODEL"),
            image_url=merged.get("MESHAPI_IMAGE_URL"),
            input_audio_b64=merged.get("MESHAPI_INPUT_AUDIO_B64"),
            input_audio_format=required("MESHAPI_INPUT_AUDIO_FORMAT"),
            audio_out_model=merged.get("MESHAPI_AUDIO_OUT_MODEL"),
            realtime_model=required("MESHAPI_REALTIME_MODEL"),
            local=local,
        )


def missing_token_message(base_url: str) -> str:
    """What to say when a gateway is named but no key is given (the URL is not a secret)."""
    return (
        f"MESHAPI_BASE_URL is set ({base_url}) but MESHAPI_TOKEN is not: export "
        "MESHAPI_TOKEN=rsk_... or add it to livetests/.env.livetest (or .env.livetest at the "
        "repository root). Unset MESHAPI_BASE_URL to run against a local gateway instead."
    )
