"""Type-check what users write: every ```python example of README.md, and a script that touches
every public method (``user_script.py``), with ``mypy --strict`` AND pyright (basedpyright, which
bundles its own node). Run by ``.ci/run``: ``python tests/typecheck/check.py``.

The README blocks are joined in order into one module, as a reader pastes them into one session
(later blocks use names earlier ones defined); the names the README leaves to the reader are
declared first, with their types. A block with top-level ``await`` becomes the body of an
``async def``. Errors point at README.md lines.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List, Tuple

ROOT = Path(__file__).resolve().parents[2]

PRELUDE = """\
# The names the README leaves to the reader.
from typing import Optional
from meshapi import ChatCompletionParams, MeshAPI

client = MeshAPI(base_url="https://api.meshapi.ai", api_key="rsk_...")
pdf_bytes: bytes = b""
pcm_bytes: bytes = b""
template_id: Optional[str] = None
params = ChatCompletionParams(model="openai/gpt-4o-mini", messages=[])


def process_audio(data: bytes) -> None: ...
"""

# What a user's mypy sees of the libraries meshapi pulls in, except that click >= 8.2 (uvicorn's)
# and websockets >= 16 are written for Python 3.10+: mypy cannot parse them under
# --python-version 3.9, so, as in pyproject.toml's overrides, their modules are not followed.
MYPY_INI = """\
[mypy]

[mypy-click,click.*,websockets,websockets.*]
follow_imports = skip
"""


def readme_blocks(text: str) -> List[Tuple[int, str]]:
    """(first line number, code) of each ```python fence."""
    blocks: List[Tuple[int, str]] = []
    fence, start, body = None, 0, []  # type: ignore[var-annotated]
    for number, line in enumerate(text.splitlines(), 1):
        if fence is None:
            if line.startswith("```"):
                fence, start, body = line[3:].strip(), number + 1, []
            continue
        if line.startswith("```"):
            if fence == "python":
                blocks.append((start, "\n".join(body)))
            fence = None
            continue
        body.append(line)
    return blocks


def readme_module() -> Tuple[str, List[Tuple[int, int]]]:
    """The module, and (module line, README line) pairs to translate error positions."""
    lines = PRELUDE.splitlines()
    mapping: List[Tuple[int, int]] = []
    for index, (start, code) in enumerate(readme_blocks((ROOT / "README.md").read_text())):
        top_level_await = re.search(r"^(await |async with |async for )", code, re.M)
        lines.append(f"# README.md line {start}")
        if top_level_await:
            lines.append(f"async def _block_{index}() -> None:")
        for offset, line in enumerate(code.splitlines()):
            mapping.append((len(lines) + 1, start + offset))
            lines.append(("    " + line if line else line) if top_level_await else line)
    return "\n".join(lines) + "\n", mapping


def translate(output: str, name: str, mapping: List[Tuple[int, int]]) -> str:
    table = dict(mapping)

    def line(match: re.Match[str]) -> str:
        number = int(match.group(2))
        return f"README.md:{table[number]}" if number in table else match.group(0)

    return re.sub(rf"({re.escape(name)}):(\d+)", line, output)


def main() -> int:
    bin_dir = Path(sys.executable).parent
    work = Path(tempfile.mkdtemp(prefix="meshapi-types-"))
    try:
        code, mapping = readme_module()
        (work / "readme_examples.py").write_text(code)
        (work / "mypy.ini").write_text(MYPY_INI)
        shutil.copy(Path(__file__).with_name("user_script.py"), work / "user_script.py")
        files = ["readme_examples.py", "user_script.py"]
        failed = False
        checks = [
            # --allow-redefinition: the README reuses names (`reply`, `page`) across sections,
            # as a reader's session does; pyright allows that by default.
            [
                str(bin_dir / "mypy"),
                "--config-file",
                "mypy.ini",
                "--strict",
                "--allow-redefinition",
                "--python-version",
                "3.9",
            ],
            [
                str(bin_dir / "basedpyright"),
                "--level",
                "error",
                "--pythonversion",
                "3.9",
                "--pythonpath",
                sys.executable,
            ],
        ]
        for command in checks:
            run = subprocess.run(command + files, cwd=work, capture_output=True, text=True)
            output = translate(run.stdout + run.stderr, "readme_examples.py", mapping)
            print(f"== {Path(command[0]).name}: exit {run.returncode}")
            print(output.strip())
            failed = failed or run.returncode != 0
        return 1 if failed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
