"""The local gateway answers in the shapes the published SDKs parse.

Every endpoint's answer (bodies, stream frames, error envelopes) goes through pydantic models
written from the published field lists (``names-0.1.4.md`` and ``names-0.1.11.md``, read by
``doclists.doc_models``): required fields must be there, types must match (a price that is a
number where the SDK declared ``str`` fails, as it would in the SDK), ``extra`` as published.
Plain httpx, not our SDK: our SDK tolerates more than the published ones did.
"""

from __future__ import annotations

import json
import time
from typing import Any, Dict, Iterator, Optional, Tuple

import httpx
import pytest
from doclists import doc_models

M = doc_models("0.1.4", "0.1.11")
CHAT_MODEL = "openai/gpt-4o-mini"
MESSAGES = [{"role": "user", "content": "What is the capital of France?"}]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def check(model: str, body: Any) -> Any:
    """Parse ``body`` with the published model ``model`` (raises on a mismatch)."""
    return M[model].model_validate(body)


def sse(response: httpx.Response) -> Iterator[Tuple[Optional[str], Any]]:
    """(event name, decoded data) of each frame, ``[DONE]`` left out."""
    assert response.status_code == 200, response.text
    for block in response.text.replace("\r\n", "\n").split("\n\n"):
        event, data = None, []
        for line in block.split("\n"):
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip())
        if data and data != ["[DONE]"]:
            yield event, json.loads("\n".join(data))


def test_every_doc_model_was_written() -> None:
    # The 0.1.4 list's 64 models and the 0.1.11 list's new ones (one name in both).
    assert len(M) >= 100
    assert M["ModelPricing"].model_fields["prompt_usd_per_1k"].annotation == Optional[str]


def test_chat_completions(http: httpx.Client) -> None:
    plain = http.post("/v1/chat/completions", json={"model": CHAT_MODEL, "messages": MESSAGES})
    assert check("ChatCompletionResponse", plain.json()).choices[0].message.content
    tools = http.post(
        "/v1/chat/completions",
        json={
            "model": CHAT_MODEL,
            "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
            "tools": [WEATHER_TOOL],
        },
    )
    reply = check("ChatCompletionResponse", tools.json())
    assert reply.choices[0].message.tool_calls[0].function.name == "get_weather"
    body = {"model": CHAT_MODEL, "messages": MESSAGES, "stream": True}
    body["stream_options"] = {"include_usage": True}
    frames = list(sse(http.post("/v1/chat/completions", json=body)))
    chunks = [check("ChatCompletionChunk", data) for _, data in frames]
    assert chunks and chunks[-1].usage is not None
    audio = http.post(
        "/v1/chat/completions",
        json={
            "model": "openai/gpt-4o-audio-preview",
            "messages": MESSAGES,
            "modalities": ["text", "audio"],
            "audio": {"voice": "alloy", "format": "wav"},
        },
    )
    assert audio.status_code == 200, audio.text
    assert check("ChatCompletionResponse", audio.json()).choices[0].message.audio


@pytest.mark.parametrize("model", [CHAT_MODEL, "google/gemini-3-flash-preview"])
def test_structured_output_as_the_0_1_11_tests_ask(http: httpx.Client, model: str) -> None:
    """protocol-0.1.11: json_schema without ``strict``, temperature 0, max_tokens 1000: the
    content is JSON honouring the types (an integer stays an integer), finish_reason stop."""
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "population": {"type": "integer"}},
        "required": ["city", "population"],
        "additionalProperties": False,
    }
    structured = http.post(
        "/v1/chat/completions",
        json={
            "model": model,
            "messages": MESSAGES,
            "temperature": 0,
            "max_tokens": 1000,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": schema},
            },
        },
    )
    reply = check("ChatCompletionResponse", structured.json())
    assert reply.choices[0].finish_reason == "stop"
    value = json.loads(reply.choices[0].message.content)
    assert value["city"] == "Paris" and type(value["population"]) is int


def test_responses(http: httpx.Client) -> None:
    answer = http.post("/v1/responses", json={"model": "openai/o4-mini", "input": "Hi there"})
    assert answer.status_code == 200, answer.text
    assert check("ResponsesResponse", answer.json()).usage.input_tokens
    kept = http.get(f"/v1/responses/{answer.json()['id']}")
    assert check("ResponsesResponse", kept.json()).id == answer.json()["id"]
    frames = list(
        sse(
            http.post(
                "/v1/responses", json={"model": "openai/o4-mini", "input": "Hi", "stream": True}
            )
        )
    )
    assert frames
    for _, data in frames:
        check("ResponsesStreamEvent", data)


def test_embeddings(http: httpx.Client) -> None:
    answer = http.post(
        "/v1/embeddings", json={"model": "openai/text-embedding-3-small", "input": ["a", "b"]}
    )
    assert len(check("EmbeddingsResponse", answer.json()).data) == 2
    packed = http.post(
        "/v1/embeddings",
        json={
            "model": "openai/text-embedding-3-small",
            "input": "a",
            "encoding_format": "base64",
        },
    )
    assert isinstance(check("EmbeddingsResponse", packed.json()).data[0].embedding, str)


