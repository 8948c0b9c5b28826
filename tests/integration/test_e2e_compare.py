"""Compare (multi-model fan-out) over real sockets: the object, both event sequences, failures."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from meshapi import ChatMessage, CompareParams, CompareStreamEvent, InternalServerError

MODELS = ["openai/gpt-4o-mini", "anthropic/claude-haiku-4.5"]
UNKNOWN = "nobody/no-such-model"


def params(models: List[str] = MODELS, **fields: Any) -> CompareParams:
    return CompareParams(
        models=models,
        messages=[ChatMessage(role="user", content="Name one benefit of unit tests.")],
        **fields,
    )


def names(events: List[CompareStreamEvent]) -> List[str]:
    return [e.event for e in events]


async def test_create_returns_every_model_and_a_synthesis(api: Any) -> None:
    result = await api.call(lambda c: c.compare.create(params()))
    assert result.object == "compare.completion"
    assert result.comparison_id
    assert result.models == MODELS
    assert [r.model for r in result.results] == MODELS
    for r in result.results:
        assert r.content and r.error is None and r.error_code is None
        assert r.usage is not None and r.usage.total_tokens > 0
        assert (
            r.request_id
            and r.request_id.startswith("req_")
            and r.request_id.endswith("::" + r.model)
        )
        assert r.response_body is not None and r.response_body["object"] == "chat.completion"
    assert result.comparison and result.comparison_model
    assert result.partial is False and result.skip_comparison is False
    assert result.total_latency_ms is not None


async def test_create_with_skip_comparison_has_no_synthesis(api: Any) -> None:
    result = await api.call(lambda c: c.compare.create(params(skip_comparison=True)))
    assert result.skip_comparison is True
    assert result.comparison is None
    assert all(r.content for r in result.results)


async def test_stream_with_synthesis_follows_the_documented_sequence(api: Any) -> None:
    events = await api.collect(lambda c: c.compare.stream(params()))
    seq = names(events)
    n = len(MODELS)
    assert seq[0] == "meta"
    assert seq[1 : 1 + n] == ["model_chunk"] * n, "one whole answer per model"
    assert seq[1 + n] == "model_done"
    assert set(seq[2 + n : -1]) == {"comparison_chunk"}
    assert seq[-1] == "done"

    meta, done = events[0], events[-1]
    assert meta.comparison_id and meta.models == MODELS and meta.skip_comparison is False
    assert meta.data["comparison_id"] == meta.comparison_id, "the payload is kept whole in data"
    assert done.comparison_id == meta.comparison_id and done.partial is False
    answers = {e.model: e.delta for e in events if e.event == "model_chunk"}
    assert set(answers) == set(MODELS) and all(answers.values())
    model_done = events[1 + n]
    assert model_done.results is not None
    assert {r.model: r.content for r in model_done.results} == answers
    synthesis = [e for e in events if e.event == "comparison_chunk"]
    assert "".join(e.delta or "" for e in synthesis).strip()
    assert synthesis[-1].finish_reason == "stop"


async def test_stream_with_skip_comparison_interleaves_tokens_per_model(api: Any) -> None:
    whole = await api.call(lambda c: c.compare.create(params(skip_comparison=True)))
    events = await api.collect(lambda c: c.compare.stream(params(skip_comparison=True)))
    seq = names(events)
    assert seq[0] == "meta" and seq[-1] == "done"
    assert "comparison_chunk" not in seq and "model_done" not in seq
    chunks = [e for e in events if e.event == "model_chunk"]
    assert len(chunks) > 2 * len(MODELS), "per-token chunks"
    order = [e.model for e in chunks[: 2 * len(MODELS)]]
    assert len(set(order)) == len(MODELS), "chunks of the models are interleaved"
    texts: Dict[str, str] = {}
    for e in chunks:
        texts[e.model] = texts.get(e.model, "") + (e.delta or "")
    assert texts == {r.model: r.content for r in whole.results}
    finished = [e for e in events if e.event == "model_stream_done"]
    assert sorted(e.model for e in finished) == sorted(MODELS)
    assert all(e.usage is not None and e.error is None for e in finished)
    for model in MODELS:
        last_chunk = max(
            i for i, e in enumerate(events) if e.event == "model_chunk" and e.model == model
        )
        done_at = [
            i for i, e in enumerate(events) if e.event == "model_stream_done" and e.model == model
        ]
        assert done_at and done_at[0] > last_chunk, "a model's done event follows its tokens"


async def test_create_with_one_unknown_model_is_a_partial_result(api: Any) -> None:
    result = await api.call(lambda c: c.compare.create(params([MODELS[0], UNKNOWN])))
    assert result.partial is True
    good, bad = result.results
    assert good.model == MODELS[0] and good.content and good.error is None
    assert bad.model == UNKNOWN and not bad.content
    assert bad.error_code == "model_not_found" and bad.error
    assert result.comparison, "the synthesis still runs on the answers that came back"


@pytest.mark.parametrize("skip", [False, True], ids=["synthesis", "skip_comparison"])
async def test_stream_with_one_unknown_model_reports_it_in_the_events(api: Any, skip: bool) -> None:
    events = await api.collect(
        lambda c: c.compare.stream(params([MODELS[0], UNKNOWN], skip_comparison=skip))
    )
    failed = [e for e in events if e.model == UNKNOWN and e.error]
    assert failed and failed[0].error_code == "model_not_found"
    assert any(e.model == MODELS[0] and e.delta for e in events if e.event == "model_chunk")
    assert events[-1].event == "done"


async def test_every_model_failing_raises_all_models_failed_with_details(
    api: Any, assert_no_secret: Any
) -> None:
    broken = [UNKNOWN, "nobody/another-one"]
    # 502 is a retry signal; with no retries the error comes back at once.
    client = api.make(max_retries=0)
    for make in (
        lambda c: c.compare.create(params(broken)),
        lambda c: c.compare.stream(params(broken)),
    ):
        err = await api.raises(InternalServerError, make, client)
        assert err.status == 502
        assert err.error_code == "all_models_failed"
        assert err.request_id and err.request_id.startswith("req_")
        assert err.details and sorted(d["model"] for d in err.details) == sorted(broken)
        assert all(d["error_code"] == "model_not_found" for d in err.details)
        assert UNKNOWN in str(err)
        assert_no_secret(err, api.gw.api_key)
