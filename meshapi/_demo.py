"""``meshapi demo``: a tour of every resource, against the embedded local gateway or any gateway.

Each step is a few lines of ordinary SDK code, so the output doubles as a cheat sheet. A step
that fails is reported and the tour goes on; the exit status is 1 if any step failed.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, Optional, TextIO, Tuple

from . import (
    APIConnectionError,
    BatchRequestItem,
    BulkEmbedRequest,
    ChatCompletionParams,
    ChatMessage,
    CompareParams,
    CreateBatchParams,
    CreateTemplateParams,
    EmbeddingsParams,
    ImageEditParams,
    ImageGenerationParams,
    MeshAPI,
    MeshAPIError,
    ModerationParams,
    NotFoundError,
    ResponsesParams,
    RouterSelectParams,
    SearchRequest,
    SpeechParams,
    Tool,
    ToolFunction,
    TranscriptionParams,
    VideoContentItem,
    VideoGenerationParams,
    WebSearchParams,
)

__all__ = ["main", "run_demo"]

CHAT_MODEL = "openai/gpt-4o-mini"
SECOND_MODEL = "anthropic/claude-sonnet-4.5"
REASONING_MODEL = "openai/o4-mini"
EMBEDDING_MODEL = "openai/text-embedding-3-small"
IMAGE_MODEL = "openai/gpt-image-1"
BATCH_MODEL = "openai/gpt-5-nano"
SPEECH_MODEL = "sarvam/bulbul:v2"
TRANSCRIPTION_MODEL = "sarvam/saaras:v3"
VIDEO_MODEL = "byteplus/dreamina-seedance-2-0"

HANDBOOK = """# Acme handbook

## Onboarding
New hires meet their buddy on day one. The onboarding process takes two weeks and ends with a
demo of a small project to the team.

## Holidays
Everyone gets 25 days of paid leave. Ask your manager at least two weeks ahead.

