"""``meshapi compare``: JSON lines, the piped form, and the live view in a fixed-size terminal
(replayed through a small terminal emulator and checked line by line)."""

from __future__ import annotations

import re
from typing import Dict, List, Tuple

import pytest
from clikit import Cli

from meshapi import MeshAPI
from meshapi.testing import FaultController, LocalGateway

MODELS = ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5"]
PROMPT = "Name one benefit of unit tests"
WIDTH = 100

_CONTROL = re.compile(r"(\x1b\[[0-9;?]*[A-Za-z]|\r|\n)")


def screen(raw: str) -> List[str]:
    """What a terminal shows after ``raw``: text, newlines, carriage returns, and the control
    sequences rich's live display uses (cursor up, erase line, colours, cursor visibility)."""
    lines, row, col = [""], 0, 0
    for token in _CONTROL.split(raw):
        if not token:
            continue
        if token == "\n":
            row, col = row + 1, 0
            if row == len(lines):
                lines.append("")
        elif token == "\r":
            col = 0
        elif token.startswith("\x1b["):
            command, arg = token[-1], token[2:-1]
            if command == "A":
                row = max(0, row - int(arg or "1"))
            elif command == "K":
                assert arg == "2", token
                lines[row] = ""
            else:
                assert command in "mhl", f"unexpected control sequence {token!r}"
        else:
            line = lines[row].ljust(col)
            lines[row] = line[:col] + token + line[col + len(token) :]
            col += len(token)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def expected_run(cli: Cli, *extra: str) -> Tuple[Dict[str, str], Dict[str, dict], str]:
    """Replies, usage per model, and the synthesis, from a ``--json`` run."""
    result = cli("compare", *[a for m in MODELS for a in ("-m", m)], *extra, "--json", PROMPT)
    assert result.status == 0, result.err
    events = result.json_lines()
    assert events[0]["event"] == "meta" and events[-1]["event"] == "done"
    replies: Dict[str, str] = {}
    usage: Dict[str, dict] = {}
    synthesis = ""
    for event in events:
        if event["event"] == "model_chunk":
            replies[event["model"]] = replies.get(event["model"], "") + (event.get("delta") or "")
            if event.get("usage"):
                usage[event["model"]] = event["usage"]
        elif event["event"] == "model_stream_done":
            usage[event["model"]] = event["usage"]
        elif event["event"] == "comparison_chunk":
            synthesis += event.get("delta") or ""
    return replies, usage, synthesis


def cells(line: str, sep: str) -> List[str]:
    return [c.strip() for c in line.strip()[1:-1].split(sep)]


def prices(gateway: LocalGateway) -> Dict[str, float]:
    with MeshAPI(base_url=gateway.base_url, token=gateway.api_key) as client:
        return {
            m.id: (m.pricing.prompt_usd_per_1k or 0, m.pricing.completion_usd_per_1k or 0)
            for m in client.models.list()
            if m.pricing
        }


