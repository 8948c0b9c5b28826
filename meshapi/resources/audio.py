"""``/v1/audio``: speech, transcriptions, translations and voices."""

from __future__ import annotations

import json
import os
from typing import IO, Any, ClassVar, Mapping, Optional, Set, Tuple, Type, TypeVar, Union, overload

from pydantic import Field

from .._endpoint import Endpoint, TokenPagination
from .._http import Destination
from .._request import ExtraHeaders, ModelParser, TimeoutTypes, model_body
from .._types import (
    AudioTranslationsParams,
    ListVoicesParams,
    SpeechParams,
    TranscriptionParams,
    TranscriptionResponse,
    TranscriptionTranslateParams,
    Voice,
    VoicesResponse,
)
from .._types._base import RequestModel
from ._base import AsyncResource, SyncResource

__all__ = ["AsyncAudioResource", "AudioResource"]

AudioFile = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", IO[bytes]]
"""Audio to send: its bytes, a path to read, or a binary file object to read."""

SpeechInput = Union[SpeechParams, Mapping[str, Any]]
M = TypeVar("M", bound=RequestModel)


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
        raise TypeError(
            f"the audio must be bytes, a path or a binary file object, got {type(file).__name__}"
        )
    content = read()
    if not isinstance(content, bytes):
        raise TypeError("the audio file object must be opened in binary mode ('rb')")
    name = getattr(file, "name", None)
    if not filename and isinstance(name, str) and name:
        filename = os.path.basename(name)
    return filename or audio_filename(content), content


class _Transcription(TranscriptionParams):
    _wire_exclude: ClassVar[Set[str]] = {"extra_body", "file"}
    file: Tuple[str, bytes] = Field(repr=False)


class _TranscriptionTranslate(TranscriptionTranslateParams):
    _wire_exclude: ClassVar[Set[str]] = {"extra_body", "file"}
    file: Tuple[str, bytes] = Field(repr=False)


class _AudioTranslation(AudioTranslationsParams):
    _wire_exclude: ClassVar[Set[str]] = {"extra_body", "file"}
    file: Tuple[str, bytes] = Field(repr=False)


def _upload(
    upload: Type[M],
    public: Type[RequestModel],
    name: str,
    file: AudioFile,
    params: Any,
    filename: Optional[str],
) -> M:
    """The multipart body of one call: the caller's params (validated) plus the file part."""
    fields = model_body({} if params is None else params, public, name)
    return upload.model_validate({**dict(fields), "file": _read(file, filename)})


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


def _voices_query(params: Any) -> Any:
    return model_body({} if params is None else params, ListVoicesParams, "list_voices").to_wire()


