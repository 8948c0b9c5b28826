"""Audio: ``/v1/audio/speech``, transcriptions, translations and voices.

Rule: speech is a real clip in the requested format (``wav``, the default, or raw ``pcm``:
PCM16 little-endian mono at ``speech_sample_rate``); the clip carries its own text (see
``_engines/speech.py``), so transcribing or translating it gives that text back exactly.
Formats the gateway cannot write (``mp3``, ``opus``, ...) are refused with 422 naming the ones
it can. Transcriptions are kept per owner (the newest 500) for ``GET .../{id}``. Voices page with
an opaque ``next_page_token``.
"""

from __future__ import annotations

import ast
import base64
import binascii
import json
import threading
from collections import OrderedDict
from typing import Any, Dict, List, Mapping, Optional, Tuple

import pydantic

from .._core.billing import format_cost, model_cost
from .._core.config import KeyRecord
from .._core.errors import GatewayError, validation_detail
from .._core.gateway import Gateway
from .._core.validation import validate_body
from .._engines.speech import VOICES, speak, transcribe_clip
from .._engines.text import count_tokens
from .._formats.audio import wav_bytes
from .._formats.multipart import FormFile

__all__ = [
    "SPEECH_FORMATS",
    "SpeechRequest",
    "Transcriptions",
    "get_transcription",
    "get_voice",
    "list_voices",
    "synthesize",
    "transcribe",
    "translate",
]

SPEECH_FORMATS = {"wav": "audio/wav", "pcm": "audio/pcm"}
_SAMPLE_RATES = (8000, 16000, 22050, 24000, 44100, 48000)
_DEFAULT_SPEECH_MODEL = "sarvam/bulbul:v2"
_DEFAULT_TRANSLATE_MODEL = "sarvam/saaras:v3"
_MAX_KEPT = 500


class SpeechRequest(pydantic.BaseModel):
    """The speech body (ElevenLabs and Sarvam fields; unknown ones are ignored)."""

    model_config = pydantic.ConfigDict(extra="ignore")

    input: str = pydantic.Field(min_length=1, max_length=5000)
    model: str = _DEFAULT_SPEECH_MODEL
    voice: Optional[str] = None
    speaker: Optional[str] = None
    stream: bool = True
    response_format: Optional[str] = None
    language_code: Optional[str] = None
    target_language_code: Optional[str] = None
    seed: Optional[int] = None
    pitch: float = pydantic.Field(default=0.0, ge=-1.0, le=1.0)
    pace: float = pydantic.Field(default=1.0, ge=0.3, le=3.0)
    loudness: float = pydantic.Field(default=1.0, ge=0.3, le=3.0)
    speech_sample_rate: int = 24000


class _TranscriptionForm(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="ignore")

    model: str
    language_code: Optional[str] = None
    num_speakers: Optional[int] = pydantic.Field(default=None, ge=1, le=32)
    timestamps_granularity: Optional[str] = pydantic.Field(
        default=None, pattern="^(none|word|character)$"
    )
    diarize: bool = False
    diarization_threshold: Optional[float] = pydantic.Field(default=None, ge=0.1, le=0.4)
    additional_formats: Optional[List[Any]] = None
    source_url: Optional[str] = None
    cloud_storage_url: Optional[str] = None
    temperature: Optional[float] = pydantic.Field(default=None, ge=0.0, le=2.0)
    seed: Optional[int] = pydantic.Field(default=None, ge=0, le=2147483647)
    keyterms: Optional[List[str]] = None
    with_timestamps: bool = False
    tag_audio_events: Optional[bool] = None


class _TranslateForm(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="ignore")

    model: Optional[str] = None
    prompt: Optional[str] = None
    response_format: Optional[str] = None
    temperature: Optional[float] = pydantic.Field(default=None, ge=0.0, le=2.0)


def _unprocessable(field: str, message: str) -> GatewayError:
    return GatewayError(
        422,
        "validation_error",
        message,
        details=[validation_detail(["body", field], message, "value_error")],
    )


def _model(gateway: Gateway, model_id: str, capability: str, what: str) -> Dict[str, Any]:
    model = gateway.catalogue.require(model_id)
    if not model.get(capability):
        able = sorted(m["id"] for m in gateway.catalogue.all() if m.get(capability))
        raise GatewayError(
            422,
            "model_capability_not_supported",
            f"Model {model_id!r} does not {what}. Models that do: {', '.join(able) or 'none'}.",
        )
    return model


def _charge(gateway: Gateway, key: KeyRecord, model: Mapping[str, Any], tokens: int) -> str:
    cost = model_cost(model, tokens, 0)
    gateway.charge(key, cost)
    return format_cost(cost)


