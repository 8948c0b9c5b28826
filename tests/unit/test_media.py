"""Audio, videos and image edits in the SDK, without sockets: multipart bodies on the wire,
encoded ids, token and offset paging, speech written to a path or a file object, the video
wait's decisions, the 0.1.11 media names, and clear errors for bad input."""

from __future__ import annotations

import io
import json
import pathlib
import re
from typing import Any, Dict, List, Tuple

import httpx
import pytest
from fake_gateway import Api

import meshapi
from meshapi import (
    AudioTranslationsParams,
    ListVideoGenerationsParams,
    ListVoicesParams,
    SpeechParams,
    TranscriptionParams,
    VideoContentItem,
    VideoGenerationParams,
    VideoTaskResponse,
)
from meshapi.resources.audio import audio_filename
from meshapi.resources.videos import _video_waiter

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40)


def parse_multipart(
    request: httpx.Request,
) -> Tuple[Dict[str, str], Dict[str, Tuple[str, str, bytes]]]:
    """(text fields, {name: (filename, content type, bytes)}) of a multipart request."""
    ctype = request.headers["content-type"]
    boundary = re.search(r"boundary=(\S+)", ctype)
    assert ctype.startswith("multipart/form-data") and boundary
    fields: Dict[str, str] = {}
    files: Dict[str, Tuple[str, str, bytes]] = {}
    parts = request.content.split(b"--" + boundary.group(1).encode())
    assert parts[-1] == b"--\r\n"
    for part in parts[1:-1]:
        head, _, body = part[2:-2].partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        name = re.search(r'name="([^"]*)"', lines[0]).group(1)  # type: ignore[union-attr]
        filename = re.search(r'filename="([^"]*)"', lines[0])
        if filename:
            ctype_line = [x for x in lines if x.lower().startswith("content-type:")]
            files[name] = (filename.group(1), ctype_line[0].split(":", 1)[1].strip(), body)
        else:
            fields[name] = body.decode()
    return fields, files


async def test_transcribe_sends_true_false_json_lists_and_the_callers_filename(api: Api) -> None:
    api.gateway.on("POST", "/v1/audio/transcriptions", api.gateway.reply_json({"text": "hi"}))
    params = TranscriptionParams(
        model="sarvam/saaras:v3", diarize=True, tag_audio_events=False, keyterms=["a b", "c"]
    )
    result = await api.call(lambda c: c.audio.transcribe(WAV, params, filename="take 1.wav"))
    assert result.text == "hi"
    fields, files = parse_multipart(api.gateway.last.request)
    assert fields == {
        "model": "sarvam/saaras:v3",
        "diarize": "true",
        "tag_audio_events": "false",
        "keyterms": '["a b","c"]',
    }
    assert files == {"file": ("take 1.wav", "audio/x-wav", WAV)}


@pytest.mark.parametrize(
    ("name", "expected"),
    [("clip.mp3", "audio/mpeg"), ("clip.flac", "audio/flac"), ("clip.ogg", "audio/ogg")],
)
async def test_the_file_part_content_type_is_guessed_from_the_filename(
    api: Api, name: str, expected: str
) -> None:
    api.gateway.on("POST", "/v1/audio/translations", api.gateway.reply_json({"text": "x"}))
    params = AudioTranslationsParams(model="openai/whisper-large-v3", temperature=0)
    await api.call(lambda c: c.audio.audio_translate(b"\x00\x01", params, filename=name))
    fields, files = parse_multipart(api.gateway.last.request)
    assert files["file"][:2] == (name, expected)
    assert fields == {"model": "openai/whisper-large-v3", "temperature": "0.0"}


async def test_audio_comes_from_bytes_a_path_or_a_binary_file(
    api: Api, tmp_path: pathlib.Path
) -> None:
    api.gateway.on(
        "POST", "/v1/audio/transcriptions/translate", api.gateway.reply_json({"text": "x"})
    )
    path = tmp_path / "meeting.wav"
    path.write_bytes(WAV)
    await api.call(lambda c: c.audio.translate(path))
    assert parse_multipart(api.gateway.last.request)[1]["file"][0] == "meeting.wav"
    with open(path, "rb") as handle:
        await api.call(lambda c: c.audio.translate(handle, {"prompt": "names"}))
    fields, files = parse_multipart(api.gateway.last.request)
    assert files["file"] == ("meeting.wav", "audio/x-wav", WAV) and fields == {"prompt": "names"}
    await api.call(lambda c: c.audio.translate(io.BytesIO(b"ID3...")))
    assert parse_multipart(api.gateway.last.request)[1]["file"][:2] == ("audio.mp3", "audio/mpeg")


