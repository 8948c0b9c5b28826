"""``/v1/audio``: speech, transcriptions, translations and voices."""

from __future__ import annotations

import json
import os
from typing import IO, Any, Dict, Mapping, Optional, Tuple, Type, TypeVar, Union, overload

from pydantic import Field
from typing_extensions import Unpack

from .._endpoint import OPTION_NAMES, BodyCallOptions, CallOptions, Endpoint, TokenPagination
from .._errors import InvalidRequestError
from .._http import Destination
from .._request import ModelParser, model_body
from .._types import (
    AudioTranslationsParams,
    AudioTranslationsParamsDict,
    ListVoicesParams,
    ListVoicesParamsDict,
    SpeechParams,
    SpeechParamsDict,
    TranscriptionParams,
    TranscriptionParamsDict,
    TranscriptionResponse,
    TranscriptionTranslateParams,
    TranscriptionTranslateParamsDict,
    Voice,
    VoicesResponse,
)
from .._types._base import RequestModel
from ._base import AsyncResource, SyncResource, no_response_mode

__all__ = [
    "AsyncAudioResource",
    "AudioResource",
    "AudioTranslationKwargs",
    "ListVoicesKwargs",
    "SpeechKwargs",
    "TranscriptionKwargs",
    "TranscriptionTranslateKwargs",
]

AudioFile = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", IO[bytes]]
"""Audio to send: its bytes, a path to read, or a binary file object to read."""

SpeechInput = Union[SpeechParams, SpeechParamsDict]
TranscriptionInput = Union[TranscriptionParams, TranscriptionParamsDict]
TranslateInput = Union[TranscriptionTranslateParams, TranscriptionTranslateParamsDict]
AudioTranslationInput = Union[AudioTranslationsParams, AudioTranslationsParamsDict]
ListVoicesInput = Union[ListVoicesParams, ListVoicesParamsDict]
M = TypeVar("M", bound=RequestModel)


class SpeechKwargs(SpeechParamsDict, CallOptions, total=False):
    """The keyword arguments of ``synthesize()``: the body's fields and the per-call options."""


class TranscriptionKwargs(TranscriptionParamsDict, CallOptions, total=False):
    """The keyword arguments of ``transcribe()``: the form fields and the per-call options."""


class TranscriptionTranslateKwargs(TranscriptionTranslateParamsDict, CallOptions, total=False):
    """The keyword arguments of ``translate()``: the form fields and the per-call options."""


class AudioTranslationKwargs(AudioTranslationsParamsDict, CallOptions, total=False):
    """The keyword arguments of ``audio_translate()``: the form fields and the options."""


class ListVoicesKwargs(ListVoicesParamsDict, CallOptions, total=False):
    """The keyword arguments of ``list_voices()``: the query's fields and the options."""


# -- multipart uploads (no I/O but reading the caller's file) ------------------------------------


def audio_filename(content: bytes) -> str:
    """A filename for audio given as bare bytes, from its first bytes (the part's content type
    is guessed from the name); ``audio.mp3`` (the production default) when nothing matches."""
    head = content[:12]
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio.wav"
    if head[:4] == b"fLaC":
        return "audio.flac"
    if head[:4] == b"OggS":
        return "audio.ogg"
    if head[:4] == b"\x1aE\xdf\xa3":
        return "audio.webm"
    if head[4:8] == b"ftyp":
        return "audio.m4a"
    return "audio.mp3"


def _read(file: AudioFile, filename: Optional[str]) -> Tuple[str, bytes]:
    if isinstance(file, (bytes, bytearray, memoryview)):
        content = bytes(file)
        return filename or audio_filename(content), content
    if isinstance(file, (str, os.PathLike)):
        path = os.fspath(file)
        with open(path, "rb") as handle:
            return filename or os.path.basename(path), handle.read()
    read = getattr(file, "read", None)
    if not callable(read):
        raise InvalidRequestError(
            f"the audio must be bytes, a path or a binary file object, got {type(file).__name__}"
        )
    content = read()
    if not isinstance(content, bytes):
        raise InvalidRequestError("the audio file object must be opened in binary mode ('rb')")
    name = getattr(file, "name", None)
    if not filename and isinstance(name, str) and name:
        filename = os.path.basename(name)
    return filename or audio_filename(content), content


# The multipart body of each upload: the public params plus the file part (sent as it is).
class _Transcription(TranscriptionParams):
    file: Tuple[str, bytes] = Field(repr=False)


class _TranscriptionTranslate(TranscriptionTranslateParams):
    file: Tuple[str, bytes] = Field(repr=False)


class _AudioTranslation(AudioTranslationsParams):
    file: Tuple[str, bytes] = Field(repr=False)


