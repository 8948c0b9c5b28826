"""Realtime session settings: the session object's defaults and the checks that
``session.update`` and ``response.create`` options go through.

Rule: a bad value raises :class:`RealtimeProblem` naming the parameter (``session.voice``,
``response.max_output_tokens``, ...); the session answers it with an ``error`` event and stays
open. An update is applied whole or not at all.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, List, Mapping, Optional

from .._engines.audio import VOICES
from .._formats.audio import SAMPLE_RATE

__all__ = [
    "MODALITIES",
    "PCM_FORMAT",
    "RESPONSE_KEYS",
    "SESSION_KEYS",
    "RealtimeProblem",
    "apply_session_update",
    "check_max_tokens",
    "check_modalities",
    "check_voice",
    "default_turn_detection",
]

MODALITIES = ("text", "audio")


class RealtimeProblem(Exception):
    """A client mistake answered with an ``error`` event; the session stays open."""

    def __init__(self, code: str, message: str, param: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.param = param


# -- audio --------------------------------------------------------------------------------------


def default_turn_detection() -> Dict[str, Any]:
    return {
        "type": "server_vad",
        "threshold": 0.5,
        "prefix_padding_ms": 300,
        "silence_duration_ms": 500,
        "idle_timeout_ms": None,
        "create_response": True,
        "interrupt_response": True,
    }


PCM_FORMAT = {"type": "audio/pcm", "rate": SAMPLE_RATE}
SESSION_KEYS = {
    "type", "model", "instructions", "output_modalities", "modalities", "voice", "audio",
    "input_audio_format", "output_audio_format", "turn_detection", "input_audio_transcription",
    "input_audio_noise_reduction", "tools", "tool_choice", "temperature", "max_output_tokens",
    "max_response_output_tokens", "tracing", "prompt", "include", "truncation", "speed",
}  # fmt: skip
RESPONSE_KEYS = {
    "instructions", "output_modalities", "modalities", "metadata", "conversation", "input",
    "max_output_tokens", "max_response_output_tokens", "voice", "audio", "tools", "tool_choice",
    "temperature", "prompt",
}  # fmt: skip


def check_format(value: Any, param: str) -> None:
    if value in ("pcm16", "audio/pcm") or (
        isinstance(value, Mapping)
        and value.get("type") in ("audio/pcm", "pcm16")
        and value.get("rate", SAMPLE_RATE) == SAMPLE_RATE
    ):
        return
    raise RealtimeProblem(
        "invalid_value",
        f"Invalid value for '{param}': the local gateway speaks PCM16 at 24 kHz only "
        "({'type': 'audio/pcm', 'rate': 24000} or 'pcm16').",
        param,
    )


def check_modalities(value: Any, param: str) -> List[str]:
    if (
        not isinstance(value, list)
        or not value
        or any(m not in MODALITIES for m in value)
        or len(set(value)) != len(value)
    ):
        raise RealtimeProblem(
            "invalid_value",
            f"Invalid value for '{param}': expected a non-empty list drawn from ['text', 'audio'].",
            param,
        )
    return [m for m in MODALITIES if m in value]


def check_voice(value: Any, param: str) -> str:
    if value not in VOICES:
        raise RealtimeProblem(
            "invalid_value",
            f"Invalid value for '{param}': {value!r}. Supported voices: {list(VOICES)}.",
            param,
        )
    return str(value)


def check_max_tokens(value: Any, param: str) -> Any:
    if value == "inf" or (
        isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4096
    ):
        return value
    raise RealtimeProblem(
        "invalid_value", f"Invalid value for '{param}': expected an integer 1-4096 or 'inf'.", param
    )


def check_turn_detection(
    value: Any, param: str, current: Optional[Dict[str, Any]]
) -> Optional[Dict[str, Any]]:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise RealtimeProblem(
            "invalid_type", f"Invalid type for '{param}': expected an object or null.", param
        )
    kind = value.get("type", (current or {}).get("type", "server_vad"))
    if kind not in ("server_vad", "semantic_vad"):
        raise RealtimeProblem(
            "invalid_value",
            f"Invalid value for '{param}.type': {kind!r}. Supported: 'server_vad', 'semantic_vad'.",
            f"{param}.type",
        )
    merged = default_turn_detection()
    if current is not None and current.get("type") == kind:
        merged.update(current)
    merged["type"] = kind
    numeric = {
        "threshold": (0.0, 1.0),
        "prefix_padding_ms": (0, 10_000),
        "silence_duration_ms": (0, 10_000),
    }
    for name, raw in value.items():
        where = f"{param}.{name}"
        if name == "type":
            continue
        if name in numeric:
            low, high = numeric[name]
            if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not low <= raw <= high:
                raise RealtimeProblem(
                    "invalid_value", f"Invalid value for '{where}': expected {low}-{high}.", where
                )
        elif name in ("create_response", "interrupt_response"):
            if not isinstance(raw, bool):
                raise RealtimeProblem(
                    "invalid_type", f"Invalid type for '{where}': expected a boolean.", where
                )
        elif name == "eagerness":
            if raw not in ("low", "medium", "high", "auto"):
                raise RealtimeProblem(
                    "invalid_value", f"Invalid value for '{where}': {raw!r}.", where
                )
        elif name == "idle_timeout_ms":
            if raw is not None and (isinstance(raw, bool) or not isinstance(raw, int) or raw < 0):
                raise RealtimeProblem("invalid_value", f"Invalid value for '{where}'.", where)
        else:
            raise RealtimeProblem("unknown_parameter", f"Unknown parameter: '{where}'.", where)
        merged[name] = raw
    return merged


def apply_session_update(session: Dict[str, Any], update: Any) -> Dict[str, Any]:
    """A new session config: ``session`` with ``update`` (GA or beta field names) merged in.
    Raises :class:`RealtimeProblem` without changing anything when a field is wrong."""
    if not isinstance(update, Mapping):
        raise RealtimeProblem(
            "invalid_type", "Invalid type for 'session': expected an object.", "session"
        )
    new = copy.deepcopy(session)
    audio_in = new["audio"]["input"]
    audio_out = new["audio"]["output"]
    for name, value in update.items():
        param = f"session.{name}"
        if name not in SESSION_KEYS:
            raise RealtimeProblem("unknown_parameter", f"Unknown parameter: '{param}'.", param)
        if name == "type":
            if value != "realtime":
                raise RealtimeProblem(
                    "invalid_value",
                    f"Invalid value for '{param}': only 'realtime' sessions are served.",
                    param,
                )
        elif name == "model":
            if value != new["model"]:
                raise RealtimeProblem(
                    "invalid_value",
                    f"Invalid value for '{param}': a session cannot change its model.",
                    param,
                )
        elif name == "instructions":
            if not isinstance(value, str):
                raise RealtimeProblem(
                    "invalid_type", f"Invalid type for '{param}': expected a string.", param
                )
            new["instructions"] = value
        elif name in ("output_modalities", "modalities"):
            new["output_modalities"] = check_modalities(value, param)
        elif name == "voice":
            audio_out["voice"] = check_voice(value, param)
        elif name == "speed":
            audio_out["speed"] = check_speed(value, param)
        elif name in ("input_audio_format", "output_audio_format"):
            check_format(value, param)
        elif name == "turn_detection":
            audio_in["turn_detection"] = check_turn_detection(
                value, param, audio_in["turn_detection"]
            )
        elif name == "input_audio_transcription":
            audio_in["transcription"] = check_optional_object(value, param)
        elif name == "input_audio_noise_reduction":
            audio_in["noise_reduction"] = check_optional_object(value, param)
        elif name in ("max_output_tokens", "max_response_output_tokens"):
            new["max_output_tokens"] = check_max_tokens(value, param)
        elif name == "audio":
            apply_audio_update(audio_in, audio_out, value, param)
        elif name == "temperature":
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not 0.6 <= value <= 1.2
            ):
                raise RealtimeProblem(
                    "invalid_value", f"Invalid value for '{param}': expected 0.6-1.2.", param
                )
            new["temperature"] = value
        elif name == "tools":
            if not isinstance(value, list):
                raise RealtimeProblem(
                    "invalid_type", f"Invalid type for '{param}': expected a list.", param
                )
            new["tools"] = value
        else:  # tool_choice, tracing, prompt, include, truncation: kept as given
            new[name] = value
    return new


def check_speed(value: Any, param: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.25 <= value <= 1.5:
        raise RealtimeProblem(
            "invalid_value", f"Invalid value for '{param}': expected 0.25-1.5.", param
        )
    return float(value)


def check_optional_object(value: Any, param: str) -> Optional[Dict[str, Any]]:
    if value is not None and not isinstance(value, Mapping):
        raise RealtimeProblem(
            "invalid_type", f"Invalid type for '{param}': expected an object or null.", param
        )
    return dict(value) if value is not None else None


def apply_audio_update(
    audio_in: Dict[str, Any], audio_out: Dict[str, Any], value: Any, param: str
) -> None:
    if not isinstance(value, Mapping):
        raise RealtimeProblem(
            "invalid_type", f"Invalid type for '{param}': expected an object.", param
        )
    for side, fields in value.items():
        where = f"{param}.{side}"
        if side not in ("input", "output") or not isinstance(fields, Mapping):
            raise RealtimeProblem("unknown_parameter", f"Unknown parameter: '{where}'.", where)
        for name, raw in fields.items():
            sub = f"{where}.{name}"
            if name == "format":
                check_format(raw, sub)
            elif side == "input" and name == "turn_detection":
                audio_in["turn_detection"] = check_turn_detection(
                    raw, sub, audio_in["turn_detection"]
                )
            elif side == "input" and name in ("transcription", "noise_reduction"):
                audio_in[name] = check_optional_object(raw, sub)
            elif side == "output" and name == "voice":
                audio_out["voice"] = check_voice(raw, sub)
            elif side == "output" and name == "speed":
                audio_out["speed"] = check_speed(raw, sub)
            else:
                raise RealtimeProblem("unknown_parameter", f"Unknown parameter: '{sub}'.", sub)
