"""/v1/audio: speech, transcriptions (and their translation), translations, voices."""

from __future__ import annotations

from typing import List

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .._http.auth import authenticate
from .._http.bodies import json_body, query_int
from .._http.context import gateway_of, json_response
from .._http.forms import form_body
from .._services import audio

__all__ = ["routes"]


async def _speech(request: Request) -> Response:
    key = await authenticate(request)
    data, media_type, headers = audio.synthesize(gateway_of(request), await json_body(request), key)
    return Response(data, media_type=media_type, headers=headers)


async def _transcribe(request: Request) -> Response:
    key = await authenticate(request)
    fields, files = await form_body(request)
    return json_response(request, audio.transcribe(gateway_of(request), fields, files, key))


async def _get_transcription(request: Request) -> Response:
    key = await authenticate(request)
    tid = request.path_params["transcription_id"]
    return json_response(request, audio.get_transcription(gateway_of(request), key, tid))


async def _translate_transcription(request: Request) -> Response:
    key = await authenticate(request)
    fields, files = await form_body(request)
    answer = audio.translate(gateway_of(request), fields, files, key, model_required=False)
    return json_response(request, answer)


async def _translations(request: Request) -> Response:
    key = await authenticate(request)
    fields, files = await form_body(request)
    answer = audio.translate(gateway_of(request), fields, files, key, model_required=True)
    return json_response(request, answer)


async def _voices(request: Request) -> Response:
    await authenticate(request)
    page_size = query_int(request, "page_size", 10, minimum=1, maximum=100)
    voice_ids = request.query_params.getlist("voice_ids")
    return json_response(request, audio.list_voices(request.query_params, voice_ids, page_size))


async def _voice(request: Request) -> Response:
    await authenticate(request)
    return json_response(request, audio.get_voice(request.path_params["voice_id"]))


def routes() -> List[BaseRoute]:
    """The audio endpoints."""
    return [
        Route("/v1/audio/speech", _speech, methods=["POST"]),
        Route("/v1/audio/transcriptions", _transcribe, methods=["POST"]),
        Route("/v1/audio/transcriptions/translate", _translate_transcription, methods=["POST"]),
        Route("/v1/audio/transcriptions/{transcription_id}", _get_transcription, methods=["GET"]),
        Route("/v1/audio/translations", _translations, methods=["POST"]),
        Route("/v1/audio/voices", _voices, methods=["GET"]),
        Route("/v1/audio/voices/{voice_id}", _voice, methods=["GET"]),
    ]
