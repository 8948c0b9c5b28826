"""The local gateway's audio, video and image-edit endpoints over HTTP (plain httpx)."""

from __future__ import annotations

import base64
import http.server
import io
import json
import threading
import time
import wave
import zlib
from typing import Any, Dict, Iterator, List, Tuple

import httpx
import pytest
from gwkit import client_for
from PIL import Image

from meshapi.testing import LocalGateway

SPEECH = {"input": "Hello from MeshAPI.", "model": "sarvam/bulbul:v2", "voice": "meera"}


def form(fields: Dict[str, str], file: bytes, filename: str = "audio.wav") -> Dict[str, Any]:
    """httpx multipart arguments."""
    return {"data": fields, "files": {"file": (filename, file, "application/octet-stream")}}


def error_of(response: httpx.Response) -> Dict[str, Any]:
    error: Dict[str, Any] = response.json()["error"]
    return error


# -- speech --------------------------------------------------------------------------------------


def test_speech_is_a_playable_wav_that_transcribes_back_exactly(api: httpx.Client) -> None:
    text = "Grüße, MeshAPI! Ünïcode ✓ and digits 42."
    reply = api.post("/v1/audio/speech", json={**SPEECH, "input": text})
    assert reply.status_code == 200 and reply.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(reply.content)) as clip:
        assert (clip.getnchannels(), clip.getsampwidth(), clip.getframerate()) == (1, 2, 24000)
        frames = clip.readframes(clip.getnframes())
        assert clip.getnframes() > 24000 * 0.5  # about a second for seven words
    assert (
        max(
            abs(int.from_bytes(frames[i : i + 2], "little", signed=True)) for i in range(0, 4000, 2)
        )
        > 1000
    )
    heard = api.post(
        "/v1/audio/transcriptions", **form({"model": "sarvam/saaras:v3"}, reply.content)
    )
    assert heard.status_code == 200, heard.text
    assert heard.json()["text"] == text


def test_raw_pcm_at_the_requested_rate_transcribes_back_too(api: httpx.Client) -> None:
    body = {**SPEECH, "response_format": "pcm", "speech_sample_rate": 16000, "pace": 1.5}
    reply = api.post("/v1/audio/speech", json=body)
    assert reply.headers["content-type"] == "audio/pcm"
    assert reply.headers["x-sample-rate"] == "16000"
    assert len(reply.content) % 2 == 0 and not reply.content.startswith(b"RIFF")
    heard = api.post(
        "/v1/audio/transcriptions",
        **form({"model": "openai/whisper-large-v3"}, reply.content, "clip.pcm"),
    )
    assert heard.json()["text"] == SPEECH["input"]


def test_speech_is_deterministic_and_voices_differ(api: httpx.Client) -> None:
    one = api.post("/v1/audio/speech", json=SPEECH).content
    assert api.post("/v1/audio/speech", json=SPEECH).content == one
    other = api.post("/v1/audio/speech", json={**SPEECH, "voice": "arvind"}).content
    assert other != one and len(other) == len(one)


@pytest.mark.parametrize("fmt", ["mp3", "opus", "flac"])
def test_formats_the_gateway_cannot_write_get_422_naming_the_ones_it_can(
    api: httpx.Client, fmt: str
) -> None:
    reply = api.post("/v1/audio/speech", json={**SPEECH, "response_format": fmt})
    assert reply.status_code == 422
    error = error_of(reply)
    assert error["code"] == "validation_error"
    assert fmt in error["message"] and "pcm, wav" in error["message"]


@pytest.mark.parametrize(
    ("body", "status", "code", "words"),
    [
        ({"model": "sarvam/bulbul:v2"}, 422, "validation_error", "input"),
        ({**SPEECH, "voice": "nobody"}, 422, "validation_error", "nobody"),
        (
            {**SPEECH, "model": "elevenlabs/eleven_multilingual_v2", "voice": None},
            422,
            "validation_error",
            "voice",
        ),
        (
            {**SPEECH, "model": "openai/gpt-4o-mini"},
            422,
            "model_capability_not_supported",
            "synthesize",
        ),
        ({**SPEECH, "model": "nobody/none"}, 404, "model_not_found", "nobody/none"),
        ({**SPEECH, "speech_sample_rate": 12345}, 422, "validation_error", "speech_sample_rate"),
    ],
)
def test_bad_speech_requests_say_what_was_wrong(
    api: httpx.Client, body: Dict[str, Any], status: int, code: str, words: str
) -> None:
    reply = api.post("/v1/audio/speech", json={k: v for k, v in body.items() if v is not None})
    assert reply.status_code == status, reply.text
    assert error_of(reply)["code"] == code and words in json.dumps(reply.json())


