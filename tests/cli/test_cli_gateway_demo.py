"""``meshapi gateway`` and ``meshapi demo`` in the new command line, and a few commands run as a
real subprocess (the console entry point, pipes)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import httpx
from clikit import Cli, subprocess_argv

from meshapi.testing import LocalGateway


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_once(key_file: Path, env: Dict[str, str]) -> str:
    """Start ``meshapi gateway --key-file``, make one call with its key, stop it; the key."""
    process = subprocess.Popen(
        subprocess_argv("gateway", "--port", "0", "--key-file", str(key_file), "--json"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        started = json.loads(process.stdout.readline())
        models = httpx.get(
            started["base_url"] + "/v1/models",
            headers={"Authorization": f"Bearer {started['api_key']}"},
        )
        assert models.status_code == 200
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert err == "Gateway stopped.\n"
    return str(started["api_key"])


def test_a_key_file_keeps_the_gateway_key_across_restarts(
    tmp_path: Path, cli_env: Dict[str, str]
) -> None:
    key_file = tmp_path / "gateway-key"
    first = serve_once(key_file, cli_env)
    assert key_file.read_text().strip() == first and first.startswith("rsk_")
    assert os.stat(key_file).st_mode & 0o077 == 0  # readable by its owner only
    assert serve_once(key_file, cli_env) == first


def test_a_key_file_with_a_bad_key_is_refused(cli: Cli, tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("sk-not-a-meshapi-key\n")
    result = cli("gateway", "--port", "0", "--key-file", str(key_file))
    assert result.status == 2 and "must start with 'rsk_'" in result.err
    assert "sk-not-a-meshapi-key" not in result.err


def test_gateway_without_the_gateway_extra_says_how_to_install_it(
    cli_env: Dict[str, str],
) -> None:
    code = (
        "import sys; sys.modules['starlette'] = None; sys.modules['uvicorn'] = None\n"
        "from meshapi.__main__ import main\n"
        "sys.exit(main(['gateway', '--port', '0']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli_env, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: the local gateway needs the gateway extra: pip install 'meshapi[gateway]'\n"
    )
    assert result.stdout == ""


def test_demo_fails_fast_when_nothing_answers(cli: Cli) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    result = cli("demo", "--base-url", url, "--api-key", "rsk_demo_secret_key_123")
    assert result.status == 7
    assert result.err.startswith(f"meshapi demo: nothing answers at {url} (")
    assert len(result.err.splitlines()) == 1 and result.out == ""
    assert "rsk_demo_secret_key_123" not in result.err


def test_demo_refused_key_is_one_line(cli: Cli, gateway: LocalGateway) -> None:
    result = cli("demo", "--base-url", gateway.base_url, "--api-key", "rsk_wrong_key_42")
    assert result.status == 3
    assert result.err.startswith(f"meshapi demo: {gateway.base_url} refused the first call: ")
    assert " 401 " in result.err and len(result.err.splitlines()) == 1


def test_demo_runs_the_whole_tour_with_json(cli: Cli, gateway: LocalGateway) -> None:
    result = cli("demo", "--base-url", gateway.base_url, "--api-key", gateway.api_key, "--json")
    assert result.status == 0, result.out
    report = result.json()
    assert report["passed"] is True and report["log"][-1] == "All 18 steps passed."


def test_the_console_script_in_a_pipe(cli_env: Dict[str, str]) -> None:
    result = subprocess.run(
        subprocess_argv("chat", "--no-stream", "--json"),
        input="Say ready\n",
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["choices"][0]["message"]["content"] == "Ready."
    models = subprocess.run(
        subprocess_argv("models", "get", "nobody/nothing"),
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=60,
    )
    assert models.returncode == 4 and models.stdout == ""
    assert models.stderr.startswith("error: 404 ") and models.stderr.count("\n") == 1


def test_local_starts_a_gateway_for_one_command(cli: Cli) -> None:
    result = cli("chat", "--local", "--no-stream", "Say ready")
    assert (result.status, result.out) == (0, "Ready.\n")


def new_modules(code: str) -> List[str]:
    """Modules ``code`` loads beyond what ``import httpx`` loads.

    httpx imports rich itself when its own CLI's dependencies (click, pygments, rich) are
    installed, as they are in the dev set; what counts here is what meshapi adds.
    """
    script = (
        "import json, sys, contextlib, io, httpx\n"
        "before = set(sys.modules)\n"
        f"{code}\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return list(json.loads(out))


def test_import_meshapi_loads_neither_rich_nor_the_cli() -> None:
    loaded = new_modules(
        "import meshapi; meshapi.MeshAPI(base_url='https://x.test', token='rsk_x')"
    )
    assert [m for m in loaded if m.split(".")[0] == "rich" or m.startswith("meshapi._cli.")] == []
    assert "meshapi._cli" not in loaded


def test_help_renders_without_loading_rich_tables_or_live_views() -> None:
    loaded = new_modules(
        "from meshapi.__main__ import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['chat', '--help'])"
    )
    assert "meshapi._cli.chat" in loaded
    assert [m for m in loaded if m.split(".")[0] == "rich"] == []