def _split(name: str, params: Any, kwargs: Mapping[str, Any]) -> Tuple[Any, Dict[str, Any]]:
    """The call's params (the object, or the keyword fields) and its per-call options."""
    options = {k: v for k, v in kwargs.items() if k in OPTION_NAMES}
    fields = {k: v for k, v in kwargs.items() if k not in OPTION_NAMES}
    if fields and params is not None:
        raise InvalidRequestError(
            f"{name}() was given a params object and the keyword argument(s) "
            f"{', '.join(sorted(fields))}: pass one or the other, not both"
        )
    return (fields if params is None else params), options


def _upload(
    upload: Type[M],
    public: Type[RequestModel],
    name: str,
    file: AudioFile,
    params: Any,
    filename: Optional[str],
    kwargs: Mapping[str, Any],
) -> Tuple[M, Dict[str, Any]]:
    """The multipart body of one call (the caller's params, validated, plus the file part) and
    its per-call options."""
    params, options = _split(name, params, kwargs)
    fields = model_body(params, public, name)
    return upload.model_validate({**dict(fields), "file": _read(file, filename)}), options


def _voices_query(params: Any, kwargs: Mapping[str, Any]) -> Tuple[Any, Dict[str, Any]]:
    params, options = _split("list_voices", params, kwargs)
    return model_body(params, ListVoicesParams, "list_voices").to_wire(), options


# -- endpoints -----------------------------------------------------------------------------------

SPEECH = Endpoint(
    "POST",
    "/v1/audio/speech",
    ModelParser.raw(),
    name="synthesize",
    params=SpeechParams,
    headers={"Accept": "audio/*, application/json"},
)
TRANSCRIBE = Endpoint(
    "POST",
    "/v1/audio/transcriptions",
    TranscriptionResponse,
    name="transcribe",
    params=_Transcription,
    multipart_files=("file",),
)
GET_TRANSCRIPTION = Endpoint(
    "GET",
    "/v1/audio/transcriptions/{transcription_id}",
    ModelParser(json.loads, "JSON"),
    name="get_transcription",
)
TRANSLATE = Endpoint(
    "POST",
    "/v1/audio/transcriptions/translate",
    TranscriptionResponse,
    name="translate",
    params=_TranscriptionTranslate,
    multipart_files=("file",),
)
AUDIO_TRANSLATE = Endpoint(
    "POST",
    "/v1/audio/translations",
    TranscriptionResponse,
    name="audio_translate",
    params=_AudioTranslation,
    multipart_files=("file",),
)
LIST_VOICES = Endpoint(
    "GET",
    "/v1/audio/voices",
    VoicesResponse,
    name="list_voices",
    pagination=TokenPagination(
        items="voices",
        token_param="next_page_token",
        limit_param="page_size",
        max_limit=100,
    ),
)
GET_VOICE = Endpoint("GET", "/v1/audio/voices/{voice_id}", Voice, name="get_voice")