# -- transcriptions and translations -------------------------------------------------------------


def test_other_audio_gets_a_deterministic_transcript(api: httpx.Client) -> None:
    noise = bytes((i * 37) % 251 for i in range(48000))
    first = api.post(
        "/v1/audio/transcriptions", **form({"model": "sarvam/saaras:v3"}, noise, "a.mp3")
    )
    again = api.post(
        "/v1/audio/transcriptions", **form({"model": "sarvam/saaras:v3"}, noise, "a.mp3")
    )
    other = api.post(
        "/v1/audio/transcriptions", **form({"model": "sarvam/saaras:v3"}, noise[1:], "a.mp3")
    )
    assert first.json()["text"] == again.json()["text"] != other.json()["text"]
    assert first.json()["text"].endswith(".") and len(first.json()["text"].split()) >= 3


def test_transcriptions_are_kept_by_id_for_their_owner(
    api: httpx.Client, shared_gateway: LocalGateway
) -> None:
    clip = api.post("/v1/audio/speech", json=SPEECH).content
    fields = {"model": "sarvam/saaras:v3", "with_timestamps": "True", "keyterms": "['MeshAPI']"}
    made = api.post("/v1/audio/transcriptions", **form(fields, clip)).json()
    assert [w["text"] for w in made["words"]] == SPEECH["input"].split()
    tid = made["transcription_id"]
    assert api.get(f"/v1/audio/transcriptions/{tid}").json()["text"] == SPEECH["input"]
    assert api.get("/v1/audio/transcriptions/tr_nothing").status_code == 404
    stranger = shared_gateway.add_key("rsk_" + "s" * 48, owner="usr_stranger")
    with client_for(shared_gateway, stranger.key) as other:
        assert other.get(f"/v1/audio/transcriptions/{tid}").status_code == 404


@pytest.mark.parametrize(
    ("fields", "files", "status", "words"),
    [
        ({"model": "sarvam/saaras:v3"}, False, 422, "file"),
        ({"model": "sarvam/saaras:v3", "source_url": "https://x/a.wav"}, False, 400, "source_url"),
        ({"model": "sarvam/saaras:v3", "num_speakers": "40"}, True, 422, "num_speakers"),
        ({"model": "sarvam/saaras:v3", "keyterms": "[unclosed"}, True, 422, "keyterms"),
        ({"model": "sarvam/bulbul:v2"}, True, 422, "transcribe"),
        ({}, True, 422, "model"),
    ],
)
def test_bad_transcription_requests_say_what_was_wrong(
    api: httpx.Client, fields: Dict[str, str], files: bool, status: int, words: str
) -> None:
    if files:
        reply = api.post("/v1/audio/transcriptions", **form(fields, b"RIFF"))
    else:
        reply = api.post("/v1/audio/transcriptions", data=fields, files={"other": ("x", b"1")})
    assert reply.status_code == status, reply.text
    assert words in json.dumps(reply.json())


def test_a_json_body_to_a_multipart_endpoint_is_refused(api: httpx.Client) -> None:
    reply = api.post("/v1/audio/transcriptions", json={"model": "sarvam/saaras:v3"})
    assert reply.status_code == 422 and "multipart/form-data" in error_of(reply)["message"]


def test_both_translation_endpoints_give_the_spoken_text(api: httpx.Client) -> None:
    clip = api.post("/v1/audio/speech", json=SPEECH).content
    one = api.post("/v1/audio/transcriptions/translate", **form({}, clip))
    assert one.json()["text"] == SPEECH["input"] and one.json()["model"] == "sarvam/saaras:v3"
    two = api.post("/v1/audio/translations", **form({"model": "openai/whisper-large-v3"}, clip))
    assert two.json()["text"] == SPEECH["input"]
    missing = api.post("/v1/audio/translations", **form({}, clip))
    assert missing.status_code == 422 and "model" in error_of(missing)["message"]
    unable = api.post("/v1/audio/translations", **form({"model": "sarvam/bulbul:v2"}, clip))
    assert error_of(unable)["code"] == "model_capability_not_supported"


# -- voices --------------------------------------------------------------------------------------


def test_voices_page_by_token_to_the_end(api: httpx.Client) -> None:
    seen: List[str] = []
    params: Dict[str, Any] = {"page_size": 5, "include_total_count": "true"}
    pages = 0
    while True:
        page = api.get("/v1/audio/voices", params=params).json()
        pages += 1
        seen += [v["voice_id"] for v in page["voices"]]
        assert page["total_count"] == 16
        if not page["has_more"]:
            assert page["next_page_token"] is None
            break
        params["next_page_token"] = page["next_page_token"]
    assert pages == 4 and len(seen) == len(set(seen)) == 16
    names = [
        v["name"] for v in api.get("/v1/audio/voices", params={"page_size": 100}).json()["voices"]
    ]
    assert names == sorted(names)


