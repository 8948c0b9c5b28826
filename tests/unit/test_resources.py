"""Every resource method, sync and async: the exact request on the wire and the parsed answer.

Each test body runs twice through the ``api`` fixture (ids ``sync`` / ``async``) against the fake
gateway of ``conftest.py``, which records what it received and answers realistic bodies.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional

import pytest

from meshapi import (
    APIStatusError,
    BatchList,
    BatchObject,
    BatchRequestItem,
    BulkEmbedRequest,
    BulkEmbedResponse,
    ChatCompletionChunk,
    ChatCompletionParams,
    ChatCompletionResponse,
    ChatMessage,
    CompareParams,
    CompareResponse,
    CompareResult,
    CompareStreamEvent,
    CreateBatchParams,
    CreateTemplateParams,
    DeleteTemplateResponse,
    EmbeddingsParams,
    EmbeddingsResponse,
    ImageGenerationParams,
    ImageGenerationResponse,
    ImageStreamEvent,
    InitUploadRequest,
    InitUploadResponse,
    InvalidRequestError,
    MeshAPIError,
    ModelInfo,
    PermissionDeniedError,
    RagFileListResponse,
    RagFileStatus,
    RateLimitError,
    ResponsesParams,
    ResponsesResponse,
    ResponsesStreamEvent,
    SearchRequest,
    SearchResponse,
    TemplateSummary,
    UpdateTemplateParams,
    UploadFileParams,
)

if TYPE_CHECKING:
    from fake_gateway import Api


Call = Callable[[Any], Any]
Check = Callable[[Any], None]

USER = [ChatMessage(role="user", content="What is the capital of France?")]
USER_WIRE = [{"role": "user", "content": "What is the capital of France?"}]
TWO_MODELS = ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5"]

CHAT = ChatCompletionParams(
    model="openai/gpt-4o-mini",
    messages=USER,
    temperature=0.2,
    extra_body={"mesh_trace": True},
)
CHAT_WIRE = {
    "model": "openai/gpt-4o-mini",
    "messages": USER_WIRE,
    "temperature": 0.2,
    "mesh_trace": True,
}
RESPONSES = ResponsesParams(
    model="openai/o4-mini",
    input="Explain the halting problem in two sentences.",
    reasoning={"effort": "medium"},
    max_output_tokens=512,
)
RESPONSES_WIRE = {
    "model": "openai/o4-mini",
    "input": "Explain the halting problem in two sentences.",
    "reasoning": {"effort": "medium"},
    "max_output_tokens": 512,
}
EMBED = EmbeddingsParams(model="openai/text-embedding-3-small", input=["hello", "goodbye"])
EMBED_B64 = EmbeddingsParams(
    model="openai/text-embedding-3-small", input=["hello", "goodbye"], encoding_format="base64"
)
IMAGE = ImageGenerationParams(
    model="openai/gpt-image-1",
    prompt="A watercolor of a fox in a snowy forest",
    n=2,
    size="1024x1024",
    quality="high",
    output_format="webp",
)
IMAGE_WIRE = {
    "model": "openai/gpt-image-1",
    "prompt": "A watercolor of a fox in a snowy forest",
    "n": 2,
    "size": "1024x1024",
    "quality": "high",
    "output_format": "webp",
}
COMPARE = CompareParams(models=TWO_MODELS, messages=USER, comparison_model="openai/gpt-4o-mini")
COMPARE_WIRE = {
    "models": TWO_MODELS,
    "messages": USER_WIRE,
    "comparison_model": "openai/gpt-4o-mini",
}
COMPARE_SKIP = CompareParams(models=TWO_MODELS, messages=USER, skip_comparison=True)
BATCH_BODY = {"model": "openai/gpt-5-nano", "messages": [{"role": "user", "content": "Say hi."}]}
BATCH = CreateBatchParams(
    requests=[BatchRequestItem(custom_id="req-1", body=BATCH_BODY)],
    metadata={"job": "my-batch"},
)
BATCH_WIRE = {
    "requests": [
        {
            "custom_id": "req-1",
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": BATCH_BODY,
        }
    ],
    "metadata": {"job": "my-batch"},
}
INIT = InitUploadRequest(file_name="handbook.pdf", mime_type="application/pdf", embed=True)
EMBED_FILES = BulkEmbedRequest(file_ids=["file_a", "file_b"], wait=False)
SEARCH = SearchRequest(query="onboarding process", top_k=5)
TEMPLATE = CreateTemplateParams(
    name="support-agent",
    system="You are a support agent for {{company}}. Be concise and friendly.",
    model="openai/gpt-4o-mini",
    variables=["company"],
)
TEMPLATE_WIRE = {
    "name": "support-agent",
    "system": "You are a support agent for {{company}}. Be concise and friendly.",
    "model": "openai/gpt-4o-mini",
    "variables": ["company"],
}
PATCH = UpdateTemplateParams(model="openai/gpt-4o")


class Case:
    """One resource call: what to call, what must go on the wire, what must come back."""

    def __init__(
        self,
        call: Call,
        method: str,
        path: str,
        *,
        query: Optional[Dict[str, str]] = None,
        body: Any = None,
        check: Check,
        setup: Optional[Callable[[Any], None]] = None,
    ) -> None:
        self.call = call
        self.method = method
        self.path = path
        self.query = query or {}
        self.body = body
        self.check = check
        self.setup = setup


def _check_chat(r: ChatCompletionResponse) -> None:
    assert isinstance(r, ChatCompletionResponse)
    assert r.choices[0].message.content == "Paris."
    assert r.choices[0].finish_reason == "stop"
    assert r.usage is not None and r.usage.total_tokens == 19
    assert r.cost == "0.0000084"
    assert r.model_extra is not None and r.model_extra["mesh_routing"] == {"attempts": 1}


def _check_responses(r: ResponsesResponse) -> None:
    assert isinstance(r, ResponsesResponse)
    assert r.output_text == "Hello there"
    assert [item.type for item in r.output] == ["reasoning", "message"]
    assert r.usage is not None and r.usage.total_tokens == 29


def _check_embeddings(base64: bool) -> Check:
    def check(r: EmbeddingsResponse) -> None:
        assert isinstance(r, EmbeddingsResponse)
        assert [d.index for d in r.data] == [0, 1]
        assert isinstance(r.data[1].embedding, str if base64 else list)
        assert r.data[1].vector() == [1.5, -0.25, 0.25, 2.0]
        assert r.usage is not None and r.usage.prompt_tokens == 8

    return check


def _check_images(r: ImageGenerationResponse) -> None:
    assert isinstance(r, ImageGenerationResponse)
    assert [d.url for d in r.data] == [
        "https://cdn.meshapi.ai/images/img_0.webp",
        "https://cdn.meshapi.ai/images/img_1.webp",
    ]
    assert r.output_format == "webp"
    assert r.usage is not None and r.usage.total_tokens == 4170


def _check_compare(r: CompareResponse) -> None:
    assert isinstance(r, CompareResponse)
    assert r.comparison_id == "cmp_01JDXA"
    assert [x.model for x in r.results] == TWO_MODELS
    assert r.results[1].content == "Answer from anthropic/claude-sonnet-4.5"
    assert r.results[1].request_id == "req_01JDXA::anthropic/claude-sonnet-4.5"
    assert r.comparison == "Both agree."
    assert r.partial is False


def _check_batch(status: str, batch_id: str = "batch_01JDXA") -> Check:
    def check(r: BatchObject) -> None:
        assert isinstance(r, BatchObject)
        assert (r.id, r.status) == (batch_id, status)
        assert r.request_counts is not None and r.request_counts.total == 2

    return check


def _check_batch_list(r: BatchList) -> None:
    assert isinstance(r, BatchList)
    assert [b.id for b in r.data] == ["batch_b2", "batch_b1"]
    assert all(isinstance(b, BatchObject) for b in r.data)
    assert (r.has_more, r.last_id) == (False, "batch_b1")


def _check_init(r: InitUploadResponse) -> None:
    assert isinstance(r, InitUploadResponse)
    assert r.file_id == "file_01JDXC"
    assert r.signed_url.startswith("https://storage.test/uploads/file_01JDXC?")


def _check_file(r: RagFileStatus) -> None:
    assert isinstance(r, RagFileStatus)
    assert (r.file_id, r.embedding_status, r.size_bytes) == ("file_01", "ready", 48213)


def _check_file_list(limit: int, offset: int) -> Check:
    def check(r: RagFileListResponse) -> None:
        assert isinstance(r, RagFileListResponse)
        assert [f.file_id for f in r.files] == ["file_a", "file_b"]
        assert r.files[1].embedding_status == "processing"
        assert (r.total, r.limit, r.offset) == (2, limit, offset)

    return check


def _check_embed(r: BulkEmbedResponse) -> None:
    assert isinstance(r, BulkEmbedResponse)
    assert [(x.file_id, x.embedding_status) for x in r.results] == [
        ("file_a", "processing"),
        ("file_b", "processing"),
    ]


def _check_search(r: SearchResponse) -> None:
    assert isinstance(r, SearchResponse)
    hit = r.results[0]
    assert hit.score == pytest.approx(0.8731)
    assert hit.text.startswith("New hires")
    assert (hit.file_id, hit.chunk_index, hit.metadata) == ("file_01JDXC", 3, {"team": "hr"})


def _check_models(ids: List[str]) -> Check:
    def check(r: List[ModelInfo]) -> None:
        assert isinstance(r, list)
        assert all(isinstance(m, ModelInfo) for m in r)
        assert [m.id for m in r] == ids

    return check


ALL = ["openai/gpt-4o", "anthropic/claude-sonnet-4.5", "meta-llama/llama-3.3-8b-instruct:free"]
FREE = ["meta-llama/llama-3.3-8b-instruct:free"]
PAID = ALL[:2]


def _check_model(r: ModelInfo) -> None:
    assert isinstance(r, ModelInfo)
    assert r.id == "openai/gpt-4o"
    assert r.pricing is not None and r.pricing.prompt_usd_per_1k == 0.0025
    assert r.input_modalities == ["text", "image"]


def _check_template(template_id: str, **fields: Any) -> Check:
    def check(r: TemplateSummary) -> None:
        assert isinstance(r, TemplateSummary)
        assert r.id == template_id
        for name, value in fields.items():
            assert getattr(r, name) == value

    return check


def _check_templates(r: List[TemplateSummary]) -> None:
    assert [(t.id, t.is_global) for t in r] == [("tpl_01JDXE", False), ("tpl_g", True)]
    assert all(isinstance(t, TemplateSummary) for t in r)


def _check_deleted(r: DeleteTemplateResponse) -> None:
    assert isinstance(r, DeleteTemplateResponse)
    assert (r.id, r.deleted) == ("tpl_1", True)


def _json_delete(gateway: Any) -> None:
    gateway.on(
        "DELETE",
        "/v1/templates/tpl_1",
        gateway.reply_json({"id": "tpl_1", "deleted": True, "object": "template.deleted"}),
    )


CASES: Dict[str, Case] = {
    "chat.completions.create": Case(
        lambda c: c.chat.completions.create(CHAT),
        "POST",
        "/v1/chat/completions",
        body={**CHAT_WIRE, "stream": False},
        check=_check_chat,
    ),
    "responses.create": Case(
        lambda c: c.responses.create(RESPONSES),
        "POST",
        "/v1/responses",
        body={**RESPONSES_WIRE, "stream": False},
        check=_check_responses,
    ),
    "embeddings.create-float": Case(
        lambda c: c.embeddings.create(EMBED),
        "POST",
        "/v1/embeddings",
        body={"model": "openai/text-embedding-3-small", "input": ["hello", "goodbye"]},
        check=_check_embeddings(base64=False),
    ),
    "embeddings.create-base64": Case(
        lambda c: c.embeddings.create(EMBED_B64),
        "POST",
        "/v1/embeddings",
        body={
            "model": "openai/text-embedding-3-small",
            "input": ["hello", "goodbye"],
            "encoding_format": "base64",
        },
        check=_check_embeddings(base64=True),
    ),
    "images.generate": Case(
        lambda c: c.images.generate(IMAGE),
        "POST",
        "/v1/images/generations",
        body={**IMAGE_WIRE, "stream": False},
        check=_check_images,
    ),
    "compare.create": Case(
        lambda c: c.compare.create(COMPARE),
        "POST",
        "/v1/chat/compare",
        body={**COMPARE_WIRE, "stream": False},
        check=_check_compare,
    ),
    "batches.create": Case(
        lambda c: c.batches.create(BATCH),
        "POST",
        "/v1/batches",
        body=BATCH_WIRE,
        check=_check_batch("validating"),
    ),
    "batches.list": Case(
        lambda c: c.batches.list(),
        "GET",
        "/v1/batches",
        check=_check_batch_list,
    ),
    "batches.list-after-limit": Case(
        lambda c: c.batches.list(after="batch_b2", limit=10),
        "GET",
        "/v1/batches",
        query={"after": "batch_b2", "limit": "10"},
        check=_check_batch_list,
    ),
    "batches.get": Case(
        lambda c: c.batches.get("batch_01"),
        "GET",
        "/v1/batches/batch_01",
        check=_check_batch("completed", "batch_01"),
    ),
    "batches.cancel": Case(
        lambda c: c.batches.cancel("batch_01"),
        "POST",
        "/v1/batches/batch_01/cancel",
        check=_check_batch("cancelling", "batch_01"),
    ),
    "rag.init_upload": Case(
        lambda c: c.rag.init_upload(INIT),
        "POST",
        "/v1/files",
        body={"file_name": "handbook.pdf", "mime_type": "application/pdf", "embed": True},
        check=_check_init,
    ),
    "rag.get": Case(
        lambda c: c.rag.get("file_01"),
        "GET",
        "/v1/files/file_01",
        check=_check_file,
    ),
    "rag.list": Case(
        lambda c: c.rag.list(),
        "GET",
        "/v1/files",
        check=_check_file_list(20, 0),
    ),
    "rag.list-limit-offset": Case(
        lambda c: c.rag.list(limit=50, offset=100),
        "GET",
        "/v1/files",
        query={"limit": "50", "offset": "100"},
        check=_check_file_list(50, 100),
    ),
    "rag.embed": Case(
        lambda c: c.rag.embed(EMBED_FILES),
        "POST",
        "/v1/files/embed",
        body={"file_ids": ["file_a", "file_b"], "wait": False},
        check=_check_embed,
    ),
    "rag.search": Case(
        lambda c: c.rag.search(SEARCH),
        "POST",
        "/v1/files/search",
        body={"query": "onboarding process", "top_k": 5},
        check=_check_search,
    ),
    "models.list": Case(
        lambda c: c.models.list(),
        "GET",
        "/v1/models",
        check=_check_models(ALL),
    ),
    "models.list-free-none": Case(
        lambda c: c.models.list(free=None),
        "GET",
        "/v1/models",
        check=_check_models(ALL),
    ),
    "models.list-free-true": Case(
        lambda c: c.models.list(free=True),
        "GET",
        "/v1/models",
        query={"free": "true"},
        check=_check_models(FREE),
    ),
    "models.list-free-false": Case(
        lambda c: c.models.list(free=False),
        "GET",
        "/v1/models",
        query={"free": "false"},
        check=_check_models(PAID),
    ),
    "models.free": Case(
        lambda c: c.models.free(),
        "GET",
        "/v1/models/free",
        check=_check_models(FREE),
    ),
    "models.paid": Case(
        lambda c: c.models.paid(),
        "GET",
        "/v1/models/paid",
        check=_check_models(PAID),
    ),
    "models.get": Case(
        lambda c: c.models.get("openai/gpt-4o"),
        "GET",
        "/v1/models/openai/gpt-4o",
        check=_check_model,
    ),
    "templates.create": Case(
        lambda c: c.templates.create(TEMPLATE),
        "POST",
        "/v1/templates",
        body=TEMPLATE_WIRE,
        check=_check_template("tpl_new", name="support-agent", variables=["company"]),
    ),
    "templates.list": Case(
        lambda c: c.templates.list(),
        "GET",
        "/v1/templates",
        check=_check_templates,
    ),
    "templates.get": Case(
        lambda c: c.templates.get("tpl_1"),
        "GET",
        "/v1/templates/tpl_1",
        check=_check_template("tpl_1", name="support-agent", is_global=False),
    ),
    "templates.update": Case(
        lambda c: c.templates.update("tpl_1", PATCH),
        "PATCH",
        "/v1/templates/tpl_1",
        body={"model": "openai/gpt-4o"},
        check=_check_template("tpl_1", model="openai/gpt-4o"),
    ),
    "templates.delete-204": Case(
        lambda c: c.templates.delete("tpl_1"),
        "DELETE",
        "/v1/templates/tpl_1",
        check=_check_deleted,
    ),
    "templates.delete-json": Case(
        lambda c: c.templates.delete("tpl_1"),
        "DELETE",
        "/v1/templates/tpl_1",
        check=_check_deleted,
        setup=_json_delete,
    ),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
async def test_resource_method_sends_the_exact_request_and_parses_the_answer(
    api: Api, case: Case
) -> None:
    if case.setup is not None:
        case.setup(api.gateway)
    result = await api.call(case.call)

    assert len(api.gateway.requests) == 1
    seen = api.gateway.last
    assert (seen.method, seen.host, seen.raw_path) == (case.method, "gw.test", case.path)
    assert seen.query == case.query
    if case.body is None:
        assert seen.content == b""
        assert "content-type" not in seen.headers
    else:
        assert seen.headers["content-type"] == "application/json"
        assert seen.json == case.body
    case.check(result)


# -- streams ---------------------------------------------------------------------------------


async def test_chat_stream_sends_stream_true_with_usage_and_yields_typed_chunks(api: Api) -> None:
    chunks = await api.collect(lambda c: c.chat.completions.stream(CHAT))

    seen = api.gateway.last
    assert (seen.method, seen.raw_path) == ("POST", "/v1/chat/completions")
    assert seen.json == {**CHAT_WIRE, "stream": True, "stream_options": {"include_usage": True}}
    assert seen.headers["accept"] == "text/event-stream"
    assert all(isinstance(c, ChatCompletionChunk) for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hello"
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == []
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens == 19
    assert chunks[-1].cost == "0.00001"


async def test_chat_stream_keeps_stream_options_given_by_the_caller(api: Api) -> None:
    params = CHAT.model_copy(update={"stream_options": {"include_usage": False}})
    await api.collect(lambda c: c.chat.completions.stream(params))

    assert api.gateway.last.json["stream_options"] == {"include_usage": False}


async def test_responses_stream_yields_typed_events(api: Api) -> None:
    events = await api.collect(lambda c: c.responses.stream(RESPONSES))

    seen = api.gateway.last
    assert (seen.method, seen.raw_path) == ("POST", "/v1/responses")
    assert seen.json == {**RESPONSES_WIRE, "stream": True}
    assert all(isinstance(e, ResponsesStreamEvent) for e in events)
    assert [e.type for e in events] == [
        "response.created",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.completed",
    ]
    assert "".join(e.delta or "" for e in events) == "Hello there"
    assert events[0].response is not None and events[0].response.status == "in_progress"
    assert events[-1].response is not None and events[-1].response.output_text == "Hello there"


async def test_images_stream_yields_typed_events(api: Api) -> None:
    events = await api.collect(lambda c: c.images.stream(IMAGE))

    seen = api.gateway.last
    assert (seen.method, seen.raw_path) == ("POST", "/v1/images/generations")
    assert seen.json == {**IMAGE_WIRE, "stream": True}
    assert all(isinstance(e, ImageStreamEvent) for e in events)
    assert [e.status for e in events] == ["in_progress", None, "completed"]
    assert events[1].type == "image_generation.partial_image"
    assert events[1].b64_json == "iVBORw0KGgo="
    assert events[2].data is not None
    assert events[2].data[0].url == "https://cdn.meshapi.ai/images/img_0.png"


async def test_compare_stream_with_synthesis_keeps_event_names_payloads_and_fields(
    api: Api,
) -> None:
    events = await api.collect(lambda c: c.compare.stream(COMPARE))

    assert api.gateway.last.json == {**COMPARE_WIRE, "stream": True}
    assert all(isinstance(e, CompareStreamEvent) for e in events)
    assert [e.event for e in events] == [
        "meta",
        "model_chunk",
        "model_chunk",
        "model_done",
        "comparison_chunk",
        "comparison_chunk",
        "done",
    ]
    sent = api.gateway.bodies.compare_events_synthesis(TWO_MODELS)
    assert [e.data for e in events] == [payload for _, payload in sent]

    meta, first, second, model_done, c1, c2, done = events
    assert meta.comparison_id == "cmp_s1"
    assert meta.models == TWO_MODELS
    assert meta.skip_comparison is False
    assert (first.model, first.delta, first.latency_ms) == (
        "openai/gpt-4o-mini",
        "Answer from openai/gpt-4o-mini",
        640,
    )
    assert first.usage is not None and first.usage.total_tokens == 19
    assert second.model == "anthropic/claude-sonnet-4.5"
    assert model_done.results is not None
    assert all(isinstance(r, CompareResult) for r in model_done.results)
    assert [r.model for r in model_done.results] == TWO_MODELS
    assert (c1.delta, c1.finish_reason) == ("Both ", None)
    assert (c2.delta, c2.finish_reason) == ("agree.", "stop")
    assert (done.comparison_id, done.total_latency_ms, done.partial) == ("cmp_s1", 1710, False)
    assert done.comparison_fallback_used is False
    # A field that an event does not carry reads as None.
    assert meta.delta is None and c1.model is None


async def test_compare_stream_with_skip_comparison_streams_tokens_per_model(api: Api) -> None:
    events = await api.collect(lambda c: c.compare.stream(COMPARE_SKIP))

    assert api.gateway.last.json == {
        "models": TWO_MODELS,
        "messages": USER_WIRE,
        "skip_comparison": True,
        "stream": True,
    }
    assert [e.event for e in events] == [
        "meta",
        "model_chunk",
        "model_chunk",
        "model_chunk",
        "model_stream_done",
        "model_chunk",
        "model_stream_done",
        "done",
    ]
    assert events[0].skip_comparison is True
    assert events[0].comparison_model is None
    by_model: Dict[str, str] = {}
    for e in events:
        if e.event == "model_chunk":
            by_model[e.model] = by_model.get(e.model, "") + (e.delta or "")
    assert by_model == {m: "Paris." for m in TWO_MODELS}
    finished = [e for e in events if e.event == "model_stream_done"]
    assert [(e.model, e.finish_reason) for e in finished] == [(m, "stop") for m in TWO_MODELS]
    assert finished[0].usage is not None and finished[0].usage.total_tokens == 17
    assert events[-1].total_latency_ms == pytest.approx(1203.7)


async def test_compare_stream_reports_one_failed_model_without_aborting(api: Api) -> None:
    events = [
        ("meta", {"comparison_id": "cmp_f", "models": TWO_MODELS, "skip_comparison": True}),
        ("model_chunk", {"model": TWO_MODELS[0], "delta": "Paris.", "finish_reason": "stop"}),
        (
            "model_stream_done",
            {
                "model": TWO_MODELS[1],
                "finish_reason": None,
                "usage": None,
                "error": "rate limited upstream",
                "error_code": "rate_limit_exceeded",
            },
        ),
        ("done", {"comparison_id": "cmp_f", "partial": True}),
    ]
    api.gateway.on("POST", "/v1/chat/compare", api.gateway.reply_sse(events))

    got = await api.collect(lambda c: c.compare.stream(COMPARE_SKIP))

    assert [e.event for e in got] == ["meta", "model_chunk", "model_stream_done", "done"]
    failed = got[2]
    assert (failed.model, failed.error, failed.error_code) == (
        TWO_MODELS[1],
        "rate limited upstream",
        "rate_limit_exceeded",
    )
    assert got[-1].partial is True


@pytest.mark.parametrize(
    "frame",
    [
        ("error", {"error": {"code": "rate_limit_exceeded", "message": "RPM limit hit"}}),
        ("meta", {"error": {"code": "rate_limit_exceeded", "message": "RPM limit hit"}}),
    ],
    ids=["error-event", "error-envelope-without-model"],
)
async def test_compare_stream_in_band_error_for_the_whole_stream_raises(
    api: Api, frame: Any
) -> None:
    api.gateway.on(
        "POST",
        "/v1/chat/compare",
        api.gateway.reply_sse(
            [("meta", {"comparison_id": "c", "models": TWO_MODELS}), frame], done=False
        ),
    )

    with pytest.raises(RateLimitError) as info:
        await api.collect(lambda c: c.compare.stream(COMPARE))

    assert info.value.error_code == "rate_limit_exceeded"
    assert info.value.message == "RPM limit hit"
    assert info.value.request_id == api.gateway.last.headers["x-request-id"]


# -- params: dicts, extra_body, typos --------------------------------------------------------

# (call taking the params, params model, is it a stream)
PARAM_METHODS: Dict[str, Any] = {
    "chat.completions.create": (lambda c, p: c.chat.completions.create(p), CHAT, False),
    "chat.completions.stream": (lambda c, p: c.chat.completions.stream(p), CHAT, True),
    "responses.create": (lambda c, p: c.responses.create(p), RESPONSES, False),
    "responses.stream": (lambda c, p: c.responses.stream(p), RESPONSES, True),
    "embeddings.create": (lambda c, p: c.embeddings.create(p), EMBED_B64, False),
    "images.generate": (lambda c, p: c.images.generate(p), IMAGE, False),
    "images.stream": (lambda c, p: c.images.stream(p), IMAGE, True),
    "compare.create": (lambda c, p: c.compare.create(p), COMPARE, False),
    "compare.stream": (lambda c, p: c.compare.stream(p), COMPARE, True),
    "batches.create": (lambda c, p: c.batches.create(p), BATCH, False),
    "rag.init_upload": (lambda c, p: c.rag.init_upload(p), INIT, False),
    "rag.embed": (lambda c, p: c.rag.embed(p), EMBED_FILES, False),
    "rag.search": (lambda c, p: c.rag.search(p), SEARCH, False),
    "templates.create": (lambda c, p: c.templates.create(p), TEMPLATE, False),
    "templates.update": (lambda c, p: c.templates.update("tpl_1", p), PATCH, False),
}


async def _run(api: Api, call: Call, stream: bool) -> Any:
    if stream:
        return await api.collect(call)
    return await api.call(call)


@pytest.mark.parametrize("name", list(PARAM_METHODS))
async def test_a_plain_dict_is_accepted_in_place_of_the_params_model(api: Api, name: str) -> None:
    method, params, stream = PARAM_METHODS[name]
    as_dict = json.loads(params.model_dump_json(exclude_none=True))

    from_model = await _run(api, lambda c: method(c, params), stream)
    from_dict = await _run(api, lambda c: method(c, as_dict), stream)

    first, second = api.gateway.requests
    assert first.json == second.json
    assert type(from_model) is type(from_dict)


@pytest.mark.parametrize("name", list(PARAM_METHODS))
async def test_a_typo_in_params_raises_validation_error_before_any_request(
    api: Api, name: str
) -> None:
    method, params, _ = PARAM_METHODS[name]
    typo = {**json.loads(params.model_dump_json(exclude_none=True)), "max_tokenz": 5}

    with pytest.raises(InvalidRequestError, match="max_tokenz"):
        # A stream is refused when it is created, not on first iteration.
        await api.call(lambda c: method(c, typo))

    assert api.gateway.requests == []


async def test_a_typo_in_a_params_model_is_refused_at_construction() -> None:
    with pytest.raises(InvalidRequestError, match="max_token"):
        ChatCompletionParams(model="openai/gpt-4o", messages=USER, max_token=5)  # type: ignore[call-arg]


async def test_extra_body_is_merged_last_and_overrides_modelled_fields(api: Api) -> None:
    params = CHAT.model_copy(update={"extra_body": {"temperature": 0.9, "provider": None}})
    await api.call(lambda c: c.chat.completions.create(params))

    body = api.gateway.last.json
    assert body["temperature"] == 0.9
    # None in extra_body is the one way to send an explicit null.
    assert "provider" in body and body["provider"] is None
    assert "top_p" not in body and "max_tokens" not in body


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.chat.completions.create({"messages": USER_WIRE, "stream": True}),
        lambda c: c.chat.completions.stream({"messages": USER_WIRE, "stream": False}),
    ],
    ids=["create-with-stream-true", "stream-with-stream-false"],
)
async def test_a_stream_flag_contradicting_the_method_is_refused(api: Api, call: Call) -> None:
    with pytest.raises(ValueError, match=r"call (stream|create)\(\) instead"):
        await api.call(call)
    assert api.gateway.requests == []


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda c: c.batches.list(limit=0), "limit"),
        (lambda c: c.batches.list(limit=101), "limit"),
        (lambda c: c.rag.list(limit=0), "limit"),
        (lambda c: c.rag.list(offset=-1), "offset"),
    ],
    ids=["batches-limit-0", "batches-limit-101", "rag-limit-0", "rag-offset-negative"],
)
async def test_out_of_range_pagination_is_refused_before_any_request(
    api: Api, call: Call, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await api.call(call)
    assert api.gateway.requests == []


# -- path encoding ---------------------------------------------------------------------------

ID_METHODS: Dict[str, Any] = {
    "templates.get": (lambda c, i: c.templates.get(i), "GET", "/v1/templates/{}"),
    "templates.update": (lambda c, i: c.templates.update(i, PATCH), "PATCH", "/v1/templates/{}"),
    "templates.delete": (lambda c, i: c.templates.delete(i), "DELETE", "/v1/templates/{}"),
    "batches.get": (lambda c, i: c.batches.get(i), "GET", "/v1/batches/{}"),
    "batches.cancel": (lambda c, i: c.batches.cancel(i), "POST", "/v1/batches/{}/cancel"),
    "rag.get": (lambda c, i: c.rag.get(i), "GET", "/v1/files/{}"),
}


@pytest.mark.parametrize(
    "raw_id, encoded",
    [
        ("../models", "..%2Fmodels"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("a/b", "a%2Fb"),
        ("a?b#c", "a%3Fb%23c"),
        ("tpl 1%", "tpl%201%25"),
    ],
    ids=["dotdot-slash", "dotdot", "dot", "slash", "query-and-fragment", "space-percent"],
)
@pytest.mark.parametrize("name", list(ID_METHODS))
async def test_ids_in_paths_are_percent_encoded_and_cannot_escape_their_resource(
    api: Api, name: str, raw_id: str, encoded: str
) -> None:
    method, verb, template = ID_METHODS[name]
    api.gateway.on(verb, template.format(encoded), api.gateway.reply_json({}, 404))

    with pytest.raises(MeshAPIError):
        await api.call(lambda c: method(c, raw_id))

    seen = api.gateway.last
    assert len(api.gateway.requests) == 1
    assert (seen.method, seen.raw_path) == (verb, template.format(encoded))
    assert seen.query == {}


@pytest.mark.parametrize("name", list(ID_METHODS))
async def test_an_empty_id_is_refused_before_any_request(api: Api, name: str) -> None:
    method = ID_METHODS[name][0]
    with pytest.raises(ValueError, match="empty"):
        await api.call(lambda c: method(c, ""))
    assert api.gateway.requests == []


@pytest.mark.parametrize(
    "model_id, raw_path",
    [
        ("openai/gpt-4o", "/v1/models/openai/gpt-4o"),
        ("openai/../x", "/v1/models/openai/%2E%2E/x"),
        (
            "meta-llama/llama-3.3-8b-instruct:free",
            "/v1/models/meta-llama/llama-3.3-8b-instruct%3Afree",
        ),
        ("openai/gpt 4?x", "/v1/models/openai/gpt%204%3Fx"),
    ],
    ids=["keeps-slash", "encodes-dots", "colon", "space-question-mark"],
)
async def test_model_ids_keep_their_slash_and_encode_everything_else(
    api: Api, model_id: str, raw_path: str
) -> None:
    api.gateway.on("GET", raw_path, api.gateway.reply_json(api.gateway.bodies.model_info(model_id)))

    model = await api.call(lambda c: c.models.get(model_id))

    assert api.gateway.last.raw_path == raw_path
    assert model.id == model_id


@pytest.mark.parametrize("model_id", ["gpt-4o/", "/gpt-4o", "openai//x", ""])
async def test_malformed_model_ids_are_refused_before_any_request(api: Api, model_id: str) -> None:
    with pytest.raises(ValueError):
        await api.call(lambda c: c.models.get(model_id))
    assert api.gateway.requests == []


# -- rag.upload_file -------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def test_upload_file_announces_the_file_then_puts_its_bytes_to_the_signed_url(
    api: Api,
) -> None:
    upload = await api.call(
        lambda c: c.rag.upload_file(
            file_name="handbook.pdf",
            mime_type="application/pdf",
            content=PDF,
            embed=True,
            metadata={"team": "hr"},
        )
    )

    announce, put = api.gateway.requests
    assert (announce.method, announce.host, announce.raw_path) == ("POST", "gw.test", "/v1/files")
    assert announce.json == {
        "file_name": "handbook.pdf",
        "mime_type": "application/pdf",
        "embed": True,
        "metadata": {"team": "hr"},
    }
    assert announce.headers["authorization"] == f"Bearer {api.gateway.token}"
    assert put.method == "PUT"
    assert str(put.url) == api.gateway.signed_url
    assert put.content == PDF
    assert put.headers["content-type"] == "application/pdf"
    assert "authorization" not in put.headers
    assert isinstance(upload, InitUploadResponse)
    assert upload.file_id == "file_01JDXC"


async def test_upload_file_accepts_an_upload_file_params(api: Api) -> None:
    params = UploadFileParams(file_name="notes.txt", mime_type="text/plain", content=b"hello")
    await api.call(lambda c: c.rag.upload_file(params))

    announce, put = api.gateway.requests
    assert announce.json == {"file_name": "notes.txt", "mime_type": "text/plain"}
    assert (put.content, put.headers["content-type"]) == (b"hello", "text/plain")


async def test_upload_file_refuses_params_and_keywords_together(api: Api) -> None:
    params = UploadFileParams(file_name="notes.txt", mime_type="text/plain", content=b"hello")
    with pytest.raises(TypeError, match="not both"):
        await api.call(lambda c: c.rag.upload_file(params, file_name="other.txt"))
    assert api.gateway.requests == []


async def test_upload_file_never_sends_the_callers_own_authorization_header(api: Api) -> None:
    http = api.httpx_client(headers={"Authorization": "Bearer callers-own-credential"})
    client = api.make(httpx_client=http)

    await api.call(
        lambda c: c.rag.upload_file(file_name="a.pdf", mime_type="application/pdf", content=PDF),
        client,
    )

    (put,) = api.gateway.to_host(api.gateway.storage_host)
    assert "authorization" not in put.headers
    assert not any("callers-own-credential" in v for v in put.headers.values())


async def test_upload_file_ignores_the_auth_flow_of_the_callers_httpx_client(api: Api) -> None:
    client = api.make(httpx_client=api.httpx_client(auth=("proxy-user", "proxy-password")))

    await api.call(
        lambda c: c.rag.upload_file(file_name="a.pdf", mime_type="application/pdf", content=PDF),
        client,
    )

    announce, put = api.gateway.requests
    assert announce.headers["authorization"] == f"Bearer {api.gateway.token}"
    assert "authorization" not in put.headers


async def test_upload_file_answered_with_a_redirect_raises_without_following_it(
    api: Api,
) -> None:
    api.gateway.on(
        "PUT",
        api.gateway.signed_url,
        api.gateway.reply_raw(
            b"", 307, headers={"location": "https://elsewhere.test/steal?X-Sig=abc123"}
        ),
    )

    with pytest.raises(APIStatusError) as info:
        await api.call(
            lambda c: c.rag.upload_file(file_name="a.pdf", mime_type="application/pdf", content=PDF)
        )

    assert (info.value.status, info.value.error_code) == (307, "unexpected_redirect")
    assert [s.host for s in api.gateway.requests] == ["gw.test", api.gateway.storage_host]
    assert "abc123" not in str(info.value)


async def test_upload_file_does_not_follow_a_redirect_even_if_the_callers_client_would(
    api: Api,
) -> None:
    client = api.make(httpx_client=api.httpx_client(follow_redirects=True))
    api.gateway.on(
        "PUT",
        api.gateway.signed_url,
        api.gateway.reply_raw(b"", 307, headers={"location": "https://elsewhere.test/steal"}),
    )

    with pytest.raises(MeshAPIError):
        await api.call(
            lambda c: c.rag.upload_file(
                file_name="a.pdf", mime_type="application/pdf", content=PDF
            ),
            client,
        )
    assert "elsewhere.test" not in [s.host for s in api.gateway.requests]


async def test_upload_file_rejected_by_storage_raises_with_the_status(api: Api) -> None:
    xml = b"<?xml version='1.0'?><Error><Code>SignatureDoesNotMatch</Code></Error>"
    api.gateway.on(
        "PUT", api.gateway.signed_url, api.gateway.reply_raw(xml, 403, "application/xml")
    )

    with pytest.raises(PermissionDeniedError) as info:
        await api.call(
            lambda c: c.rag.upload_file(file_name="a.pdf", mime_type="application/pdf", content=PDF)
        )
    assert info.value.status == 403
    assert "SignatureDoesNotMatch" in str(info.value)