class AudioResource(SyncResource):
    """Text to speech, speech to text, translations and voices."""

    @overload
    def synthesize(self, params: SpeechInput, /, **options: Unpack[BodyCallOptions]) -> bytes: ...
    @overload
    def synthesize(
        self, params: SpeechInput, /, *, output: Destination, **options: Unpack[BodyCallOptions]
    ) -> int: ...
    @overload
    def synthesize(self, /, **kwargs: Unpack[SpeechKwargs]) -> bytes: ...
    @overload
    def synthesize(self, /, *, output: Destination, **kwargs: Unpack[SpeechKwargs]) -> int: ...
    def synthesize(
        self,
        params: Optional[SpeechInput] = None,
        /,
        *,
        output: Optional[Destination] = None,
        **kwargs: Any,
    ) -> Union[bytes, int]:
        """Speak ``input``: the audio's bytes, or, given ``output`` (a path or a binary file
        object), the clip written there as it arrives and the number of bytes written.
        Keyword arguments or a :class:`SpeechParams` (or its dict)."""
        if output is None:
            return self._call(SPEECH, params=params, options=kwargs)
        no_response_mode("synthesize", "writes the clip to output")
        return self._http.download(SPEECH.build((), params, None, kwargs), output)

    @overload
    def transcribe(
        self,
        file: AudioFile,
        params: TranscriptionInput,
        /,
        *,
        filename: Optional[str] = None,
        **options: Unpack[BodyCallOptions],
    ) -> TranscriptionResponse: ...
    @overload
    def transcribe(
        self,
        file: AudioFile,
        /,
        *,
        filename: Optional[str] = None,
        **kwargs: Unpack[TranscriptionKwargs],
    ) -> TranscriptionResponse: ...
    def transcribe(
        self,
        file: AudioFile,
        params: Optional[TranscriptionInput] = None,
        /,
        *,
        filename: Optional[str] = None,
        **kwargs: Any,
    ) -> TranscriptionResponse:
        """Speech to text. ``file``: bytes, a path or a binary file; ``filename`` names the part
        (default: the path's name, else guessed from the bytes) and gives its content type."""
        body, options = _upload(
            _Transcription, TranscriptionParams, "transcribe", file, params, filename, kwargs
        )
        return self._call(TRANSCRIBE, params=body, options=options)

    def get_transcription(self, transcription_id: str, **options: Unpack[CallOptions]) -> Any:
        """A stored transcription by id, as the JSON the gateway returns."""
        return self._call(GET_TRANSCRIPTION, transcription_id, options=options)

    @overload
    def translate(
        self,
        file: AudioFile,
        params: TranslateInput,
        /,
        *,
        filename: Optional[str] = None,
        **options: Unpack[BodyCallOptions],
    ) -> TranscriptionResponse: ...
    @overload
    def translate(
        self,
        file: AudioFile,
        /,
        *,
        filename: Optional[str] = None,
        **kwargs: Unpack[TranscriptionTranslateKwargs],
    ) -> TranscriptionResponse: ...
    def translate(
        self,
        file: AudioFile,
        params: Optional[TranslateInput] = None,
        /,
        *,
        filename: Optional[str] = None,
        **kwargs: Any,
    ) -> TranscriptionResponse:
        """Speech in any language to English text (``/v1/audio/transcriptions/translate``)."""
        body, options = _upload(
            _TranscriptionTranslate,
            TranscriptionTranslateParams,
            "translate",
            file,
            params,
            filename,
            kwargs,
        )
        return self._call(TRANSLATE, params=body, options=options)

    @overload
    def audio_translate(
        self,
        file: AudioFile,
        params: AudioTranslationInput,
        /,
        *,
        filename: Optional[str] = None,
        **options: Unpack[BodyCallOptions],
    ) -> TranscriptionResponse: ...
    @overload
    def audio_translate(
        self,
        file: AudioFile,
        /,
        *,
        filename: Optional[str] = None,
        **kwargs: Unpack[AudioTranslationKwargs],
    ) -> TranscriptionResponse: ...
    def audio_translate(
        self,
        file: AudioFile,
        params: Optional[AudioTranslationInput] = None,
        /,
        *,
        filename: Optional[str] = None,
        **kwargs: Any,
    ) -> TranscriptionResponse:
        """Speech to English text, Whisper style (``/v1/audio/translations``)."""
        body, options = _upload(
            _AudioTranslation,
            AudioTranslationsParams,
            "audio_translate",
            file,
            params,
            filename,
            kwargs,
        )
        return self._call(AUDIO_TRANSLATE, params=body, options=options)

    @overload
    def list_voices(
        self, params: ListVoicesInput, /, **options: Unpack[CallOptions]
    ) -> VoicesResponse: ...
    @overload
    def list_voices(self, /, **kwargs: Unpack[ListVoicesKwargs]) -> VoicesResponse: ...
    def list_voices(
        self, params: Optional[ListVoicesInput] = None, /, **kwargs: Any
    ) -> VoicesResponse:
        """One page of voices; pass ``next_page_token=page.next_page_token`` for the next one.
        Keyword arguments or a :class:`ListVoicesParams` (or its dict)."""
        query, options = _voices_query(params, kwargs)
        return self._call(LIST_VOICES, query=query, options=options)

    def get_voice(self, voice_id: str, **options: Unpack[CallOptions]) -> Voice:
        """One voice by id."""
        return self._call(GET_VOICE, voice_id, options=options)


