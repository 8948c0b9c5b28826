"""``meshapi audio``: speak text into a file, transcribe or translate a file, list voices."""

from __future__ import annotations

import os
from typing import Any

from .common import Context, add_common_options, command_parser, read_bytes_arg, read_prompt
from .errors import UsageError

__all__ = ["register", "run"]

DEFAULT_SPEECH_MODEL = "sarvam/bulbul:v2"
DEFAULT_TRANSCRIPTION_MODEL = "sarvam/saaras:v3"
_FORMATS = {".wav": "wav", ".pcm": "pcm", ".raw": "pcm", ".mp3": "mp3", ".ogg": "opus"}


def register(sub: Any) -> None:
    p = command_parser(
        sub,
        "audio",
        help="text to speech, speech to text, voices",
        description="Speak text into an audio file, transcribe or translate one, list voices.",
        examples=[
            'meshapi audio speak "Hello from MeshAPI." -o hello.wav',
            "meshapi audio speak -o note.pcm --voice arvind < note.txt",
            "meshapi audio transcribe hello.wav",
            "meshapi audio translate interview.wav --model openai/whisper-large-v3",
            "meshapi audio voices --json",
        ],
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    speak = actions.add_parser("speak", help="text to speech, written to a file")
    speak.add_argument("text", nargs="*", help="the text (default: stdin)")
    speak.add_argument("-o", "--output", required=True, metavar="FILE", help=".wav or .pcm")
    speak.add_argument("-m", "--model", default=DEFAULT_SPEECH_MODEL, help=DEFAULT_SPEECH_MODEL)
    speak.add_argument("--voice", default=None, help="a voice id (meshapi audio voices)")
    speak.add_argument("--format", default=None, help="audio format (default: from -o)")
    speak.add_argument("--force", action="store_true", help="overwrite an existing file")
    add_common_options(speak)
    for name, what in (("transcribe", "speech to text"), ("translate", "speech to English")):
        action = actions.add_parser(name, help=what)
        action.add_argument("file", help="the audio file")
        action.add_argument(
            "-m", "--model", default=DEFAULT_TRANSCRIPTION_MODEL, help=DEFAULT_TRANSCRIPTION_MODEL
        )
        if name == "transcribe":
            action.add_argument("--language", default=None, help="e.g. en-IN")
        add_common_options(action)
    voices = actions.add_parser("voices", help="list the voices")
    voices.add_argument("--search", default=None)
    add_common_options(voices)
    p.set_defaults(run=run)


def run(ctx: Context) -> int:
    action = ctx.args.action
    if action == "speak":
        return _speak(ctx)
    if action == "voices":
        return _voices(ctx)
    return _hear(ctx)


def _speak(ctx: Context) -> int:
    from .._types.audio import SpeechParams

    args = ctx.args
    text = read_prompt(args.text, ctx.stdin)
    fmt = args.format or _FORMATS.get(os.path.splitext(args.output)[1].lower())
    if fmt is None:
        raise UsageError(f"-o {args.output}: use a .wav or .pcm file name, or give --format")
    if os.path.exists(args.output) and not args.force:
        raise UsageError(f"{args.output} exists (use --force to overwrite)")
    params = SpeechParams(input=text, model=args.model, voice=args.voice, response_format=fmt)
    written = ctx.client().audio.synthesize(params, output=args.output)
    if ctx.out.json_mode:
        ctx.out.json({"path": args.output, "bytes": written, "model": args.model, "format": fmt})
    else:
        ctx.out.line(f"wrote {args.output} ({written:,} bytes)")
    return 0


def _hear(ctx: Context) -> int:
    from .._types.audio import AudioTranslationsParams, TranscriptionParams

    args = ctx.args
    content = read_bytes_arg(args.file, "audio file")
    name = os.path.basename(args.file)
    audio = ctx.client().audio
    if args.action == "transcribe":
        params = TranscriptionParams(model=args.model, language_code=args.language)
        result = audio.transcribe(content, params, filename=name)
    else:
        result = audio.audio_translate(
            content, AudioTranslationsParams(model=args.model), filename=name
        )
    if ctx.out.json_mode:
        ctx.out.json(result)
    else:
        ctx.out.line(result.text)
    return 0


def _voices(ctx: Context) -> int:
    client = ctx.client()
    voices = []
    token = None
    while True:
        page = client.audio.list_voices(
            {"page_size": 100, "search": ctx.args.search, "next_page_token": token}
        )
        voices += page.voices
        token = page.next_page_token
        if not token:
            break
    if ctx.out.json_mode:
        ctx.out.json(voices)
    else:
        ctx.out.table(
            ["voice_id", "name", "category", "description"],
            [[v.voice_id, v.name, v.category or "", v.description or ""] for v in voices],
        )
    return 0
