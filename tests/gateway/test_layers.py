"""The local gateway's import graph: layered bottom-up, with no cycles; and no gateway state in
module globals.

Reads the source with ``ast`` (nothing is imported), so it checks every import, including those
inside functions and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[2] / "meshapi" / "testing"
PACKAGE = "meshapi.testing"

# Bottom up: a module may import from its own layer and the layers before it, never after.
LAYERS: List[Tuple[str, ...]] = [
    ("_core",),  # config, ids, errors, db, keys, limits, catalogue, billing, faults, signing
    ("_formats",),  # bytes in and out: PDF, WAV, images, documents, SSE framing
    ("_engines",),  # deterministic generators: text, embeddings, images, audio, chunking
    ("_services",),  # one per capability: what to do given a request and the gateway
    ("_realtime",),  # the realtime session: events in, events out
    ("_http",),  # Starlette plumbing: auth, bodies, SSE writing, the WebSocket loop
    ("_routes",),  # one thin module per endpoint group
    ("_app", "_server", "_logs", "__init__", "pytest_plugin"),  # composition and the public API
]
# Layers that decide things without knowing about the web framework.
NO_WEB_FRAMEWORK = {"_core", "_formats", "_engines", "_services", "_realtime"}
WEB_FRAMEWORKS = ("starlette", "uvicorn", "fastapi")
# Module globals that may be rebound with ``global``: process-wide, not state of one gateway.
GLOBAL_STATEMENTS_ALLOWED = {"_http/sse.py": {"_filter_installed"}}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join([PACKAGE, *parts])


def _sources() -> Dict[str, Path]:
    return {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_package(name: str, modules: Dict[str, Path]) -> bool:
    return modules[name].name == "__init__.py"


def _imports(name: str, path: Path, modules: Dict[str, Path]) -> List[Tuple[str, int]]:
    """Every module (inside or outside the package) that ``name`` imports, with line numbers."""
    found: List[Tuple[str, int]] = []
    package = name if _is_package(name, modules) else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            # ``from .pkg import module`` imports the submodule too.
            for alias in node.names:
                if f"{target}.{alias.name}" in modules:
                    found.append((f"{target}.{alias.name}", node.lineno))
    return found


def _layer_of(name: str) -> Optional[int]:
    rest = name[len(PACKAGE) :].lstrip(".")
    top = rest.split(".", 1)[0] if rest else "__init__"
    for rank, members in enumerate(LAYERS):
        if top in members:
            return rank
    return None


def _graph() -> Dict[str, Set[str]]:
    modules = _sources()
    graph: Dict[str, Set[str]] = {}
    for name, path in modules.items():
        graph[name] = {
            target
            for target, _ in _imports(name, path, modules)
            if target in modules and target != name
        }
    return graph


def test_every_module_belongs_to_a_layer() -> None:
    unplaced = [name for name in _sources() if _layer_of(name) is None]
    assert unplaced == [], f"add these modules' top-level names to LAYERS: {unplaced}"


def test_no_import_runs_upward_across_the_layers() -> None:
    modules = _sources()
    upward: List[str] = []
    for name, path in modules.items():
        rank = _layer_of(name)
        assert rank is not None
        for target, line in _imports(name, path, modules):
            if not target.startswith(PACKAGE + ".") and target != PACKAGE:
                continue
            target_rank = _layer_of(target)
            if target_rank is not None and target_rank > rank:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert upward == []


def test_the_deciding_layers_do_not_import_the_web_framework() -> None:
    modules = _sources()
    offenders: List[str] = []
    for name, path in modules.items():
        rank = _layer_of(name)
        assert rank is not None
        if LAYERS[rank][0] not in NO_WEB_FRAMEWORK:
            continue
        for target, line in _imports(name, path, modules):
            if target.split(".", 1)[0] in WEB_FRAMEWORKS:
                offenders.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert offenders == []


def _find_cycle(graph: Dict[str, Set[str]]) -> Optional[List[str]]:
    state: Dict[str, int] = {}  # 1: on the current path, 2: done
    path: List[str] = []

    def visit(node: str) -> Optional[List[str]]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle is not None:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle is not None:
                return cycle
    return None


def test_the_import_graph_has_no_cycle() -> None:
    cycle = _find_cycle(_graph())
    assert cycle is None, " -> ".join(cycle or [])


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"a"}}, ["a", "a"]),
    ],
)
def test_the_cycle_finder_finds_cycles(
    graph: Dict[str, Set[str]], expected: Optional[List[str]]
) -> None:
    assert _find_cycle(graph) == expected


def test_the_import_reader_sees_relative_function_level_and_submodule_imports(
    tmp_path: Path,
) -> None:
    source = (
        "from .._core import errors\n"
        "def f():\n"
        "    from ..services.chat import plan\n"
        "import starlette.requests\n"
    )
    path = tmp_path / "mod.py"
    path.write_text(source, "utf-8")
    modules = {
        f"{PACKAGE}._routes.mod": path,
        f"{PACKAGE}._core.errors": tmp_path / "errors.py",
    }
    found = _imports(f"{PACKAGE}._routes.mod", path, modules)
    assert sorted(target for target, _ in found) == sorted(
        [
            f"{PACKAGE}._core",
            f"{PACKAGE}._core.errors",
            f"{PACKAGE}.services.chat",
            "starlette.requests",
        ]
    )


def _module_level_state(source: str, label: str) -> List[str]:
    """Module-level names bound to an empty container or a weak collection (the shape state
    takes when it hides in a module), and names rebound with ``global``."""
    tree = ast.parse(source)
    found: List[str] = []
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if value is None:
            continue
        empty = (isinstance(value, (ast.Dict, ast.List, ast.Set)) and not _elements(value)) or (
            isinstance(value, ast.Call)
            and not value.args
            and ast.unparse(value.func).split(".")[-1]
            in {"dict", "list", "set", "WeakSet", "WeakKeyDictionary", "WeakValueDictionary"}
        )
        if empty:
            found.append(f"{label}:{node.lineno} {ast.unparse(node)[:60]}")
    allowed = GLOBAL_STATEMENTS_ALLOWED.get(label, set())
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found.extend(
                f"{label}:{node.lineno} global {name}" for name in node.names if name not in allowed
            )
    return found


def _elements(node: ast.expr) -> List[ast.AST]:
    if isinstance(node, ast.Dict):
        return [k for k in node.keys if k is not None]
    assert isinstance(node, (ast.List, ast.Set))
    return list(node.elts)


def test_no_module_keeps_gateway_state_in_globals() -> None:
    found = [
        item
        for path in _sources().values()
        for item in _module_level_state(path.read_text("utf-8"), path.relative_to(ROOT).as_posix())
    ]
    assert found == [], "keep per-gateway state on the Gateway (gateway.part(...))"


def test_the_state_check_sees_weak_sets_empty_containers_and_global_statements() -> None:
    source = (
        "import weakref\n"
        "_prepared = weakref.WeakSet()\n"
        "_jobs: dict = {}\n"
        "TABLE = {'a': 1}\n"
        "WORDS = set('a b'.split())\n"
        "def f():\n"
        "    global _count\n"
    )
    found = _module_level_state(source, "probe.py")
    assert [item.split(" ", 1)[1] for item in found] == [
        "_prepared = weakref.WeakSet()",
        "_jobs: dict = {}",
        "global _count",
    ]
