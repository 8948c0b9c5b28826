"""Where meshapi's CPU goes, next to the floor: ``python -m benchmarks.profile_hotpaths CASE``.

CASE is one of the client cases of ``benchmarks.run`` (``chat_sync``, ``stream_sync``,
``stream_async``, ``chat_async``, ``embeddings``, ``models``), ``micro`` or ``import``.

For a client case it prints, for meshapi and the floor on the same stub server:

1. the unprofiled CPU per op (a few interleaved rounds), the reference for everything below;
2. the profiled time by package (meshapi, httpx, httpcore, h11, pydantic, json, asyncio...);
3. a differential profile: per op, the functions where meshapi spends more time than the
   floor, and how many more calls it makes to each (calls are exact; times carry cProfile's
   overhead, which inflates code that makes many small calls);
4. meshapi's own functions by cumulative time per op.

``micro`` times single steps of the request and stream paths in isolation (``timeit``, no
profiler): building params, ``to_wire``, JSON encoding, ids, ``build_request``, parsing.
``import`` runs ``python -X importtime -c "import meshapi"`` and lists what meshapi adds to the
floor's imports, by self time (median of several runs).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import re
import statistics
import subprocess
import sys
import time
import timeit
from collections import defaultdict
from typing import Any, Callable, Dict, List, Optional, Tuple

from benchmarks.clients import CASES, Runner, Settings, make_runner
from benchmarks.run import IMPORTS, ROOT, StubServer, import_env

__all__ = ["main"]

Key = Tuple[str, int, str]
PACKAGES = (
    "meshapi",
    "httpx",
    "httpcore",
    "h11",
    "anyio",
    "pydantic_core",
    "pydantic",
    "openai",
    "asyncio",
    "json",
    "benchmarks",
)


def _package(filename: str) -> str:
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    parts = re.split(r"[\\/]", filename)
    for name in PACKAGES:
        if name in parts:
            return name
    return "stdlib/other"


def _label(key: Key) -> str:
    filename, line, func = key
    if filename == "~":
        return func
    parts = re.split(r"[\\/]", filename)
    for i, part in enumerate(parts):
        if part in PACKAGES:
            return f"{'/'.join(parts[i:])}:{line}({func})"
    return f"{parts[-1]}:{line}({func})"


def _profile(runner: Runner) -> Tuple[Dict[Key, Any], int]:
    profiler = cProfile.Profile()
    profiler.enable()
    ops = runner.run_round()
    profiler.disable()
    stats = pstats.Stats(profiler)
    return stats.stats, ops  # type: ignore[attr-defined]


def _per_op(stats: Dict[Key, Any], ops: int) -> Dict[Key, Tuple[float, float, float]]:
    """key -> (calls per op, tottime µs per op, cumtime µs per op)."""
    return {k: (v[1] / ops, v[2] / ops * 1e6, v[3] / ops * 1e6) for k, v in stats.items()}


def _by_package(per_op: Dict[Key, Tuple[float, float, float]]) -> Dict[str, float]:
    out: Dict[str, float] = defaultdict(float)
    for key, (_calls, tot, _cum) in per_op.items():
        out[_package(key[0])] += tot
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def profile_case(case: str, settings: Settings, top: int, rounds: int) -> None:
    unit, scale, classes = CASES[case]
    clients = [c for c in ("floor", "meshapi") if c in classes]
    runners = {c: make_runner(case, c, settings) for c in clients}
    for r in runners.values():
        r.warmup()

    plain: Dict[str, List[float]] = {c: [] for c in clients}
    for _ in range(rounds):
        for c, r in runners.items():
            r.prepare_round()
            t0 = time.process_time()
            ops = r.run_round()
            plain[c].append((time.process_time() - t0) / ops * scale)
    print(f"== {case}: unprofiled CPU, median of {rounds} rounds ({unit})")
    for c in clients:
        print(f"  {c:<8} {statistics.median(plain[c]):10.2f}   rounds {plain[c]!r}")
    gap = statistics.median(plain["meshapi"]) - statistics.median(plain["floor"])
    print(f"  meshapi - floor = {gap:+.2f} {unit}")

    per_op: Dict[str, Dict[Key, Tuple[float, float, float]]] = {}
    for c, r in runners.items():
        r.prepare_round()
        stats, ops = _profile(r)
        per_op[c] = _per_op(stats, ops)
    print("\n== profiled time by package, µs per op (cProfile inflates call-heavy code)")
    pkgs = {c: _by_package(per_op[c]) for c in clients}
    names = sorted(set().union(*pkgs.values()), key=lambda n: -pkgs["meshapi"].get(n, 0.0))
    print(f"  {'package':<16}" + "".join(f"{c:>12}" for c in clients) + f"{'diff':>12}")
    for n in names:
        vals = [pkgs[c].get(n, 0.0) for c in clients]
        print(f"  {n:<16}" + "".join(f"{v:12.2f}" for v in vals) + f"{vals[-1] - vals[0]:+12.2f}")
    totals = [sum(pkgs[c].values()) for c in clients]
    print(f"  {'total':<16}" + "".join(f"{v:12.2f}" for v in totals))

    print(f"\n== differential: where meshapi spends more per op than the floor (top {top})")
    mesh, floor = per_op["meshapi"], per_op["floor"]
    rows = []
    for key in set(mesh) | set(floor):
        mc, mt, _ = mesh.get(key, (0.0, 0.0, 0.0))
        fc, ft, _ = floor.get(key, (0.0, 0.0, 0.0))
        rows.append((mt - ft, mc - fc, mc, key))
    rows.sort(key=lambda row: -row[0])
    print(f"  {'+µs/op':>8} {'+calls/op':>10} {'calls/op':>9}  function")
    for dt, dc, mc, key in rows[:top]:
        print(f"  {dt:8.2f} {dc:10.2f} {mc:9.2f}  {_label(key)}")

    print("\n== meshapi's own functions by cumulative time per op")
    own = [(v[2], v[0], k) for k, v in mesh.items() if _package(k[0]) == "meshapi"]
    for cum, calls, key in sorted(own, key=lambda row: -row[0])[:top]:
        print(f"  {cum:8.2f} µs  {calls:8.2f} calls  {_label(key)}")
    for r in runners.values():
        r.close()


# ---------------------------------------------------------------------------------------------
# Micro timings
# ---------------------------------------------------------------------------------------------


def _time(fn: Callable[[], Any], number: int) -> float:
    """Best of 5 repeats, µs per call."""
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6


def micro(url: str) -> None:
    import httpx

    import meshapi
    from benchmarks.clients import MODEL, PROMPT, SYSTEM
    from benchmarks.stub_server import chat_completion_body, stream_parts
    from meshapi._request import RequestOptions, encode_json, new_idempotency_key, new_request_id
    from meshapi._sse import SSEDecoder
    from meshapi._streaming import StreamCore, model_decoder

    client = meshapi.MeshAPI(base_url=url, token="rsk_bench")
    http = client._http
    raw = httpx.Client()

    def params() -> Any:
        return meshapi.ChatCompletionParams(
            model=MODEL,
            messages=[
                meshapi.ChatMessage(role="system", content=SYSTEM),
                meshapi.ChatMessage(role="user", content=PROMPT),
            ],
            max_tokens=256,
        )

    p = params()
    body = p.to_wire()
    body_dict = {
        "model": MODEL,
        "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": PROMPT}],
        "max_tokens": 256,
    }
    opts = RequestOptions("POST", "/v1/chat/completions", body=body)
    floor_headers = {"Authorization": "Bearer rsk_bench", "Content-Type": "application/json"}
    reply = chat_completion_body()
    n = 2000
    rows: List[Tuple[str, float]] = [
        ("ChatCompletionParams(2 x ChatMessage)", _time(params, n)),
        ("params.to_wire()", _time(p.to_wire, n)),
        ("meshapi encode_json(body)", _time(lambda: encode_json(body), n)),
        ("floor json.dumps(body).encode()", _time(lambda: json.dumps(body_dict).encode(), n)),
        ("new_request_id()", _time(new_request_id, n)),
        ("new_idempotency_key()", _time(new_idempotency_key, n)),
        (
            "meshapi http.build_request (whole)",
            _time(lambda: http.build_request(http.client, opts, stream=False), n),
        ),
        (
            "floor httpx build_request(2 headers)",
            _time(
                lambda: raw.build_request(
                    "POST",
                    url + "/v1/chat/completions",
                    content=json.dumps(body_dict).encode(),
                    headers=floor_headers,
                ),
                n,
            ),
        ),
        (
            "ChatCompletionResponse.model_validate_json",
            _time(lambda: meshapi.ChatCompletionResponse.model_validate_json(reply), n),
        ),
        ("floor json.loads(reply)", _time(lambda: json.loads(reply), n)),
    ]
    print("== request path, µs per call (best of 5)")
    for name, us in rows:
        print(f"  {us:9.2f}  {name}")

    parts = stream_parts(10_000)
    batch = parts[2]
    payload = batch.split(b"\r\n", 1)[1].rsplit(b"\r\n", 1)[0]
    text = payload.decode()
    frames = [line[6:] for line in text.split("\n") if line.startswith("data: ")]
    per = len(frames)
    decode = model_decoder(meshapi.ChatCompletionChunk)
    events = SSEDecoder().feed(payload)

    def feed_decoder() -> Any:
        return SSEDecoder().feed(payload)

    def core_feed() -> Any:
        return StreamCore(decode, None, "bench").feed(payload)

    def floor_lines() -> Any:
        decoder = httpx._decoders.LineDecoder()
        return [json.loads(line[5:]) for line in decoder.decode(text) if line.startswith("data:")]

    n = 200
    rows = [
        ("SSEDecoder.feed (split + events)", _time(feed_decoder, n) / per),
        (
            "model_decoder: validate one frame",
            _time(lambda: [decode(e, None) for e in events], n) / per,
        ),
        (
            "ChatCompletionChunk.model_validate_json(str)",
            _time(lambda: [meshapi.ChatCompletionChunk.model_validate_json(f) for f in frames], n)
            / per,
        ),
        ("json.loads(frame)", _time(lambda: [json.loads(f) for f in frames], n) / per),
        ("StreamCore.feed (all of the above)", _time(core_feed, n) / per),
        ("floor: LineDecoder + json.loads", _time(floor_lines, n) / per),
    ]
    print(f"\n== stream path, µs per chunk (one {len(payload)}-byte read of {per} frames)")
    for name, us in rows:
        print(f"  {us:9.3f}  {name}")
    client.close()
    raw.close()


# ---------------------------------------------------------------------------------------------
# Import time
# ---------------------------------------------------------------------------------------------


def _importtime(code: str) -> Dict[str, Tuple[int, int]]:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        cwd=ROOT,
        env=import_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    rows: Dict[str, Tuple[int, int]] = {}
    for line in out.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            rows[m.group(4)] = (int(m.group(1)), int(m.group(2)))
    return rows


def import_profile(runs: int, top: int) -> None:
    for c in IMPORTS:  # fill the bytecode cache first
        _importtime(IMPORTS[c])
    samples: Dict[str, Dict[str, List[Tuple[int, int]]]] = {"floor": {}, "meshapi": {}}
    for _ in range(runs):
        for c in samples:
            for mod, val in _importtime(IMPORTS[c]).items():
                samples[c].setdefault(mod, []).append(val)
    med = {
        c: {m: (statistics.median(v[0] for v in vals), statistics.median(v[1] for v in vals))
            for m, vals in s.items()}
        for c, s in samples.items()
    }  # fmt: skip
    floor_total = sum(v[0] for v in med["floor"].values()) / 1000
    mesh_total = sum(v[0] for v in med["meshapi"].values()) / 1000
    extra = {m: v for m, v in med["meshapi"].items() if m not in med["floor"]}
    extra_total = sum(v[0] for v in extra.values()) / 1000
    print(f"== -X importtime, median of {runs} runs (importtime itself adds overhead)")
    print(f"  floor imports {len(med['floor'])} modules, {floor_total:.1f} ms self time in all")
    print(f"  meshapi imports {len(med['meshapi'])} modules, {mesh_total:.1f} ms")
    print(f"  modules only meshapi imports: {len(extra)}, {extra_total:.1f} ms self time")
    print(f"\n  top {top} of those by self time (ms self / ms cumulative):")
    for mod, (self_us, cum_us) in sorted(extra.items(), key=lambda kv: -kv[1][0])[:top]:
        print(f"  {self_us / 1000:8.2f} {cum_us / 1000:8.2f}  {mod}")
    groups: Dict[str, float] = defaultdict(float)
    for mod, (self_us, _cum) in extra.items():
        groups[mod.split(".")[0] if not mod.startswith("meshapi") else mod] += self_us / 1000
    print("\n  by package (ms self):")
    for name, ms in sorted(groups.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {ms:8.2f}  {name}")


# ---------------------------------------------------------------------------------------------


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.profile_hotpaths", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("case", choices=[*CASES, "micro", "import"])
    parser.add_argument("--top", type=int, default=25, help="rows per table")
    parser.add_argument("--rounds", type=int, default=3, help="unprofiled rounds per client")
    parser.add_argument("--requests", type=int, default=1000, help="chat requests per round")
    args = parser.parse_args(argv)
    if args.case == "import":
        import_profile(max(args.rounds, 5), args.top)
        return
    server = StubServer()
    try:
        if args.case == "micro":
            micro(server.url)
        else:
            settings = Settings(
                base_url=server.url, chat_requests=args.requests, async_requests=2000
            )
            profile_case(args.case, settings, args.top, args.rounds)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
