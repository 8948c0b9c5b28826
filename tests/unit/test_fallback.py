"""The fallback policy with no network: which failures fall back, the models tried, requests."""

from __future__ import annotations

from typing import Any

import pytest

from meshapi import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    ChatCompletionParams,
    InternalServerError,
    MeshAPIError,
    NotFoundError,
    PaymentRequiredError,
    RateLimitError,
)
from meshapi._fallback import FallbackPlan, fallback_models_option, should_fall_back


@pytest.mark.parametrize(
    ("error", "falls_back"),
    [
        (InternalServerError("x", status=502, error_code="bad_gateway"), True),
        (InternalServerError("x", status=503, error_code="service_unavailable"), True),
        (InternalServerError("x", status=504), True),
        (InternalServerError("x", status=500, error_code="upstream_error"), True),
        (MeshAPIError("in-band", error_code="upstream_error"), True),
        (NotFoundError("x", status=404, error_code="model_not_found"), True),
        (BadRequestError("x", status=400, error_code="model_capability_not_supported"), True),
        (InternalServerError("x", status=500, error_code="internal_error"), False),
        (NotFoundError("x", status=404, error_code="not_found"), False),
        (AuthenticationError("x", status=401, error_code="unauthorized"), False),
        (PaymentRequiredError("x", status=402, error_code="spend_limit_exceeded"), False),
        (BadRequestError("x", status=400, error_code="invalid_request"), False),
        (MeshAPIError("x", status=422, error_code="validation_error"), False),
        (RateLimitError("x", status=429, error_code="rate_limit_exceeded"), False),
        (RateLimitError("x", status=503, error_code="rate_limit_exceeded"), False),
        (APIConnectionError("refused"), False),
        (ValueError("not ours"), False),
    ],
)
def test_which_failures_fall_back(error: BaseException, falls_back: bool) -> None:
    assert should_fall_back(error) is falls_back


def test_a_plan_walks_the_models_and_records_what_it_tried() -> None:
    params = ChatCompletionParams(model="a/1", messages=[{"role": "user", "content": "hi"}])
    plan = FallbackPlan(params, {"fallback_models": ["b/2", "a/1", "c/3"], "timeout": 5})
    assert plan.models == ["a/1", "b/2", "c/3"] and plan.active
    first, options = plan.request()
    assert first is params and options == {"timeout": 5}
    err = InternalServerError("x", status=503)
    assert plan.next(err)
    second, _ = plan.request()
    assert isinstance(second, ChatCompletionParams) and second.model == "b/2"
    assert second.messages == params.messages
    assert not plan.next(AuthenticationError("x", status=401))
    assert plan.tried == ["a/1", "b/2"]
    assert err.models_tried == ["a/1"]

    class Meta:
        model: Any = None
        models_tried: Any = ()

    meta = Meta()
    plan.served(meta)
    assert meta.model == "b/2" and meta.models_tried == ("a/1", "b/2")


def test_keyword_calls_dicts_and_the_client_default() -> None:
    plan = FallbackPlan(None, {"model": "a", "messages": []}, client_models=("b",))
    plan.request()
    assert plan.next(MeshAPIError("x", status=502))
    assert plan.request() == (None, {"model": "b", "messages": []})
    assert not plan.next(MeshAPIError("x", status=502))  # no model left
    off = FallbackPlan({"model": "a"}, {"fallback_models": []}, client_models=("b",))
    assert not off.active  # a call's own empty list turns the client's off
    assert FallbackPlan({"model": "a"}, {}).active is False


def test_bad_fallback_lists_are_refused() -> None:
    with pytest.raises(TypeError, match="list of model ids"):
        fallback_models_option("openai/gpt-4o")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="non-empty strings"):
        FallbackPlan({"model": "a"}, {"fallback_models": ["b", ""]})


def test_with_options_sets_the_client_default_on_the_copy_only() -> None:
    from meshapi import MeshAPI

    client = MeshAPI(base_url="http://gw.test", api_key="rsk_x", fallback_models=["b"])
    other = client.with_options(fallback_models=["c", "d"])
    same = client.with_options(timeout=5)
    assert client._http.fallback_models == ("b",) and same._http.fallback_models == ("b",)
    assert other._http.fallback_models == ("c", "d")
    client.close()


def test_a_pickled_client_keeps_its_fallback_models() -> None:
    import pickle

    from meshapi import MeshAPI

    client = MeshAPI(base_url="http://gw.test", api_key="rsk_x", fallback_models=["b", "c"])
    copy = pickle.loads(pickle.dumps(client))
    assert copy._http.fallback_models == ("b", "c")
    client.close()
    copy.close()
