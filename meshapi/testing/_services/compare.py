"""``POST /v1/chat/compare``: one prompt to several models at once, plus a synthesis.

The models run concurrently through the gateway's chat engine; a model that fails (unknown id,
invalid parameters) becomes a result with ``error``/``error_code`` and makes the answer
``partial``; when every model fails the answer is a 502 ``all_models_failed`` with production's
nested envelope ``{"detail": {"error": {...}}}``. Unless ``skip_comparison`` is set, a
comparison model (``comparison_model``, default the first model) reads the answers and writes
the ``comparison``; if it fails, the successful models are tried in order and
``comparison_fallback_used`` says so.

Streams (``stream: true``), event names as protocol.md lists them:

* with synthesis: ``meta`` → one ``model_chunk`` per model as each finishes (the whole answer
  in ``delta``) → ``model_done`` with every result → ``comparison_chunk`` per token of the
  synthesis → ``done``;
* with ``skip_comparison``: ``meta`` → per-token ``model_chunk`` {model, delta, finish_reason}
  interleaved across the models as they produce → ``model_stream_done`` for each model as soon
  as that model ends → ``done``.

When every model fails after the stream has started, the stream ends with the in-band error
frame ``data: {"error": {"code": "all_models_failed", ...}}`` instead of ``done``. A compare
counts as one request against the key's RPM/RPD limits.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, AsyncIterator, Dict, List, Mapping, Optional, Tuple

from pydantic import BaseModel, ConfigDict, Field

from .._core.config import KeyRecord
from .._core.errors import GatewayError, validation_detail
from .._core.gateway import Gateway
from .._core.validation import validate_body
from .._formats.sse import SSEEvent
from .chat import chat_completion, chat_completion_chunks
from .templates import render_template

__all__ = ["DEFAULT_INSTRUCTIONS", "MAX_MODELS", "Comparison", "plan_compare", "synthesis_messages"]

MAX_MODELS = 10
DEFAULT_INSTRUCTIONS = (
    "You compare answers that several AI models gave to the same request. Say where they agree,"
    " where they differ, and which answer is most accurate and useful, in a few sentences."
)


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ModelOverride(BaseModel):
    """Per-model parameters: ``{"model": ..., "temperature": ..., "max_tokens": ...}``.

    Any field besides ``model`` (or inside an optional ``params`` object) is applied to that
    model's request only.
    """

    model_config = ConfigDict(extra="allow")

    model: str = Field(min_length=1)
    params: Optional[Dict[str, Any]] = None

    def parameters(self) -> Dict[str, Any]:
        """The chat parameters this override sets."""
        out = dict(self.params or {})
        out.update(self.model_extra or {})
        return out


class CompareBody(_Body):
    """``POST /v1/chat/compare``."""

    models: List[str] = Field(min_length=1)
    messages: Optional[List[Dict[str, Any]]] = None
    model_overrides: Optional[List[ModelOverride]] = None
    comparison_model: Optional[str] = None
    comparison_instructions: Optional[str] = None
    temperature: Optional[float] = Field(default=None, ge=0.0, le=2.0)
    max_tokens: Optional[int] = Field(default=None, ge=1)
    skip_comparison: bool = False
    template: Optional[str] = None
    variables: Optional[Dict[str, Any]] = None
    stream: bool = False


# ---------------------------------------------------------------------------------------------
# Planning: validate, render the template, build each model's request


def _dedupe_models(models: List[str]) -> List[str]:
    details = [
        validation_detail(["body", "models", i], "model ids must be non-empty strings")
        for i, m in enumerate(models)
        if not m.strip()
    ]
    unique = list(dict.fromkeys(m.strip() for m in models))
    if len(unique) > MAX_MODELS:
        details.append(
            validation_detail(
                ["body", "models"],
                f"at most {MAX_MODELS} distinct models can be compared, got {len(unique)}",
                "too_long",
            )
        )
    if details:
        raise GatewayError(
            422, "validation_error", f"Invalid models: {details[0]['msg']}", details=details
        )
    return unique


def _overrides(body: CompareBody, models: List[str]) -> Dict[str, Dict[str, Any]]:
    out: Dict[str, Dict[str, Any]] = {}
    details = []
    for i, item in enumerate(body.model_overrides or []):
        if item.model not in models:
            details.append(
                validation_detail(
                    ["body", "model_overrides", i, "model"],
                    f"{item.model!r} is not one of the compared models",
                )
            )
            continue
        params = item.parameters()
        for banned in ("model", "messages", "stream"):
            params.pop(banned, None)
        out.setdefault(item.model, {}).update(params)
    if details:
        raise GatewayError(
            422,
            "validation_error",
            f"Invalid model_overrides: {details[0]['msg']}",
            details=details,
        )
    return out


def _base_request(gateway: Gateway, body: CompareBody, key: KeyRecord) -> Dict[str, Any]:
    """The chat body every model shares (template rendered), without ``model``."""
    base: Dict[str, Any] = {"messages": list(body.messages or [])}
    if body.temperature is not None:
        base["temperature"] = body.temperature
    if body.max_tokens is not None:
        base["max_tokens"] = body.max_tokens
    if body.template is not None:
        base["template"] = body.template
        base["variables"] = dict(body.variables or {})
        base = render_template(gateway, base, key)
    base.pop("model", None)
    base.pop("stream", None)
    if not base.get("messages"):
        raise GatewayError(
            422,
            "validation_error",
            "messages is required (or a template that supplies them).",
            details=[validation_detail(["body", "messages"], "Field required", "missing")],
        )
    for i, message in enumerate(base["messages"]):
        if not isinstance(message, dict) or not isinstance(message.get("role"), str):
            raise GatewayError(
                422,
                "validation_error",
                f"messages[{i}] must be an object with a 'role'.",
                details=[
                    validation_detail(["body", "messages", i, "role"], "Field required", "missing")
                ],
            )
    return base


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, dict) and part.get("type") == "text"
        )
    return ""


def synthesis_messages(
    messages: List[Dict[str, Any]], results: List[Dict[str, Any]], instructions: Optional[str]
) -> List[Dict[str, Any]]:
    """The chat messages that ask the comparison model to compare the successful answers."""
    question = next(
        (_text_of(m.get("content")) for m in reversed(messages) if m.get("role") == "user"), ""
    )
    answers = "\n\n".join(
        f"### {r['model']}\n{r['content'] or ''}" for r in results if r["error"] is None
    )
    return [
        {"role": "system", "content": instructions or DEFAULT_INSTRUCTIONS},
        {"role": "user", "content": f"Request:\n{question}\n\nAnswers:\n\n{answers}"},
    ]


def _elapsed_ms(start: float) -> int:
    return round((time.perf_counter() - start) * 1000)


def _all_failed(results: List[Dict[str, Any]]) -> GatewayError:
    details = [
        {"model": r["model"], "error": r["error"], "error_code": r["error_code"]} for r in results
    ]
    return GatewayError(
        502,
        "all_models_failed",
        f"All {len(results)} compared models failed: "
        + "; ".join(f"{d['model']}: {d['error_code']}" for d in details),
        details=details,
    )


# ---------------------------------------------------------------------------------------------
# Running


def plan_compare(
    gateway: Gateway, body: Mapping[str, Any], key: KeyRecord, request_id: str
) -> Comparison:
    """Validate a compare body and render its template (422/404 before any model runs)."""
    return Comparison(gateway, key, validate_body(CompareBody, body), request_id)


class Comparison:
    """One compare request: its plan, its key, its clock."""

    def __init__(
        self, gateway: Gateway, key: KeyRecord, body: CompareBody, request_id: str
    ) -> None:
        self.gateway = gateway
        self.key = key
        self.body = body
        self.request_id = request_id
        self.start = time.perf_counter()
        self.models = _dedupe_models(body.models)
        overrides = _overrides(body, self.models)
        self.base = _base_request(self.gateway, body, key)
        self.requests = {m: {**self.base, "model": m, **overrides.get(m, {})} for m in self.models}
        self.comparison_id = self.gateway.new_id("cmp")
        self.comparison_model = (
            None if body.skip_comparison else (body.comparison_model or self.models[0])
        )

    def every_model_unknown(self) -> Optional[GatewayError]:
        """The 502 to answer at once when no model exists at all (nothing to stream)."""
        if any(self.gateway.catalogue.get(m) is not None for m in self.models):
            return None
        return _all_failed(
            [
                {
                    "model": m,
                    "error": f"Model {m!r} was not found.",
                    "error_code": "model_not_found",
                }
                for m in self.models
            ]
        )

    async def run_model(self, model: str) -> Dict[str, Any]:
        start = time.perf_counter()
        result: Dict[str, Any] = {
            "model": model,
            "content": None,
            "response_body": None,
            "latency_ms": 0,
            "error": None,
            "error_code": None,
            "usage": None,
            "request_id": f"{self.request_id}::{model}",
        }
        try:
            response = await chat_completion(self.gateway, self.requests[model], self.key)
        except GatewayError as exc:
            result.update(error=exc.message, error_code=exc.code)
        else:
            choices = response.get("choices") or [{}]
            result.update(
                content=(choices[0].get("message") or {}).get("content"),
                response_body=response,
                usage=response.get("usage"),
            )
        result["latency_ms"] = _elapsed_ms(start)
        return result

    def comparison_candidates(self, results: List[Dict[str, Any]]) -> List[str]:
        assert self.comparison_model is not None
        ok = [r["model"] for r in results if r["error"] is None]
        return [self.comparison_model, *[m for m in ok if m != self.comparison_model]]

    def comparison_request(self, model: str, results: List[Dict[str, Any]]) -> Dict[str, Any]:
        return {
            "model": model,
            "messages": synthesis_messages(
                self.base["messages"], results, self.body.comparison_instructions
            ),
        }

    async def synthesize(
        self, results: List[Dict[str, Any]]
    ) -> Tuple[Optional[str], Optional[Dict[str, Any]], Optional[str], bool]:
        """(comparison text, usage, model that wrote it, fallback used)."""
        fallback = False
        for model in self.comparison_candidates(results):
            try:
                response = await chat_completion(
                    self.gateway, self.comparison_request(model, results), self.key
                )
            except GatewayError:
                fallback = True
                continue
            choices = response.get("choices") or [{}]
            text = (choices[0].get("message") or {}).get("content")
            return text, response.get("usage"), model, fallback
        return None, None, self.comparison_model, True

    async def completion(self) -> Dict[str, Any]:
        results = list(await asyncio.gather(*(self.run_model(m) for m in self.models)))
        if all(r["error"] is not None for r in results):
            raise _all_failed(results)
        comparison = usage = None
        comparison_model = self.comparison_model
        fallback = False
        if not self.body.skip_comparison:
            comparison, usage, comparison_model, fallback = await self.synthesize(results)
        return {
            "object": "compare.completion",
            "comparison_id": self.comparison_id,
            "created": int(self.gateway.now()),
            "models": self.models,
            "results": results,
            "comparison": comparison,
            "comparison_model": comparison_model,
            "comparison_usage": usage,
            "comparison_fallback_used": fallback,
            "total_latency_ms": _elapsed_ms(self.start),
            "partial": any(r["error"] is not None for r in results),
            "skip_comparison": self.body.skip_comparison,
        }

    def meta(self) -> Dict[str, Any]:
        return {
            "comparison_id": self.comparison_id,
            "models": self.models,
            "comparison_model": self.comparison_model,
            "skip_comparison": self.body.skip_comparison,
        }

    def done(
        self, partial: bool, model: Optional[str], fallback: bool, **extra: Any
    ) -> Dict[str, Any]:
        return {
            "comparison_id": self.comparison_id,
            "total_latency_ms": _elapsed_ms(self.start),
            "partial": partial,
            "comparison_model": model,
            "comparison_fallback_used": fallback,
            **extra,
        }

    async def synthesis_events(self) -> AsyncIterator[SSEEvent]:
        yield "meta", self.meta()
        tasks = [asyncio.ensure_future(self.run_model(m)) for m in self.models]
        try:
            for next_done in asyncio.as_completed(tasks):
                r = await next_done
                yield (
                    "model_chunk",
                    {
                        "model": r["model"],
                        "delta": r["content"] or "",
                        "latency_ms": r["latency_ms"],
                        "error": r["error"],
                        "error_code": r["error_code"],
                        "usage": r["usage"],
                    },
                )
        finally:
            for task in tasks:
                task.cancel()
        results = [task.result() for task in tasks]
        yield "model_done", {"results": results}
        if all(r["error"] is not None for r in results):
            raise _all_failed(results)
        fallback = False
        used: Optional[str] = None
        usage: Optional[Dict[str, Any]] = None
        for model in self.comparison_candidates(results):
            sent = False
            try:
                chunks = chat_completion_chunks(
                    self.gateway, self.comparison_request(model, results), self.key
                )
                async for chunk in chunks:
                    usage = chunk.get("usage") or usage
                    for choice in chunk.get("choices") or []:
                        delta = (choice.get("delta") or {}).get("content") or ""
                        finish = choice.get("finish_reason")
                        if delta or finish:
                            sent = True
                            yield "comparison_chunk", {"delta": delta, "finish_reason": finish}
            except GatewayError:
                if sent:
                    raise  # half a synthesis cannot be taken back: the client gets the error
                fallback = True
                continue
            used = model
            break
        else:
            fallback = True
        partial = any(r["error"] is not None for r in results)
        yield (
            "done",
            self.done(partial, used or self.comparison_model, fallback, comparison_usage=usage),
        )

    async def token_events(self) -> AsyncIterator[SSEEvent]:
        yield "meta", self.meta()
        queue: asyncio.Queue[SSEEvent] = asyncio.Queue()

        async def pump(model: str) -> None:
            finish: Optional[str] = None
            usage: Optional[Dict[str, Any]] = None
            error: Optional[str] = None
            code: Optional[str] = None
            try:
                async for chunk in chat_completion_chunks(
                    self.gateway, self.requests[model], self.key
                ):
                    usage = chunk.get("usage") or usage
                    for choice in chunk.get("choices") or []:
                        delta = (choice.get("delta") or {}).get("content") or ""
                        finish = choice.get("finish_reason") or finish
                        if delta or choice.get("finish_reason"):
                            await queue.put(
                                (
                                    "model_chunk",
                                    {
                                        "model": model,
                                        "delta": delta,
                                        "finish_reason": choice.get("finish_reason"),
                                    },
                                )
                            )
                    # Give the other models' streams a turn, so the tokens interleave.
                    await asyncio.sleep(0)
            except GatewayError as exc:
                error, code = exc.message, exc.code
            await queue.put(
                (
                    "model_stream_done",
                    {
                        "model": model,
                        "finish_reason": finish,
                        "usage": usage,
                        "error": error,
                        "error_code": code,
                    },
                )
            )

        tasks = [asyncio.ensure_future(pump(m)) for m in self.models]
        failures: List[Dict[str, Any]] = []
        remaining = len(tasks)
        try:
            while remaining:
                name, payload = await queue.get()
                yield name, payload
                if name == "model_stream_done":
                    remaining -= 1
                    if payload["error"] is not None:
                        failures.append(payload)
        finally:
            for task in tasks:
                task.cancel()
        if len(failures) == len(self.models):
            raise _all_failed(failures)
        yield "done", self.done(bool(failures), None, False)