def test_voice_filters_and_errors(api: httpx.Client) -> None:
    chosen = api.get("/v1/audio/voices", params=[("voice_ids", "meera"), ("voice_ids", "amol")])
    assert sorted(v["voice_id"] for v in chosen.json()["voices"]) == ["amol", "meera"]
    sarvam = api.get("/v1/audio/voices", params={"category": "sarvam", "page_size": 50}).json()
    assert len(sarvam["voices"]) == 6
    assert (
        api.get("/v1/audio/voices", params={"search": "rach"}).json()["voices"][0]["name"]
        == "Rachel"
    )
    bad = api.get("/v1/audio/voices", params={"next_page_token": "forged"})
    assert bad.status_code == 422 and "next_page_token" in error_of(bad)["message"]
    assert api.get("/v1/audio/voices/meera").json()["name"] == "Meera"
    assert error_of(api.get("/v1/audio/voices/nobody"))["code"] == "not_found"


# -- video ---------------------------------------------------------------------------------------

VIDEO = {
    "model": "byteplus/dreamina-seedance-2-0",
    "content": [{"type": "text", "text": "A serene mountain lake at sunrise"}],
    "duration": 2,
}


def wait_for(api: httpx.Client, task_id: str) -> Tuple[Dict[str, Any], List[str]]:
    statuses: List[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        task = api.get(f"/v1/video/generations/{task_id}").json()
        if not statuses or statuses[-1] != task["status"]:
            statuses.append(task["status"])
        if task["status"] in ("succeeded", "failed", "expired", "cancelled"):
            return task, statuses
        time.sleep(0.01)
    raise AssertionError(f"task {task_id} did not finish: {statuses}")


def test_a_video_task_ends_with_a_playable_animation(api: httpx.Client) -> None:
    created = api.post("/v1/video/generations", json=VIDEO)
    assert created.status_code == 200 and set(created.json()) == {"id"}
    task, statuses = wait_for(api, created.json()["id"])
    assert statuses[-1] == "succeeded" and set(statuses) <= {"queued", "running", "succeeded"}
    assert task["usage"]["total_tokens"] > 0 and task["error"] is None
    video = httpx.get(task["content"]["video_url"])
    assert video.headers["content-type"] == "image/gif"
    movie = Image.open(io.BytesIO(video.content))
    assert movie.format == "GIF" and movie.size == (192, 108)
    assert movie.n_frames == task["frames"] == 2 * task["framespersecond"]
    movie.seek(0)
    first = movie.convert("RGB").tobytes()
    movie.seek(movie.n_frames - 1)
    assert movie.convert("RGB").tobytes() != first  # it moves


@pytest.mark.parametrize(
    ("keyword", "status", "code"),
    [("#fail", "failed", "content_policy_violation"), ("#expire", "expired", "task_expired")],
)
def test_prompt_keywords_trigger_failure_and_expiry(
    api: httpx.Client, keyword: str, status: str, code: str
) -> None:
    body = {**VIDEO, "content": [{"type": "text", "text": f"a lake {keyword}"}]}
    task, _ = wait_for(api, api.post("/v1/video/generations", json=body).json()["id"])
    assert task["status"] == status and task["error"]["code"] == code
    assert task["content"] is None


def test_video_tasks_list_newest_first_with_offset_paging(make_gateway: Any) -> None:
    gw = make_gateway()
    with client_for(gw) as api:
        ids = [api.post("/v1/video/generations", json=VIDEO).json()["id"] for _ in range(3)]
        for task_id in ids:
            wait_for(api, task_id)
        page = api.get("/v1/video/generations", params={"limit": 2}).json()
        assert [t["id"] for t in page["data"]] == ids[::-1][:2]
        assert (page["total"], page["limit"], page["offset"], page["has_more"]) == (3, 2, 0, True)
        rest = api.get("/v1/video/generations", params={"limit": 2, "offset": 2}).json()
        assert [t["id"] for t in rest["data"]] == ids[:1] and rest["has_more"] is False
        none = api.get("/v1/video/generations", params={"status": "failed"}).json()
        assert none["total"] == 0 and none["data"] == []
        bad = api.get("/v1/video/generations", params={"created_after": "yesterday"})
        assert bad.status_code == 422 and "created_after" in error_of(bad)["message"]


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"model": "openai/gpt-4o-mini"}, 400, "model_capability_not_supported"),
        ({"model": "nobody/none"}, 404, "model_not_found"),
        ({"content": []}, 422, "validation_error"),
        ({"content": [{"type": "text", "text": " "}]}, 422, "validation_error"),
        ({"ratio": "5:4"}, 422, "validation_error"),
        ({"duration": 60}, 422, "validation_error"),
        ({"callback_url": "ftp://x"}, 422, "validation_error"),
    ],
)
def test_bad_video_requests_say_what_was_wrong(
    api: httpx.Client, change: Dict[str, Any], status: int, code: str
) -> None:
    reply = api.post("/v1/video/generations", json={**VIDEO, **change})
    assert reply.status_code == status, reply.text
    assert error_of(reply)["code"] == code