@pytest.mark.parametrize("synthesis", [True, False], ids=["synthesis", "no-synthesis"])
def test_the_live_view_in_a_fixed_size_terminal(
    cli: Cli,
    gateway: LocalGateway,
    faults: FaultController,
    monkeypatch: pytest.MonkeyPatch,
    synthesis: bool,
) -> None:
    extra = () if synthesis else ("--no-synthesis",)
    replies, usage, synthesis_text = expected_run(cli, *extra)
    assert set(replies) == set(MODELS) and all(replies.values())
    monkeypatch.setenv("FORCE_COLOR", "1")  # a terminal, 100 columns
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    monkeypatch.setenv("LINES", "60")
    faults.stall(0.3, where="mid_stream", after=2)  # the live view shows a partial state
    result = cli("compare", *[a for m in MODELS for a in ("-m", m)], *extra, PROMPT)
    assert result.status == 0, result.err
    assert "\x1b[" in result.out  # it was rendered for a terminal
    lines = screen(result.out)

    # 1. the replies, side by side, in two columns that fill the width
    top, header, rule = lines[0], lines[1], lines[2]
    assert len(top) == WIDTH and top[0] == "┏" and top[-1] == "┓" and top.count("┳") == 1
    split = top.index("┳")
    assert header[split] == "┃" and cells(header, "┃") == MODELS  # no "…": both finished
    assert rule[0] == "┡" and rule[split] == "╇"
    end = next(i for i, line in enumerate(lines) if line.startswith("└"))
    body = lines[3:end]
    assert body and all(len(line) == WIDTH and line[split] == "│" for line in body)
    for index, model in enumerate(MODELS):
        shown = " ".join(cells(line, "│")[index] for line in body).split()
        assert shown == replies[model].split(), model

    # 2. latency, tokens and cost per model
    stats = lines[end + 1 : end + 4 + len(MODELS) + 1]
    assert cells(stats[1], "┃") == ["model", "latency", "tokens in", "tokens out", "cost"]
    price = prices(gateway)
    for model, line in zip(MODELS, stats[3 : 3 + len(MODELS)]):
        name, latency, tokens_in, tokens_out, cost = cells(line, "│")
        used = usage[model]
        assert name == model and re.fullmatch(r"\d+ ms", latency)
        assert (int(tokens_in), int(tokens_out)) == (
            used["prompt_tokens"],
            used["completion_tokens"],
        )
        dollars = (
            used["prompt_tokens"] * price[model][0] + used["completion_tokens"] * price[model][1]
        ) / 1000
        assert cost == f"${dollars:.6f}"
    assert stats[-1].startswith("└")

    # 3. the synthesis, in a panel as wide as the terminal; nothing after it
    rest = lines[end + 4 + len(MODELS) + 1 :]
    if not synthesis:
        assert rest == []
        return
    assert rest[0].startswith("╭─ synthesis by openai/gpt-4o-mini ") and len(rest[0]) == WIDTH
    assert rest[-1].startswith("╰") and len(rest) >= 3
    assert " ".join(cells(line, "│")[0] for line in rest[1:-1]).split() == synthesis_text.split()


def test_piped_output_is_plain_sections_then_a_tab_separated_table(cli: Cli) -> None:
    replies, _usage, synthesis = expected_run(cli)
    result = cli("compare", "-m", MODELS[0], "-m", MODELS[1], stdin=PROMPT + "\n")
    assert result.status == 0, result.err
    assert "\x1b" not in result.out
    text = result.out
    for model in MODELS:
        assert f"== {model}\n{replies[model]}\n" in text
    table = [line.split("\t") for line in text.splitlines() if "\t" in line]
    assert table[0] == ["model", "latency", "tokens in", "tokens out", "cost"]
    assert [row[0] for row in table[1:]] == MODELS
    assert text.endswith(f"== synthesis by openai/gpt-4o-mini\n{synthesis}\n")


def test_a_model_that_fails_shows_its_error_in_its_column(cli: Cli) -> None:
    result = cli("compare", "-m", MODELS[0], "-m", "nobody/no-such-model", "Hi")
    assert result.status == 0, result.err
    assert "== nobody/no-such-model\nmodel_not_found: " in result.out


def test_a_stream_cut_in_a_terminal_keeps_what_arrived_and_reports_one_line(
    cli: Cli, faults: FaultController, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    faults.drop_stream_after(4, how="eof")
    argv = ["compare", "-m", MODELS[0], "-m", MODELS[1], "--no-synthesis", PROMPT]
    result = cli(*argv)
    assert result.status == 7
    assert result.err.startswith("error: stream_interrupted: ") and result.err.count("\n") == 1
    lines = screen(result.out)
    assert cells(lines[1], "┃") == [m + " …" for m in MODELS]  # neither reply finished
    body = lines[3 : next(i for i, line in enumerate(lines) if line.startswith("└"))]
    assert any(cells(line, "│")[0] not in ("", "…") for line in body)  # text that arrived
