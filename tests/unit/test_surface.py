"""The calling surface without a network: TypedDict twins in step with their models, keyword
and option splitting, timeouts, with_options, errors, model helpers, logging set-up."""

from __future__ import annotations

import gc
import importlib
import inspect
import os
import pkgutil
import subprocess
import sys
import tracemalloc
from typing import Any, List, Set, Tuple, Type, get_type_hints

import httpx
import pytest
from typing_extensions import Required, get_origin

import meshapi
import meshapi._types as t
from meshapi import (
    NOT_GIVEN,
    ChatCompletionResponse,
    InvalidRequestError,
    MeshAPI,
    MeshAPIError,
)
from meshapi._endpoint import OPTION_NAMES, Endpoint
from meshapi._http import _resolve_timeout
from meshapi._meta import redact_url
from meshapi._types._base import _RequestPart

DEFAULT = httpx.Timeout(60.0, connect=10.0)


def _request_models() -> List[Type[Any]]:
    models = []
    for info in pkgutil.iter_modules(t.__path__):
        module = importlib.import_module(f"meshapi._types.{info.name}")
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, (t.RequestModel, _RequestPart))
                and value.__module__ == module.__name__
                and value not in (t.RequestModel, _RequestPart)
            ):
                models.append(value)
    return models


def _required_keys(typed_dict: Any) -> Tuple[Set[str], Set[str]]:
    hints = get_type_hints(typed_dict, include_extras=True)
    required = {k for k, v in hints.items() if get_origin(v) is Required}
    return set(hints), required


@pytest.mark.parametrize("model", _request_models(), ids=lambda m: m.__name__)
def test_every_request_model_has_a_typed_dict_twin_with_the_same_fields(model: Any) -> None:
    module = sys.modules[model.__module__]
    twin = getattr(module, f"{model.__name__}Dict", None)
    assert twin is not None, f"{model.__name__}Dict is missing beside {model.__name__}"
    keys, required = _required_keys(twin)
    fields = {f.alias or name: f for name, f in model.model_fields.items()}
    assert keys == set(fields), f"{twin.__name__} and {model.__name__} differ"
    assert required == {k for k, f in fields.items() if f.is_required()}
    assert twin.__name__ in meshapi.__all__


def test_every_kwargs_typed_dict_is_its_params_twin_plus_the_options() -> None:
    kwargs_classes = [n for n in meshapi.__all__ if n.endswith("Kwargs")]
    assert len(kwargs_classes) >= 11
    option_keys = set(OPTION_NAMES) - {"extra_body"}
    for name in kwargs_classes:
        cls = getattr(meshapi, name)
        twin = next(b for b in cls.__orig_bases__ if b.__name__.endswith("Dict"))
        # Chat completions and responses also take client-side model fallback.
        more = {"fallback_models"} if name in {"ChatCompletionKwargs", "ResponsesKwargs"} else set()
        assert set(get_type_hints(cls)) == set(get_type_hints(twin)) | option_keys | more, name


def test_keywords_are_split_into_options_and_body_fields() -> None:
    from meshapi.resources.chat import CREATE

    opts = CREATE.build(
        (),
        kwargs={
            "model": "m",
            "messages": [{"role": "user", "content": "hi"}],
            "timeout": None,
            "max_retries": 1,
            "extra_query": {"a": "1"},
            "extra_body": {"top_k": 2},
            "idempotency_key": "k",
        },
    )
    assert opts.body == {
        "model": "m",
        "messages": [{"role": "user", "content": "hi"}],
        "stream": False,
        "top_k": 2,
    }
    assert opts.timeout is None and opts.max_retries == 1 and opts.idempotency_key == "k"
    assert opts.params == {"a": "1"}


def test_an_omitted_timeout_is_not_given_and_an_explicit_none_is_kept() -> None:
    endpoint = Endpoint("GET", "/v1/models", ChatCompletionResponse, name="list")
    assert endpoint.build(()).timeout is NOT_GIVEN
    assert endpoint.build((), kwargs={"timeout": None}).timeout is None


def test_body_fields_on_an_endpoint_without_a_body_are_refused_naming_them() -> None:
    endpoint = Endpoint("GET", "/v1/models", ChatCompletionResponse, name="list")
    with pytest.raises(InvalidRequestError, match=r"list\(\) got unexpected keyword.*limt"):
        endpoint.build((), kwargs={"limt": 3})
    with pytest.raises(InvalidRequestError, match="extra_body"):
        endpoint.build((), kwargs={"extra_body": {"a": 1}})
    with pytest.raises(InvalidRequestError, match="max_retries"):
        endpoint.build((), kwargs={"max_retries": -1})


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (NOT_GIVEN, DEFAULT),
        (None, httpx.Timeout(None)),
        (float("inf"), httpx.Timeout(None)),
        (1e300, httpx.Timeout(None)),
        (5, httpx.Timeout(5.0)),
        (httpx.Timeout(5.0, read=float("inf")), httpx.Timeout(5.0, read=None)),
    ],
    ids=["not-given", "none", "inf", "huge", "number", "timeout-with-inf"],
)
def test_timeouts_none_means_no_timeout_and_huge_values_work(given: Any, expected: Any) -> None:
    assert _resolve_timeout(given, DEFAULT) == expected


