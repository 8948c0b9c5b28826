"""Every ```python example of README.md runs, as written, against a local gateway.

The blocks are read from the README by this test, so the README cannot drift from the SDK. They
run in README order in one namespace, the way a reader pastes them into one session (later
blocks use names imported or defined by earlier ones). ``MeshAPI`` and ``AsyncMeshAPI`` are
replaced, for ``import``s inside the blocks too, by subclasses that force ``base_url`` and
``token`` to the gateway's; every other argument is kept. The names the README leaves to the
reader (``pdf_bytes``, ``params``, ``pcm_bytes``, ``process_audio``, ``template_id``) are
supplied. Tracebacks point at README.md line numbers.

Blocks with top-level ``await`` / ``async with`` (the realtime example) are compiled with
``PyCF_ALLOW_TOP_LEVEL_AWAIT`` and run with ``asyncio.run``.
"""

from __future__ import annotations

import ast
import asyncio
import builtins
import contextlib
import dataclasses
import io
import math
import re
import secrets
import struct
import types
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

import meshapi
from meshapi import AsyncMeshAPI, ChatCompletionParams, ChatMessage, MeshAPI
from meshapi.testing import LocalGateway

README = Path(__file__).resolve().parents[2] / "README.md"

# Blocks known not to run as written, by id, with the reason (reported to the lead; the README
# is not edited here). Marked xfail(strict=True) so a fix shows up as XPASS.
KNOWN_BROKEN: Dict[str, str] = {}


@dataclasses.dataclass
class Block:
    id: str
    heading: str
    line: int  # 1-based line of the first code line in README.md
    code: str


def python_blocks(text: str) -> List[Block]:
    """The ```python fences of a Markdown text, each with its nearest heading."""
    blocks: List[Block] = []
    heading = "top"
    fence: Optional[str] = None
    start = 0
    body: List[str] = []
    counts: Dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if fence is None:
            if line.startswith("```"):
                fence = line[3:].strip()
                start, body = number + 1, []
            elif line.startswith("#"):
                heading = line.lstrip("#").strip()
            continue
        if line.startswith("```"):
            if fence == "python":
                slug = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")
                counts[slug] = counts.get(slug, 0) + 1
                suffix = f"-{counts[slug]}" if counts[slug] > 1 else ""
                blocks.append(Block(slug + suffix, heading, start, "\n".join(body) + "\n"))
            fence = None
            continue
        body.append(line)
    return blocks


BLOCKS = python_blocks(README.read_text(encoding="utf-8"))


def minimal_pdf(lines: List[str]) -> bytes:
    """A one-page PDF whose text is ``lines`` (Helvetica, uncompressed)."""

    def escape(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"]
    ops += [f"({escape(line)}) Tj T*" for line in lines]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pcm16(seconds: float, hz: float = 0.0) -> bytes:
    """PCM16 24 kHz mono: a sine tone, or silence when ``hz`` is 0."""
    n = int(24_000 * seconds)
    if not hz:
        return bytes(2 * n)
    return struct.pack(
        f"<{n}h", *(int(9000 * math.sin(2 * math.pi * hz * i / 24_000)) for i in range(n))
    )


def prints_unconditionally(code: str) -> bool:
    """Whether the block calls print() outside an ``except`` clause (so must print something)."""
    tree = ast.parse(code)
    in_handlers = {
        id(node)
        for handler in ast.walk(tree)
        if isinstance(handler, ast.ExceptHandler)
        for node in ast.walk(handler)
    }
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "print"
        and id(node) not in in_handlers
        for node in ast.walk(tree)
    )


@dataclasses.dataclass
class Outcome:
    output: str
    error: Optional[BaseException]


