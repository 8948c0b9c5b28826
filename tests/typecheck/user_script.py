"""What a user writes, touching every public method, sync and async: type-checked (never run)
by tests/typecheck/check.py with mypy --strict and pyright. A wrong signature in the SDK shows
up here as an error in the user's code."""

from __future__ import annotations

from typing import List, Optional

import httpx

from meshapi import (
    NOT_GIVEN,
    AsyncMeshAPI,
    AudioOutputOptions,
    BatchList,
    BatchObject,
    BuiltinTool,
    BulkEmbedResponse,
    ChatCompletionChunk,
    ChatCompletionParams,
    ChatCompletionParamsDict,
    ChatCompletionResponse,
    ChatMessage,
    ChatMessageDict,
    CompareResponse,
    CompareStreamEvent,
    DeleteTemplateResponse,
    EmbeddingsResponse,
    ImageGenerationResponse,
    ImageStreamEvent,
    InitUploadResponse,
    InvalidRequestError,
    MeshAPI,
    MeshAPIError,
    ModelInfo,
    ProviderPreferences,
    RagFileListResponse,
    RagFileStatus,
    ResponseMeta,
    ResponsesFunctionTool,
    ResponsesResponse,
    ResponsesStreamEvent,
    SearchResponse,
    TemplateSummary,
    ToolChoiceObject,
    ToolDict,
)

MODEL = "openai/gpt-4o-mini"
MESSAGES: List[ChatMessageDict] = [{"role": "user", "content": "hi"}]
TOOL: ToolDict = {"type": "function", "function": {"name": "f", "parameters": {}}}


def sync_calls(client: MeshAPI) -> None:
    reply: ChatCompletionResponse = client.chat.completions.create(
        model=MODEL, messages=MESSAGES, tools=[TOOL], temperature=0, timeout=None
    )
    params: ChatCompletionParamsDict = {"model": MODEL, "messages": MESSAGES}
    reply = client.chat.completions.create(params, max_retries=0, idempotency_key="k")
    reply = client.chat.completions.create(
        ChatCompletionParams(model=MODEL, messages=[ChatMessage(role="user", content="x")]),
        extra_headers={"X-A": "b"},
        extra_query={"q": "1"},
        extra_body={"top_k": 1},
        timeout=NOT_GIVEN,
    )
    message = reply.choices[0].message
    follow_up = client.chat.completions.create(model=MODEL, messages=[*MESSAGES, message])
    meta: Optional[ResponseMeta] = follow_up._meta
    if meta is not None:
        print(meta.request_id, meta.status_code, meta.retries, meta.elapsed, meta.routing)
    print(reply.to_dict(), reply.to_json(indent=2), reply.extra_fields)

    with client.chat.completions.stream(model=MODEL, messages=MESSAGES) as stream:
        for chunk in stream:
            assert isinstance(chunk, ChatCompletionChunk)
        final: ChatCompletionResponse = stream.get_final_completion()
        print(final.id, stream._meta, stream.response)

    # meshapi 0.1.4's option classes, and their dicts, as keywords.
    reply = client.chat.completions.create(
        model=MODEL,
        messages=MESSAGES,
        tool_choice=ToolChoiceObject(function={"name": "f"}),
        audio=AudioOutputOptions(voice="alloy"),
        provider=ProviderPreferences(order=["openai"]),
    )
    reply = client.chat.completions.create(
        model=MODEL,
        messages=MESSAGES,
        tool_choice={"type": "function", "function": {"name": "f"}},
        image={"n": 1, "size": "512x512"},
        provider={"order": ["openai"], "allow_fallbacks": False},
    )
    response: ResponsesResponse = client.responses.create(
        model=MODEL,
        input="hi",
        tools=[
            ResponsesFunctionTool(name="f"),
            BuiltinTool(type="web_search_preview"),
            {"type": "function", "name": "g"},
            {"type": "web_search_preview", "search_context_size": "low"},
        ],
        seed=1,
        session_id="s",
    )
    print(response.output_text)
    client.templates.create(name="t2", messages=[{"role": "user", "content": "{{x}}"}])
    with client.responses.stream(model=MODEL, input="hi") as events:
        for event in events:
            assert isinstance(event, ResponsesStreamEvent)
    embedded: EmbeddingsResponse = client.embeddings.create(model=MODEL, input=["a", "b"])
    embedded = client.embeddings.create(input="a", provider=ProviderPreferences(order=["x"]))
    images: ImageGenerationResponse = client.images.generate(prompt="a fox", n=1)
    for image_event in client.images.stream(prompt="a fox"):
        assert isinstance(image_event, ImageStreamEvent)
    compared: CompareResponse = client.compare.create(models=[MODEL], messages=MESSAGES)
    print(compared.results)
    for compare_event in client.compare.stream(models=[MODEL], messages=MESSAGES):
        assert isinstance(compare_event, CompareStreamEvent)
    batch: BatchObject = client.batches.create(
        requests=[{"custom_id": "1", "body": {"model": MODEL, "messages": MESSAGES}}]
    )
    page: BatchList = client.batches.list(limit=10, after=None, timeout=5)
    batch = client.batches.get(batch.id)
    batch = client.batches.cancel(batch.id)
    catalogue: List[ModelInfo] = client.models.list(free=True)
    catalogue = client.models.free()
    catalogue = client.models.paid()
    one: ModelInfo = client.models.get(MODEL)
    template: TemplateSummary = client.templates.create(name="t", system="Be brief.")
    template = client.templates.update(template.id, description="d")
    templates: List[TemplateSummary] = client.templates.list()
    template = client.templates.get(template.id)
    deleted: DeleteTemplateResponse = client.templates.delete(template.id)
    announced: InitUploadResponse = client.rag.init_upload(file_name="a", mime_type="text/plain")
    announced = client.rag.upload_file(file_name="a", mime_type="text/plain", content=b"x")
    status: RagFileStatus = client.rag.get(announced.file_id)
    files: RagFileListResponse = client.rag.list(limit=10, offset=0)
    embedded_files: BulkEmbedResponse = client.rag.embed(file_ids=[announced.file_id], wait=True)
    found: SearchResponse = client.rag.search(query="q", top_k=3)
    print(embedded, images, page, catalogue, one, templates, deleted, status, files)
    print(embedded_files, found)
    # What production always sends (the published SDKs required it) is read with no None check.
    when: int = reply.created + final.created + images.created + compared.created
    text: List[str] = [reply.model, final.model, embedded.model, one.name, template.updated_at]
    text += [status.file_name, status.embedding_status, found.results[0].parent_text]
    flags: List[bool] = [one.is_free, template.is_global, page.has_more]
    counts: List[int] = [files.total, files.offset, reply.choices[0].index, embedded.data[0].index]
    print(when, text, flags, counts, compared.total_latency_ms + 1.0)

    quick: MeshAPI = client.with_options(timeout=5, max_retries=0)
    raw = quick.with_raw_response.models.get(MODEL)
    model_info: ModelInfo = raw.parse()
    print(raw.headers, raw.status_code, raw.http_response, model_info)
    with client.with_streaming_response.batches.list(limit=1) as listing:
        for chunk_bytes in listing.iter_bytes():
            print(len(chunk_bytes))
        batches_page: BatchList = listing.parse()
        print(batches_page)
    with client.realtime.connect(model="openai/gpt-realtime-mini") as session:
        session.send({"type": "response.create"})
        for msg in session:
            print(msg.type, msg.event, msg.audio)
            break
    try:
        client.chat.completions.create(model=MODEL, messages=MESSAGES)
    except InvalidRequestError as exc:
        print(exc.details)
    except MeshAPIError as exc:
        print(exc.status, exc.error_code, exc.request_id)
    client.close()


