"""Audio, video and image edits through the SDK over real sockets, sync and async from one body."""

from __future__ import annotations

import base64
import io
import pathlib
import wave
from typing import Any, List

import httpx
import pytest
from PIL import Image

from meshapi import (
    AudioTranslationsParams,
    ImageEditParams,
    ImageRef,
    ListVideoGenerationsParams,
    ListVoicesParams,
    NotFoundError,
    SpeechParams,
    TranscriptionParams,
    UnprocessableEntityError,
    VideoContentItem,
    VideoGenerationParams,
)

SPEECH = SpeechParams(input="Hello from MeshAPI.", model="sarvam/bulbul:v2", voice="meera")
VIDEO = VideoGenerationParams(
    model="byteplus/dreamina-seedance-2-0",
    content=[VideoContentItem(type="text", text="A serene mountain lake at sunrise")],
    duration=2,
)


async def test_speech_then_transcription_then_translation(api: Any) -> None:
    clip = await api.call(lambda c: c.audio.synthesize(SPEECH))
    with wave.open(io.BytesIO(clip)) as played:
        assert played.getnframes() > 0 and played.getframerate() == 24000
    heard = await api.call(
        lambda c: c.audio.transcribe(
            clip, TranscriptionParams(model="sarvam/saaras:v3", diarize=True), filename="audio.wav"
        )
    )
    assert heard.text == SPEECH.input
    stored = await api.call(lambda c: c.audio.get_transcription(heard.transcription_id))
    assert stored["text"] == SPEECH.input
    english = await api.call(
        lambda c: c.audio.audio_translate(
            clip, AudioTranslationsParams(model="openai/whisper-large-v3"), filename="audio.wav"
        )
    )
    assert english.text == SPEECH.input
    assert (await api.call(lambda c: c.audio.translate(clip))).text == SPEECH.input


async def test_speech_streams_to_a_file_and_raw_pcm_round_trips(
    api: Any, tmp_path: pathlib.Path
) -> None:
    target = tmp_path / "speech.pcm"
    params = SPEECH.model_copy(update={"response_format": "pcm"})
    written = await api.call(lambda c: c.audio.synthesize(params, output=target))
    assert written == target.stat().st_size > 0
    heard = await api.call(
        lambda c: c.audio.transcribe(target, {"model": "openai/whisper-large-v3"})
    )
    assert heard.text == SPEECH.input


async def test_an_unsupported_speech_format_is_a_clear_422(api: Any) -> None:
    params = SPEECH.model_copy(update={"response_format": "mp3"})
    err = await api.raises(UnprocessableEntityError, lambda c: c.audio.synthesize(params))
    assert "mp3" in str(err) and "wav" in str(err)


async def test_voices_page_by_token_and_ids_are_encoded(api: Any) -> None:
    seen: List[str] = []
    token = None
    while True:
        query = ListVoicesParams(page_size=6, next_page_token=token)
        page = await api.call(lambda c, q=query: c.audio.list_voices(q))
        seen += [v.voice_id for v in page.voices]
        token = page.next_page_token
        if not token:
            break
    assert len(seen) == len(set(seen)) == 16
    voice = await api.call(lambda c: c.audio.get_voice("meera"))
    assert voice.name == "Meera" and voice.labels["provider"] == "sarvam"
    await api.raises(NotFoundError, lambda c: c.audio.get_voice("../x"))
    await api.raises(NotFoundError, lambda c: c.videos.retrieve("../x"))


async def test_a_video_is_generated_waited_for_and_playable(
    api: Any, tmp_path: pathlib.Path
) -> None:
    task = await api.call(lambda c: c.videos.generate(VIDEO))
    seen: List[str] = []
    done = await api.call(
        lambda c: c.videos.wait(
            task.id, poll_interval=0.02, max_wait=30, on_update=lambda t: seen.append(t.status)
        )
    )
    assert done.status == "succeeded" and done.done and seen[-1] == "succeeded"
    assert done.content is not None and done.content.video_url
    target = tmp_path / "lake.gif"
    assert await api.call(lambda c: c.videos.download(done, target)) == target.stat().st_size
    movie = Image.open(target)
    assert movie.format == "GIF" and movie.n_frames == done.frames
    listing = await api.call(lambda c: c.videos.list(ListVideoGenerationsParams(limit=20)))
    assert listing.total >= 1 and any(t.id == task.id for t in listing.data)


@pytest.mark.parametrize(("keyword", "status"), [("#fail", "failed"), ("#expire", "expired")])
async def test_video_wait_stops_on_failed_and_expired(api: Any, keyword: str, status: str) -> None:
    params = VIDEO.model_copy(
        update={"content": [VideoContentItem(type="text", text=f"a lake {keyword}")]}
    )
    task = await api.call(lambda c: c.videos.generate(params))
    done = await api.call(lambda c: c.videos.wait(task.id, poll_interval=0.02, max_wait=30))
    assert done.status == status and done.error is not None and done.content is None


def red_on_white() -> str:
    picture = Image.new("RGB", (24, 16), (255, 255, 255))
    picture.paste((200, 0, 0), (8, 4, 16, 12))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


async def test_image_edit_removes_the_background(api: Any) -> None:
    result = await api.call(
        lambda c: c.images.edit(
            ImageEditParams(
                model="openai/gpt-image-1",
                image=ImageRef(url="data:image/png;base64," + red_on_white()),
                operation="remove_background",
                response_format="b64_json",
            )
        )
    )
    assert result.data[0].b64_json
    picture = Image.open(io.BytesIO(base64.b64decode(result.data[0].b64_json))).convert("RGBA")
    assert picture.getpixel((0, 0))[3] == 0 and picture.getpixel((12, 8)) == (200, 0, 0, 255)


async def test_image_edit_upscales_bare_base64_by_url(api: Any) -> None:
    result = await api.call(
        lambda c: c.images.edit(
            {"model": "openai/gpt-image-1", "image": red_on_white(), "operation": "upscale"}
        )
    )
    assert result.data[0].url
    picture = Image.open(io.BytesIO(httpx.get(result.data[0].url).content))
    assert picture.size == (48, 32)
