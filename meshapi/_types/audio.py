"""Audio: speech, transcriptions, translations and voices (``/v1/audio/...``)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Union

from pydantic import Field
from typing_extensions import Required, TypedDict

from ._base import RequestModel, ResponseModel, _RequestPart

__all__ = [
    "AudioTranslationsParams",
    "AudioTranslationsParamsDict",
    "ListVoicesParams",
    "ListVoicesParamsDict",
    "PronunciationDictionaryLocator",
    "PronunciationDictionaryLocatorDict",
    "SpeechParams",
    "SpeechParamsDict",
    "TranscriptionParams",
    "TranscriptionParamsDict",
    "TranscriptionResponse",
    "TranscriptionTranslateParams",
    "TranscriptionTranslateParamsDict",
    "Voice",
    "VoiceSettings",
    "VoiceSettingsDict",
    "VoicesResponse",
]


# ==============================================================================================
# Speech: POST /v1/audio/speech (JSON in, audio bytes out)
# ==============================================================================================


class VoiceSettingsDict(TypedDict, total=False):
    """:class:`VoiceSettings` as a dict."""

    stability: Optional[float]
    similarity_boost: Optional[float]
    style: Optional[float]
    use_speaker_boost: Optional[bool]
    speed: Optional[float]


class VoiceSettings(_RequestPart):
    """ElevenLabs-style voice settings of a speech request."""

    stability: Optional[float] = None
    similarity_boost: Optional[float] = None
    style: Optional[float] = None
    use_speaker_boost: Optional[bool] = None
    speed: Optional[float] = None


class PronunciationDictionaryLocatorDict(TypedDict, total=False):
    """:class:`PronunciationDictionaryLocator` as a dict."""

    pronunciation_dictionary_id: Required[str]
    version_id: Required[str]


class PronunciationDictionaryLocator(_RequestPart):
    """One pronunciation dictionary (and its version) a speech request applies."""

    pronunciation_dictionary_id: str
    version_id: str


class SpeechParamsDict(TypedDict, total=False):
    """:class:`SpeechParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    input: Required[str]
    model: Optional[str]
    voice: Optional[str]
    stream: Optional[bool]
    response_format: Optional[str]
    language_code: Optional[str]
    voice_settings: Optional[Union[VoiceSettings, VoiceSettingsDict]]
    pronunciation_dictionary_locators: Optional[
        Sequence[Union[PronunciationDictionaryLocator, PronunciationDictionaryLocatorDict]]
    ]
    seed: Optional[int]
    previous_text: Optional[str]
    next_text: Optional[str]
    previous_request_ids: Optional[Sequence[str]]
    next_request_ids: Optional[Sequence[str]]
    apply_text_normalization: Optional[str]
    apply_language_text_normalization: Optional[bool]
    use_pvc_as_ivc: Optional[bool]
    enable_logging: Optional[bool]
    optimize_streaming_latency: Optional[int]
    speaker: Optional[str]
    target_language_code: Optional[str]
    pitch: Optional[float]
    pace: Optional[float]
    loudness: Optional[float]
    speech_sample_rate: Optional[int]
    enable_preprocessing: Optional[bool]


class SpeechParams(RequestModel):
    """Body of ``POST /v1/audio/speech``. ElevenLabs models take ``voice`` (and the stitching,
    normalisation and dictionary fields); Sarvam models take ``speaker``, ``pitch``, ``pace``,
    ``loudness``, ``speech_sample_rate`` and ``target_language_code``."""

    input: str = Field(min_length=1)
    model: Optional[str] = None
    voice: Optional[str] = None
    stream: Optional[bool] = None
    response_format: Optional[str] = None
    """The audio format, e.g. ``"wav"``, ``"pcm"``, ``"mp3"`` (which ones depends on the model)."""
    language_code: Optional[str] = None
    voice_settings: Optional[VoiceSettings] = None
    pronunciation_dictionary_locators: Optional[List[PronunciationDictionaryLocator]] = None
    seed: Optional[int] = None
    previous_text: Optional[str] = None
    next_text: Optional[str] = None
    previous_request_ids: Optional[List[str]] = None
    next_request_ids: Optional[List[str]] = None
    apply_text_normalization: Optional[str] = None
    apply_language_text_normalization: Optional[bool] = None
    use_pvc_as_ivc: Optional[bool] = None
    enable_logging: Optional[bool] = None
    optimize_streaming_latency: Optional[int] = None
    speaker: Optional[str] = None
    target_language_code: Optional[str] = None
    pitch: Optional[float] = None
    pace: Optional[float] = None
    loudness: Optional[float] = None
    speech_sample_rate: Optional[int] = None
    enable_preprocessing: Optional[bool] = None


# ==============================================================================================
# Transcriptions and translations: multipart bodies (a ``file`` part plus these as text parts)
# ==============================================================================================


class TranscriptionParamsDict(TypedDict, total=False):
    """:class:`TranscriptionParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    model: Required[str]
    language_code: Optional[str]
    tag_audio_events: Optional[bool]
    num_speakers: Optional[int]
    timestamps_granularity: Optional[str]
    diarize: Optional[bool]
    diarization_threshold: Optional[float]
    additional_formats: Optional[str]
    file_format: Optional[str]
    cloud_storage_url: Optional[str]
    source_url: Optional[str]
    webhook: Optional[bool]
    webhook_id: Optional[str]
    temperature: Optional[float]
    seed: Optional[int]
    use_multi_channel: Optional[bool]
    webhook_metadata: Optional[str]
    entity_detection: Optional[str]
    no_verbatim: Optional[bool]
    detect_speaker_roles: Optional[bool]
    entity_redaction: Optional[str]
    entity_redaction_mode: Optional[str]
    keyterms: Optional[Sequence[str]]
    with_timestamps: Optional[bool]
    debug_mode: Optional[bool]