def test_bare_audio_gets_a_filename_from_its_first_bytes() -> None:
    assert audio_filename(WAV) == "audio.wav"
    assert audio_filename(b"fLaC....") == "audio.flac"
    assert audio_filename(b"OggS....") == "audio.ogg"
    assert audio_filename(b"\x00\x00\x00\x18ftypM4A ") == "audio.m4a"
    assert audio_filename(b"\xff\xfb\x90\x00") == "audio.mp3"


async def test_bad_audio_inputs_are_refused_before_sending(api: Api) -> None:
    with pytest.raises(meshapi.InvalidRequestError, match="bytes, a path or a binary file"):
        await api.call(lambda c: c.audio.transcribe(123, {"model": "m"}))
    with pytest.raises(meshapi.InvalidRequestError, match="binary mode"):
        await api.call(lambda c: c.audio.transcribe(io.StringIO("text"), {"model": "m"}))
    with pytest.raises(ValueError, match="num_speakers"):
        await api.call(lambda c: c.audio.transcribe(WAV, {"model": "m", "num_speakers": 0}))
    with pytest.raises(ValueError, match="temperatur"):
        await api.call(lambda c: c.audio.audio_translate(WAV, {"model": "m", "temperature": 3}))
    with pytest.raises(ValueError, match="input"):
        SpeechParams(input="")
    assert api.gateway.requests == []


@pytest.mark.parametrize(
    ("call", "raw_path"),
    [
        (lambda c: c.audio.get_voice("../x"), "/v1/audio/voices/..%2Fx"),
        (lambda c: c.audio.get_transcription("../x"), "/v1/audio/transcriptions/..%2Fx"),
        (lambda c: c.videos.retrieve("../x"), "/v1/video/generations/..%2Fx"),
        (lambda c: c.videos.retrieve(".."), "/v1/video/generations/%2E%2E"),
        (lambda c: c.videos.retrieve("a b/c?d"), "/v1/video/generations/a%20b%2Fc%3Fd"),
    ],
)
async def test_every_media_id_is_percent_encoded(api: Api, call: Any, raw_path: str) -> None:
    api.gateway.on(
        "GET",
        "/v1/{rest:path}",
        api.gateway.reply_json(
            {"voice_id": "v", "name": "n", "id": "t", "status": "queued", "text": "x"}
        ),
    )
    await api.call(call)
    assert api.gateway.last.raw_path == raw_path


async def test_voices_page_by_token_with_repeated_voice_ids(api: Api) -> None:
    voice = {"voice_id": "meera", "name": "Meera"}
    api.gateway.on(
        "GET",
        "/v1/audio/voices",
        api.gateway.reply_json({"voices": [voice], "has_more": True, "next_page_token": "tok2"}),
    )
    page = await api.call(
        lambda c: c.audio.list_voices(
            ListVoicesParams(page_size=1, voice_ids=["meera", "amol"], include_total_count=True)
        )
    )
    assert page.voices[0].voice_id == "meera" and page.next_page_token == "tok2"
    url = api.gateway.last.url
    assert url.params.get_list("voice_ids") == ["meera", "amol"]
    assert url.params["page_size"] == "1" and url.params["include_total_count"] == "true"
    await api.call(lambda c: c.audio.list_voices({"next_page_token": page.next_page_token}))
    assert api.gateway.last.url.params["next_page_token"] == "tok2"
    with pytest.raises(ValueError, match="page_size"):
        await api.call(lambda c: c.audio.list_voices({"page_size": 0}))


async def test_video_list_pages_by_offset(api: Api) -> None:
    task = {"id": "cgt_1", "status": "succeeded"}
    body = {"data": [task], "has_more": True, "total": 3, "limit": 1, "offset": 1}
    api.gateway.on("GET", "/v1/video/generations", api.gateway.reply_json(body))
    page = await api.call(
        lambda c: c.videos.list(ListVideoGenerationsParams(limit=1, offset=1, status="succeeded"))
    )
    assert page.total == 3 and page.data[0].done
    assert dict(api.gateway.last.url.params) == {"limit": "1", "offset": "1", "status": "succeeded"}
    with pytest.raises(ValueError, match="offset"):
        await api.call(lambda c: c.videos.list({"offset": -1}))


