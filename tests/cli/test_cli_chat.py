"""``meshapi chat`` one-shot: streamed and whole replies, stdin, system, templates, JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

from clikit import Cli

from meshapi import CreateTemplateParams, MeshAPI
from meshapi.testing import LocalGateway


def test_the_reply_streams_to_stdout_and_usage_goes_to_stderr(cli: Cli) -> None:
    result = cli("chat", "Say ready")
    assert result.status == 0, result.err
    assert result.out == "Ready.\n"
    (usage,) = result.err.splitlines()
    assert usage.startswith("openai/gpt-4o-mini · ")
    assert " in + " in usage and " out tokens · $0." in usage


def test_json_streams_json_lines_that_add_up_to_the_whole_reply(cli: Cli) -> None:
    whole = cli("chat", "--no-stream", "--json", "Write a haiku about Python.")
    assert whole.status == 0, whole.err
    reply = whole.json()
    assert reply["object"] == "chat.completion"
    text = reply["choices"][0]["message"]["content"]
    streamed = cli("chat", "--json", "Write a haiku about Python.")
    chunks = streamed.json_lines()
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    deltas = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert deltas == text
    assert chunks[-1]["usage"]["completion_tokens"] > 0 and chunks[-1]["cost"]
    assert streamed.err == ""  # --json: nothing but the data


def test_the_prompt_comes_from_stdin_when_none_is_given(cli: Cli) -> None:
    result = cli("chat", "--no-stream", stdin="Say ready\n")
    assert (result.status, result.out) == (0, "Ready.\n")
    dash = cli("chat", "-", stdin="Say ready")
    assert (dash.status, dash.out) == (0, "Ready.\n")


def test_model_and_system_message_reach_the_gateway(cli: Cli) -> None:
    plain = cli("chat", "--json", "--no-stream", "-m", "anthropic/claude-sonnet-4.5", "Hi")
    system = cli(
        "chat", "--json", "--no-stream", "-m", "anthropic/claude-sonnet-4.5", "--system",
        "You are terse and always answer in exactly one short sentence.", "Hi",
    )  # fmt: skip
    assert plain.json()["model"] == system.json()["model"] == "anthropic/claude-sonnet-4.5"
    assert (
        system.json()["usage"]["prompt_tokens"] > plain.json()["usage"]["prompt_tokens"]
    )  # the system message was sent


def test_a_template_with_variables(cli: Cli, gateway: LocalGateway) -> None:
    with MeshAPI(base_url=gateway.base_url, token=gateway.api_key) as client:
        created = client.templates.create(
            CreateTemplateParams(
                name="cli-chat-agent",
                system="You are a support agent for {{company}}.",
                model="openai/gpt-4o-mini",
                variables=["company"],
            )
        )
        try:
            result = cli(
                "chat", "--template", "cli-chat-agent", "--var", "company=Acme Corp",
                "How do I reset my password?",
            )  # fmt: skip
        finally:
            client.templates.delete(created.id)
    assert result.status == 0, result.err
    assert "Acme Corp" in result.out
    assert result.err.startswith("openai/gpt-4o-mini · ")  # the template's model


def test_json_schema_asks_for_json_matching_the_schema(cli: Cli, tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name", "age"],
    }
    path = tmp_path / "person.json"
    path.write_text(json.dumps(schema))
    result = cli("chat", "--json-schema", str(path), "--no-stream", "Invent a person")
    assert result.status == 0, result.err
    person = json.loads(result.out)
    assert isinstance(person["name"], str) and isinstance(person["age"], int)


def test_bad_input_is_a_usage_error_naming_what_was_wrong(cli: Cli, tmp_path: Path) -> None:
    empty = cli("chat", stdin="  \n")
    assert (
        empty.status == 2 and empty.err == "error: no prompt: give one as an argument or on stdin\n"
    )
    bad_var = cli("chat", "--template", "x", "--var", "company", "Hi")
    assert bad_var.status == 2 and "--var takes KEY=VALUE, got 'company'" in bad_var.err
    missing = cli("chat", "--json-schema", str(tmp_path / "nope.json"), "Hi")
    assert missing.status == 2 and "cannot read --json-schema" in missing.err
    (tmp_path / "bad.json").write_text("{nope")
    not_json = cli("chat", "--json-schema", str(tmp_path / "bad.json"), "Hi")
    assert not_json.status == 2 and "not JSON" in not_json.err
