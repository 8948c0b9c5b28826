"""The local gateway's audio endpoints over HTTP: speech, transcriptions, translations, voices."""

from __future__ import annotations

import io
import json
import wave
from typing import Any, Dict, List

import httpx
import pytest
from gwkit import client_for

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


def peak(clip: bytes) -> int:
    with wave.open(io.BytesIO(clip)) as played:
        frames = played.readframes(played.getnframes())
    return max(
        abs(int.from_bytes(frames[i : i + 2], "little", signed=True))
        for i in range(0, len(frames), 2)
    )


def test_loudness_pace_and_pitch_change_the_clip(api: httpx.Client) -> None:
    base = api.post("/v1/audio/speech", json=SPEECH).content
    loud = api.post("/v1/audio/speech", json={**SPEECH, "loudness": 2.0}).content
    assert peak(loud) > 1.8 * peak(base)
    fast = api.post("/v1/audio/speech", json={**SPEECH, "pace": 2.0}).content
    assert len(fast) < 0.6 * len(base)
    high = api.post("/v1/audio/speech", json={**SPEECH, "pitch": 0.5}).content
    assert high != base and len(high) == len(base)


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


def test_an_upload_over_the_body_limit_is_413(make_gateway: Any) -> None:
    gw = make_gateway(options={"max_body_bytes": 4096})
    with client_for(gw) as small:
        reply = small.post(
            "/v1/audio/transcriptions", **form({"model": "sarvam/saaras:v3"}, bytes(8192))
        )
    assert reply.status_code == 413 and error_of(reply)["code"] == "payload_too_large"