# -- speech --------------------------------------------------------------------------------------


def synthesize(
    gateway: Gateway, body: Mapping[str, Any], key: KeyRecord
) -> Tuple[bytes, str, Dict[str, str]]:
    """The clip's bytes, its content type and extra headers."""
    params = validate_body(SpeechRequest, body)
    model = _model(gateway, params.model, "supports_speech", "synthesize speech")
    fmt = (params.response_format or "wav").lower()
    if fmt not in SPEECH_FORMATS:
        raise _unprocessable(
            "response_format",
            f"response_format {params.response_format!r} is not supported by the local gateway:"
            f" use one of {', '.join(sorted(SPEECH_FORMATS))}.",
        )
    if params.speech_sample_rate not in _SAMPLE_RATES:
        raise _unprocessable(
            "speech_sample_rate",
            f"speech_sample_rate must be one of {', '.join(map(str, _SAMPLE_RATES))}.",
        )
    family = model.get("provider")
    voice = params.voice if family != "sarvam" else (params.speaker or params.voice)
    if family == "elevenlabs" and not voice:
        raise _unprocessable("voice", f"Model {params.model!r} needs a voice (a voice_id).")
    if voice is not None and not any(
        v["voice_id"] == voice and v["labels"]["provider"] == family for v in VOICES
    ):
        names = [v["voice_id"] for v in VOICES if v["labels"]["provider"] == family]
        raise _unprocessable(
            "speaker" if family == "sarvam" else "voice",
            f"Unknown voice {voice!r} for {params.model!r}; voices: {', '.join(names)}.",
        )
    language = params.target_language_code or params.language_code
    pcm = speak(
        params.input,
        voice=voice,
        language=language,
        sample_rate=params.speech_sample_rate,
        pitch=params.pitch,
        pace=params.pace,
        loudness=params.loudness,
    )
    data = wav_bytes(pcm, params.speech_sample_rate) if fmt == "wav" else pcm
    cost = _charge(gateway, key, model, count_tokens(params.input))
    headers = {"X-Sample-Rate": str(params.speech_sample_rate), "X-Cost": cost}
    return data, SPEECH_FORMATS[fmt], headers


# -- transcriptions ------------------------------------------------------------------------------


