"""The public names: ``meshapi.__all__`` is sorted, complete and importable, the spec's import
block works, and ``import meshapi`` stays light (no websockets, no server stack)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import meshapi


def test_all_is_sorted_and_has_no_duplicates() -> None:
    names = list(meshapi.__all__)
    assert names == sorted(names)
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name", meshapi.__all__)
def test_every_name_in_all_is_importable(name: str) -> None:
    assert getattr(meshapi, name) is not None


def test_every_public_class_and_error_of_the_package_is_in_all() -> None:
    # Anything importable from `meshapi` without an underscore should be listed, so that
    # `from meshapi import *` and documentation tools see the whole surface.
    public = {
        name
        for name, value in vars(meshapi).items()
        if not name.startswith("_")
        and isinstance(value, type)
        and value.__module__.startswith("meshapi")
    }
    assert public <= set(meshapi.__all__), sorted(public - set(meshapi.__all__))


def test_the_spec_readme_type_hints_import_block_works() -> None:
    # Copied exactly as it stands in the spec README's "Type hints" section.
    # fmt: off
    from meshapi import (  # noqa: I001, F401
    MeshAPI, AsyncMeshAPI, MeshAPIError,
    # chat
    ChatCompletionParams, ChatCompletionResponse, ChatCompletionChunk,
    ChatMessage, Tool, ToolFunction, ToolCall,
    # responses
    ResponsesParams, ResponsesResponse,
    # embeddings
    EmbeddingsParams, EmbeddingsResponse,
    # compare
    CompareParams, CompareStreamEvent,
    # batches
    BatchRequestItem, CreateBatchParams, BatchObject,
    # RAG
    InitUploadRequest, InitUploadResponse, UploadFileParams,
    RagFileStatus, RagFileListResponse,
    BulkEmbedRequest, BulkEmbedResponse,
    SearchRequest, SearchResponse, SearchResult,
    # models
    ModelInfo, ModelPricing,
    # templates
    CreateTemplateParams, UpdateTemplateParams, TemplateSummary,
    )
    # fmt: on


def test_the_readme_names_used_elsewhere_in_the_spec_import() -> None:
    from meshapi import ImageGenerationParams  # noqa: F401
    from meshapi.resources.realtime import RealtimeError  # noqa: F401


def test_version_is_a_pep440_release_string() -> None:
    from meshapi._version import __version__

    assert meshapi.__version__ == __version__
    parts = meshapi.__version__.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts)


HEAVY = [
    "websockets",
    "starlette",
    "uvicorn",
    "meshapi.testing",
    "meshapi.resources.realtime",
]


def test_import_meshapi_does_not_load_realtime_or_server_modules() -> None:
    code = (
        "import json, sys\n"
        "import meshapi\n"
        "from meshapi import MeshAPI, AsyncMeshAPI, ChatCompletionParams\n"
        "MeshAPI(base_url='https://gw.test', token='rsk_x').close()\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(result.stdout) == []


def test_realtime_names_load_lazily_on_first_use() -> None:
    code = (
        "import json, sys\n"
        "import meshapi\n"
        "before = 'meshapi.resources.realtime' in sys.modules\n"
        "err = meshapi.RealtimeError\n"
        "after = 'meshapi.resources.realtime' in sys.modules\n"
        "print(json.dumps([before, after, err.__module__]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(result.stdout) == [False, True, "meshapi.resources.realtime"]


def test_an_unknown_attribute_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        meshapi.NoSuchThing  # noqa: B018