class AsyncAudioResource(AsyncResource):
    """Text to speech, speech to text, translations and voices."""

    @overload
    async def synthesize(
        self, params: SpeechInput, /, **options: Unpack[BodyCallOptions]
    ) -> bytes: ...
    @overload
    async def synthesize(
        self, params: SpeechInput, /, *, output: Destination, **options: Unpack[BodyCallOptions]
    ) -> int: ...
    @overload
    async def synthesize(self, /, **kwargs: Unpack[SpeechKwargs]) -> bytes: ...
    @overload
    async def synthesize(
        self, /, *, output: Destination, **kwargs: Unpack[SpeechKwargs]
    ) -> int: ...
    async def synthesize(
        self,
        params: Optional[SpeechInput] = None,
        /,
        *,
        output: Optional[Destination] = None,
        **kwargs: Any,
    ) -> Union[bytes, int]:
        """Speak ``input``: the audio's bytes, or, given ``output`` (a path or a binary file
        object), the clip written there as it arrives and the number of bytes written.
        Keyword arguments or a :class:`SpeechParams` (or its dict)."""
        if output is None:
            return await self._call(SPEECH, params=params, options=kwargs)
        no_response_mode("synthesize", "writes the clip to output")
        return await self._http.download(SPEECH.build((), params, None, kwargs), output)

    @overload
    async def transcribe(
        self,
        file: AudioFile,
        params: TranscriptionInput,
        /,
        *,
        filename: Optional[str] = None,
        **options: Unpack[BodyCallOptions],
    ) -> TranscriptionResponse: ...
    @overload
    async def transcribe(
        self,
        file: AudioFile,
        /,
        *,
        filename: Optional[str] = None,
        **kwargs: Unpack[TranscriptionKwargs],
    ) -> TranscriptionResponse: ...
    async def transcribe(
        self,
        file: AudioFile,
        params: Optional[TranscriptionInput] = None,
        /,
        *,
        filename: Optional[str] = None,
        **kwargs: Any,
    ) -> TranscriptionResponse:
        """Speech to text. ``file``: bytes, a path or a binary file; ``filename`` names the part
        (default: the path's name, else guessed from the bytes) and gives its content type."""
        body, options = _upload(
            _Transcription, TranscriptionParams, "transcribe", file, params, filename, kwargs
        )
        return await self._call(TRANSCRIBE, params=body, options=options)

    async def get_transcription(self, transcription_id: str, **options: Unpack[CallOptions]) -> Any:
        """A stored transcription by id, as the JSON the gateway returns."""
        return await self._call(GET_TRANSCRIPTION, transcription_id, options=options)

    @overload
    async def translate(
        self,
        file: AudioFile,
        params: TranslateInput,
        /,
        *,
        filename: Optional[str] = None,
        **options: Unpack[BodyCallOptions],
    ) -> TranscriptionResponse: ...
    @overload
    async def translate(
        self,
        file: AudioFile,
        /,
        *,
        filename: Optional[str] = None,
        **kwargs: Unpack[TranscriptionTranslateKwargs],
    ) -> TranscriptionResponse: ...
    async def translate(
        self,
        file: AudioFile,
        params: Optional[TranslateInput] = None,
        /,
        *,
        filename: Optional[str] = None,
        **kwargs: Any,
    ) -> TranscriptionResponse:
        """Speech in any language to English text (``/v1/audio/transcriptions/translate``)."""
        body, options = _upload(
            _TranscriptionTranslate,
            TranscriptionTranslateParams,
            "translate",
            file,
            params,
            filename,
            kwargs,
        )
        return await self._call(TRANSLATE, params=body, options=options)

    @overload
    async def audio_translate(
        self,
        file: AudioFile,
        params: AudioTranslationInput,
        /,
        *,
        filename: Optional[str] = None,
        **options: Unpack[BodyCallOptions],
    ) -> TranscriptionResponse: ...
    @overload
    async def audio_translate(
        self,
        file: AudioFile,
        /,
        *,
        filename: Optional[str] = None,
        **kwargs: Unpack[AudioTranslationKwargs],
    ) -> TranscriptionResponse: ...
    async def audio_translate(
        self,
        file: AudioFile,
        params: Optional[AudioTranslationInput] = None,
        /,
        *,
        filename: Optional[str] = None,
        **kwargs: Any,
    ) -> TranscriptionResponse:
        """Speech to English text, Whisper style (``/v1/audio/translations``)."""
        body, options = _upload(
            _AudioTranslation,
            AudioTranslationsParams,
            "audio_translate",
            file,
            params,
            filename,
            kwargs,
        )
        return await self._call(AUDIO_TRANSLATE, params=body, options=options)

    @overload
    async def list_voices(
        self, params: ListVoicesInput, /, **options: Unpack[CallOptions]
    ) -> VoicesResponse: ...
    @overload
    async def list_voices(self, /, **kwargs: Unpack[ListVoicesKwargs]) -> VoicesResponse: ...
    async def list_voices(
        self, params: Optional[ListVoicesInput] = None, /, **kwargs: Any
    ) -> VoicesResponse:
        """One page of voices; pass ``next_page_token=page.next_page_token`` for the next one.
        Keyword arguments or a :class:`ListVoicesParams` (or its dict)."""
        query, options = _voices_query(params, kwargs)
        return await self._call(LIST_VOICES, query=query, options=options)

    async def get_voice(self, voice_id: str, **options: Unpack[CallOptions]) -> Voice:
        """One voice by id."""
        return await self._call(GET_VOICE, voice_id, options=options)
