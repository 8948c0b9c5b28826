"""Every failure is one line on stderr (status, code, message, request id), the exit status
tells its kind apart, ``--json`` adds an error document, and the API key is never printed."""

from __future__ import annotations

import re
import socket

import pytest
from clikit import Cli

from meshapi._cli.app import COMMANDS
from meshapi._cli.errors import EXIT_STATUS_HELP
from meshapi.testing import FaultController

ONE_LINE = re.compile(r"^error: (\d{3}) (\w+): .+ \(request_id req_\w+\)\n$")


def test_a_bad_key_is_an_auth_error_and_the_key_is_never_printed(cli: Cli) -> None:
    secret = "rsk_cli_secret_never_printed_0123456789"
    result = cli("models", "--api-key", secret)
    assert result.status == 3
    match = ONE_LINE.match(result.err)
    assert match and match.group(1) == "401", result.err
    assert secret not in result.out + result.err
    as_json = cli("models", "--api-key", secret, "--json")
    assert as_json.status == 3 and secret not in as_json.out + as_json.err
    error = as_json.json()["error"]
    assert error["status"] == 401 and error["code"] and error["request_id"].startswith("req_")
    assert error["exit_status"] == 3


def test_unknown_ids_are_not_found(cli: Cli) -> None:
    for argv in (
        ["models", "get", "nobody/no-such-model"],
        ["templates", "get", "tpl_nope"],
        ["rag", "get", "file_nope"],
        ["batches", "get", "batch_nope"],
    ):
        result = cli(*argv)
        assert result.status == 4, (argv, result.err)
        assert ONE_LINE.match(result.err) and " 404 " in result.err, result.err


@pytest.mark.parametrize(("status", "exit_status"), [(429, 5), (500, 6), (503, 6)])
def test_rate_limits_and_server_errors(
    cli: Cli, faults: FaultController, status: int, exit_status: int
) -> None:
    faults.fail_next(1, status=status, retry_after=0)
    result = cli("chat", "--max-retries", "0", "Say ready")
    assert result.status == exit_status, result.err
    match = ONE_LINE.match(result.err)
    assert match and match.group(1) == str(status), result.err
    assert result.out == ""


def test_a_cut_stream_is_reported_after_the_text_that_arrived(
    cli: Cli, faults: FaultController
) -> None:
    faults.drop_stream_after(3, how="eof")
    result = cli("chat", "Write a haiku about Python.")
    assert result.status == 7
    assert result.out  # what arrived before the cut was shown
    assert result.err.startswith("error: stream_interrupted: ")
    assert len(result.err.splitlines()) == 1


def test_nothing_listening_is_a_connection_error(cli: Cli) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = cli("models", "--base-url", f"http://127.0.0.1:{port}", "--max-retries", "0")
    assert result.status == 7
    assert result.err.startswith("error: ") and len(result.err.splitlines()) == 1


def test_usage_errors_exit_2(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("chat", "--no-such-option", "x").status == 2
    assert cli("compare", "Hi").status == 2  # -m is required
    monkeypatch.delenv("MESHAPI_TOKEN")
    no_key = cli("models")
    assert no_key.status == 2 and no_key.err.startswith("error: missing_api_key: no API key")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_the_exit_statuses(
    cli: Cli, command: str
) -> None:
    result = cli(command, "--help")
    assert result.status == 0
    assert "examples:\n  meshapi " + command in result.out
    assert EXIT_STATUS_HELP in result.out
    assert "--json" in result.out


def test_the_top_level_help_lists_the_commands_and_exit_statuses(cli: Cli) -> None:
    result = cli("--help")
    assert result.status == 0
    assert "rate limited (429)" in result.out and "MESHAPI_TOKEN" in result.out