async def test_video_generate_sends_the_task_body(api: Api) -> None:
    api.gateway.on("POST", "/v1/video/generations", api.gateway.reply_json({"id": "cgt_9"}))
    params = VideoGenerationParams(
        model="byteplus/dreamina-seedance-2-0",
        content=[VideoContentItem(type="text", text="a lake")],
        callback_url="http://127.0.0.1:9/cb",
        camera_fixed=False,
    )
    task = await api.call(lambda c: c.videos.generate(params))
    assert task.id == "cgt_9"
    assert api.gateway.last.json == {
        "model": "byteplus/dreamina-seedance-2-0",
        "content": [{"type": "text", "text": "a lake"}],
        "callback_url": "http://127.0.0.1:9/cb",
        "camera_fixed": False,
    }
    with pytest.raises(ValueError, match="content"):
        VideoGenerationParams(model="m", content=[])


@pytest.mark.parametrize("final", ["succeeded", "failed", "expired", "cancelled"])
async def test_wait_polls_until_any_terminal_status(api: Api, final: str) -> None:
    statuses = ["queued", "running", "running", final]
    last: Dict[str, Any] = {"id": "cgt_1", "status": final}
    if final != "succeeded":
        last["error"] = {"code": "boom", "message": "it broke"}
    api.gateway.on(
        "GET",
        "/v1/video/generations/cgt_1",
        *[api.gateway.reply_json({"id": "cgt_1", "status": s}) for s in statuses[:-1]],
        api.gateway.reply_json(last),
    )
    seen: List[str] = []

    def wait(c: Any) -> Any:
        return c.videos.wait("cgt_1", poll_interval=0.5, on_update=lambda t: seen.append(t.status))

    if final == "succeeded":
        task = await api.call(wait)
        assert task.status == final and task.done
    else:
        # A task that ends short of succeeded raises, saying which state and why (issue 14).
        with pytest.raises(meshapi.JobFailedError) as info:
            await api.call(wait)
        assert info.value.state == final and info.value.reason == "boom: it broke"
        assert info.value.job.status == final
    assert seen == statuses
    assert api.sleeps == [0.25, 0.5, 0.5]  # the first pause is short, then poll_interval


def test_video_wait_gives_up_after_max_wait() -> None:
    plan = _video_waiter("cgt_1", poll_interval=2.0, max_wait=5.0, on_progress=None, on_update=None)
    running = VideoTaskResponse(id="cgt_1", status="running")
    assert [plan.step(running, now=100.0) for _ in range(5)] == [0.25, 0.5, 1.0, 2.0, 2.0]
    assert plan.step(running, now=104.0) == 1.0  # never sleeps past the deadline
    with pytest.raises(TimeoutError, match=r"'cgt_1' was still running after 5\.0s"):
        plan.step(running, now=105.0)
    forever = _video_waiter("t", 1.0, None, None, None)  # None: wait as long as it takes
    assert [forever.step(running, now=t * 1e6) for t in range(4)] == [0.25, 0.5, 1.0, 1.0]
    with pytest.raises(ValueError, match="poll_interval"):
        _video_waiter("t", 0, 5, None, None)


async def test_synthesize_returns_bytes_or_streams_to_a_path_or_file(
    api: Api, tmp_path: pathlib.Path
) -> None:
    clip = WAV + bytes(range(256)) * 400
    api.gateway.on(
        "POST", "/v1/audio/speech", api.gateway.reply_raw(clip, content_type="audio/wav")
    )
    params = SpeechParams(input="Hello", model="sarvam/bulbul:v2", voice="meera")
    assert await api.call(lambda c: c.audio.synthesize(params)) == clip
    sent = api.gateway.last
    assert sent.json == {"input": "Hello", "model": "sarvam/bulbul:v2", "voice": "meera"}
    assert sent.headers["accept"].startswith("audio/")
    target = tmp_path / "out.wav"
    assert await api.call(lambda c: c.audio.synthesize(params, output=target)) == len(clip)
    assert target.read_bytes() == clip
    sink = io.BytesIO()
    assert await api.call(lambda c: c.audio.synthesize(params, output=sink)) == len(clip)
    assert sink.getvalue() == clip and not sink.closed
    with pytest.raises(meshapi.InvalidRequestError, match="path or a binary file"):
        await api.call(lambda c: c.audio.synthesize(params, output=42))


