"""Embeddings, responses, image generation, audio in and audio out."""

from __future__ import annotations

import base64
from typing import Any

from meshapi import (
    ChatCompletionParams,
    ChatMessage,
    ContentPartInputAudio,
    ContentPartText,
    EmbeddingsParams,
    ImageGenerationParams,
    InputAudio,
    ResponsesParams,
)

from .config import LiveConfig

IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF")


async def test_embeddings(api: Any, config: LiveConfig) -> None:
    texts = ["hello world", "goodbye world"]
    floats = await api.call(
        lambda c: c.embeddings.create(EmbeddingsParams(model=config.embeddings_model, input=texts))
    )
    assert [d.index for d in floats.data] == [0, 1]
    dims = len(floats.data[0].vector())
    assert dims > 0 and all(len(d.vector()) == dims for d in floats.data)
    packed = await api.call(
        lambda c: c.embeddings.create(
            EmbeddingsParams(model=config.embeddings_model, input=texts, encoding_format="base64")
        )
    )
    # base64 arrives decoded (a numpy array with numpy installed, else a list of floats)
    assert not isinstance(packed.data[0].embedding, str)
    assert len(packed.data[0].embedding) == dims and len(packed.data[0].vector()) == dims


async def test_responses(api: Any, config: LiveConfig) -> None:
    reply = await api.call(
        lambda c: c.responses.create(
            ResponsesParams(
                model=config.model,
                input="Explain the halting problem in two sentences.",
                max_output_tokens=512,
            )
        )
    )
    assert reply.id
    assert reply.status == "completed"
    assert reply.output_text.strip()
    assert reply.usage is not None and reply.usage.output_tokens > 0


async def test_image_generation(api: Any, config: LiveConfig) -> None:
    model = config.need("image_gen_model")
    result = await api.call(
        lambda c: c.images.generate(
            ImageGenerationParams(
                model=model,
                prompt="A watercolor of a fox in a snowy forest",
                n=1,
                response_format="b64_json",
            )
        )
    )
    assert len(result.data) == 1
    image = result.data[0]
    if image.b64_json:
        assert base64.b64decode(image.b64_json).startswith(IMAGE_MAGIC)
    else:
        assert image.url and image.url.startswith(("http://", "https://"))


async def test_audio_input(api: Any, config: LiveConfig) -> None:
    audio = config.need("input_audio_b64")
    model = config.audio_out_model or config.model
    reply = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(
                model=model,
                messages=[
                    ChatMessage(
                        role="user",
                        content=[
                            ContentPartText(text="What do you hear in this recording?"),
                            ContentPartInputAudio(
                                input_audio=InputAudio(data=audio, format=config.input_audio_format)
                            ),
                        ],
                    )
                ],
                max_tokens=128,
            )
        )
    )
    assert reply.choices[0].message.content


async def test_audio_output(api: Any, config: LiveConfig) -> None:
    model = config.need("audio_out_model")
    reply = await api.call(
        lambda c: c.chat.completions.create(
            ChatCompletionParams(
                model=model,
                modalities=["text", "audio"],
                audio={"voice": "alloy", "format": "wav"},
                messages=[ChatMessage(role="user", content="Say hello.")],
            )
        )
    )
    audio = reply.choices[0].message.audio
    assert audio is not None and audio.data, "the answer carries audio"
    assert base64.b64decode(audio.data)[:4] == b"RIFF"
    assert audio.transcript