## Expenses
Keep receipts. Expenses are reimbursed monthly through the finance portal.
"""


def _weather(city: str) -> Dict[str, Any]:
    """The 'tool' the model calls in the tool-calling step: a local function."""
    return {"city": city, "forecast": "light rain", "temperature_c": 14}


def _cosine(a: List[float], b: List[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


class Tour:
    def __init__(self, client: MeshAPI, out: TextIO, image_dir: str) -> None:
        self.client = client
        self.out = out
        self.image_dir = image_dir
        self.failed: List[Tuple[str, str]] = []
        self.steps = 0

    def say(self, text: str = "", end: str = "\n") -> None:
        self.out.write(text + end)
        self.out.flush()

    def step(self, title: str, fn: Callable[[], None]) -> None:
        self.steps += 1
        self.say(f"\n== {title}")
        started = time.perf_counter()
        try:
            fn()
        except Exception as exc:  # the tour goes on; the summary and exit status report it
            self.failed.append((title, f"{type(exc).__name__}: {exc}"))
            self.say(f"   FAILED: {type(exc).__name__}: {exc}")
        else:
            self.say(f"   ok ({(time.perf_counter() - started) * 1000:.0f} ms)")

    # -- the steps ------------------------------------------------------------------------

    def models(self) -> None:
        every = self.client.models.list()
        free = self.client.models.free()
        paid = self.client.models.paid()
        self.say(f"   {len(every)} models: {len(free)} free, {len(paid)} paid")
        model = self.client.models.get(CHAT_MODEL)
        pricing = model.pricing
        price = "no pricing"
        if pricing is not None:
            price = f"${pricing.prompt_usd_per_1k}/1k in, ${pricing.completion_usd_per_1k}/1k out"
        self.say(f"   {model.id}: context {model.context_length}, {price}")

    def chat(self) -> None:
        reply = self.client.chat.completions.create(
            ChatCompletionParams(
                model=CHAT_MODEL,
                messages=[
                    ChatMessage(role="system", content="You are a concise assistant."),
                    ChatMessage(role="user", content="What is the capital of France?"),
                ],
                max_tokens=64,
            )
        )
        usage = reply.usage
        self.say(f"   {reply.model}: {reply.choices[0].message.content}")
        if usage is not None:
            self.say(f"   usage: {usage.prompt_tokens} in, {usage.completion_tokens} out")

    def stream(self) -> None:
        self.say("   ", end="")
        params = ChatCompletionParams(
            model=CHAT_MODEL,
            messages=[ChatMessage(role="user", content="Write a haiku about Python.")],
        )
        chunks = 0
        with self.client.chat.completions.stream(params) as stream:
            for chunk in stream:
                chunks += 1
                if chunk.choices and chunk.choices[0].delta:
                    text = chunk.choices[0].delta.content or ""
                    self.say(text.replace("\n", "\n   "), end="")
                if chunk.usage is not None:
                    cost = f", cost ${chunk.cost}" if chunk.cost else ""
                    self.say(f"\n   {chunks} chunks, {chunk.usage.total_tokens} tokens{cost}")

    def tools(self) -> None:
        weather = Tool(
            type="function",
            function=ToolFunction(
                name="get_weather",
                description="Get current weather for a city",
                parameters={
                    "type": "object",
                    "properties": {"city": {"type": "string"}},
                    "required": ["city"],
                },
            ),
        )
        messages: List[Any] = [ChatMessage(role="user", content="What is the weather in Paris?")]
        first = self.client.chat.completions.create(
            ChatCompletionParams(model="openai/gpt-4o", messages=messages, tools=[weather])
        )
        message = first.choices[0].message
        if not message.tool_calls:
            raise RuntimeError(f"expected a tool call, got: {message.content!r}")
        messages.append(message)
        for call in message.tool_calls:
            args = json.loads(call.function.arguments)
            result = _weather(**args)
            self.say(f"   model called {call.function.name}({args}) -> {result}")
            messages.append(
                ChatMessage(role="tool", tool_call_id=call.id, content=json.dumps(result))
            )
        final = self.client.chat.completions.create(
            ChatCompletionParams(model="openai/gpt-4o", messages=messages, tools=[weather])
        )
        self.say(f"   answer: {final.choices[0].message.content}")

    def template(self) -> None:
        name = f"support-agent-{os.getpid()}-{int(time.time())}"
        created = self.client.templates.create(
            CreateTemplateParams(
                name=name,
                system="You are a support agent for {{company}}. Be concise and friendly.",
                model=CHAT_MODEL,
                variables=["company"],
            )
        )
        try:
            reply = self.client.chat.completions.create(
                ChatCompletionParams(
                    messages=[ChatMessage(role="user", content="How do I reset my password?")],
                    template=name,
                    variables={"company": "Acme Corp"},
                )
            )
            self.say(f"   template {created.name!r} ({created.id})")
            self.say(f"   reply: {reply.choices[0].message.content}")
        finally:
            self.client.templates.delete(created.id)

    def responses(self) -> None:
        reply = self.client.responses.create(
            ResponsesParams(
                model=REASONING_MODEL,
                input="Explain the halting problem in two sentences.",
                reasoning={"effort": "medium"},
                max_output_tokens=512,
            )
        )
        self.say(f"   {reply.status}: {reply.output_text}")

    def embeddings(self) -> None:
        sentences = [
            "The cat sat on the mat.",
            "A cat was sitting on a mat.",
            "Quarterly revenue grew by eight percent.",
        ]
        result = self.client.embeddings.create(
            EmbeddingsParams(model=EMBEDDING_MODEL, input=sentences)
        )
        vectors = [item.vector() for item in result.data]
        self.say(f"   {len(vectors)} vectors of {len(vectors[0])} dimensions")
        self.say(f"   similar sentences:   {_cosine(vectors[0], vectors[1]):.3f}")
        self.say(f"   unrelated sentences: {_cosine(vectors[0], vectors[2]):.3f}")

    def compare(self) -> None:
        answers: Dict[str, str] = {}
        synthesis: List[str] = []
        for event in self.client.compare.stream(
            CompareParams(
                models=[CHAT_MODEL, SECOND_MODEL],
                messages=[ChatMessage(role="user", content="Name one benefit of unit tests.")],
            )
        ):
            if event.event == "model_chunk" and event.model:
                answers[event.model] = answers.get(event.model, "") + (event.delta or "")
            elif event.event == "comparison_chunk":
                synthesis.append(event.delta or "")
            elif event.event == "done":
                self.say(f"   {event.comparison_id}: {event.total_latency_ms} ms")
        width = max(len(m) for m in answers)
        for model, text in answers.items():
            self.say(f"   {model.ljust(width)} | {text}")
        self.say(f"   synthesis: {''.join(synthesis)}")

    def batch(self) -> None:
        batch = self.client.batches.create(
            CreateBatchParams(
                requests=[
                    BatchRequestItem(
                        custom_id=f"req-{i}",
                        body={
                            "model": BATCH_MODEL,
                            "messages": [{"role": "user", "content": text}],
                        },
                    )
                    for i, text in enumerate(["Say hi.", "Say bye.", "Count to three."], 1)
                ],
                metadata={"job": "demo"},
            )
        )
        self.say(f"   {batch.id}: {batch.status}", end="")
        deadline = time.monotonic() + 60
        while batch.status not in ("completed", "failed", "expired", "cancelled"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"batch {batch.id} still {batch.status} after 60 s")
            time.sleep(0.2)
            batch = self.client.batches.get(batch.id)
            self.say(f" -> {batch.status}", end="")
        self.say("")
        counts = batch.request_counts
        if counts is not None:
            self.say(f"   {counts.completed}/{counts.total} completed, {counts.failed} failed")
        for item in batch.results or []:
            body = item.get("body") or {}
            content = (body.get("choices") or [{}])[0].get("message", {}).get("content")
            self.say(f"   {item.get('custom_id')}: {content}")
        if batch.status != "completed":
            raise RuntimeError(f"batch ended {batch.status}")

    def rag(self) -> None:
        upload = self.client.rag.upload_file(
            file_name="handbook.md",
            mime_type="text/markdown",
            content=HANDBOOK.encode(),
        )
        self.client.rag.embed(BulkEmbedRequest(file_ids=[upload.file_id]))
        deadline = time.monotonic() + 60
        while True:
            status = self.client.rag.get(upload.file_id)
            if status.embedding_status == "ready":
                break
            if status.embedding_status == "failed":
                raise RuntimeError(f"embedding failed: {status.last_error_code}")
            if time.monotonic() > deadline:
                raise TimeoutError("embedding not ready after 60 s")
            time.sleep(0.2)
        self.say(f"   {upload.file_id} embedded")
        results = self.client.rag.search(
            SearchRequest(query="onboarding process", top_k=2, file_ids=[upload.file_id])
        )
        for r in results.results:
            self.say(f"   {r.score:.4f} {r.text[:70]!r}")
        if not results.results:
            raise RuntimeError("search found nothing")

    def image(self) -> None:
        result = self.client.images.generate(
            ImageGenerationParams(
                model=IMAGE_MODEL,
                prompt="A watercolor of a fox in a snowy forest",
                n=1,
                size="256x256",
                output_format="png",
                response_format="b64_json",
            )
        )
        data = result.data[0].b64_json
        if not data:
            raise RuntimeError("no image data returned")
        os.makedirs(self.image_dir, exist_ok=True)
        path = os.path.join(self.image_dir, "fox.png")
        with open(path, "wb") as fh:
            fh.write(base64.b64decode(data))
        self.say(f"   saved {os.path.getsize(path)} bytes to {path}")

    def audio(self) -> None:
        os.makedirs(self.image_dir, exist_ok=True)
        path = os.path.join(self.image_dir, "hello.wav")
        text = "Hello from MeshAPI."
        speech = SpeechParams(input=text, model=SPEECH_MODEL, voice="meera")
        size = self.client.audio.synthesize(speech, output=path)  # streamed to the file
        self.say(f"   spoke {text!r} into {path} ({size} bytes)")
        heard = self.client.audio.transcribe(path, TranscriptionParams(model=TRANSCRIPTION_MODEL))
        self.say(f"   transcribed back: {heard.text!r}")

    def video(self) -> None:
        task = self.client.videos.generate(
            VideoGenerationParams(
                model=VIDEO_MODEL,
                content=[VideoContentItem(type="text", text="A serene mountain lake at sunrise")],
                duration=2,
            )
        )
        done = self.client.videos.wait(task.id, poll_interval=0.1, max_wait=300)
        self.say(f"   task {task.id}: {done.status}")
        if done.status != "succeeded" or done.content is None or not done.content.video_url:
            raise RuntimeError(f"the video task ended {done.status}")
        ext = os.path.splitext(done.content.video_url.split("?")[0])[1] or ".mp4"
        os.makedirs(self.image_dir, exist_ok=True)
        path = os.path.join(self.image_dir, "lake" + ext)
        size = self.client.videos.download(done, path)
        self.say(f"   saved {size} bytes to {path}")

    def image_edit(self) -> None:
        source = self.client.images.generate(
            ImageGenerationParams(
                model=IMAGE_MODEL,
                prompt="A red kite in a clear sky",
                size="128x128",
                response_format="b64_json",
            )
        )
        edited = self.client.images.edit(
            ImageEditParams(
                model=IMAGE_MODEL,
                image="data:image/png;base64," + (source.data[0].b64_json or ""),
                operation="upscale",
                upscale_factor="2",
                response_format="b64_json",
            )
        )
        data = edited.data[0].b64_json
        if not data:
            raise RuntimeError("no edited image returned")
        path = os.path.join(self.image_dir, "kite-2x.png")
        os.makedirs(self.image_dir, exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(base64.b64decode(data))
        self.say(f"   upscaled 128x128 to {getattr(edited, 'size', '?')}: {path}")

    def moderation(self) -> None:
        texts = ["I will kill you if you come back.", "What a lovely day for a picnic."]
        result = self.client.moderations.create(ModerationParams(input=texts))
        for text, verdict in zip(texts, result.results):
            flagged = [c for c, on in verdict.categories.items() if on]
            shown = f"flagged: {', '.join(flagged)}" if verdict.flagged else "not flagged"
            self.say(f"   {text!r}: {shown}")

    def web_search(self) -> None:
        res = self.client.web.search(
            WebSearchParams(query="latest news on Mars rovers", max_results=3, include_answer=True)
        )
        self.say(f"   provider: {res.provider}; answer: {res.answer}")
        for hit in res.results:
            self.say(f"   {hit.score or 0:.3f} {hit.title} <{hit.url}>")

    def router(self) -> None:
        for prompt in ["Prove that 2+2=4.", "Hello there!"]:
            sel = self.client.router.select(
                RouterSelectParams(messages=[ChatMessage(role="user", content=prompt)])
            )
            how = "fallback" if sel.auto_router.fallback_used else "rule"
            effort = f", effort {sel.reasoning_effort}" if sel.reasoning_effort else ""
            self.say(f"   {prompt!r} -> {sel.model} ({how}{effort})")

    def errors(self) -> None:
        try:
            self.client.models.get("nobody/no-such-model")
        except NotFoundError as exc:
            self.say(f"   caught {type(exc).__name__}: [{exc.status}] {exc.error_code}")
            self.say(f"   request id: {exc.request_id}")
        else:
            raise RuntimeError("expected a 404 for an unknown model")


def run_demo(
    base_url: str, token: str, *, out: Optional[TextIO] = None, image_dir: Optional[str] = None
) -> int:
    """Run the tour against ``base_url``; returns 0 when every step passed, else 1."""
    stream = out or sys.stdout
    with MeshAPI(base_url=base_url, token=token, timeout=30.0) as client:
        tour = Tour(
            client, stream, image_dir or os.path.join(tempfile.gettempdir(), "meshapi-demo")
        )
        tour.step("Model catalogue", tour.models)
        tour.step("Chat completion", tour.chat)
        tour.step("Streaming", tour.stream)
        tour.step("Tool calling round trip", tour.tools)
        tour.step("Prompt template", tour.template)
        tour.step("Responses API (reasoning)", tour.responses)
        tour.step("Embeddings", tour.embeddings)
        tour.step("Compare, streamed", tour.compare)
        tour.step("Batch", tour.batch)
        tour.step("RAG: upload, embed, search", tour.rag)
        tour.step("Image generation", tour.image)
        tour.step("Audio: speak, then transcribe back", tour.audio)
        tour.step("Video: generate, wait, save", tour.video)
        tour.step("Image edit: upscale", tour.image_edit)
        tour.step("Moderation", tour.moderation)
        tour.step("Web search", tour.web_search)
        tour.step("Router select", tour.router)
        tour.step("Errors", tour.errors)
    total = tour.steps
    if tour.failed:
        tour.say(f"\n{total - len(tour.failed)}/{total} steps passed; failed:")
        for title, why in tour.failed:
            tour.say(f"  - {title}: {why}")
        return 1
    tour.say(f"\nAll {total} steps passed.")
    return 0


def _probe(base_url: str, token: str) -> Optional[Tuple[str, int]]:
    """Fail fast: one quick call, no retries. ``(one-line reason, exit status)`` when the
    gateway does not answer or refuses the key; ``None`` when the tour can start."""
    from ._cli.errors import error_line, exit_status

    try:
        with MeshAPI(base_url=base_url, token=token, timeout=5.0, max_retries=0) as client:
            client.models.list()
    except APIConnectionError as exc:
        return f"nothing answers at {base_url} ({exc.message})", exit_status(exc)
    except MeshAPIError as exc:
        return f"{base_url} refused the first call: {error_line(exc, token)}", exit_status(exc)
    return None


def main(args: Optional[argparse.Namespace] = None) -> int:
    """Entry point of ``meshapi demo``: the embedded gateway unless ``--base-url`` is given."""
    base_url = getattr(args, "base_url", None)
    token = getattr(args, "token", None)
    out = sys.stdout
    if base_url:
        token = token or os.environ.get("MESHAPI_TOKEN") or os.environ.get("MESHAPI_API_KEY")
        if not token:
            print("meshapi demo: --base-url needs --token (or MESHAPI_TOKEN)", file=sys.stderr)
            return 2
        problem = _probe(base_url, token)
        if problem is not None:
            message, status = problem
            print(f"meshapi demo: {message}", file=sys.stderr)
            return status
        out.write(f"MeshAPI demo against {base_url}\n")
        return run_demo(base_url, token)
    try:
        from .testing import LocalGateway
    except ImportError as exc:
        print(
            f"meshapi demo needs the local gateway: pip install 'meshapi[gateway]' ({exc})",
            file=sys.stderr,
        )
        return 2
    with LocalGateway() as gateway:
        out.write(f"MeshAPI demo against the embedded local gateway at {gateway.base_url}\n")
        return run_demo(gateway.base_url, gateway.api_key)
