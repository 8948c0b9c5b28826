"""The public names: ``meshapi.__all__`` is sorted, complete and importable, the table it is
derived from agrees with what type checkers see, the spec's import block works, and
``import meshapi`` stays light (no websockets, no server stack).

Every check that imports names runs in a fresh interpreter or looks at the whole table, so the
result does not depend on which names earlier tests happened to load.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import subprocess
import sys
from typing import Dict, Set

import pytest

import meshapi
import meshapi._types


def _type_checking_imports(module: object) -> Dict[str, Set[str]]:
    """What the module's ``if TYPE_CHECKING:`` block imports: module -> names (``*`` resolved
    through the imported module's own ``__all__``)."""
    tree = ast.parse(inspect.getsource(module))  # type: ignore[arg-type]
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If)
        and isinstance(node.test, ast.Name)
        and node.test.id == "TYPE_CHECKING"
    )
    package = module.__name__  # type: ignore[attr-defined]
    seen: Dict[str, Set[str]] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom), ast.dump(node)
        relative = "." * node.level + (node.module or "")
        for alias in node.names:
            if alias.name == "*":
                target = importlib.import_module(relative, package)
                seen.setdefault(relative, set()).update(target.__all__)
            else:
                # `X as X`: an explicit re-export, which mypy --strict and pyright require.
                assert alias.asname == alias.name, f"{alias.name} must be imported as itself"
                seen.setdefault(relative, set()).add(alias.name)
    return seen


@pytest.mark.parametrize("package", [meshapi, meshapi._types], ids=["meshapi", "meshapi._types"])
def test_the_type_checking_imports_are_exactly_the_export_table(package: object) -> None:
    table = {module: set(names) for module, names in package._EXPORTS.items()}  # type: ignore[attr-defined]
    assert _type_checking_imports(package) == table


def test_all_is_sorted_and_has_no_duplicates() -> None:
    names = list(meshapi.__all__)
    assert names == sorted(names)
    assert len(names) == len(set(names))


def test_every_name_in_all_imports_in_a_fresh_interpreter() -> None:
    code = (
        "import json, meshapi\n"
        "missing = [n for n in meshapi.__all__ if getattr(meshapi, n, None) is None]\n"
        "star = {}\n"
        "exec('from meshapi import *', star)\n"
        "print(json.dumps([missing, sorted(set(meshapi.__all__) - set(star))]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(result.stdout) == [[], []]


def test_every_public_class_and_error_of_the_package_is_in_all() -> None:
    # Anything public defined by a module the table names, and by the resource modules, should
    # be listed, so that `from meshapi import *` and documentation tools see the whole surface.
    modules = {m for m in meshapi._EXPORTS if not m.startswith("._types")}
    public = set()
    for module in modules:
        target = importlib.import_module(module, "meshapi")
        exported = getattr(target, "__all__", [])
        for name in exported:
            value = getattr(target, name)
            if not isinstance(value, type):
                continue
            if issubclass(value, BaseException) or name.endswith(("Resource", "Session", "Stream")):
                public.add(name)
    assert public <= set(meshapi.__all__), sorted(public - set(meshapi.__all__))
    assert set(meshapi._types.__all__) <= set(meshapi.__all__)


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


def test_import_meshapi_alone_loads_no_dependency_until_a_name_is_used() -> None:
    code = (
        "import json, sys\n"
        "import meshapi\n"
        "before = [m for m in ('httpx', 'pydantic', 'meshapi._client') if m in sys.modules]\n"
        "meshapi.MeshAPI\n"
        "after = [m for m in ('httpx', 'pydantic', 'meshapi._client') if m in sys.modules]\n"
        "print(json.dumps([before, after]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(result.stdout) == [[], ["httpx", "pydantic", "meshapi._client"]]


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
