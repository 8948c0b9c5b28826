"""What the unit tests' fake gateway (``fake_gateway.py``) answers: response builders, realistic
bodies in the shapes of the wire protocol, and the default answer of every endpoint, built from
the request where it matters (the model asked for, the ids in the path, the page asked for).
"""

from __future__ import annotations

import base64
import json
import struct
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

import httpx

BASE_URL = "https://gw.test"
TOKEN = "rsk_unit_secret_0123456789abcdef"
STORAGE_HOST = "storage.test"
SIGNED_URL = f"https://{STORAGE_HOST}/uploads/file_01JDXC?X-Sig=abc123&X-Expires=900"

Responder = Callable[[httpx.Request], httpx.Response]


# -- building answers ----------------------------------------------------------------------------


def json_response(
    body: Any, status: int = 200, headers: Optional[Mapping[str, str]] = None
) -> Responder:
    """A responder answering ``body`` as compact JSON with ``status``."""
    content = json.dumps(body, separators=(",", ":")).encode()

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status,
            content=content,
            headers={"content-type": "application/json", **(headers or {})},
        )

    return respond


def raw_response(
    content: bytes,
    status: int = 200,
    content_type: str = "text/plain",
    headers: Optional[Mapping[str, str]] = None,
) -> Responder:
    """A responder answering the bytes ``content`` as they are."""

    def respond(request: httpx.Request) -> httpx.Response:
        hdrs = {"content-type": content_type} if content_type else {}
        return httpx.Response(status, content=content, headers={**hdrs, **(headers or {})})

    return respond


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    headers: Optional[Mapping[str, str]] = None,
    request_id: Optional[str] = None,
    **error_fields: Any,
) -> Responder:
    """A responder answering the MeshAPI error envelope."""
    body: Dict[str, Any] = {"error": {"code": code, "message": message, **error_fields}}
    if request_id is not None:
        body["request_id"] = request_id
    return json_response(body, status, headers)


def sse_body(frames: Sequence[Any], *, done: bool = True) -> bytes:
    """SSE bytes: each frame is a dict (a ``data:`` line), an ``(event, dict)`` pair, or a str
    sent as the data as it is; ``data: [DONE]`` ends it unless ``done`` is false."""
    out: List[str] = []
    for frame in frames:
        if isinstance(frame, tuple):
            event, data = frame
            out.append(f"event: {event}\ndata: {json.dumps(data)}\n\n")
        elif isinstance(frame, str):
            out.append(f"data: {frame}\n\n")
        else:
            out.append(f"data: {json.dumps(frame)}\n\n")
    if done:
        out.append("data: [DONE]\n\n")
    return "".join(out).encode()


def sse_response(frames: Sequence[Any], *, done: bool = True, status: int = 200) -> Responder:
    """A responder answering an event stream of ``frames``."""
    return raw_response(sse_body(frames, done=done), status, "text/event-stream")


def raises(exc_type: Callable[..., Exception], message: str = "simulated failure") -> Responder:
    """A responder that raises ``exc_type(message, request=request)`` (an httpx transport error)."""

    def respond(request: httpx.Request) -> httpx.Response:
        raise exc_type(message, request=request)

    return respond


# -- realistic bodies ----------------------------------------------------------------------------


def usage(prompt: int = 12, completion: int = 7) -> Dict[str, int]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def chat_completion(model: str = "openai/gpt-4o-mini", content: str = "Paris.") -> Dict[str, Any]:
    return {
        "id": "chatcmpl-01JDXA",
        "object": "chat.completion",
        "created": 1732550400,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": usage(),
        "cost": "0.0000084",
        "mesh_routing": {"attempts": 1},
    }