async def async_calls(client: AsyncMeshAPI) -> None:
    reply: ChatCompletionResponse = await client.chat.completions.create(
        model=MODEL, messages=MESSAGES, timeout=float("inf")
    )
    reply = await client.chat.completions.create({"model": MODEL, "messages": MESSAGES})
    print(reply._meta)
    async with client.chat.completions.stream(model=MODEL, messages=MESSAGES) as stream:
        async for chunk in stream:
            assert isinstance(chunk, ChatCompletionChunk)
        final: ChatCompletionResponse = await stream.get_final_completion()
        print(final.id)
    response: ResponsesResponse = await client.responses.create(model=MODEL, input="hi")
    embedded: EmbeddingsResponse = await client.embeddings.create(model=MODEL, input="a")
    images: ImageGenerationResponse = await client.images.generate(prompt="a fox")
    compared: CompareResponse = await client.compare.create(models=[MODEL], messages=MESSAGES)
    page: BatchList = await client.batches.list(limit=1)
    catalogue: List[ModelInfo] = await client.models.list()
    one: ModelInfo = await client.models.get(MODEL)
    templates: List[TemplateSummary] = await client.templates.list()
    files: RagFileListResponse = await client.rag.list()
    found: SearchResponse = await client.rag.search({"query": "q"})
    print(response, embedded, images, compared, page, catalogue, one, templates, files, found)
    async with client.realtime.connect(model="openai/gpt-realtime-mini") as session:
        async for msg in session:
            print(msg.type)
            break
    raw = await client.with_raw_response.models.get(MODEL)
    parsed: ModelInfo = await raw.parse()
    print(raw.status_code, raw.headers, raw.http_response, raw.request_id, parsed.id)
    async with client.with_streaming_response.chat.completions.create(
        model=MODEL, messages=MESSAGES
    ) as streamed:
        async for line in streamed.iter_lines():
            print(line)
    quick: AsyncMeshAPI = client.with_options(timeout=httpx.Timeout(5.0))
    await quick.close()
    await client.close()