async def test_a_failed_speech_download_leaves_no_file(api: Api, tmp_path: pathlib.Path) -> None:
    api.gateway.on(
        "POST",
        "/v1/audio/speech",
        api.gateway.reply_error(422, "validation_error", "response_format 'mp3' is not supported"),
    )
    target = tmp_path / "out.mp3"
    with pytest.raises(meshapi.UnprocessableEntityError, match="mp3"):
        await api.call(lambda c: c.audio.synthesize({"input": "x"}, output=target))
    assert not target.exists()


async def test_image_edit_sends_json_with_prompt_and_operation(api: Api) -> None:
    api.gateway.on(
        "POST",
        "/v1/images/edits",
        api.gateway.reply_json({"created": 1, "data": [{"b64_json": "aGk="}]}),
    )
    params = meshapi.ImageEditParams(
        model="openai/gpt-image-1",
        image=meshapi.ImageRef(url="data:image/png;base64,AAAA"),
        mask="AAAA",
        operation="inpaint",
    )
    result = await api.call(lambda c: c.images.edit(params))
    assert result.data[0].b64_json == "aGk="
    assert api.gateway.last.json == {
        "model": "openai/gpt-image-1",
        "image": {"url": "data:image/png;base64,AAAA"},
        "prompt": "",
        "operation": "inpaint",
        "mask": "AAAA",
    }
    with pytest.raises(ValueError, match="operation"):
        meshapi.ImageEditParams(model="m", image="x", operation="paint")


# The 0.1.11 names of audio, video and image edits, with the fields the protocol lists.
MEDIA_NAMES: Dict[str, Dict[str, Any]] = {
    "ImageEditParams": {"model": "m", "image": "x"},
    "ImageRef": {"url": "data:image/png;base64,AA=="},
    "ImageGenerationChunk": {"created": 1},
    "CreateVideoGenerationResponse": {"id": "cgt_1"},
    "ListVideoGenerationsParams": {"status": "queued", "limit": 5, "offset": 0},
    "VideoContentItem": {
        "type": "image_url",
        "image_url": {"url": "data:,"},
        "role": "first_frame",
    },
    "VideoGenerationParams": {"model": "m", "content": [{"type": "text", "text": "t"}]},
    "VideoTaskContent": {"video_url": "https://x/v.mp4"},
    "VideoTaskError": {"code": "c", "message": "m"},
    "VideoTaskListResponse": {"data": [], "has_more": False, "total": 0, "limit": 20, "offset": 0},
    "VideoTaskResponse": {"id": "t", "status": "queued"},
    "VideoTaskUsage": {"completion_tokens": 1, "total_tokens": 1},
    "SpeechParams": {"input": "hi", "voice_settings": {"stability": 0.5}},
    "VoiceSettings": {"stability": 0.5, "use_speaker_boost": True},
    "PronunciationDictionaryLocator": {"pronunciation_dictionary_id": "d", "version_id": "v"},
    "TranscriptionParams": {"model": "m", "keyterms": ["a"]},
    "TranscriptionTranslateParams": {},
    "AudioTranslationsParams": {"model": "m"},
    "TranscriptionResponse": {"text": "t"},
    "ListVoicesParams": {"voice_ids": ["a"]},
    "Voice": {"voice_id": "v", "name": "n"},
    "VoicesResponse": {"voices": [{"voice_id": "v", "name": "n"}]},
}


@pytest.mark.parametrize("name", sorted(MEDIA_NAMES))
def test_every_media_name_imports_from_meshapi_and_builds(name: str) -> None:
    cls = getattr(meshapi, name)
    assert name in meshapi.__all__
    built = cls.model_validate(MEDIA_NAMES[name])
    assert json.loads(built.model_dump_json(exclude_none=True)) is not None


@pytest.mark.parametrize(
    "name",
    ["AudioResource", "AsyncAudioResource", "VideosResource", "AsyncVideosResource"],
)
def test_the_media_resource_classes_are_public(name: str) -> None:
    assert name in meshapi.__all__ and isinstance(getattr(meshapi, name), type)


def test_request_models_reject_unknown_fields() -> None:
    with pytest.raises(ValueError, match="voice_id"):
        SpeechParams(input="x", voice_id="meera")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="prompt"):
        VideoContentItem(type="text", prompt="x")  # type: ignore[call-arg]