class AudioResource(SyncResource):
    """Text to speech, speech to text, translations and voices."""

    @overload
    def synthesize(
        self,
        params: SpeechInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> bytes: ...

    @overload
    def synthesize(
        self,
        params: SpeechInput,
        *,
        output: Destination,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> int: ...

    def synthesize(
        self,
        params: SpeechInput,
        *,
        output: Optional[Destination] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> Union[bytes, int]:
        """Speak ``params.input``: the audio's bytes, or, given ``output`` (a path or a binary
        file object), the clip written there as it arrives and the number of bytes written."""
        if output is None:
            return self._call(SPEECH, params=params, extra_headers=extra_headers, timeout=timeout)
        opts = SPEECH.build((), params, extra_headers=extra_headers, timeout=timeout)
        return self._http.download(opts, output)

    def transcribe(
        self,
        file: AudioFile,
        params: Union[TranscriptionParams, Mapping[str, Any]],
        *,
        filename: Optional[str] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> TranscriptionResponse:
        """Speech to text. ``file``: bytes, a path or a binary file; ``filename`` names the part
        (default: the path's name, else guessed from the bytes) and gives its content type."""
        body = _upload(_Transcription, TranscriptionParams, "transcribe", file, params, filename)
        return self._call(TRANSCRIBE, params=body, extra_headers=extra_headers, timeout=timeout)

    def get_transcription(
        self,
        transcription_id: str,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> Any:
        """A stored transcription by id, as the JSON the gateway returns."""
        return self._call(
            GET_TRANSCRIPTION, transcription_id, extra_headers=extra_headers, timeout=timeout
        )

    def translate(
        self,
        file: AudioFile,
        params: Union[TranscriptionTranslateParams, Mapping[str, Any], None] = None,
        *,
        filename: Optional[str] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> TranscriptionResponse:
        """Speech in any language to English text (``/v1/audio/transcriptions/translate``)."""
        body = _upload(
            _TranscriptionTranslate,
            TranscriptionTranslateParams,
            "translate",
            file,
            params,
            filename,
        )
        return self._call(TRANSLATE, params=body, extra_headers=extra_headers, timeout=timeout)

    def audio_translate(
        self,
        file: AudioFile,
        params: Union[AudioTranslationsParams, Mapping[str, Any]],
        *,
        filename: Optional[str] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> TranscriptionResponse:
        """Speech to English text, Whisper style (``/v1/audio/translations``)."""
        body = _upload(
            _AudioTranslation, AudioTranslationsParams, "audio_translate", file, params, filename
        )
        return self._call(
            AUDIO_TRANSLATE, params=body, extra_headers=extra_headers, timeout=timeout
        )

    def list_voices(
        self,
        params: Union[ListVoicesParams, Mapping[str, Any], None] = None,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> VoicesResponse:
        """One page of voices; pass ``next_page_token=page.next_page_token`` for the next one."""
        return self._call(
            LIST_VOICES, query=_voices_query(params), extra_headers=extra_headers, timeout=timeout
        )

    def get_voice(
        self, voice_id: str, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> Voice:
        """One voice by id."""
        return self._call(GET_VOICE, voice_id, extra_headers=extra_headers, timeout=timeout)


class AsyncAudioResource(AsyncResource):
    """Text to speech, speech to text, translations and voices."""

    @overload
    async def synthesize(
        self,
        params: SpeechInput,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> bytes: ...

    @overload
    async def synthesize(
        self,
        params: SpeechInput,
        *,
        output: Destination,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> int: ...

    async def synthesize(
        self,
        params: SpeechInput,
        *,
        output: Optional[Destination] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> Union[bytes, int]:
        """Speak ``params.input``: the audio's bytes, or, given ``output`` (a path or a binary
        file object), the clip written there as it arrives and the number of bytes written."""
        if output is None:
            return await self._call(
                SPEECH, params=params, extra_headers=extra_headers, timeout=timeout
            )
        opts = SPEECH.build((), params, extra_headers=extra_headers, timeout=timeout)
        return await self._http.download(opts, output)

    async def transcribe(
        self,
        file: AudioFile,
        params: Union[TranscriptionParams, Mapping[str, Any]],
        *,
        filename: Optional[str] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> TranscriptionResponse:
        """Speech to text. ``file``: bytes, a path or a binary file; ``filename`` names the part
        (default: the path's name, else guessed from the bytes) and gives its content type."""
        body = _upload(_Transcription, TranscriptionParams, "transcribe", file, params, filename)
        return await self._call(
            TRANSCRIBE, params=body, extra_headers=extra_headers, timeout=timeout
        )

    async def get_transcription(
        self,
        transcription_id: str,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> Any:
        """A stored transcription by id, as the JSON the gateway returns."""
        return await self._call(
            GET_TRANSCRIPTION, transcription_id, extra_headers=extra_headers, timeout=timeout
        )

    async def translate(
        self,
        file: AudioFile,
        params: Union[TranscriptionTranslateParams, Mapping[str, Any], None] = None,
        *,
        filename: Optional[str] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> TranscriptionResponse:
        """Speech in any language to English text (``/v1/audio/transcriptions/translate``)."""
        body = _upload(
            _TranscriptionTranslate,
            TranscriptionTranslateParams,
            "translate",
            file,
            params,
            filename,
        )
        return await self._call(
            TRANSLATE, params=body, extra_headers=extra_headers, timeout=timeout
        )

    async def audio_translate(
        self,
        file: AudioFile,
        params: Union[AudioTranslationsParams, Mapping[str, Any]],
        *,
        filename: Optional[str] = None,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> TranscriptionResponse:
        """Speech to English text, Whisper style (``/v1/audio/translations``)."""
        body = _upload(
            _AudioTranslation, AudioTranslationsParams, "audio_translate", file, params, filename
        )
        return await self._call(
            AUDIO_TRANSLATE, params=body, extra_headers=extra_headers, timeout=timeout
        )

    async def list_voices(
        self,
        params: Union[ListVoicesParams, Mapping[str, Any], None] = None,
        *,
        extra_headers: ExtraHeaders = None,
        timeout: TimeoutTypes = None,
    ) -> VoicesResponse:
        """One page of voices; pass ``next_page_token=page.next_page_token`` for the next one."""
        return await self._call(
            LIST_VOICES, query=_voices_query(params), extra_headers=extra_headers, timeout=timeout
        )

    async def get_voice(
        self, voice_id: str, *, extra_headers: ExtraHeaders = None, timeout: TimeoutTypes = None
    ) -> Voice:
        """One voice by id."""
        return await self._call(GET_VOICE, voice_id, extra_headers=extra_headers, timeout=timeout)