def test_an_unknown_video_task_or_file_is_404(api: httpx.Client) -> None:
    assert error_of(api.get("/v1/video/generations/cgt_nothing"))["code"] == "not_found"
    assert api.get("/v1/video/files/vid_nothing.gif").status_code == 404


@pytest.fixture
def callback_server() -> Iterator[Tuple[str, List[Dict[str, Any]]]]:
    """A tiny HTTP server on 127.0.0.1 recording the JSON bodies POSTed to it."""
    received: List[Dict[str, Any]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()
        server.server_close()


def test_callback_url_gets_the_task_on_each_status_change(
    api: httpx.Client, callback_server: Tuple[str, List[Dict[str, Any]]]
) -> None:
    url, received = callback_server
    task_id = api.post("/v1/video/generations", json={**VIDEO, "callback_url": url}).json()["id"]
    task, _ = wait_for(api, task_id)
    deadline = time.monotonic() + 10
    while len(received) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [r["status"] for r in received] == ["queued", "running", "succeeded"]
    assert all(r["id"] == task_id for r in received)
    assert received[-1] == task and "_callback_url" not in received[-1]


# -- image edits ---------------------------------------------------------------------------------


def png(image: Image.Image, **save: Any) -> str:
    out = io.BytesIO()
    image.save(out, "PNG", **save)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def subject() -> Image.Image:
    """A red square on a white background, 40x30."""
    picture = Image.new("RGB", (40, 30), (255, 255, 255))
    for x in range(12, 28):
        for y in range(8, 22):
            picture.putpixel((x, y), (220, 20, 30))
    return picture


def hole_mask() -> Image.Image:
    """Opaque everywhere but a transparent 10x10 hole at the top left."""
    mask = Image.new("RGBA", (40, 30), (0, 0, 0, 255))
    for x in range(10):
        for y in range(10):
            mask.putpixel((x, y), (0, 0, 0, 0))
    return mask


def edit(api: httpx.Client, **body: Any) -> Image.Image:
    reply = api.post("/v1/images/edits", json={"model": "openai/gpt-image-1", **body})
    assert reply.status_code == 200, reply.text
    item = reply.json()["data"][0]
    raw = (
        base64.b64decode(item["b64_json"]) if "b64_json" in item else httpx.get(item["url"]).content
    )
    picture = Image.open(io.BytesIO(raw))
    assert picture.format == "PNG"
    return picture.convert("RGBA")


def region(picture: Image.Image, box: Tuple[int, int, int, int]) -> bytes:
    return picture.crop(box).tobytes()


def test_inpaint_paints_the_hole_and_keeps_every_other_pixel(api: httpx.Client) -> None:
    source = subject().convert("RGBA")
    out = edit(
        api,
        image=png(subject()),
        mask={"url": png(hole_mask())},
        operation="inpaint",
        prompt="a blue sky",
    )
    assert out.size == (40, 30)
    assert region(out, (10, 0, 40, 30)) == region(source, (10, 0, 40, 30))
    assert region(out, (0, 10, 10, 30)) == region(source, (0, 10, 10, 30))
    assert region(out, (0, 0, 10, 10)) != region(source, (0, 0, 10, 10))


def test_edit_changes_the_picture_and_a_mask_limits_where(api: httpx.Client) -> None:
    source = subject().convert("RGBA")
    whole = edit(api, image=png(subject()), prompt="beach at sunset", response_format="b64_json")
    assert region(whole, (12, 8, 28, 22)) != region(source, (12, 8, 28, 22))
    masked = edit(api, image=png(subject()), prompt="beach at sunset", mask=png(hole_mask()))
    assert region(masked, (10, 10, 40, 30)) == region(source, (10, 10, 40, 30))
    assert region(masked, (0, 0, 10, 10)) != region(source, (0, 0, 10, 10))


def test_outpaint_and_reframe_grow_the_canvas_around_the_untouched_picture(
    api: httpx.Client,
) -> None:
    source = subject().convert("RGBA")
    out = edit(api, image=png(subject()), prompt="a meadow", operation="outpaint", expand_factor=2)
    assert out.size == (80, 60) and region(out, (20, 15, 60, 45)) == source.tobytes()
    wide = edit(api, image=png(subject()), operation="reframe", aspect_ratio="16:9")
    assert wide.size == (53, 30) and region(wide, (6, 0, 46, 30)) == source.tobytes()


def test_upscale_enlarges_and_mix_blends(api: httpx.Client) -> None:
    assert edit(api, image=png(subject()), operation="upscale").size == (80, 60)
    assert edit(api, image=png(subject()), operation="upscale", upscale_factor="4x").size == (
        160,
        120,
    )
    blue = Image.new("RGB", (20, 20), (0, 0, 255))
    mixed = edit(
        api, image=png(subject()), operation="mix", prompt="blend", reference_images=[png(blue)]
    )
    assert mixed.getpixel((0, 0))[:3] == (128, 128, 255)  # white half-way to blue


def test_remove_background_makes_the_background_transparent(api: httpx.Client) -> None:
    out = edit(api, image=png(subject()), operation="remove_background")
    assert out.getpixel((0, 0))[3] == 0 and out.getpixel((39, 29))[3] == 0
    assert out.getpixel((20, 15)) == (220, 20, 30, 255)


@pytest.mark.parametrize(
    "save",
    [
        lambda im: im.convert("P"),
        lambda im: im.convert("L"),
        lambda im: im.convert("LA"),
        lambda im: im.convert("1"),
        lambda im: im.convert("I;16"),
    ],
)
def test_every_kind_of_png_is_read(api: httpx.Client, save: Any) -> None:
    picture = save(subject())
    out = edit(api, image=png(picture), operation="upscale")
    assert out.size == (80, 60)


@pytest.mark.parametrize(
    ("body", "status", "code", "words"),
    [
        ({"image": "https://example.com/a.png"}, 400, "invalid_request", "remote image URLs"),
        ({"image": {"url": "http://example.com/a.png"}}, 400, "invalid_request", "remote"),
        ({"image": "not base64!"}, 422, "validation_error", "base64"),
        (
            {"image": "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff\xe0xx").decode()},
            400,
            "invalid_request",
            "JPEG",
        ),
        ({"operation": "edit", "prompt": ""}, 422, "validation_error", "prompt"),
        ({"operation": "inpaint"}, 422, "validation_error", "mask"),
        ({"operation": "mix", "prompt": "x"}, 422, "validation_error", "reference_images"),
        ({"operation": "reframe"}, 422, "validation_error", "aspect_ratio"),
        (
            {"operation": "upscale", "upscale_factor": "9"},
            422,
            "validation_error",
            "upscale_factor",
        ),
        (
            {"operation": "upscale", "upscale_factor": "4", "size": "9000x9000"},
            422,
            "validation_error",
            "at most",
        ),
        ({"operation": "paint"}, 422, "validation_error", "operation"),
        ({"model": "openai/dall-e-3"}, 400, "model_capability_not_supported", "dall-e-3"),
        ({"model": "openai/gpt-4o-mini"}, 400, "model_capability_not_supported", "gpt-4o-mini"),
    ],
)
def test_bad_edits_say_what_was_wrong(
    api: httpx.Client, body: Dict[str, Any], status: int, code: str, words: str
) -> None:
    full = {"model": "openai/gpt-image-1", "image": png(subject()), "prompt": "x", **body}
    reply = api.post("/v1/images/edits", json=full)
    assert reply.status_code == status, reply.text
    assert error_of(reply)["code"] == code and words in error_of(reply)["message"]


def test_an_interlaced_png_is_refused_with_the_reason(api: httpx.Client) -> None:
    raw = bytearray(base64.b64decode(png(subject()).split(",", 1)[1]))
    assert raw[12:16] == b"IHDR"
    raw[28] = 1  # the IHDR interlace method byte: Adam7
    raw[29:33] = zlib.crc32(bytes(raw[12:29])).to_bytes(4, "big")
    image = "data:image/png;base64," + base64.b64encode(bytes(raw)).decode()
    reply = api.post(
        "/v1/images/edits",
        json={"model": "openai/gpt-image-1", "image": image, "operation": "upscale"},
    )
    assert reply.status_code == 400
    assert (
        error_of(reply)["code"] == "invalid_request" and "interlaced" in error_of(reply)["message"]
    )
