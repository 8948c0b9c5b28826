"""LocalGateway start/stop, persistence with a database file, and the `meshapi gateway` CLI."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable, List

import httpx
import pytest
from gwkit import client_for

from meshapi import _cli
from meshapi.testing import Gateway, GatewayConfig, KeyRecord, LocalGateway


def gateway_threads() -> List[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("meshapi-gateway-")]


def test_start_and_stop_leave_no_thread_or_socket_behind() -> None:
    before = len(gateway_threads())
    gateway = LocalGateway()
    with gateway:
        assert re.match(r"^http://127\.0\.0\.1:\d+$", gateway.base_url)
        assert gateway.api_key.startswith("rsk_")
        assert len(gateway_threads()) == before + 1
        assert httpx.get(f"{gateway.base_url}/_gateway/health").json()["status"] == "ok"
        port = gateway.port
    assert len(gateway_threads()) == before
    assert not gateway.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/_gateway/health")
    # The port is free again: it can be bound right away.
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))


def test_a_gateway_can_be_restarted_and_gets_fresh_memory_state() -> None:
    gateway = LocalGateway()
    with gateway:
        key = gateway.api_key
        with client_for(gateway) as client:
            assert client.post("/v1/templates", json={"name": "first-life"}).status_code == 201
    with gateway:
        assert gateway.api_key == key
        with client_for(gateway) as client:
            names = {t["name"] for t in client.get("/v1/templates").json()}
    assert "first-life" not in names


def test_starting_twice_is_an_error_and_stopping_twice_is_harmless() -> None:
    with LocalGateway() as gateway, pytest.raises(RuntimeError, match="already running"):
        gateway.start()
    gateway.stop()


def test_the_key_never_appears_in_reprs() -> None:
    with LocalGateway(api_key="rsk_secret_value_123456") as gateway:
        assert "rsk_secret_value_123456" not in repr(gateway)
        assert "rsk_secret_value_123456" not in repr(gateway.gateway)
        assert "rsk_secret_value_123456" not in repr(gateway.config)
        assert "rsk_secret_value_123456" not in repr(
            gateway.gateway.keys["rsk_secret_value_123456"]
        )


def test_using_a_gateway_before_start_explains_itself() -> None:
    gateway = LocalGateway()
    with pytest.raises(RuntimeError, match="not been started"):
        _ = gateway.base_url


def test_a_database_file_keeps_state_and_the_key_across_restarts(tmp_path: Path) -> None:
    db = str(tmp_path / "gateway.db")
    with LocalGateway(db_path=db) as first, client_for(first) as client:
        key = first.api_key
        template = client.post("/v1/templates", json={"name": "kept", "system": "Hi {{x}}"}).json()
        image = client.post(
            "/v1/images/generations", json={"prompt": "kept", "size": "64x64"}
        ).json()
    with LocalGateway(db_path=db) as second, client_for(second) as client:
        assert second.api_key == key
        assert client.get(f"/v1/templates/{template['id']}").json()["name"] == "kept"
        # The stored image is still served, now from the new server address.
        path = image["data"][0]["url"].split("/v1/", 1)[1]
        assert client.get(f"/v1/{path}").status_code == 200


def test_an_explicit_key_and_extra_keys(make_gateway: Callable[..., LocalGateway]) -> None:
    gateway = make_gateway(
        api_key="rsk_primary", api_keys=["rsk_second", KeyRecord(key="rsk_third", owner="usr_3")]
    )
    for key in ("rsk_primary", "rsk_second", "rsk_third"):
        with client_for(gateway, key) as client:
            assert client.get("/v1/models/free").status_code == 200
    with pytest.raises(ValueError, match="unknown key settings"):
        Gateway(GatewayConfig(api_keys=[{"key": "rsk_x", "colour": "red"}]))
    with pytest.raises(ValueError, match="needs a 'key'"):
        Gateway(GatewayConfig(api_keys=[{"rpm": 3}]))
    with pytest.raises(TypeError, match="list of keys"):
        LocalGateway(api_keys="rsk_oops")


def test_background_tasks_are_cancelled_when_the_gateway_stops() -> None:
    import asyncio

    finished = threading.Event()
    cancelled = threading.Event()

    async def forever() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        finished.set()

    with LocalGateway() as gateway:
        task = gateway.gateway.spawn(forever())
        assert not task.done()
    assert cancelled.is_set() and not finished.is_set()


# -- CLI ----------------------------------------------------------------------------------------


def test_the_cli_gateway_serves_until_interrupted(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "meshapi",
            "gateway",
            "--port",
            "0",
            "--api-key",
            "rsk_cli_test",
            "--faults",
            "--db",
            str(tmp_path / "cli.db"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", first)
        assert match, first
        base_url = match.group(1)
        assert "rsk_cli_test" in process.stdout.readline()
        response = httpx.post(
            f"{base_url}/v1/chat/completions",
            headers={"Authorization": "Bearer rsk_cli_test"},
            json={
                "model": "openai/gpt-4o-mini",
                "messages": [{"role": "user", "content": "Say ready"}],
            },
        )
        assert response.json()["choices"][0]["message"]["content"] == "Ready."
        faults = httpx.get(
            f"{base_url}/_gateway/faults", headers={"Authorization": "Bearer rsk_cli_test"}
        )
        assert faults.status_code == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "Gateway stopped." in out
    assert "Traceback" not in err


def test_the_cli_refuses_a_key_without_the_rsk_prefix(capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli.main(["gateway", "--api-key", "sk-wrong", "--port", "0"]) == 2
    assert "must start with 'rsk_'" in capsys.readouterr().err


def test_the_cli_reports_a_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        assert _cli.main(["gateway", "--port", str(port)]) == 1
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_the_cli_without_a_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli.main([]) == 2
    assert "gateway" in capsys.readouterr().out


def test_the_cli_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        _cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("meshapi ")


def test_importing_meshapi_does_not_load_the_server_stack() -> None:
    code = (
        "import sys, meshapi, meshapi._cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'starlette', 'uvicorn'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