async def test_video_download_fetches_the_url_without_the_api_key(
    api: Api, tmp_path: pathlib.Path
) -> None:
    movie = b"GIF89a" + bytes(300)
    api.gateway.on(
        "GET",
        "https://cdn.example.com/v/1.gif",
        api.gateway.reply_raw(movie, content_type="image/gif"),
    )
    task = VideoTaskResponse.model_validate(
        {
            "id": "cgt_1",
            "status": "succeeded",
            "content": {"video_url": "https://cdn.example.com/v/1.gif"},
        }
    )
    target = tmp_path / "v.gif"
    assert await api.call(lambda c: c.videos.download(task, target)) == len(movie)
    assert target.read_bytes() == movie
    fetched = api.gateway.last
    assert fetched.host == "cdn.example.com" and "authorization" not in fetched.headers
    failed = VideoTaskResponse(id="cgt_2", status="failed")
    with pytest.raises(meshapi.InvalidRequestError, match="it is failed"):
        await api.call(lambda c: c.videos.download(failed, target))


async def test_media_methods_take_keyword_arguments_and_per_call_options(api: Api) -> None:
    gw = api.gateway
    gw.on("POST", "/v1/audio/speech", gw.reply_raw(WAV, content_type="audio/wav"))
    gw.on("POST", "/v1/audio/transcriptions", gw.reply_json({"text": "hi"}))
    gw.on("POST", "/v1/video/generations", gw.reply_json({"id": "cgt_1"}))
    gw.on(
        "GET",
        "/v1/video/generations",
        gw.reply_json({"data": [], "has_more": False, "total": 0, "limit": 5, "offset": 0}),
    )
    gw.on("GET", "/v1/audio/voices", gw.reply_json({"voices": []}))
    gw.on("POST", "/v1/images/edits", gw.reply_json({"created": 1, "data": [{"url": "u"}]}))

    await api.call(lambda c: c.audio.synthesize(input="Hi", model="m", extra_headers={"X-A": "1"}))
    assert gw.last.json == {"input": "Hi", "model": "m"} and gw.last.headers["x-a"] == "1"
    await api.call(lambda c: c.audio.transcribe(WAV, model="m", diarize=True, filename="a.wav"))
    fields, files = parse_multipart(gw.last.request)
    assert fields == {"model": "m", "diarize": "true"} and files["file"][0] == "a.wav"
    await api.call(
        lambda c: c.videos.generate(model="m", content=[{"type": "text", "text": "t"}], timeout=9)
    )
    assert gw.last.json == {"model": "m", "content": [{"type": "text", "text": "t"}]}
    assert gw.last.timeout["read"] == 9
    await api.call(lambda c: c.videos.list(limit=5, status="running"))
    assert dict(gw.last.url.params) == {"limit": "5", "status": "running"}
    await api.call(lambda c: c.audio.list_voices(page_size=2, extra_query={"x": "y"}))
    assert dict(gw.last.url.params) == {"page_size": "2", "x": "y"}
    await api.call(lambda c: c.images.edit(model="m", image="AAAA", operation="upscale"))
    assert gw.last.json["operation"] == "upscale" and gw.last.json["prompt"] == ""
    with pytest.raises(meshapi.InvalidRequestError, match="not both"):
        await api.call(lambda c: c.audio.transcribe(WAV, {"model": "m"}, diarize=True))
    with pytest.raises(meshapi.InvalidRequestError, match="not both"):
        await api.call(lambda c: c.videos.list({"limit": 1}, offset=2))


async def test_polling_and_file_writing_methods_refuse_a_response_mode(
    api: Api, tmp_path: pathlib.Path
) -> None:
    task = VideoTaskResponse(id="t", status="succeeded", content={"video_url": "https://x/v.gif"})
    calls = [
        lambda c: c.with_raw_response.videos.wait("t"),
        lambda c: c.with_raw_response.videos.download(task, tmp_path / "v.gif"),
        lambda c: c.with_raw_response.audio.synthesize(input="x", output=tmp_path / "a.wav"),
    ]
    for call in calls:
        with pytest.raises(meshapi.InvalidRequestError, match="no raw response"):
            result = call(api.client)
            if hasattr(result, "__await__"):  # the async client's wrapped call
                await result
    assert api.gateway.requests == [] and not list(tmp_path.iterdir())
