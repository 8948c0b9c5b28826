"""``meshapi audio``, ``meshapi video`` and ``meshapi images edit`` against the session gateway."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import pytest
from clikit import Cli
from PIL import Image


def test_audio_speak_then_transcribe_and_translate(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "hello.wav"
    spoken = cli("audio", "speak", "Hello from the command line.", "-o", str(out))
    assert spoken.status == 0, spoken.err
    assert spoken.out.startswith(f"wrote {out}")
    with wave.open(str(out)) as clip:
        assert clip.getnframes() > 0
    heard = cli("audio", "transcribe", str(out))
    assert (heard.status, heard.out) == (0, "Hello from the command line.\n")
    doc = cli("audio", "translate", str(out), "--model", "openai/whisper-large-v3", "--json").json()
    assert doc["text"] == "Hello from the command line."
    again = cli("audio", "speak", "x", "-o", str(out))
    assert again.status == 2 and "--force" in again.err


def test_audio_speak_reads_stdin_and_writes_raw_pcm(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "note.pcm"
    made = cli("audio", "speak", "-o", str(out), "--voice", "arvind", "--json", stdin="From stdin.")
    assert made.status == 0, made.err
    assert made.json()["format"] == "pcm" and made.json()["bytes"] == out.stat().st_size
    assert cli("audio", "transcribe", str(out)).out == "From stdin.\n"


def test_audio_errors_exit_with_the_reason(cli: Cli, tmp_path: Path) -> None:
    mp3 = cli("audio", "speak", "x", "-o", str(tmp_path / "a.mp3"))
    assert mp3.status == 1 and "mp3" in mp3.err and "wav" in mp3.err
    assert not (tmp_path / "a.mp3").exists()  # nothing half-written
    odd = cli("audio", "speak", "x", "-o", str(tmp_path / "a.xyz"))
    assert odd.status == 2 and ".wav" in odd.err
    missing = cli("audio", "transcribe", str(tmp_path / "none.wav"))
    assert missing.status == 2 and "cannot read" in missing.err


def test_audio_voices_lists_every_voice(cli: Cli) -> None:
    listed = cli("audio", "voices")
    lines = listed.out.splitlines()
    assert lines[0].split("\t") == ["voice_id", "name", "category", "description"]
    assert len(lines) == 17 and any(line.startswith("meera\tMeera") for line in lines)
    assert [v["voice_id"] for v in cli("audio", "voices", "--search", "rach", "--json").json()] == [
        "21m00Tcm4TlvDq8ikWAM"
    ]


def test_video_generate_waits_and_saves_a_playable_file(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "lake.mp4"
    made = cli(
        "video",
        "generate",
        "A serene mountain lake",
        "--duration",
        "2",
        "-o",
        str(out),
        "--interval",
        "0.02",
    )
    assert made.status == 0, made.err
    assert "video cgt_" in made.err and "succeeded" in made.err  # progress lines when piped
    assert "animated GIF" in made.err  # the name says mp4, the bytes are a GIF: said so
    movie = Image.open(out)
    assert movie.format == "GIF" and movie.n_frames == 16
    task_id = re.search(r"video (cgt_\w+)", made.err).group(1)  # type: ignore[union-attr]
    status = cli("video", "status", task_id, "--json").json()
    assert status["status"] == "succeeded" and status["content"]["video_url"]
    listed = cli("video", "list", "--status", "succeeded")
    assert task_id in listed.out


def test_video_generate_without_wait_prints_the_id(cli: Cli) -> None:
    made = cli("video", "generate", "a boat")
    assert made.status == 0 and made.out.startswith("cgt_")


def test_a_failed_video_exits_1_with_the_reason(cli: Cli) -> None:
    failed = cli("video", "generate", "a lake #fail", "--wait", "--interval", "0.02")
    assert failed.status == 1 and "ended failed" in failed.err and "refused" in failed.err


def test_video_progress_is_a_bar_on_a_terminal(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    made = cli("video", "generate", "a lake", "--duration", "2", "--wait", "--interval", "0.02")
    assert made.status == 0, made.err
    bars = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", made.err)
    assert "━" in bars and "video cgt_" in bars and ": 0/2" not in bars


def picture(path: Path) -> Path:
    image = Image.new("RGB", (20, 10), (255, 255, 255))
    image.paste((0, 90, 200), (5, 2, 15, 8))
    image.save(path)
    return path


def test_images_edit_writes_the_edited_png(cli: Cli, tmp_path: Path) -> None:
    source = picture(tmp_path / "in.png")
    out = tmp_path / "big.png"
    made = cli(
        "images",
        "edit",
        str(source),
        "-o",
        str(out),
        "--operation",
        "upscale",
        "--upscale-factor",
        "3",
        "--json",
    )
    assert made.status == 0, made.err
    assert made.json()["size"] == "60x30" and Image.open(out).size == (60, 30)
    cut = tmp_path / "cut.png"
    assert (
        cli(
            "images", "edit", str(source), "-o", str(cut), "--operation", "remove_background"
        ).status
        == 0
    )
    assert Image.open(cut).convert("RGBA").getpixel((0, 0))[3] == 0
    beach = tmp_path / "beach.png"
    edited = cli(
        "images", "edit", str(source), "Replace the background with a beach", "-o", str(beach)
    )
    assert edited.status == 0 and Image.open(beach).tobytes() != Image.open(source).tobytes()


def test_images_edit_errors(cli: Cli, tmp_path: Path) -> None:
    source = picture(tmp_path / "in.png")
    assert cli("images", "edit", str(source), "-o", str(tmp_path / "x.jpg")).status == 2
    no_prompt = cli("images", "edit", str(source), "-o", str(tmp_path / "x.png"))
    assert no_prompt.status == 1 and "prompt" in no_prompt.err
    jpeg = tmp_path / "in.jpg"
    Image.open(source).save(jpeg, "JPEG")
    refused = cli("images", "edit", str(jpeg), "x", "-o", str(tmp_path / "y.png"))
    assert refused.status == 1 and "JPEG" in refused.err