def chat_chunks(model: str = "openai/gpt-4o-mini", pieces: Sequence[str] = ("Hel", "lo")) -> List:
    base = {"id": "chatcmpl-01JDXB", "object": "chat.completion.chunk", "created": 1732550400}
    frames: List[Any] = [
        {**base, "model": model, "choices": [{"index": 0, "delta": {"role": "assistant"}}]}
    ]
    for piece in pieces:
        frames.append(
            {**base, "model": model, "choices": [{"index": 0, "delta": {"content": piece}}]}
        )
    frames.append(
        {
            **base,
            "model": model,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
    )
    frames.append({**base, "model": model, "choices": [], "usage": usage(), "cost": "0.00001"})
    return frames


def responses_response(model: str = "openai/o4-mini", text: str = "Hello there") -> Dict:
    return {
        "id": "resp_01JDXA",
        "object": "response",
        "created_at": 1741476600,
        "status": "completed",
        "model": model,
        "output": [
            {
                "type": "reasoning",
                "id": "rs_1",
                "summary": [],
            },
            {
                "type": "message",
                "id": "msg_1",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            },
        ],
        "usage": {"input_tokens": 9, "output_tokens": 20, "total_tokens": 29},
    }


def responses_events(model: str = "openai/o4-mini") -> List[Any]:
    done = responses_response(model)
    started = {**done, "status": "in_progress", "output": [], "usage": None}
    return [
        (
            "response.created",
            {"type": "response.created", "sequence_number": 0, "response": started},
        ),
        (
            "response.output_text.delta",
            {
                "type": "response.output_text.delta",
                "sequence_number": 1,
                "item_id": "msg_1",
                "output_index": 1,
                "content_index": 0,
                "delta": "Hello",
            },
        ),
        (
            "response.output_text.delta",
            {"type": "response.output_text.delta", "sequence_number": 2, "delta": " there"},
        ),
        (
            "response.completed",
            {"type": "response.completed", "sequence_number": 3, "response": done},
        ),
    ]


def embedding_vector(index: int) -> List[float]:
    # Exactly representable in float32, so the base64 form decodes to the same numbers.
    return [0.5 + index, -0.25, 0.125 * (index + 1), 2.0]


def embeddings_response(body: Mapping[str, Any]) -> Dict[str, Any]:
    inputs = body.get("input")
    count = (
        len(inputs)
        if isinstance(inputs, list) and inputs and isinstance(inputs[0], (str, list))
        else 1
    )
    data = []
    for i in range(count):
        vec = embedding_vector(i)
        emb: Union[List[float], str] = vec
        if body.get("encoding_format") == "base64":
            emb = base64.b64encode(struct.pack(f"<{len(vec)}f", *vec)).decode()
        data.append({"object": "embedding", "index": i, "embedding": emb})
    return {
        "object": "list",
        "data": data,
        "model": body.get("model"),
        "usage": {"prompt_tokens": 4 * count, "total_tokens": 4 * count},
    }


def image_response(body: Mapping[str, Any]) -> Dict[str, Any]:
    return {
        "created": 1732550800,
        "data": [
            {
                "url": f"https://cdn.meshapi.ai/images/img_{i}.webp",
                "revised_prompt": body.get("prompt"),
            }
            for i in range(int(body.get("n") or 1))
        ],
        "background": "opaque",
        "output_format": body.get("output_format", "png"),
        "quality": body.get("quality", "auto"),
        "size": body.get("size", "1024x1024"),
        "usage": {"input_tokens": 10, "output_tokens": 4160, "total_tokens": 4170},
    }


def image_events() -> List[Any]:
    return [
        {"object": "image.chunk", "status": "in_progress", "created": 1732550800, "data": []},
        {
            "type": "image_generation.partial_image",
            "b64_json": "iVBORw0KGgo=",
            "partial_image_index": 0,
            "created": 1732550801,
        },
        {
            "object": "image.chunk",
            "status": "completed",
            "created": 1732550805,
            "data": [{"url": "https://cdn.meshapi.ai/images/img_0.png"}],
            "usage": {"input_tokens": 10, "output_tokens": 4160, "total_tokens": 4170},
        },
    ]


def compare_response(models: Sequence[str]) -> Dict[str, Any]:
    return {
        "object": "compare.completion",
        "comparison_id": "cmp_01JDXA",
        "created": 1732550500,
        "models": list(models),
        "results": [
            {
                "model": m,
                "content": f"Answer from {m}",
                "latency_ms": 640.0 + i,
                "usage": usage(),
                "request_id": f"req_01JDXA::{m}",
                "response_body": chat_completion(m, f"Answer from {m}"),
            }
            for i, m in enumerate(models)
        ],
        "comparison": "Both agree.",
        "comparison_model": "openai/gpt-4o-mini",
        "comparison_usage": usage(30, 5),
        "comparison_fallback_used": False,
        "total_latency_ms": 1710.0,
        "partial": False,
        "skip_comparison": False,
    }


def compare_events_synthesis(models: Sequence[str]) -> List[Any]:
    results = [
        {"model": m, "content": f"Answer from {m}", "latency_ms": 640, "usage": usage()}
        for m in models
    ]
    return [
        (
            "meta",
            {
                "comparison_id": "cmp_s1",
                "models": list(models),
                "comparison_model": "openai/gpt-4o-mini",
                "skip_comparison": False,
            },
        ),
        *[
            (
                "model_chunk",
                {
                    "model": r["model"],
                    "delta": r["content"],
                    "latency_ms": r["latency_ms"],
                    "error": None,
                    "error_code": None,
                    "usage": r["usage"],
                },
            )
            for r in results
        ],
        ("model_done", {"results": results}),
        ("comparison_chunk", {"delta": "Both ", "finish_reason": None}),
        ("comparison_chunk", {"delta": "agree.", "finish_reason": "stop"}),
        (
            "done",
            {
                "comparison_id": "cmp_s1",
                "total_latency_ms": 1710,
                "partial": False,
                "comparison_model": "openai/gpt-4o-mini",
                "comparison_fallback_used": False,
            },
        ),
    ]


def compare_events_skip(models: Sequence[str]) -> List[Any]:
    events: List[Any] = [
        (
            "meta",
            {
                "comparison_id": "cmp_s2",
                "models": list(models),
                "comparison_model": None,
                "skip_comparison": True,
            },
        )
    ]
    for m in models:
        events.append(("model_chunk", {"model": m, "delta": "Par", "finish_reason": None}))
    for m in models:
        events.append(("model_chunk", {"model": m, "delta": "is.", "finish_reason": "stop"}))
        events.append(
            (
                "model_stream_done",
                {"model": m, "finish_reason": "stop", "usage": usage(14, 3), "error": None},
            )
        )
    events.append(
        (
            "done",
            {
                "comparison_id": "cmp_s2",
                "total_latency_ms": 1203.7,
                "partial": False,
                "comparison_model": None,
                "comparison_fallback_used": False,
            },
        )
    )
    return events


def batch_object(batch_id: str = "batch_01JDXA", status: str = "validating", **extra: Any) -> Dict:
    return {
        "id": batch_id,
        "object": "batch",
        "endpoint": "/v1/chat/completions",
        "status": status,
        "model": "openai/gpt-5-nano",
        "provider": "openai",
        "completion_window": "24h",
        "created_at": 1732550400,
        "request_counts": {"total": 2, "completed": 0, "failed": 0},
        "metadata": {"job": "my-batch"},
        **extra,
    }


def rag_file(file_id: str = "file_01JDXC", embedding_status: str = "ready") -> Dict[str, Any]:
    return {
        "file_id": file_id,
        "upload_status": "ready",
        "file_name": "handbook.pdf",
        "file_type": "pdf",
        "mime_type": "application/pdf",
        "size_bytes": 48213,
        "embedding_status": embedding_status,
        "created_at": "2024-11-25T16:00:00Z",
        "updated_at": "2024-11-25T16:01:00Z",
        "total_tokens": 5120,
        "total_cost_usd": 0.0001,
    }


def model_info(model_id: str = "openai/gpt-4o", free: bool = False) -> Dict[str, Any]:
    return {
        "id": model_id,
        "name": model_id.split("/")[-1],
        "context_length": 128000,
        "is_free": free,
        "pricing": {
            "prompt_usd_per_1k": 0.0 if free else 0.0025,
            "completion_usd_per_1k": 0.0 if free else 0.01,
            "discount_pct": 0,
        },
        "supports_completions_api": True,
        "supports_responses_api": not free,
        "model_type": "chat",
        "input_modalities": ["text", "image"],
        "output_modalities": ["text"],
    }


CATALOGUE = [
    model_info("openai/gpt-4o"),
    model_info("anthropic/claude-sonnet-4.5"),
    model_info("meta-llama/llama-3.3-8b-instruct:free", free=True),
]


def template(template_id: str = "tpl_01JDXE", **fields: Any) -> Dict[str, Any]:
    return {
        "id": template_id,
        "name": "support-agent",
        "owner": "usr_01JD",
        "is_global": False,
        "description": None,
        "system": "You are a support agent for {{company}}. Be concise and friendly.",
        "messages": None,
        "model": "openai/gpt-4o-mini",
        "params": None,
        "variables": ["company"],
        "created_at": "2024-11-25T16:00:00.123456+00:00",
        "updated_at": "2024-11-25T16:00:00.123456+00:00",
        **fields,
    }


# -- the default answers ---------------------------------------------------------------------------


def default_routes() -> List[Tuple[str, str, Responder]]:
    """The realistic answer of every endpoint of the protocol, built from the request where
    it matters: (method, path or URL pattern, responder)."""

    def body_of(request: httpx.Request) -> Dict[str, Any]:
        return json.loads(request.content) if request.content else {}

    def chat(request: httpx.Request) -> httpx.Response:
        body = body_of(request)
        model = body.get("model") or "openai/gpt-4o-mini"
        if body.get("stream"):
            return sse_response(chat_chunks(model))(request)
        return json_response(chat_completion(model))(request)

    def responses(request: httpx.Request) -> httpx.Response:
        body = body_of(request)
        model = body.get("model") or "openai/o4-mini"
        if body.get("stream"):
            return sse_response(responses_events(model))(request)
        return json_response(responses_response(model))(request)

    def images(request: httpx.Request) -> httpx.Response:
        body = body_of(request)
        if body.get("stream"):
            return sse_response(image_events())(request)
        return json_response(image_response(body))(request)

    def compare(request: httpx.Request) -> httpx.Response:
        body = body_of(request)
        models = body.get("models") or []
        if body.get("stream"):
            events = (
                compare_events_skip(models)
                if body.get("skip_comparison")
                else compare_events_synthesis(models)
            )
            return sse_response(events)(request)
        return json_response(compare_response(models))(request)

    def batch_list(request: httpx.Request) -> httpx.Response:
        data = [batch_object("batch_b2", "in_progress"), batch_object("batch_b1", "completed")]
        return json_response(
            {
                "object": "list",
                "data": data,
                "has_more": False,
                "first_id": "batch_b2",
                "last_id": "batch_b1",
            }
        )(request)

    def batch_get(request: httpx.Request) -> httpx.Response:
        batch_id = request.url.raw_path.decode().split("/")[3]
        return json_response(batch_object(batch_id, "completed"))(request)

    def batch_cancel(request: httpx.Request) -> httpx.Response:
        batch_id = request.url.raw_path.decode().split("/")[3]
        return json_response(batch_object(batch_id, "cancelling"))(request)

    def init_upload(request: httpx.Request) -> httpx.Response:
        return json_response(
            {
                "file_id": "file_01JDXC",
                "signed_url": SIGNED_URL,
                "expires_at": "2024-11-25T16:15:00Z",
            }
        )(request)

    def file_get(request: httpx.Request) -> httpx.Response:
        file_id = request.url.raw_path.decode().split("?")[0].split("/")[3]
        return json_response(rag_file(file_id))(request)

    def file_list(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        return json_response(
            {
                "files": [rag_file("file_a"), rag_file("file_b", "processing")],
                "total": 2,
                "limit": int(params.get("limit", "20")),
                "offset": int(params.get("offset", "0")),
            }
        )(request)

    def embed(request: httpx.Request) -> httpx.Response:
        ids = body_of(request).get("file_ids", [])
        return json_response(
            {
                "results": [
                    {"file_id": f, "embedding_status": "processing", "chunk_count": None}
                    for f in ids
                ]
            }
        )(request)

    def search(request: httpx.Request) -> httpx.Response:
        return json_response(
            {
                "results": [
                    {
                        "score": 0.8731,
                        "text": "New hires complete onboarding in their first week.",
                        "parent_text": "Onboarding. New hires complete onboarding ...",
                        "file_id": "file_01JDXC",
                        "file_name": "handbook.pdf",
                        "mime_type": "application/pdf",
                        "chunk_index": 3,
                        "metadata": {"team": "hr"},
                    }
                ]
            }
        )(request)

    def models(request: httpx.Request) -> httpx.Response:
        free = request.url.params.get("free")
        rows = CATALOGUE
        if free is not None:
            rows = [m for m in CATALOGUE if m["is_free"] == (free == "true")]
        return json_response(rows)(request)

    def model_get(request: httpx.Request) -> httpx.Response:
        model_id = request.url.raw_path.decode().split("/v1/models/", 1)[1]
        for row in CATALOGUE:
            if row["id"] == model_id:
                return json_response(row)(request)
        return json_response({"detail": "Model not found"}, 404)(request)

    def template_create(request: httpx.Request) -> httpx.Response:
        body = body_of(request)
        return json_response(template("tpl_new", **body))(request)

    def template_one(request: httpx.Request) -> httpx.Response:
        tid = request.url.raw_path.decode().split("/")[3]
        return json_response(template(tid))(request)

    def template_update(request: httpx.Request) -> httpx.Response:
        tid = request.url.raw_path.decode().split("/")[3]
        return json_response(template(tid, **body_of(request)))(request)

    def ok_upload(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200)

    return [
        ("POST", "/v1/chat/completions", chat),
        ("POST", "/v1/responses", responses),
        (
            "POST",
            "/v1/embeddings",
            lambda r: json_response(embeddings_response(body_of(r)))(r),
        ),
        ("POST", "/v1/images/generations", images),
        ("POST", "/v1/chat/compare", compare),
        ("POST", "/v1/batches", lambda r: json_response(batch_object())(r)),
        ("GET", "/v1/batches", batch_list),
        ("GET", "/v1/batches/{id}", batch_get),
        ("POST", "/v1/batches/{id}/cancel", batch_cancel),
        ("POST", "/v1/files", init_upload),
        ("POST", "/v1/files/embed", embed),
        ("POST", "/v1/files/search", search),
        ("GET", "/v1/files", file_list),
        ("GET", "/v1/files/{id}", file_get),
        ("PUT", f"https://{STORAGE_HOST}/uploads/{{id}}", ok_upload),
        ("GET", "/v1/models", models),
        (
            "GET",
            "/v1/models/free",
            lambda r: json_response([m for m in CATALOGUE if m["is_free"]])(r),
        ),
        (
            "GET",
            "/v1/models/paid",
            lambda r: json_response([m for m in CATALOGUE if not m["is_free"]])(r),
        ),
        ("GET", "/v1/models/{id:path}", model_get),
        ("POST", "/v1/templates", template_create),
        (
            "GET",
            "/v1/templates",
            lambda r: json_response([template(), template("tpl_g", is_global=True)])(r),
        ),
        ("GET", "/v1/templates/{id}", template_one),
        ("PATCH", "/v1/templates/{id}", template_update),
        ("DELETE", "/v1/templates/{id}", lambda r: httpx.Response(204)),
    ]
