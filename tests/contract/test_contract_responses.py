"""Response models parse the gateway's bodies (fixtures/) and keep fields they do not know."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Set, Type

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from meshapi import _types as t
from meshapi import pydantic_function_tool
from meshapi._structured import ParsePlan

FIXTURES = Path(__file__).parent / "fixtures"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def frames(name: str) -> List[Any]:
    loaded: List[Any] = json.loads(read(name))
    return loaded


class City(BaseModel):
    city: str


# How each fixture is parsed, the way the HTTP core parses it: bodies with model_validate_json
# on the raw bytes, bare arrays with a TypeAdapter, stream frames one JSON document at a time.
PARSERS: Dict[str, Callable[[], List[BaseModel]]] = {
    "chat_completion.json": lambda: [
        t.ChatCompletionResponse.model_validate_json(read("chat_completion.json"))
    ],
    "chat_completion_tool_calls.json": lambda: [
        t.ChatCompletionResponse.model_validate_json(read("chat_completion_tool_calls.json")),
        # what parse() makes of it when get_weather was a tool made from a model
        ParsePlan({}, None, [pydantic_function_tool(City, name="get_weather")]).parse_chat(
            t.ChatCompletionResponse.model_validate_json(read("chat_completion_tool_calls.json"))
        ),
    ],
    "chat_completion_audio.json": lambda: [
        t.ChatCompletionResponse.model_validate_json(read("chat_completion_audio.json"))
    ],
    "chat_completion_chunks.json": lambda: [
        t.ChatCompletionChunk.model_validate_json(json.dumps(f))
        for f in frames("chat_completion_chunks.json")
    ],
    "responses_response.json": lambda: [
        t.ResponsesResponse.model_validate_json(read("responses_response.json")),
        ParsePlan({}, None, None, responses=True).parse_response(
            t.ResponsesResponse.model_validate_json(read("responses_response.json"))
        ),
    ],
    "responses_stream_events.json": lambda: [
        t.ResponsesStreamEvent.model_validate_json(json.dumps(f))
        for f in frames("responses_stream_events.json")
    ],
    "embeddings_response.json": lambda: [
        t.EmbeddingsResponse.model_validate_json(read("embeddings_response.json"))
    ],
    "embeddings_response_base64.json": lambda: [
        t.EmbeddingsResponse.model_validate_json(read("embeddings_response_base64.json"))
    ],
    "compare_response.json": lambda: [
        t.CompareResponse.model_validate_json(read("compare_response.json"))
    ],
    "compare_stream_synthesis.json": lambda: [
        t.CompareStreamEvent.from_sse(f["event"], f["data"])
        for f in frames("compare_stream_synthesis.json")
    ],
    "compare_stream_skip_comparison.json": lambda: [
        t.CompareStreamEvent.from_sse(f["event"], f["data"])
        for f in frames("compare_stream_skip_comparison.json")
    ],
    "batch_object.json": lambda: [t.BatchObject.model_validate_json(read("batch_object.json"))],
    "batch_list.json": lambda: [t.BatchList.model_validate_json(read("batch_list.json"))],
    "init_upload_response.json": lambda: [
        t.InitUploadResponse.model_validate_json(read("init_upload_response.json"))
    ],
    "rag_file_status.json": lambda: [
        t.RagFileStatus.model_validate_json(read("rag_file_status.json"))
    ],
    "rag_file_list.json": lambda: [
        t.RagFileListResponse.model_validate_json(read("rag_file_list.json"))
    ],
    "bulk_embed_response.json": lambda: [
        t.BulkEmbedResponse.model_validate_json(read("bulk_embed_response.json"))
    ],
    "search_response.json": lambda: [
        t.SearchResponse.model_validate_json(read("search_response.json"))
    ],
    "model_info.json": lambda: [t.ModelInfo.model_validate_json(read("model_info.json"))],
    "models_list.json": lambda: list(
        TypeAdapter(List[t.ModelInfo]).validate_json(read("models_list.json"))
    ),
    "template.json": lambda: [t.TemplateSummary.model_validate_json(read("template.json"))],
    "delete_template_response.json": lambda: [
        t.DeleteTemplateResponse.model_validate_json(read("delete_template_response.json"))
    ],
    "image_generation_response.json": lambda: [
        t.ImageGenerationResponse.model_validate_json(read("image_generation_response.json"))
    ],
    "error_envelope.json": lambda: [
        t.ApiErrorEnvelope.model_validate_json(read("error_envelope.json"))
    ],
    "image_stream_events.json": lambda: [
        t.ImageStreamEvent.model_validate_json(json.dumps(f))
        for f in frames("image_stream_events.json")
    ],
    "moderation_response.json": lambda: [
        t.ModerationResponse.model_validate_json(read("moderation_response.json"))
    ],
    "web_search_response.json": lambda: [
        t.WebSearchResponse.model_validate_json(read("web_search_response.json"))
    ],
    "router_select_response.json": lambda: [
        t.RouterSelectResponse.model_validate_json(read("router_select_response.json"))
    ],
    "models_page.json": lambda: [t.ModelsPage.model_validate_json(read("models_page.json"))],
    "responses_list.json": lambda: [
        t.ResponsesListResponse.model_validate_json(read("responses_list.json"))
    ],
    # 0.1.11 media: video tasks, transcriptions, voices, image chunks.
    "video_create_response.json": lambda: [
        t.CreateVideoGenerationResponse.model_validate_json(read("video_create_response.json"))
    ],
    "video_task_list.json": lambda: [
        t.VideoTaskListResponse.model_validate_json(read("video_task_list.json"))
    ],
    "transcription_response.json": lambda: [
        t.TranscriptionResponse.model_validate_json(read("transcription_response.json"))
    ],
    "voices_response.json": lambda: [
        t.VoicesResponse.model_validate_json(read("voices_response.json"))
    ],
    "image_generation_chunk.json": lambda: [
        t.ImageGenerationChunk.model_validate_json(read("image_generation_chunk.json"))
    ],
}


def walk(value: Any) -> Iterator[BaseModel]:
    """Every model instance inside a parsed value (declared fields only)."""
    if isinstance(value, BaseModel):
        yield value
        for name in type(value).model_fields:
            yield from walk(getattr(value, name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from walk(item)


def exported_response_models() -> Set[Type[BaseModel]]:
    found: Set[Type[BaseModel]] = set()
    for name in t.__all__:
        obj = getattr(t, name)
        if (
            isinstance(obj, type)
            and issubclass(obj, t.ResponseModel)
            and obj is not t.ResponseModel
        ):
            found.add(obj)
    return found


def test_every_fixture_file_has_a_parser() -> None:
    on_disk = {p.name for p in FIXTURES.glob("*.json")}
    assert on_disk == set(PARSERS)


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_fixture_keeps_an_unknown_field(name: str) -> None:
    extras = [m.model_extra for parsed in PARSERS[name]() for m in walk(parsed) if m.model_extra]
    assert extras, f"{name} should carry at least one field the models do not declare"


def test_every_exported_response_model_is_parsed_from_some_fixture() -> None:
    seen: Set[Type[BaseModel]] = set()
    for parse in PARSERS.values():
        for parsed in parse():
            seen.update(type(m) for m in walk(parsed))
    missing = sorted(cls.__name__ for cls in exported_response_models() - seen)
    assert missing == []


def test_chat_completion_parses_message_usage_cost_and_extras() -> None:
    reply = t.ChatCompletionResponse.model_validate_json(read("chat_completion.json"))
    assert reply.id == "chatcmpl-9f8e7d6c5b4a"
    assert reply.model == "openai/gpt-4o-mini"
    assert reply.created == 1732550400
    choice = reply.choices[0]
    assert choice.finish_reason == "stop"
    assert choice.message.role == "assistant"
    assert choice.message.content == "The capital of France is Paris."
    assert choice.message.tool_calls is None
    assert reply.usage is not None
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens) == (24, 8)
    assert reply.usage.total_tokens == 32
    assert reply.usage.completion_tokens_details is not None
    assert reply.usage.completion_tokens_details.reasoning_tokens == 0
    assert reply.cost == "0.0000084"
    assert reply.mesh_routing == {"attempts": 1, "fallback": False}
    assert choice.message.annotations == []


def test_chat_completion_with_tool_calls_keeps_provider_fields_on_the_call() -> None:
    reply = t.ChatCompletionResponse.model_validate_json(read("chat_completion_tool_calls.json"))
    message = reply.choices[0].message
    assert message.content is None
    assert reply.choices[0].finish_reason == "tool_calls"
    assert message.tool_calls is not None
    call = message.tool_calls[0]
    assert call.id == "call_abc123"
    assert call.type == "function"
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "Paris"}
    assert call.extra_content == {"google": {"thought_signature": "c2lnbmF0dXJl"}}
    assert reply.provider == "openai"


def test_chat_completion_with_audio_output_parses_audio_and_token_details() -> None:
    reply = t.ChatCompletionResponse.model_validate_json(read("chat_completion_audio.json"))
    message = reply.choices[0].message
    assert message.content is None
    assert message.audio is not None
    assert message.audio.id == "audio_6744d7a1"
    assert message.audio.transcript == "Hello! How can I help?"
    assert message.audio.expires_at == 1732554500
    assert message.audio.data is not None and message.audio.data.startswith("UklGR")
    assert message.audio.voice == "alloy"
    assert reply.usage is not None
    assert reply.usage.completion_tokens_details is not None
    assert reply.usage.completion_tokens_details.audio_tokens == 80
    assert reply.usage.completion_tokens_details.text_tokens == 16
    assert reply.usage.prompt_tokens_details is not None
    assert reply.usage.prompt_tokens_details.cached_tokens == 0


def test_responses_response_output_text_concatenates_message_text_parts() -> None:
    reply = t.ResponsesResponse.model_validate_json(read("responses_response.json"))
    assert reply.id == "resp_67ccd2bed1ec8190"
    assert reply.status == "completed"
    assert reply.created_at == 1741476542
    assert [item.type for item in reply.output] == ["reasoning", "message", "function_call"]
    assert reply.output_text == (
        "No program can decide, for every program and input, whether it halts. "
        "Turing proved this by diagonalisation."
    )
    call = reply.output[2]
    assert (call.call_id, call.name, call.arguments) == ("call_9", "lookup", '{"q": "turing"}')
    assert reply.output[0].summary == [
        {"type": "summary_text", "text": "Considering the halting problem."}
    ]
    assert reply.usage is not None
    assert (reply.usage.input_tokens, reply.usage.output_tokens) == (36, 87)
    assert reply.usage.output_tokens_details == {"reasoning_tokens": 64}
    assert reply.mesh_trace_id == "trc_01JD"
    assert reply.reasoning == {"effort": "medium", "summary": None}


def test_responses_output_text_is_a_property_even_if_the_body_has_that_key() -> None:
    body = {
        "id": "resp_1",
        "output_text": "stale",
        "output": [
            {"type": "message", "content": [{"type": "output_text", "text": "fresh"}]},
            {"type": "message", "content": [{"type": "refusal", "refusal": "no"}]},
        ],
    }
    reply = t.ResponsesResponse.model_validate_json(json.dumps(body))
    assert reply.output_text == "fresh"
    assert reply.model_extra == {"output_text": "stale"}


def test_embeddings_float_response_parses_vectors_in_order() -> None:
    result = t.EmbeddingsResponse.model_validate_json(read("embeddings_response.json"))
    assert result.object == "list"
    assert [d.index for d in result.data] == [0, 1]
    assert result.data[0].embedding == [0.0023064255, -0.009327292, 0.015797347, -0.0077780345]
    assert result.data[1].vector() == [-0.011, 0.0042, 0.0, 1.0]
    assert result.usage is not None
    assert (result.usage.prompt_tokens, result.usage.total_tokens) == (4, 4)
    assert result.usage.completion_tokens == 0
    assert "completion_tokens" not in result.usage.model_fields_set
    assert result.mesh_cache == "MISS"


def test_embeddings_base64_response_keeps_the_string_and_decodes_it() -> None:
    result = t.EmbeddingsResponse.model_validate_json(read("embeddings_response_base64.json"))
    data = result.data[0]
    assert data.embedding == "AAAAPwAAoL8AAEBAAAAAAA=="
    assert data.vector() == [0.5, -1.25, 3.0, 0.0]
    assert result.mesh_cache == "HIT"


def test_compare_response_parses_results_failures_and_synthesis() -> None:
    reply = t.CompareResponse.model_validate_json(read("compare_response.json"))
    assert reply.object == "compare.completion"
    assert reply.comparison_id == "cmp_01JDX4"
    assert reply.models == ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5"]
    ok, failed = reply.results
    assert ok.content == "Paris is the capital of France."
    assert ok.latency_ms == 812
    assert ok.usage is not None and ok.usage.total_tokens == 22
    assert ok.request_id == "req_01JDX4ABC::openai/gpt-4o-mini"
    assert ok.response_body is not None and ok.response_body["id"] == "chatcmpl-a"
    assert (failed.error, failed.error_code) == ("Upstream provider timed out", "upstream_error")
    assert failed.content is None
    assert failed.provider_status == 504
    assert reply.comparison == "Only one model answered; it correctly named Paris."
    assert reply.comparison_usage is not None and reply.comparison_usage.total_tokens == 135
    assert reply.comparison_fallback_used is False
    assert reply.total_latency_ms == 30450.5
    assert reply.partial is True
    assert reply.skip_comparison is False
    assert reply.mesh_billing == {"requests": 1}


def test_batch_object_parses_counts_results_and_errors() -> None:
    batch = t.BatchObject.model_validate_json(read("batch_object.json"))
    assert batch.id == "batch_01JDXB7Q"
    assert batch.object == "batch"
    assert batch.status == "completed"
    assert batch.endpoint == "/v1/chat/completions"
    assert (batch.model, batch.provider) == ("openai/gpt-5-nano", "openai")
    assert (batch.created_at, batch.completed_at) == (1732550000, 1732553600)
    assert batch.request_counts is not None
    counts = batch.request_counts
    assert (counts.total, counts.completed, counts.failed) == (2, 1, 1)
    assert batch.metadata == {"job": "my-batch"}
    assert batch.results is not None and batch.results[0]["custom_id"] == "req-1"
    assert batch.errors_detail is not None and batch.errors_detail[0]["code"] == "upstream_error"
    assert (batch.output_file_id, batch.error_file_id) == ("file-out-01", "file-err-01")
    assert batch.discount_pct == 50


def test_batch_list_parses_page_cursor() -> None:
    page = t.BatchList.model_validate_json(read("batch_list.json"))
    assert [b.id for b in page.data] == ["batch_02", "batch_01"]
    assert [b.status for b in page.data] == ["in_progress", "cancelling"]
    assert page.has_more is True
    assert (page.first_id, page.last_id) == ("batch_02", "batch_01")
    assert page.mesh_active_batches == 2


def test_init_upload_response_parses_signed_url() -> None:
    upload = t.InitUploadResponse.model_validate_json(read("init_upload_response.json"))
    assert upload.file_id == "file_01JDXC"
    assert upload.signed_url.startswith("https://storage.meshapi.ai/uploads/file_01JDXC?")
    assert upload.expires_at == "2024-11-25T16:15:00Z"
    assert upload.upload_method == "PUT"


def test_rag_file_status_accepts_iso_and_unix_timestamps_and_string_cost() -> None:
    status = t.RagFileStatus.model_validate_json(read("rag_file_status.json"))
    assert status.file_id == "file_01JDXC"
    assert (status.upload_status, status.embedding_status) == ("ready", "ready")
    assert status.size_bytes == 482133
    assert status.created_at == "2024-11-25T16:00:00Z"
    assert status.signed_url_expires_at == 1732554000
    assert status.total_tokens == 18233
    assert status.total_cost_usd == pytest.approx(0.000365)
    assert status.last_error_code is None
    assert status.page_count == 24


def test_rag_file_list_parses_files_and_offset_page() -> None:
    page = t.RagFileListResponse.model_validate_json(read("rag_file_list.json"))
    assert [f.file_id for f in page.files] == ["file_01JDXC", "file_01JDXD"]
    assert page.files[1].created_at == 1732550500
    assert (page.total, page.limit, page.offset) == (57, 2, 0)
    assert page.mesh_storage_bytes == 9912331


def test_bulk_embed_response_parses_per_file_results() -> None:
    reply = t.BulkEmbedResponse.model_validate_json(read("bulk_embed_response.json"))
    ready, failed = reply.results
    assert (ready.file_id, ready.embedding_status, ready.chunk_count) == (
        "file_01JDXC",
        "ready",
        42,
    )
    assert ready.error is None
    assert (failed.embedding_status, failed.error) == ("failed", "file is not uploaded yet")
    assert failed.error_code == "not_ready"
    assert reply.mesh_queue_ms == 12


def test_search_response_parses_scored_chunks() -> None:
    reply = t.SearchResponse.model_validate_json(read("search_response.json"))
    best, other = reply.results
    assert best.score == pytest.approx(0.8731)
    assert best.text == "New hires complete onboarding in their first week."
    assert best.parent_text is not None and best.parent_text.startswith("Section 2.")
    assert (best.file_id, best.file_name, best.chunk_index) == ("file_01JDXC", "handbook.pdf", 7)
    assert best.metadata == {"department": "hr"}
    assert best.created_at == 1732550400
    assert best.page == 3
    assert other.parent_text == other.text  # a chunk that is its whole section
    assert other.file_name is None  # optional in the published SDKs: may be left out
    assert reply.mesh_search_ms == 38


def test_model_info_parses_pricing_and_capabilities() -> None:
    info = t.ModelInfo.model_validate_json(read("model_info.json"))
    assert info.id == "openai/gpt-4o"
    assert info.name == "GPT-4o"
    assert info.context_length == 128000
    assert info.is_free is False
    assert info.supports_responses_api is True
    assert info.model_type == "chat"
    assert info.input_modalities == ["text", "image"]
    assert info.pricing is not None
    assert info.pricing.prompt_usd_per_1k == 0.0025
    assert info.pricing.image_usd_per_image is None
    assert info.pricing.prompt_usd_per_1k_discounted == 0.00225
    assert info.pricing.cache_read_usd_per_1k == 0.00125
    assert info.top_provider == {"max_completion_tokens": 16384}


def test_models_list_is_a_bare_array_of_model_info() -> None:
    models = TypeAdapter(List[t.ModelInfo]).validate_json(read("models_list.json"))
    assert [m.id for m in models] == [
        "openai/gpt-4o-mini",
        "meta-llama/llama-3.3-70b-instruct:free",
        "openai/gpt-image-1",
    ]
    assert models[1].is_free is True
    assert models[1].mesh_tier == "community"
    assert models[1].supports_thinking is None
    assert models[2].pricing is not None
    assert models[2].pricing.image_usd_per_image_discounted == 0.036


def test_template_keeps_timestamps_as_strings() -> None:
    template = t.TemplateSummary.model_validate_json(read("template.json"))
    assert (template.id, template.name) == ("tpl_01JDXE", "support-agent")
    assert template.owner == "usr_01JD"
    assert template.is_global is False
    assert template.system is not None and "{{company}}" in template.system
    assert template.messages == [{"role": "user", "content": "Customer tier: {{tier}}"}]
    assert template.params == {"temperature": 0.2}
    assert template.variables == ["company", "tier"]
    assert template.created_at == "2024-11-25T16:00:00.123456+00:00"
    assert template.version == 3


def test_delete_template_response_parses_body_and_empty_body() -> None:
    deleted = t.DeleteTemplateResponse.model_validate_json(read("delete_template_response.json"))
    assert (deleted.id, deleted.deleted) == ("tpl_01JDXE", True)
    assert deleted.object == "template.deleted"
    empty = t.DeleteTemplateResponse.model_validate({})
    assert (empty.id, empty.deleted) == (None, None)


def test_image_generation_response_parses_url_and_base64_images() -> None:
    result = t.ImageGenerationResponse.model_validate_json(read("image_generation_response.json"))
    assert result.created == 1732550700
    assert result.data[0].url == "https://cdn.meshapi.ai/images/img_01.webp"
    assert result.data[0].revised_prompt is not None
    assert result.data[1].url is None
    assert result.data[1].b64_json is not None
    assert (result.output_format, result.quality, result.size) == ("webp", "high", "1024x1024")
    assert result.usage is not None and result.usage.total_tokens == 4174
    assert result.mesh_cost == "0.04"


# A body without a field that is always present is not a valid answer: the HTTP core turns the
# ValidationError into an `invalid_response` error.
MISSING_REQUIRED = [
    ("chat_completion.json", t.ChatCompletionResponse, ["id"]),
    ("chat_completion.json", t.ChatCompletionResponse, ["choices"]),
    ("chat_completion.json", t.ChatCompletionResponse, ["choices", 0, "message"]),
    (
        "chat_completion_tool_calls.json",
        t.ChatCompletionResponse,
        ["choices", 0, "message", "tool_calls", 0, "id"],
    ),
    (
        "chat_completion_tool_calls.json",
        t.ChatCompletionResponse,
        ["choices", 0, "message", "tool_calls", 0, "function", "arguments"],
    ),
    ("embeddings_response.json", t.EmbeddingsResponse, ["data"]),
    ("embeddings_response.json", t.EmbeddingsResponse, ["data", 0, "embedding"]),
    ("compare_response.json", t.CompareResponse, ["results"]),
    ("compare_response.json", t.CompareResponse, ["comparison_id"]),
    ("batch_object.json", t.BatchObject, ["status"]),
    ("batch_list.json", t.BatchList, ["data"]),
    ("init_upload_response.json", t.InitUploadResponse, ["signed_url"]),
    ("rag_file_status.json", t.RagFileStatus, ["file_id"]),
    ("rag_file_list.json", t.RagFileListResponse, ["files"]),
    ("bulk_embed_response.json", t.BulkEmbedResponse, ["results", 0, "file_id"]),
    ("search_response.json", t.SearchResponse, ["results", 0, "score"]),
    ("model_info.json", t.ModelInfo, ["id"]),
    ("template.json", t.TemplateSummary, ["name"]),
    ("image_generation_response.json", t.ImageGenerationResponse, ["data"]),
]


@pytest.mark.parametrize(
    ("name", "model", "path"),
    MISSING_REQUIRED,
    ids=[f"{m.__name__}-{'.'.join(map(str, p))}" for _, m, p in MISSING_REQUIRED],
)
def test_body_missing_a_required_field_fails_validation(
    name: str, model: Type[BaseModel], path: List[Any]
) -> None:
    body = json.loads(read(name))
    parent = body
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    with pytest.raises(ValidationError) as info:
        model.model_validate_json(json.dumps(body))
    locs = [tuple(err["loc"]) for err in info.value.errors()]
    assert tuple(path) in locs


def test_wrongly_typed_field_fails_validation() -> None:
    body = json.loads(read("chat_completion.json"))
    body["choices"] = {"not": "a list"}
    with pytest.raises(ValidationError, match="choices"):
        t.ChatCompletionResponse.model_validate_json(json.dumps(body))


def test_readme_attribute_reads_work_on_parsed_answers() -> None:
    # The spec README reads these attributes; they must exist with the shapes it assumes.
    reply = t.ChatCompletionResponse.model_validate_json(read("chat_completion.json"))
    assert isinstance(reply.choices[0].message.content, str)
    result = t.EmbeddingsResponse.model_validate_json(read("embeddings_response.json"))
    assert len(result.data[0].embedding) == 4
    images = t.ImageGenerationResponse.model_validate_json(read("image_generation_response.json"))
    assert images.data[0].url
    batch = t.BatchObject.model_validate_json(read("batch_object.json"))
    assert (batch.id, batch.status) == ("batch_01JDXB7Q", "completed")
    upload = t.InitUploadResponse.model_validate_json(read("init_upload_response.json"))
    assert upload.signed_url and upload.file_id
    status = t.RagFileStatus.model_validate_json(read("rag_file_status.json"))
    assert status.embedding_status == "ready"
    results = t.SearchResponse.model_validate_json(read("search_response.json"))
    lines = [f"{r.score:.4f} {r.text}" for r in results.results]
    assert lines[0] == "0.8731 New hires complete onboarding in their first week."
    page = t.RagFileListResponse.model_validate_json(read("rag_file_list.json"))
    assert f"{page.total} total files" == "57 total files"


def test_video_tasks_parse_success_and_failure() -> None:
    page = t.VideoTaskListResponse.model_validate_json(read("video_task_list.json"))
    done, failed = page.data
    assert done.done and done.content is not None and done.content.video_url
    assert done.usage is not None and done.usage.total_tokens == 108900
    assert failed.status == "failed" and failed.done and failed.error is not None
    assert failed.error.code == "OutputVideoSensitiveContentDetected"
    assert (page.total, page.limit, page.offset, page.has_more) == (2, 20, 0, False)