class TranscriptionParams(RequestModel):
    """The form fields of ``POST /v1/audio/transcriptions`` (the audio goes beside them as the
    ``file`` part, unless ``source_url`` or ``cloud_storage_url`` names it)."""

    model: str
    language_code: Optional[str] = None
    tag_audio_events: Optional[bool] = None
    num_speakers: Optional[int] = Field(default=None, ge=1, le=32)
    timestamps_granularity: Optional[str] = None
    """``"word"`` or ``"character"``."""
    diarize: Optional[bool] = None
    diarization_threshold: Optional[float] = Field(default=None, ge=0.1, le=0.4)
    additional_formats: Optional[str] = None
    """A JSON-encoded list of extra export formats."""
    file_format: Optional[str] = None
    cloud_storage_url: Optional[str] = None
    source_url: Optional[str] = None
    webhook: Optional[bool] = None
    webhook_id: Optional[str] = None
    temperature: Optional[float] = None
    seed: Optional[int] = Field(default=None, ge=0, le=2147483647)
    use_multi_channel: Optional[bool] = None
    webhook_metadata: Optional[str] = None
    entity_detection: Optional[str] = None
    no_verbatim: Optional[bool] = None
    detect_speaker_roles: Optional[bool] = None
    entity_redaction: Optional[str] = None
    entity_redaction_mode: Optional[str] = None
    keyterms: Optional[List[str]] = None
    with_timestamps: Optional[bool] = None
    debug_mode: Optional[bool] = None


class TranscriptionTranslateParamsDict(TypedDict, total=False):
    """:class:`TranscriptionTranslateParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    model: Optional[str]
    prompt: Optional[str]


class TranscriptionTranslateParams(RequestModel):
    """The form fields of ``POST /v1/audio/transcriptions/translate`` (speech to English text,
    Sarvam by default)."""

    model: Optional[str] = None
    prompt: Optional[str] = None


class AudioTranslationsParamsDict(TypedDict, total=False):
    """:class:`AudioTranslationsParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    model: Required[str]
    prompt: Optional[str]
    response_format: Optional[str]
    temperature: Optional[float]


class AudioTranslationsParams(RequestModel):
    """The form fields of ``POST /v1/audio/translations`` (Whisper-style translation)."""

    model: str
    prompt: Optional[str] = None
    response_format: Optional[str] = None
    temperature: Optional[float] = Field(default=None, ge=0.0, le=2.0)


class TranscriptionResponse(ResponseModel):
    """A transcript (or translation): ``text``, plus whatever else the provider returned."""

    text: str


# ==============================================================================================
# Voices: GET /v1/audio/voices (token pagination), GET /v1/audio/voices/{voice_id}
# ==============================================================================================


class ListVoicesParamsDict(TypedDict, total=False):
    """:class:`ListVoicesParams` as a dict."""

    extra_body: Optional[Dict[str, Any]]
    next_page_token: Optional[str]
    page_size: Optional[int]
    search: Optional[str]
    sort: Optional[str]
    sort_direction: Optional[str]
    voice_type: Optional[str]
    category: Optional[str]
    include_total_count: Optional[bool]
    voice_ids: Optional[Sequence[str]]


class ListVoicesParams(RequestModel):
    """Query of ``GET /v1/audio/voices``; pass the previous page's ``next_page_token`` to go on."""

    next_page_token: Optional[str] = None
    page_size: Optional[int] = Field(default=None, ge=1, le=100)
    search: Optional[str] = None
    sort: Optional[str] = None
    sort_direction: Optional[str] = None
    voice_type: Optional[str] = None
    category: Optional[str] = None
    include_total_count: Optional[bool] = None
    voice_ids: Optional[List[str]] = None


class Voice(ResponseModel):
    """One voice; a provider may give only ``voice_id`` and ``name``."""

    voice_id: str
    name: str
    category: Optional[str] = None
    description: Optional[str] = None
    preview_url: Optional[str] = None
    labels: Dict[str, Any] = Field(default_factory=dict)


class VoicesResponse(ResponseModel):
    """One page of voices; ``next_page_token`` is absent on the last page."""

    voices: List[Voice]
    has_more: Optional[bool] = None
    total_count: Optional[int] = None
    next_page_token: Optional[str] = None
