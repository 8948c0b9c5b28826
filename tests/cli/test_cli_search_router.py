"""``meshapi moderate``, ``search``, ``route`` and ``models --search/--type/--provider``
against the session gateway: ``--json`` parsed back, the piped form, stdin, error exits."""

from __future__ import annotations

import json
import signal
import subprocess
from typing import Dict

import httpx
from clikit import Cli, subprocess_argv

from meshapi import MeshAPI
from meshapi.testing import LocalGateway


def test_moderate_arguments_stdin_images_and_fail_flagged(cli: Cli) -> None:
    table = cli("moderate", "I will kill you and stab him.", "What a lovely day.")
    assert table.status == 0, table.err
    header, violent, benign = table.out.splitlines()
    assert header.split("\t") == ["input", "flagged", "categories", "top score"]
    assert violent.split("\t")[1] == "yes" and "violence" in violent.split("\t")[2]
    assert benign.split("\t")[1:3] == ["no", "-"]
    as_json = cli("moderate", "hello", "--json").json()
    assert as_json["results"][0]["flagged"] is False
    piped = cli("moderate", stdin="first line\n\nI will murder you\n")
    assert [line.split("\t")[1] for line in piped.out.splitlines()[1:]] == ["no", "yes"]
    image = cli("moderate", "--image", "https://i.example/gore.png", "--json").json()
    assert image["results"][0]["category_applied_input_types"]["violence"] == ["image"]
    assert cli("moderate", "I will murder you", "--fail-flagged").status == 1
    assert cli("moderate", "a calm lake", "--fail-flagged").status == 0
    assert cli("moderate", stdin="").status == 2
    wrong = cli("moderate", "x", "-m", "openai/gpt-4o")
    assert wrong.status == 1 and "not a moderation model" in wrong.err


def test_search_piped_json_and_answer(cli: Cli) -> None:
    piped = cli("search", "latest news on Mars rovers", "-n", "2", "--answer")
    assert piped.status == 0, piped.err
    answer, *hits = piped.out.splitlines()
    assert answer.startswith("answer: ") and "Mars" in answer
    assert len(hits) == 2 and all(len(h.split("\t")) == 3 for h in hits)
    assert float(hits[0].split("\t")[0]) >= float(hits[1].split("\t")[0])
    assert "2 results from native" in piped.err
    as_json = cli("search", "python", "gil", "--provider", "tavily", "--json").json()
    assert as_json["provider"] == "tavily" and as_json.get("answer") is None
    from_stdin = cli("search", "--json", stdin="sourdough bread\n").json()
    assert from_stdin["query"] == "sourdough bread" and from_stdin["results"]
    only = cli("search", "rover", "--include-domain", "news.example.com", "--json").json()
    assert all("news.example.com" in r["url"] for r in only["results"])
    too_many = cli("search", "x", "-n", "50")
    assert too_many.status == 2 and "max_results" in too_many.err
    assert cli("search", stdin="").status == 2


def test_route_fields_json_and_exclusions(cli: Cli) -> None:
    shown = cli("route", "Prove that 2+2=4.")
    assert shown.status == 0, shown.err
    assert shown.out.splitlines()[:3] == [
        "model: openai/o4-mini",
        "fallback: no",
        "reasoning effort: high",
    ]
    plain = cli("route", "Hello", "--json").json()
    assert plain["auto_router"] == {"fallback_used": True, "fallback_reason": "no_rule_matched"}
    excluded = cli("route", "Prove it", "--exclude", "openai/o4-mini", "--json").json()
    assert excluded["model"] != "openai/o4-mini"
    embed = cli("route", "--api", "embeddings", "--json", stdin="some text").json()
    assert embed["model"] == "openai/text-embedding-3-small"
    assert cli("route", "x", "--api", "images").status == 2


def test_models_search_type_and_provider(cli: Cli, gateway: LocalGateway) -> None:
    with MeshAPI(base_url=gateway.base_url, token=gateway.api_key) as client:
        expected = client.models.search({"q": "claude", "limit": 2, "offset": 1})
        embeddings = client.models.list(type="embedding", provider="openai")
    page = cli("models", "--search", "claude", "--limit", "2", "--offset", "1", "--json").json()
    assert [m["id"] for m in page["items"]] == [m.id for m in expected.items]
    assert page["total"] == expected.total and page["brands"] == ["Anthropic"]
    piped = cli("models", "--search", "claude", "--limit", "2")
    assert [line.split("\t")[0] for line in piped.out.splitlines()[1:]] == [
        m["id"]
        for m in cli("models", "--search", "claude", "--limit", "2", "--json").json()["items"]
    ]
    assert "brands: Anthropic" in piped.err
    typed = cli("models", "--type", "embedding", "--provider", "openai", "--json").json()
    assert [m["id"] for m in typed] == [m.id for m in embeddings]
    free_text = cli("models", "--type", "text", "--free", "--json").json()
    assert free_text and all(m["is_free"] for m in free_text)
    by_brand = cli("models", "--brand", "Google", "--sort", "id", "--json").json()
    assert by_brand["items"] and all(m["brand"] == "Google" for m in by_brand["items"])
    assert cli("models", "--search", "x", "--type", "text").status == 2
    assert cli("models", "--search", "x", "--limit", "0").status == 2
    assert cli("models", "--type", "hologram").status == 2
    one = cli("models", "get", "google/gemini-3-flash-preview", "--json").json()
    assert one["model_type"] == "chat"


def test_gateway_flags_switch_web_search_and_the_router_off(cli_env: Dict[str, str]) -> None:
    argv = subprocess_argv(
        "gateway", "--port", "0", "--json", "--no-web-search", "--no-auto-router"
    )
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env
    )
    try:
        assert process.stdout is not None
        started = json.loads(process.stdout.readline())
        auth = {"Authorization": f"Bearer {started['api_key']}"}
        base = started["base_url"]
        search = httpx.post(base + "/v1/web/search", json={"query": "x"}, headers=auth)
        route = httpx.post(
            base + "/v1/router/select",
            json={"messages": [{"role": "user", "content": "x"}]},
            headers=auth,
        )
        moderation = httpx.post(base + "/v1/moderations", json={"input": "x"}, headers=auth)
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert (search.status_code, route.status_code, moderation.status_code) == (403, 403, 200)
    assert "WEB_SEARCH_ENABLED" in search.json()["error"]["message"]