@pytest.mark.parametrize("bad", [0, -1, float("nan"), "5", True])
def test_a_bad_timeout_is_an_invalid_request(bad: Any) -> None:
    with pytest.raises(InvalidRequestError, match="timeout"):
        _resolve_timeout(bad, DEFAULT)


@pytest.mark.parametrize("url", ["not a url", "ftp://x.test", "https://", "http://h/?q=1", 5])
def test_a_bad_base_url_is_an_invalid_request_saying_what_is_expected(url: Any) -> None:
    with pytest.raises(InvalidRequestError, match="base_url"):
        MeshAPI(base_url=url, api_key="rsk_x")


def test_api_key_and_token_are_one_argument() -> None:
    assert MeshAPI(base_url="http://h.test", api_key="rsk_a")._http.api_key == "rsk_a"
    assert MeshAPI(base_url="http://h.test", token="rsk_a")._http.api_key == "rsk_a"
    with pytest.raises(InvalidRequestError, match="api_key") as info:
        MeshAPI(base_url="http://h.test", api_key="rsk_a", token="rsk_b")
    assert "rsk_a" not in str(info.value) and "rsk_b" not in str(info.value)


def test_making_ten_thousand_clients_with_options_leaks_nothing() -> None:
    client = MeshAPI(base_url="http://h.test", api_key="rsk_x")

    def burst() -> None:
        for i in range(10_000):
            copy = client.with_options(timeout=i + 1, max_retries=1, default_headers={"X": "y"})
            copy.chat.completions  # noqa: B018 - builds the resources too

    burst()  # warm-up: caches, interned strings
    gc.collect()
    objects_before = len(gc.get_objects())
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    burst()
    gc.collect()
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(gc.get_objects()) - objects_before < 100
    assert after - before < 64 * 1024, f"{after - before} bytes kept by 10,000 copies"
    client.close()


def test_response_models_keep_gateway_fields_apart_and_serialise() -> None:
    reply = ChatCompletionResponse.model_validate_json(
        b'{"id": "c1", "object": "chat.completion", "created": 1, "model": "a/b", "choices": [],'
        b' "_meta": "wire", "new_field": 1}'
    )
    assert reply.extra_fields == {"_meta": "wire", "new_field": 1}
    assert reply._meta is None  # not received through the SDK: no exchange to describe
    assert reply.to_dict()["new_field"] == 1
    assert '"id": "c1"' in reply.to_json()
    assert reply == ChatCompletionResponse.model_validate(reply.to_dict())


def test_building_a_request_model_wrongly_is_an_invalid_request_naming_the_field() -> None:
    with pytest.raises(InvalidRequestError, match=r"contnet: unknown field.*'content'") as info:
        t.ChatMessage(role="user", contnet="hi")  # type: ignore[call-arg]
    assert isinstance(info.value, ValueError) and isinstance(info.value, MeshAPIError)


def test_params_models_show_their_fields_before_first_use() -> None:
    # A fresh interpreter: nothing has built the deferred schemas yet.
    code = (
        "import inspect, meshapi\n"
        "sig = inspect.signature(meshapi.ChatCompletionParams)\n"
        "print(sorted(sig.parameters)[:3], sig.parameters['messages'].default)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "['async_mode', 'audio', 'cache']" in out and "<class 'inspect._empty'>" in out


def test_meshapi_log_turns_on_a_stderr_handler_and_nothing_without_it() -> None:
    code = (
        "import logging, meshapi\n"
        "c = meshapi.MeshAPI(base_url='http://h.test', api_key='rsk_x')\n"
        "logging.getLogger('meshapi').info('hello from the test')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MESHAPI_LOG"}
    quiet = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    loud = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**env, "MESHAPI_LOG": "info"},
    )
    assert quiet.stderr == ""
    assert "hello from the test" in loud.stderr


def test_signed_urls_are_logged_without_their_signature() -> None:
    url = "https://h.test/v1/uploads/f1?expires=9&signature=abc123&X-Amz-Signature=zz"
    redacted = redact_url(url)
    assert "abc123" not in redacted and "zz" not in redacted and "expires=9" in redacted


def test_the_per_call_options_are_documented_in_one_place() -> None:
    assert {
        "timeout",
        "max_retries",
        "extra_headers",
        "extra_query",
        "extra_body",
        "idempotency_key",
    } == OPTION_NAMES


@pytest.mark.parametrize(
    "options",
    [
        {"extra_headers": {"X-Bad": 3}},
        {"extra_body": {"temperature": float("nan")}},
    ],
    ids=["non-str-header", "nan-in-body"],
)
def test_a_value_that_cannot_go_on_the_wire_is_an_invalid_request(options: Any) -> None:
    client = MeshAPI(base_url="http://h.test", api_key="rsk_x", max_retries=0)
    with pytest.raises(InvalidRequestError, match="cannot build the request"):
        client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}], **options
        )
    client.close()