class ReadmeRun:
    """Runs the blocks in order in one namespace and keeps each block's outcome."""

    def __init__(self, gw: LocalGateway, token: str) -> None:
        self.gw = gw
        self.token = token
        self.clients: List[Any] = []
        self.audio: List[bytes] = []
        self.outcomes: Dict[str, Outcome] = {}
        self.namespace = self._namespace()
        self.client = self.namespace["MeshAPI"](base_url="https://api.meshapi.ai", token="rsk_...")

    def _wrappers(self) -> types.ModuleType:
        run = self

        class GatewayMeshAPI(MeshAPI):
            def __init__(self, **options: Any) -> None:
                options.pop("token", None)
                options.update(base_url=run.gw.base_url, api_key=run.token)
                super().__init__(**options)
                run.clients.append(self)

        class GatewayAsyncMeshAPI(AsyncMeshAPI):
            def __init__(self, **options: Any) -> None:
                options.pop("token", None)
                options.update(base_url=run.gw.base_url, api_key=run.token)
                super().__init__(**options)

        class Facade(types.ModuleType):
            def __getattr__(self, name: str) -> Any:
                return getattr(meshapi, name)

        facade = Facade("meshapi", meshapi.__doc__)
        facade.MeshAPI = GatewayMeshAPI  # type: ignore[attr-defined]
        facade.AsyncMeshAPI = GatewayAsyncMeshAPI  # type: ignore[attr-defined]
        facade.__path__ = meshapi.__path__  # lets `import meshapi.testing` still resolve
        return facade

    def _namespace(self) -> Dict[str, Any]:
        facade = self._wrappers()
        real_import = builtins.__import__

        def readme_import(
            name: str,
            globals: Any = None,
            locals: Any = None,
            fromlist: Any = (),
            level: int = 0,
        ) -> Any:
            module = real_import(name, globals, locals, fromlist, level)
            if level == 0 and name == "meshapi":
                return facade
            if level == 0 and name.startswith("meshapi.") and not fromlist:
                return facade  # `import meshapi.x` binds the top package
            return module

        patched = dict(vars(builtins))
        patched["__import__"] = readme_import
        return {
            "__name__": "readme_example",
            "__builtins__": patched,
            "MeshAPI": facade.MeshAPI,
            "AsyncMeshAPI": facade.AsyncMeshAPI,
            # What the README leaves to the reader:
            "pdf_bytes": minimal_pdf(
                [
                    "Acme employee handbook.",
                    "The onboarding process takes two weeks.",
                    "New hires meet their buddy on day one.",
                ]
            ),
            "params": ChatCompletionParams(
                model="openai/gpt-4o-mini",
                messages=[ChatMessage(role="user", content="Hello!")],
            ),
            # Speech, then enough silence for the server's voice detection to end the turn.
            "pcm_bytes": pcm16(0.6, 440.0) + pcm16(1.2),
            "process_audio": self.audio.append,
            "template_id": None,
        }

    def run(self, block: Block) -> Outcome:
        # Each block finds `client` bound to a sync client on the gateway, whatever an earlier
        # block left there (the realtime example rebinds it to an AsyncMeshAPI it then closes).
        self.namespace["client"] = self.client
        source = "\n" * (block.line - 1) + block.code
        out = io.StringIO()
        error: Optional[BaseException] = None
        try:
            # Not README.md's own path: pytest would print the whole file as the failing "frame";
            # the line numbers are README.md's all the same.
            code = compile(
                source,
                f"README.md[{block.id}]",
                "exec",
                flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
                dont_inherit=True,
            )
            with contextlib.redirect_stdout(out):
                result = eval(code, self.namespace)
                if asyncio.iscoroutine(result):
                    asyncio.run(asyncio.wait_for(result, timeout=30))
        except BaseException as exc:  # recorded; the block's test re-raises it
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            error = exc
        outcome = Outcome(out.getvalue(), error)
        self.outcomes[block.id] = outcome
        return outcome

    def close(self) -> None:
        for client in self.clients:
            client.close()


@pytest.fixture(scope="module")
def readme_run() -> Iterator[ReadmeRun]:
    # A gateway of its own: the README creates a template with a fixed name, and its batch
    # example cancels a batch right after creating it, which needs a batch that is still
    # running, as in production (here each step of a batch takes 0.2 s).
    with LocalGateway(options={"batch_step_delay": 0.2}) as gw:
        token = "rsk_" + secrets.token_hex(24)
        gw.add_key(token, owner="usr_readme")
        run = ReadmeRun(gw, token)
        for block in BLOCKS:
            run.run(block)
        yield run
        run.close()


def test_the_readme_has_the_examples_this_test_expects() -> None:
    headings = {b.heading for b in BLOCKS}
    for expected in (
        "Chat completions",
        "Streaming",
        "Tool calling",
        "Embeddings",
        "Batches",
        "Prompt templates",
        "Error handling",
    ):
        assert expected in headings, f"no python example under {expected!r} any more"
    assert len(BLOCKS) >= 15


@pytest.mark.parametrize(
    "block",
    [
        pytest.param(
            b,
            id=b.id,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BROKEN[b.id])]
            if b.id in KNOWN_BROKEN
            else [],
        )
        for b in BLOCKS
    ],
)
def test_readme_example_runs_as_written(readme_run: ReadmeRun, block: Block) -> None:
    outcome = readme_run.outcomes[block.id]
    if outcome.error is not None:
        raise outcome.error
    printed = outcome.output
    if prints_unconditionally(block.code):
        assert printed.strip(), f"README block at line {block.line} printed nothing"
    assert readme_run.token not in printed and readme_run.gw.api_key not in printed


def test_readme_examples_did_what_they_say(readme_run: ReadmeRun) -> None:
    ns = readme_run.namespace
    # Chat and tool calling: an answer, a tool call with {"city": "Paris"}, a final answer.
    assert ns["reply"] is not None
    assert ns["args"] == {"city": "Paris"}
    assert ns["final"].choices[0].message.content
    # Embeddings: a vector; RAG: the uploaded PDF was embedded and found.
    assert ns["result"] is not None
    assert ns["s"].embedding_status == "ready"
    assert ns["results"].results, "the RAG search found the handbook"
    assert ns["files"].total >= 1
    # Realtime: audio came back.
    assert readme_run.audio and all(isinstance(a, bytes) and a for a in readme_run.audio)
    # Batches: the one the example cancelled is cancelled (or on its way).
    batch = ns["client"].batches.get(ns["batch"].id)
    assert batch.status in {"cancelling", "cancelled"}