def test_compare(http: httpx.Client) -> None:
    body = {"models": [CHAT_MODEL, "anthropic/claude-haiku-4.5"], "messages": MESSAGES}
    answer = http.post("/v1/chat/compare", json=body)
    assert answer.status_code == 200, answer.text
    assert check("CompareResponse", answer.json()).comparison
    for skip in (False, True):
        frames = list(
            sse(
                http.post(
                    "/v1/chat/compare", json={**body, "stream": True, "skip_comparison": skip}
                )
            )
        )
        assert frames
        for event, data in frames:
            check("CompareStreamEvent", {"event": event, **data})


def test_batches(http: httpx.Client) -> None:
    request = {"custom_id": "one", "body": {"model": CHAT_MODEL, "messages": MESSAGES}}
    created = http.post("/v1/batches", json={"requests": [request]})
    assert created.status_code == 200, created.text
    batch = check("BatchObject", created.json())
    check("BatchObject", http.get(f"/v1/batches/{batch.id}").json())
    check("BatchListResponse", http.get("/v1/batches", params={"limit": 5}).json())
    check("BatchObject", http.post(f"/v1/batches/{batch.id}/cancel").json())


def test_models(http: httpx.Client) -> None:
    for path in ("/v1/models", "/v1/models/free", "/v1/models/paid"):
        models = http.get(path).json()
        assert isinstance(models, list) and models
        for model in models:
            check("ModelInfo", model)
    one = check("ModelInfo", http.get(f"/v1/models/{CHAT_MODEL}").json())
    # Prices are decimal strings (the published ModelPricing declares str).
    assert one.pricing.prompt_usd_per_1k == "0.00015"
    assert float(one.pricing.prompt_usd_per_1k_discounted) == pytest.approx(0.000075)
    wire = http.get(f"/v1/models/{CHAT_MODEL}").json()["pricing"]
    assert wire["prompt_usd_per_1m"] == "0.15" and wire["completion_usd_per_1m"] == "0.6"
    for value in wire.values():
        assert value is None or isinstance(value, str)


def test_templates(http: httpx.Client) -> None:
    name = f"contract-{time.time_ns()}"
    created = http.post(
        "/v1/templates",
        json={"name": name, "system": "You are {{role}}.", "variables": ["role"]},
    )
    assert created.status_code == 201, created.text
    template = check("TemplateSummary", created.json())
    check("TemplateSummary", http.get(f"/v1/templates/{template.id}").json())
    check(
        "TemplateSummary",
        http.patch(f"/v1/templates/{template.id}", json={"description": "d"}).json(),
    )
    listed = http.get("/v1/templates").json()
    assert isinstance(listed, list)
    for item in listed:
        check("TemplateSummary", item)
    assert http.delete(f"/v1/templates/{template.id}").status_code in (200, 204)


def test_rag(http: httpx.Client) -> None:
    init = http.post(
        "/v1/files",
        json={"file_name": "notes.txt", "mime_type": "text/plain", "metadata": {"k": "v"}},
    )
    assert init.status_code in (200, 201), init.text
    upload = check("InitUploadResponse", init.json())
    put = httpx.put(
        upload.signed_url,
        content=b"Parking permits renew every spring.",
        headers={"Content-Type": "text/plain"},
    )
    assert put.status_code in (200, 204), put.text
    check("RagFileStatus", http.get(f"/v1/files/{upload.file_id}").json())
    embedded = http.post("/v1/files/embed", json={"file_ids": [upload.file_id], "wait": True})
    assert check("BulkEmbedResponse", embedded.json()).results[0].embedding_status == "ready"
    check("RagFileListResponse", http.get("/v1/files").json())
    found = http.post(
        "/v1/files/search", json={"query": "parking permits", "file_ids": [upload.file_id]}
    )
    result = check("SearchResponse", found.json()).results[0]
    assert isinstance(result.created_at, int) and result.created_at > 1_600_000_000


def test_images(http: httpx.Client) -> None:
    body = {"model": "openai/gpt-image-1", "prompt": "a red fox", "size": "64x64"}
    answer = http.post("/v1/images/generations", json=body)
    assert answer.status_code == 200, answer.text
    reply = check("ImageGenerationResponse", answer.json())
    assert reply.usage.prompt_tokens > 0 and reply.usage.completion_tokens > 0
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
    assert reply.quality in ("low", "medium", "high", "standard", "hd")  # never "auto"
    inline = http.post("/v1/images/generations", json={**body, "response_format": "b64_json"})
    assert check("ImageGenerationResponse", inline.json()).data[0].b64_json
    frames = list(
        sse(http.post("/v1/images/generations", json={**body, "stream": True, "partial_images": 1}))
    )
    assert frames
    for _, data in frames:
        check("ImageGenerationChunk", data)


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("POST", "/v1/chat/completions", {"model": CHAT_MODEL}),
        ("POST", "/v1/chat/completions", {"model": "nobody/none", "messages": MESSAGES}),
        ("GET", "/v1/batches/batch_missing", None),
        ("GET", "/v1/templates/tpl_missing", None),
        ("POST", "/v1/embeddings", {"model": "openai/text-embedding-3-small"}),
    ],
    ids=["validation", "unknown-model", "batch-404", "template-404", "embeddings-422"],
)
def test_errors_carry_the_envelope(
    http: httpx.Client, method: str, path: str, body: Optional[Dict[str, Any]]
) -> None:
    answer = http.request(method, path, json=body)
    assert answer.status_code >= 400
    envelope = check("ApiErrorEnvelope", answer.json())
    assert envelope.request_id == answer.headers.get("x-request-id", envelope.request_id)
