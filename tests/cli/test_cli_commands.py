"""The catalogue, templates, RAG, batches, images and embeddings commands against the local
gateway: ``--json`` parsed back, the plain (piped) form, stdin input."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import pytest
from clikit import Cli

from meshapi import MeshAPI
from meshapi.testing import LocalGateway


def sdk(gateway: LocalGateway) -> MeshAPI:
    return MeshAPI(base_url=gateway.base_url, token=gateway.api_key)


def test_models_list_free_paid_and_get(cli: Cli, gateway: LocalGateway) -> None:
    with sdk(gateway) as client:
        every = {m.id for m in client.models.list()}
        free = {m.id for m in client.models.free()}
    listed = cli("models", "--json")
    assert listed.status == 0 and {m["id"] for m in listed.json()} == every
    assert {m["id"] for m in cli("models", "--free", "--json").json()} == free
    paid = cli("models", "--paid", "--json").json()
    assert {m["id"] for m in paid} == every - free
    table = cli("models", "--free").out.splitlines()
    assert table[0].split("\t") == ["id", "context", "in /1k", "out /1k", "modalities"]
    assert {line.split("\t")[0] for line in table[1:]} == free
    assert all(line.split("\t")[2:4] == ["free", "free"] for line in table[1:])
    one = cli("models", "get", "openai/gpt-4o-mini", "--json").json()
    assert one["id"] == "openai/gpt-4o-mini" and one["pricing"]["prompt_usd_per_1k"] > 0
    assert cli("models", "--json", "get", "openai/gpt-4o-mini").json() == one  # either order
    text = cli("models", "get", "openai/gpt-4o-mini").out
    assert "id: openai/gpt-4o-mini\n" in text and "context: " in text
    assert cli("models", "--free", "--paid").status == 2


def test_templates_create_list_get_update_delete(cli: Cli) -> None:
    created = cli(
        "templates", "create", "cli-tpl", "--model", "openai/gpt-4o-mini",
        "--system", "You answer for {{company}} in {{language}}.", "--json",
    )  # fmt: skip
    assert created.status == 0, created.err
    tpl = created.json()
    assert tpl["name"] == "cli-tpl" and tpl["variables"] == ["company", "language"]
    listed = cli("templates", "list").out.splitlines()
    assert any(line.split("\t")[:2] == [tpl["id"], "cli-tpl"] for line in listed)
    by_name = cli("templates", "get", "cli-tpl", "--json").json()
    assert by_name["id"] == tpl["id"]
    updated = cli("templates", "update", "cli-tpl", "--description", "Support", "--json").json()
    assert updated["description"] == "Support" and updated["system"] == tpl["system"]
    assert cli("templates", "update", "cli-tpl").status == 2  # nothing to change
    deleted = cli("templates", "delete", tpl["id"])
    assert (deleted.status, deleted.out) == (0, f"deleted {tpl['id']}\n")
    assert cli("templates", "get", tpl["id"]).status == 4


def test_rag_upload_wait_list_get_search(cli: Cli, tmp_path: Path) -> None:
    doc = tmp_path / "handbook.md"
    doc.write_text(
        "# Handbook\n\n## Onboarding\nNew hires meet their buddy on day one. The onboarding "
        "process takes two weeks.\n\n## Holidays\nEveryone gets 25 days of paid leave.\n"
    )
    uploaded = cli("rag", "upload", str(doc), "--wait", "--metadata", "team=cli", "--json")
    assert uploaded.status == 0, uploaded.err
    (status,) = uploaded.json()
    assert status["embedding_status"] == "ready" and status["file_name"] == "handbook.md"
    assert status["mime_type"] == "text/markdown" and status["metadata"] == {"team": "cli"}
    file_id = status["file_id"]
    plain = cli("rag", "upload", str(doc), "--embed", "--wait")
    assert plain.status == 0
    assert plain.out.splitlines()[0].split("\t") == [
        "file_id",
        "name",
        "bytes",
        "upload",
        "embedding",
    ]
    assert plain.out.splitlines()[1].endswith("\tready\tready")
    # progress, when piped: plain lines on stderr, no colour, no cursor movement
    assert "uploading: 1/1 done" in plain.err and "embedding: 1/1" in plain.err
    assert "\x1b" not in plain.out + plain.err
    listed = cli("rag", "list", "--json").json()
    assert file_id in {f["file_id"] for f in listed["files"]}
    assert cli("rag", "get", file_id, "--json").json()["embedding_status"] == "ready"
    found = cli(
        "rag", "search", "how long is onboarding", "--top-k", "1", "--file-id", file_id, "--json"
    )
    (hit,) = found.json()
    assert hit["file_id"] == file_id and "two weeks" in hit["text"]
    assert cli("rag", "upload", str(tmp_path / "missing.pdf")).status == 2


def test_batches_from_stdin_wait_list_get_cancel(cli: Cli, tmp_path: Path) -> None:
    lines = [
        {"custom_id": "hi", "body": {"messages": [{"role": "user", "content": "Say hi."}]}},
        {
            "custom_id": "bye",
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": {
                "model": "openai/gpt-5-nano",
                "messages": [{"role": "user", "content": "Say bye."}],
            },
        },
    ]
    stdin = "\n".join(json.dumps(line) for line in lines) + "\n"
    waited = cli("batches", "create", "-", "-m", "openai/gpt-5-nano", "--wait", stdin=stdin)
    assert waited.status == 0, waited.err
    results = waited.json_lines()
    assert [r["custom_id"] for r in sorted(results, key=lambda r: r["custom_id"])] == ["bye", "hi"]
    assert all(r["body"]["choices"][0]["message"]["content"] for r in results)
    assert "completed: 2/2 completed, 0 failed" in waited.err
    batch_id = waited.err.split("created ", 1)[1].split()[0]
    got = cli("batches", "get", batch_id, "--json").json()
    assert got["status"] == "completed" and got["request_counts"]["total"] == 2
    assert batch_id in {b["id"] for b in cli("batches", "list", "--json").json()["data"]}
    out_file = tmp_path / "results.jsonl"
    again = cli("batches", "wait", batch_id, "-o", str(out_file))
    assert again.status == 0 and again.out == ""
    assert [json.loads(line) for line in out_file.read_text().splitlines()] == results
    # cancelling a finished batch: the gateway's 409, reported on one line, exit status 1
    refused = cli("batches", "cancel", batch_id)
    assert refused.status == 1
    assert refused.err.startswith("error: 409 conflict: ") and "request_id req_" in refused.err
    path = tmp_path / "requests.jsonl"
    path.write_text(stdin)
    created = cli("batches", "create", str(path), "-m", "openai/gpt-5-nano", "--json").json()
    assert created["id"].startswith("batch_") and created["request_counts"]["total"] == 2
    path.write_text('{"custom_id": "x"}\n')
    bad = cli("batches", "create", str(path))
    assert bad.status == 2 and "line 1: expected an object with a 'body' object" in bad.err


def png_size(data: bytes) -> tuple:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_images_generate_writes_the_files(cli: Cli, tmp_path: Path) -> None:
    one = cli(
        "images",
        "generate",
        "A watercolor fox",
        "-o",
        str(tmp_path / "fox.png"),
        "--size",
        "256x256",
    )
    assert one.status == 0, one.err
    data = (tmp_path / "fox.png").read_bytes()
    assert png_size(data) == (256, 256)
    assert one.out == f"wrote {tmp_path / 'fox.png'} ({len(data):,} bytes)\n"
    two = cli("images", "generate", "Two foxes", "-n", "2", "-o", str(tmp_path / "f.png"), "--json")
    files = two.json()["files"]
    assert [f["path"] for f in files] == [str(tmp_path / "f-1.png"), str(tmp_path / "f-2.png")]
    assert all((tmp_path / Path(f["path"]).name).stat().st_size == f["bytes"] for f in files)
    again = cli("images", "generate", "A fox", "-o", str(tmp_path / "fox.png"))
    assert again.status == 2 and "exists (use --force" in again.err
    assert cli("images", "generate", "A fox", "-o", str(tmp_path / "fox.gif")).status == 2


def test_embeddings_from_arguments_and_stdin(cli: Cli, gateway: LocalGateway) -> None:
    texts = ["The cat sat on the mat.", "Quarterly revenue grew."]
    as_json = cli("embeddings", *texts, "--json")
    assert as_json.status == 0, as_json.err
    data = as_json.json()["data"]
    assert [d["index"] for d in data] == [0, 1]
    piped = cli("embeddings", stdin="\n".join(texts) + "\n")
    vectors = [json.loads(line) for line in piped.out.splitlines()]
    with sdk(gateway) as client:
        expected = [
            d.vector()
            for d in client.embeddings.create(
                {"model": "openai/text-embedding-3-small", "input": texts}
            ).data
        ]
    assert vectors == expected
    small = cli("embeddings", "--dimensions", "8", "hello").out.splitlines()
    assert len(json.loads(small[0])) == 8
    assert cli("embeddings", stdin="").status == 2


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)


def test_on_a_terminal_tables_and_progress_bars_are_drawn(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # stdout and stderr act as terminals
    monkeypatch.setenv("COLUMNS", "120")
    models = cli("models", "--free")
    assert models.status == 0
    assert "\x1b[" in models.out and "┃ id " in plain(models.out)  # a rich table, with style
    doc = tmp_path / "notes.txt"
    doc.write_text("Deploys happen on Tuesdays after the team review.\n")
    uploaded = cli("rag", "upload", str(doc), "--wait")
    assert uploaded.status == 0, uploaded.err
    bars = plain(uploaded.err)
    assert "━" in bars and "uploading" in bars and "embedding" in bars
    assert "uploading: 1/1" not in bars  # the bar, not the piped lines
    vectors = cli("embeddings", "--dimensions", "8", "hello world")
    assert vectors.status == 0
    assert re.search(r"│ hello world\s+│ 8\s+│ 1\.000 │ \[", plain(vectors.out)), vectors.out