class Transcriptions:
    """The transcriptions of one gateway, by id (the newest 500)."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self._lock = threading.Lock()
        self._items: OrderedDict[str, Tuple[str, Dict[str, Any]]] = OrderedDict()

    def keep(self, owner: str, item: Dict[str, Any]) -> None:
        with self._lock:
            self._items[item["transcription_id"]] = (owner, item)
            while len(self._items) > _MAX_KEPT:
                self._items.popitem(last=False)

    def get(self, owner: str, transcription_id: str) -> Dict[str, Any]:
        with self._lock:
            found = self._items.get(transcription_id)
        if found is None or found[0] != owner:
            raise GatewayError(
                404, "not_found", f"Transcription {transcription_id!r} does not exist."
            )
        return found[1]


def _form_values(fields: Mapping[str, str], lists: Tuple[str, ...]) -> Dict[str, Any]:
    """Form text → values: list fields as JSON (or a Python-style list, as 0.1.11 sends)."""
    out: Dict[str, Any] = dict(fields)
    for name in lists:
        raw = out.get(name)
        if raw is None:
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            try:
                value = ast.literal_eval(raw)
            except (ValueError, SyntaxError):
                raise _unprocessable(
                    name, f"{name} must be a JSON list, got {raw[:40]!r}."
                ) from None
        out[name] = value if isinstance(value, list) else [value]
    return out


def _audio_file(files: Mapping[str, FormFile], form: Any) -> FormFile:
    file = files.get("file")
    if file is not None:
        if not file.content:
            raise _unprocessable("file", "The uploaded audio file is empty.")
        return file
    if getattr(form, "source_url", None) or getattr(form, "cloud_storage_url", None):
        raise GatewayError(
            400,
            "invalid_request",
            "The local gateway cannot fetch source_url or cloud_storage_url (no network):"
            " upload the audio as the 'file' part.",
        )
    raise GatewayError(
        422,
        "validation_error",
        "The audio file is required: send it as the multipart part 'file'.",
        details=[validation_detail(["body", "file"], "Field required", "missing")],
    )


def _words(text: str, seconds: float) -> List[Dict[str, Any]]:
    words = text.split()
    step = seconds / max(1, len(words))
    return [
        {"text": w, "start": round(i * step, 3), "end": round((i + 0.75) * step, 3), "type": "word"}
        for i, w in enumerate(words)
    ]


def transcribe(
    gateway: Gateway,
    fields: Mapping[str, str],
    files: Mapping[str, FormFile],
    key: KeyRecord,
) -> Dict[str, Any]:
    """``POST /v1/audio/transcriptions``."""
    form = validate_body(
        _TranscriptionForm, _form_values(fields, ("keyterms", "additional_formats"))
    )
    model = _model(gateway, form.model, "supports_transcription", "transcribe audio")
    file = _audio_file(files, form)
    text, language, seconds, ours = transcribe_clip(file.content)
    item: Dict[str, Any] = {
        "transcription_id": gateway.new_id("tr"),
        "text": text,
        "language_code": language or form.language_code or "en-IN",
        "language_probability": 1.0 if ours else 0.5,
        "model": form.model,
        "duration_seconds": round(seconds, 3),
        "file_name": file.filename,
    }
    if form.with_timestamps or form.timestamps_granularity in ("word", "character"):
        item["words"] = _words(text, seconds)
    if form.diarize:
        item["speakers"] = [{"speaker_id": "speaker_0", "start": 0.0, "end": round(seconds, 3)}]
    item["cost"] = _charge(gateway, key, model, max(1, int(seconds * 10)))
    gateway.part(Transcriptions).keep(key.owner, item)
    return item


def get_transcription(gateway: Gateway, key: KeyRecord, transcription_id: str) -> Dict[str, Any]:
    """``GET /v1/audio/transcriptions/{id}``."""
    return gateway.part(Transcriptions).get(key.owner, transcription_id)


def translate(
    gateway: Gateway,
    fields: Mapping[str, str],
    files: Mapping[str, FormFile],
    key: KeyRecord,
    *,
    model_required: bool,
) -> Dict[str, Any]:
    """``POST /v1/audio/translations`` (``model`` required) and
    ``/v1/audio/transcriptions/translate`` (Sarvam by default): the English text."""
    form = validate_body(_TranslateForm, dict(fields))
    if form.model is None and model_required:
        raise GatewayError(
            422,
            "validation_error",
            "model is required.",
            details=[validation_detail(["body", "model"], "Field required", "missing")],
        )
    model_id = form.model or _DEFAULT_TRANSLATE_MODEL
    model = _model(gateway, model_id, "supports_audio_translation", "translate audio")
    file = _audio_file(files, form)
    text, _, seconds, _ = transcribe_clip(file.content)
    return {
        "text": text,
        "language_code": "en",
        "model": model_id,
        "duration_seconds": round(seconds, 3),
        "cost": _charge(gateway, key, model, max(1, int(seconds * 10))),
    }


# -- voices --------------------------------------------------------------------------------------


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"voices:{offset}".encode()).decode().rstrip("=")


def _offset(token: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        kind, _, number = raw.partition(":")
        if kind == "voices" and number.isdigit():
            return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise GatewayError(
        422,
        "validation_error",
        "next_page_token is not a token this gateway gave out.",
        details=[validation_detail(["query", "next_page_token"], "Invalid token", "value_error")],
    )


def list_voices(query: Mapping[str, Any], voice_ids: List[str], page_size: int) -> Dict[str, Any]:
    """``GET /v1/audio/voices``: filters, sort, and a page of ``page_size`` voices."""
    voices = list(VOICES)
    if voice_ids:
        voices = [v for v in voices if v["voice_id"] in voice_ids]
    search = (query.get("search") or "").lower()
    if search:
        voices = [
            v for v in voices if search in v["name"].lower() or search in v["description"].lower()
        ]
    category = query.get("category") or query.get("voice_type")
    if category:
        voices = [v for v in voices if v["category"] == category]
    sort = query.get("sort") or "name"
    if sort not in ("name", "voice_id", "created_at_unix"):
        raise GatewayError(
            422,
            "validation_error",
            "sort must be 'name' or 'created_at_unix'.",
            details=[validation_detail(["query", "sort"], "Invalid sort", "value_error")],
        )
    field = "voice_id" if sort != "name" else "name"
    voices.sort(key=lambda v: v[field], reverse=query.get("sort_direction") == "desc")
    token = query.get("next_page_token")
    start = _offset(token) if token else 0
    page = voices[start : start + page_size]
    more = start + page_size < len(voices)
    out: Dict[str, Any] = {"voices": page, "has_more": more, "next_page_token": None}
    if more:
        out["next_page_token"] = _token(start + page_size)
    if query.get("include_total_count") in (True, "true", "True", "1"):
        out["total_count"] = len(voices)
    return out


def get_voice(voice_id: str) -> Dict[str, Any]:
    """``GET /v1/audio/voices/{voice_id}``."""
    for voice in VOICES:
        if voice["voice_id"] == voice_id:
            return voice
    raise GatewayError(404, "not_found", f"Voice {voice_id!r} does not exist.")
