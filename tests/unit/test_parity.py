"""Sync / async parity: every sync class and its async twin offer the same methods, with the same
parameters and docstrings, and the async twin's I/O methods are coroutines.

Pairs are discovered, not listed: every class ``AsyncX`` defined in a ``meshapi.resources``
module is paired with the ``X`` of the same module, so a new resource is covered without editing
this file. Three pairs outside ``resources`` are named explicitly (the clients, the streams, the
HTTP clients).

Documented differences:

- ``stream()`` and ``connect()`` of an async twin are plain methods, not coroutines: they return
  an object that is itself awaited / ``async with``-ed / ``async for``-ed, so that
  ``async for chunk in client.chat.completions.stream(p)`` reads naturally.
- ``AsyncMeshAPI.aclose()`` is an alias of ``close()`` (the name ``httpx.AsyncClient`` uses).
- The async client's constructor takes ``async_httpx_client`` where the sync one takes
  ``httpx_client``; docstrings are compared with that one word mapped.
- ``AsyncRealtimeConnect`` has no sync twin: it is the awaitable / async context manager that
  ``AsyncRealtimeResource.connect()`` returns, where the sync ``connect()`` returns the session.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from typing import Any, Dict, List, Optional, Set, Tuple

import pytest

import meshapi.resources
from meshapi import AsyncHttpClient, AsyncMeshAPI, AsyncStream, MeshAPI, Stream, SyncHttpClient

# Methods that return a stream or an async iterator (an async generator, not a coroutine).
NOT_COROUTINES = {"stream", "connect", "text_deltas", "events"}
ASYNC_ONLY: Dict[Tuple[str, str], str] = {
    ("AsyncMeshAPI", "aclose"): "alias of close(), the name httpx.AsyncClient uses",
}
WITHOUT_TWIN = {"AsyncRealtimeConnect"}
RENAMED_PARAMETERS = {"async_httpx_client": "httpx_client"}
# Parameters only the async twin has, and why.
ASYNC_ONLY_PARAMETERS: Dict[str, str] = {
    "http_backend": "the aiohttp transport exists for asyncio only",
    "transport": "what builds the async client's transport (http_backend='aiohttp')",
}
# Protocol methods of a sync class and the ones its async twin must have instead.
PROTOCOLS = [
    ("__enter__", "__aenter__"),
    ("__exit__", "__aexit__"),
    ("__iter__", "__aiter__"),
    ("__next__", "__anext__"),
]
ASYNC_PROTOCOL_COROUTINES = {"__aenter__", "__aexit__", "__anext__"}


def _resource_modules() -> List[Any]:
    modules = []
    for info in pkgutil.iter_modules(meshapi.resources.__path__):
        if not info.name.startswith("_"):
            modules.append(importlib.import_module(f"meshapi.resources.{info.name}"))
    return modules


def _classes(module: Any) -> Dict[str, type]:
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, type)
        and value.__module__ == module.__name__
        and not name.startswith("_")
    }


def discover_pairs() -> Tuple[List[Tuple[type, type]], List[str]]:
    """All (sync, async) pairs, and the async classes that have no twin."""
    pairs: List[Tuple[type, type]] = [
        (MeshAPI, AsyncMeshAPI),
        (Stream, AsyncStream),
        (SyncHttpClient, AsyncHttpClient),
    ]
    orphans: List[str] = []
    for module in _resource_modules():
        classes = _classes(module)
        for name, cls in sorted(classes.items()):
            if not name.startswith("Async"):
                continue
            twin = classes.get(name[len("Async") :])
            if twin is None:
                orphans.append(name)
            else:
                pairs.append((twin, cls))
    return pairs, orphans


PAIRS, ORPHANS = discover_pairs()
PAIR_IDS = [sync.__name__ for sync, _ in PAIRS]


def _public(cls: type) -> Set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


def _own_functions(cls: type, shared: Set[type]) -> Dict[str, Any]:
    """Public functions of ``cls`` not inherited from a base that both twins share."""
    out: Dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if klass is object or klass in shared:
            continue
        for name, value in vars(klass).items():
            if not name.startswith("_") and inspect.isfunction(value):
                out[name] = value
    return out


def _shape(func: Any) -> List[Tuple[str, Any, Any]]:
    sig = inspect.signature(func)
    return [
        (RENAMED_PARAMETERS.get(p.name, p.name), p.kind, p.default)
        for p in sig.parameters.values()
        if p.name not in ASYNC_ONLY_PARAMETERS
    ]


def _normalise_doc(doc: Optional[str]) -> Optional[str]:
    if doc is None:
        return None
    for async_word, sync_word in RENAMED_PARAMETERS.items():
        doc = doc.replace(async_word, sync_word)
    return doc


def test_discovery_finds_every_resource_pair() -> None:
    names = {sync.__name__ for sync, _ in PAIRS}
    expected = {
        "ChatResource",
        "ChatCompletionsResource",
        "ResponsesResource",
        "EmbeddingsResource",
        "ImagesResource",
        "CompareResource",
        "BatchesResource",
        "RagResource",
        "ModelsResource",
        "TemplatesResource",
    }
    assert expected <= names, sorted(expected - names)


def test_every_async_class_has_a_sync_twin_unless_documented() -> None:
    assert set(ORPHANS) <= WITHOUT_TWIN, sorted(set(ORPHANS) - WITHOUT_TWIN)


def test_every_sync_resource_or_session_has_an_async_twin() -> None:
    paired = {sync.__name__ for sync, _ in PAIRS}
    missing = [
        name
        for module in _resource_modules()
        for name in _classes(module)
        if not name.startswith("Async")
        and name.endswith(("Resource", "Session"))
        and name not in paired
    ]
    assert missing == []


@pytest.mark.parametrize("sync, async_", PAIRS, ids=PAIR_IDS)
def test_twins_have_the_same_public_names(sync: type, async_: type) -> None:
    extra = {name for (cls, name) in ASYNC_ONLY if cls == async_.__name__}
    assert _public(sync) == _public(async_) - extra


@pytest.mark.parametrize("sync, async_", PAIRS, ids=PAIR_IDS)
def test_twins_take_the_same_parameters(sync: type, async_: type) -> None:
    assert _shape(sync.__init__) == _shape(async_.__init__), "__init__"
    for name in sorted(_public(sync) & _public(async_)):
        s, a = getattr(sync, name), getattr(async_, name)
        if callable(s) and callable(a) and not isinstance(s, type):
            assert _shape(s) == _shape(a), name


@pytest.mark.parametrize("sync, async_", PAIRS, ids=PAIR_IDS)
def test_twins_have_the_same_method_docstrings(sync: type, async_: type) -> None:
    for name in sorted(_public(sync) & _public(async_)):
        s_doc = inspect.getdoc(inspect.getattr_static(sync, name))
        a_doc = inspect.getdoc(inspect.getattr_static(async_, name))
        assert _normalise_doc(s_doc) == _normalise_doc(a_doc), name


@pytest.mark.parametrize("sync, async_", PAIRS, ids=PAIR_IDS)
def test_twins_both_have_a_class_docstring(sync: type, async_: type) -> None:
    assert inspect.getdoc(sync) and inspect.getdoc(async_)
    if sync.__name__.endswith("Resource"):
        # Resource twins describe the same endpoints: word for word the same.
        assert inspect.getdoc(sync) == inspect.getdoc(async_)


@pytest.mark.parametrize("sync, async_", PAIRS, ids=PAIR_IDS)
def test_async_twins_io_methods_are_coroutines_and_sync_ones_are_not(
    sync: type, async_: type
) -> None:
    shared = set(sync.__mro__) & set(async_.__mro__)
    sync_funcs = _own_functions(sync, shared)
    async_funcs = _own_functions(async_, shared)
    for name, func in async_funcs.items():
        if name in NOT_COROUTINES:
            assert not inspect.iscoroutinefunction(func), f"{name} must return a stream object"
        else:
            assert inspect.iscoroutinefunction(func), f"{async_.__name__}.{name}"
    for name, func in sync_funcs.items():
        assert not inspect.iscoroutinefunction(func), f"{sync.__name__}.{name}"


@pytest.mark.parametrize("sync, async_", PAIRS, ids=PAIR_IDS)
def test_async_twins_offer_the_async_form_of_every_sync_protocol(sync: type, async_: type) -> None:
    for sync_dunder, async_dunder in PROTOCOLS:
        if getattr(sync, sync_dunder, None) is None or sync_dunder not in _defined(sync):
            continue
        method = getattr(async_, async_dunder, None)
        assert method is not None, f"{async_.__name__} lacks {async_dunder}"
        if async_dunder in ASYNC_PROTOCOL_COROUTINES:
            assert inspect.iscoroutinefunction(method), f"{async_.__name__}.{async_dunder}"


def _defined(cls: type) -> Set[str]:
    names: Set[str] = set()
    for klass in cls.__mro__:
        if klass is not object:
            names.update(vars(klass))
    return names


def _undocumented() -> List[str]:
    missing = []
    for pair in PAIRS:
        for cls in pair:
            for name in sorted(_public(cls)):
                member = inspect.getattr_static(cls, name)
                documentable = inspect.isfunction(member) or isinstance(member, property)
                if documentable and not inspect.getdoc(member):
                    missing.append(f"{cls.__name__}.{name}")
    return missing


def test_every_public_method_and_property_of_the_twins_has_a_docstring() -> None:
    assert _undocumented() == []
