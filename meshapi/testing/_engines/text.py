"""The deterministic "model" behind the local gateway.

Rule: a reply is a pure function of its input. The conversation, the model id, ``seed``,
``temperature`` and the choice index are hashed into a seed for a private random generator;
nothing reads the clock or global randomness. Same request, same bytes; change the seed or the
temperature and the phrasing changes, deterministically.

What it understands, in order: tool results (it answers from them), tool requests (it calls the
tool whose name/description matches the prompt, with arguments built from the tool's JSON
schema and filled from the prompt), "reply with exactly X" (X, verbatim), "say ...", counting,
arithmetic (symbols or words: "12 times 4"), capitals (and the country of a capital), facts
the user stated earlier in the conversation ("my name is ..."), haiku, summaries, greetings,
and otherwise a short explanation built from the prompt's keywords. "In one word" / "just the
number" shortens a factual answer to the fact itself.

Structured output: with a JSON schema (``response_format`` ``json_schema``), or in JSON mode
(``json_object``) with a JSON schema written in the messages (as instructor and similar
libraries send it), the reply is a JSON value valid against that schema, filled from the
prompt and the facts above (``{"name": "Paris", "country": "France"}``); JSON mode without a
schema answers ``{"answer": ...}``. A system prompt of the form
"You are X" shows in the answer, which is how a rendered template becomes visible.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import operator
import random
import re
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple

from .._core.tokens import count_tokens, tokenize

__all__ = [
    "Attachment",
    "Reply",
    "ReplyRequest",
    "ToolSpec",
    "Turn",
    "build_from_schema",
    "count_tokens",
    "generate_reply",
    "reasoning_summary",
    "reasoning_tokens_for",
    "schema_in_messages",
    "stable_hash",
    "tokenize",
]


def stable_hash(*parts: Any) -> int:
    """A 64-bit hash of JSON-able parts, stable across processes (unlike ``hash``)."""
    data = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


# --------------------------------------------------------------------------------------------
# Conversation


@dataclasses.dataclass
class Attachment:
    """A non-text content part the engine acknowledges (image, audio, video or file)."""

    kind: str  # "image" | "audio" | "video" | "file"
    detail: str = ""  # URL (shortened) or format
    seconds: float = 0.0


@dataclasses.dataclass
class Turn:
    """One message, reduced to what the engine looks at."""

    role: str
    text: str = ""
    attachments: List[Attachment] = dataclasses.field(default_factory=list)
    tool_calls: List[Dict[str, Any]] = dataclasses.field(
        default_factory=list
    )  # {id,name,arguments}
    tool_call_id: Optional[str] = None
    name: Optional[str] = None


@dataclasses.dataclass
class ToolSpec:
    """A function the model may call."""

    name: str
    description: str = ""
    parameters: Dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class ReplyRequest:
    """Everything that determines one reply."""

    turns: List[Turn]
    model: str
    tools: List[ToolSpec] = dataclasses.field(default_factory=list)
    tool_choice: Any = None  # None/"auto"/"none"/"required"/{"name": ...}
    parallel_tool_calls: bool = True
    seed: Optional[int] = None
    temperature: Optional[float] = None
    top_p: Optional[float] = None
    choice_index: int = 0
    json_schema: Optional[Dict[str, Any]] = None  # structured output wanted
    json_mode: bool = False


@dataclasses.dataclass
class Reply:
    """What the model says: text, or tool calls (each ``{"id", "name", "arguments"}``)."""

    text: Optional[str]
    tool_calls: List[Dict[str, Any]] = dataclasses.field(default_factory=list)


def _rng(req: ReplyRequest, salt: str = "") -> random.Random:
    convo = [
        [
            t.role,
            t.text,
            [dataclasses.asdict(a) for a in t.attachments],
            t.tool_calls,
            t.tool_call_id,
        ]
        for t in req.turns
    ]
    parts: List[Any] = [convo, req.model, salt]
    if req.seed is not None:
        parts.append(["seed", req.seed])
    if req.temperature is not None:
        parts.append(["temperature", round(float(req.temperature), 3)])
    if req.top_p is not None and req.top_p != 1:
        parts.append(["top_p", round(float(req.top_p), 3)])
    if req.choice_index:
        parts.append(["choice", req.choice_index])
    return random.Random(stable_hash(*parts))


# --------------------------------------------------------------------------------------------
# Words

_STOP = set(
    """a an the and or but if then so of to in on at by for from with about as into over under
    is are was were be been being am do does did doing done have has had having can could will
    would shall should may might must i me my mine you your yours he she it its we our they their
    them this that these those what which who whom whose when where why how please tell give show
    let lets let's get make write explain describe some any all each every no not very just also
    than too more most less much many one two few there here up down out again once only own same
    other such both now today currently current use using want need like know think say said
    sentence sentences word words short briefly brief two three name list something anything thing
    things suggest provide define""".split()  # noqa: SIM905
)
_GENERIC_TOOL_WORDS = _STOP | {
    "function",
    "tool",
    "call",
    "value",
    "data",
    "info",
    "information",
    "return",
    "returns",
    "given",
    "specified",
    "string",
    "number",
    "object",
    "list",
    "name",
    "type",
    "user",
    "fetch",
    "retrieve",
    "look",
    "lookup",
    "find",
    "query",
    "result",
    "results",
}


def _words(text: str) -> List[str]:
    return re.findall(r"[^\W_]+(?:'[^\W_]+)?", text.lower())


def _stem(word: str) -> str:
    for suffix in ("ies", "es", "s"):
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _keywords(text: str, limit: int = 4) -> List[str]:
    seen: List[str] = []
    for word in _words(text):
        if word in _STOP or len(word) < 3 or word.isdigit():
            continue
        if word not in seen:
            seen.append(word)
    return seen[:limit]


def _sentence_case(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def _ensure_period(text: str) -> str:
    text = text.rstrip()
    return text if not text or text[-1] in ".!?…" else text + "."


# --------------------------------------------------------------------------------------------
# Entities pulled out of a prompt (for tool arguments and structured output)

_LOCATION_PROPS = {
    "city",
    "location",
    "place",
    "town",
    "country",
    "region",
    "destination",
    "origin",
    "address",
    "area",
    "state",
    "where",
    "locality",
    "city_name",
    "location_name",
}
_TEXT_PROPS = {
    "query",
    "q",
    "text",
    "prompt",
    "question",
    "input",
    "message",
    "content",
    "search",
    "term",
    "keywords",
    "keyword",
    "topic",
    "subject",
    "body",
    "description",
    "note",
}
_NAME_PROPS = {"name", "person", "username", "recipient", "contact", "full_name", "who"}
_SENTENCE_START_WORDS = {
    "what",
    "how",
    "why",
    "when",
    "where",
    "who",
    "which",
    "is",
    "are",
    "can",
    "could",
    "would",
    "please",
    "tell",
    "give",
    "show",
    "find",
    "get",
    "i",
    "the",
    "a",
    "an",
    "and",
    "or",
    "book",
    "send",
    "set",
    "check",
    "look",
    "compare",
    "do",
    "does",
    "will",
    "should",
}


@dataclasses.dataclass
class _Entities:
    text: str
    quoted: List[str]
    numbers: List[str]
    locations: List[str]
    proper: List[str]
    emails: List[str]
    urls: List[str]
    dates: List[str]
    used: Dict[str, int] = dataclasses.field(default_factory=dict)

    def take(self, kind: str) -> Optional[str]:
        pool: List[str] = getattr(self, kind)
        index = self.used.get(kind, 0)
        if index < len(pool):
            self.used[kind] = index + 1
            return pool[index]
        return pool[0] if pool else None


def _entities(text: str) -> _Entities:
    quoted = [a or b for a, b in re.findall(r"\"([^\"]+)\"|[“']([^'”]+)['”]", text)]
    numbers = re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w])", text)
    emails = re.findall(r"[\w.+-]+@[\w-]+\.[\w.-]+", text)
    urls = re.findall(r"https?://\S+", text)
    dates = re.findall(r"\b\d{4}-\d{2}-\d{2}\b", text)
    cap = r"[A-Z][\w'-]*(?:\s+(?:de|da|del|la|le|of|upon|am|on)?\s*[A-Z][\w'-]*)*"
    locations = [
        m.strip() for m in re.findall(rf"\b(?:in|at|for|to|from|near|of|around)\s+({cap})", text)
    ]
    proper: List[str] = []
    for match in re.finditer(cap, text):
        phrase = match.group(0).strip()
        first = phrase.split()[0].lower().split("'")[0]
        if (first in _SENTENCE_START_WORDS or first in _STOP) and " " not in phrase:
            continue
        if first in _SENTENCE_START_WORDS or first in _STOP:
            phrase = " ".join(phrase.split()[1:])
        if phrase and phrase not in proper:
            proper.append(phrase)
    locations = [loc for loc in locations if loc.split()[0].lower() not in _SENTENCE_START_WORDS]
    # "weather in Paris and London": the second city joins the first.
    for match in re.finditer(rf"\b(?:in|at|for)\s+{cap}((?:\s*(?:,|and|&)\s*{cap})+)", text):
        for extra in re.findall(cap, match.group(1)):
            if extra not in locations:
                locations.append(extra)
    return _Entities(text, quoted, numbers, locations, proper, emails, urls, dates)


def _prop_words(name: str) -> List[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[\s_\-]+", spaced.lower()) if w]


def build_from_schema(
    schema: Any, text: str, *, answer: Optional[str] = None, name: str = ""
) -> Any:
    """A value valid against a JSON schema, filled from ``text`` where the prompt says.

    Supports ``type`` (single or list), ``properties``/``required``, ``items``/``minItems``,
    ``enum``, ``const``, ``default``, ``anyOf``/``oneOf``/``allOf`` (first branch), string
    ``minLength``/``maxLength``/``format`` and numeric ``minimum``/``maximum``.
    """
    return _build(schema if isinstance(schema, dict) else {}, _entities(text), name, answer, True)[
        0
    ]


def _build(
    schema: Dict[str, Any], ents: _Entities, name: str, answer: Optional[str], required: bool
) -> Tuple[Any, bool]:
    """Returns ``(value, found_in_prompt)``."""
    if "const" in schema:
        return schema["const"], True
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            usable = [o for o in options if isinstance(o, dict) and o.get("type") != "null"]
            merged = dict(schema)
            merged.pop(key)
            merged.update(usable[0] if usable else options[0])
            return _build(merged, ents, name, answer, required)
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        lowered = ents.text.lower()
        for option in enum:
            if isinstance(option, str) and re.search(rf"\b{re.escape(option.lower())}\b", lowered):
                return option, True
        if "default" in schema and schema["default"] in enum:
            return schema["default"], False
        return enum[0], False
    kind = schema.get("type")
    if isinstance(kind, list):
        non_null = [k for k in kind if k != "null"]
        kind = non_null[0] if non_null else "null"
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    words = set(_prop_words(name))
    if kind == "object":
        raw_props = schema.get("properties")
        props: Dict[str, Any] = raw_props if isinstance(raw_props, dict) else {}
        required_names = [r for r in schema.get("required", []) if isinstance(r, str)]
        obj: Dict[str, Any] = {}
        found_any = False
        for prop_name, prop_schema in props.items():
            sub = prop_schema if isinstance(prop_schema, dict) else {}
            is_required = prop_name in required_names
            value, found = _build(sub, ents, prop_name, answer, is_required)
            if is_required or found:
                obj[prop_name] = value
                found_any = found_any or found
        for prop_name in required_names:
            if prop_name not in obj:
                obj[prop_name] = answer or ents.text  # required but undescribed
        return obj, found_any
    if kind == "array":
        raw_items = schema.get("items")
        items: Dict[str, Any] = raw_items if isinstance(raw_items, dict) else {}
        minimum = int(schema.get("minItems", 1 if required else 0))
        maximum = schema.get("maxItems")
        values: List[Any] = []
        found = False
        if (
            words & _LOCATION_PROPS
            or set(_prop_words(str(items.get("title", "")))) & _LOCATION_PROPS
        ):
            values = list(ents.locations)
            found = bool(values)
        while len(values) < max(minimum, 1 if required else 0):
            value, f = _build(items, ents, name.rstrip("s"), answer, True)
            values.append(value)
            found = found or f
        if isinstance(maximum, int):
            values = values[:maximum]
        return values, found
    if kind in {"integer", "number"}:
        raw = ents.take("numbers")
        found = raw is not None
        if raw is None:
            default = schema.get("default")
            number: float = float(default) if isinstance(default, (int, float)) else 1.0
        else:
            number = float(raw)
        lo, hi = schema.get("minimum"), schema.get("maximum")
        if isinstance(lo, (int, float)):
            number = max(number, float(lo))
        if isinstance(hi, (int, float)):
            number = min(number, float(hi))
        if kind == "integer":
            return round(number), found
        return number, found
    if kind == "boolean":
        if "default" in schema and isinstance(schema["default"], bool):
            return schema["default"], False
        lowered = ents.text.lower()
        hit = any(w in _words(lowered) for w in words if w not in _STOP)
        return bool(hit), hit
    if kind == "null":
        return None, False
    return _build_string(schema, ents, name, answer, required)


def _build_string(
    schema: Dict[str, Any], ents: _Entities, name: str, answer: Optional[str], required: bool
) -> Tuple[str, bool]:
    words = set(_prop_words(name))
    fmt = schema.get("format")
    value: Optional[str] = None
    found = False
    if fmt == "email" or "email" in words:
        value = ents.take("emails")
        found = value is not None
        value = value or "user@example.com"
    elif fmt in {"uri", "url"} or words & {"url", "link", "uri", "website"}:
        value = ents.take("urls")
        found = value is not None
        value = value or "https://example.com"
    elif fmt == "date" or "date" in words:
        value = ents.take("dates")
        found = value is not None
        value = value or "2025-01-01"
    elif fmt == "date-time":
        date = ents.take("dates")
        found = date is not None
        value = f"{date or '2025-01-01'}T12:00:00Z"
    elif _fact_for(words, ents.text) is not None:
        value, found = _fact_for(words, ents.text), True
    elif words & _LOCATION_PROPS:
        value = ents.take("locations") or ents.take("proper")
        found = value is not None
    elif words & _NAME_PROPS:
        value = ents.take("proper") or ents.take("quoted")
        found = value is not None
    elif words & _TEXT_PROPS:
        value = ents.take("quoted") or ents.text.strip()
        found = bool(value)
    elif words & {"answer", "summary", "response", "reply", "result", "explanation", "output"}:
        value = answer
        found = value is not None
    elif words & {"unit", "units"}:
        value = "celsius" if "fahrenheit" not in ents.text.lower() else "fahrenheit"
        found = True
    elif words & {"language", "lang", "locale"}:
        value = "en"
    if value is None:
        default = schema.get("default")
        if isinstance(default, str):
            value = default
        elif required:
            value = (
                ents.take("quoted") or answer or ents.take("proper") or ents.text.strip() or name
            )
        else:
            value = ""
    min_len, max_len = schema.get("minLength"), schema.get("maxLength")
    if isinstance(min_len, int) and len(value) < min_len:
        value = value + "x" * (min_len - len(value))
    if isinstance(max_len, int) and len(value) > max_len:
        value = value[:max_len]
    return value, found


# --------------------------------------------------------------------------------------------
# Tools


def _tool_score(tool: ToolSpec, prompt_words: set[str]) -> int:
    vocab = set(_prop_words(tool.name))
    vocab |= {w for w in _words(tool.description)}
    props = tool.parameters.get("properties") if isinstance(tool.parameters, dict) else None
    if isinstance(props, dict):
        for prop_name, prop in props.items():
            vocab |= set(_prop_words(prop_name))
            if isinstance(prop, dict) and isinstance(prop.get("description"), str):
                vocab |= set(_words(prop["description"]))
    vocab = {_stem(w) for w in vocab if w not in _GENERIC_TOOL_WORDS and len(w) > 2}
    name_words = {_stem(w) for w in _prop_words(tool.name) if w not in _GENERIC_TOOL_WORDS}
    hits = vocab & prompt_words
    # A word of the tool's own name counts double: "weather" for get_weather beats "city".
    return len(hits) + len(name_words & prompt_words)


def _choose_tool(req: ReplyRequest, prompt: str) -> Optional[ToolSpec]:
    if not req.tools:
        return None
    choice = req.tool_choice
    if choice == "none":
        return None
    if isinstance(choice, dict):
        wanted = choice.get("name") or (choice.get("function") or {}).get("name")
        for tool in req.tools:
            if tool.name == wanted:
                return tool
        return None
    prompt_words = {_stem(w) for w in _words(prompt) if w not in _STOP}
    scored = [(_tool_score(tool, prompt_words), -i, tool) for i, tool in enumerate(req.tools)]
    best_score, _, best = max(scored, key=lambda item: (item[0], item[1]))
    if choice == "required":
        return best
    return best if best_score >= 1 else None


def _call_id(req: ReplyRequest, index: int, name: str) -> str:
    digest = stable_hash("call", req.model, [t.text for t in req.turns], index, name, req.seed)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    chars = []
    for _ in range(24):
        digest, rem = divmod(digest * 7919 + 17, 62)
        chars.append(alphabet[rem])
        if digest == 0:
            digest = stable_hash(index, name, len(chars))
    return "call_" + "".join(chars)


def _tool_calls(req: ReplyRequest, tool: ToolSpec, prompt: str) -> List[Dict[str, Any]]:
    schema = tool.parameters if isinstance(tool.parameters, dict) else {}
    raw_props = schema.get("properties")
    props: Dict[str, Any] = raw_props if isinstance(raw_props, dict) else {}
    required = [r for r in schema.get("required", []) if isinstance(r, str)]
    location_props = [p for p in required if set(_prop_words(p)) & _LOCATION_PROPS]
    ents = _entities(prompt)
    calls: List[Dict[str, Any]] = []
    if (
        req.parallel_tool_calls
        and len(location_props) == 1
        and len(ents.locations) > 1
        and (props.get(location_props[0]) or {}).get("type", "string") == "string"
    ):
        for place in ents.locations[:5]:
            args = build_from_schema(schema, prompt)
            args[location_props[0]] = place
            calls.append(args)
    else:
        calls.append(build_from_schema(schema, prompt))
    return [
        {
            "id": _call_id(req, i, tool.name),
            "name": tool.name,
            "arguments": json.dumps(args, ensure_ascii=False),
        }
        for i, args in enumerate(calls)
    ]


def _summarise_tool_output(content: str) -> str:
    try:
        data = json.loads(content)
    except ValueError:
        data = None
    if isinstance(data, dict):
        parts = [f"{k.replace('_', ' ')}: {_plain(v)}" for k, v in list(data.items())[:8]]
        return ", ".join(parts)
    if isinstance(data, list):
        return "; ".join(_plain(v) for v in data[:8])
    text = " ".join(content.split())
    return text[:300] + ("…" if len(text) > 300 else "")


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in list(value.items())[:6]) + "}"
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value[:6])
    return str(value)


def _answer_from_tools(turns: List[Turn]) -> Optional[str]:
    # The tool results after the last assistant turn that made calls.
    results: List[Turn] = []
    calls: Dict[str, Dict[str, Any]] = {}
    for turn in reversed(turns):
        if turn.role == "tool":
            results.append(turn)
            continue
        if turn.role == "assistant" and turn.tool_calls:
            calls = {c.get("id", ""): c for c in turn.tool_calls}
        break
    if not results:
        return None
    sentences = []
    for turn in reversed(results):
        call = calls.get(turn.tool_call_id or "", {})
        name = call.get("name") or turn.name or "the tool"
        args_text = ""
        try:
            args = json.loads(call.get("arguments") or "{}")
        except ValueError:
            args = {}
        if isinstance(args, dict) and args:
            args_text = " (" + ", ".join(f"{k}: {_plain(v)}" for k, v in args.items()) + ")"
        sentences.append(f"According to {name}{args_text}: {_summarise_tool_output(turn.text)}.")
    return " ".join(sentences)


# --------------------------------------------------------------------------------------------
# Small skills

_CAPITALS = {
    "france": "Paris",
    "germany": "Berlin",
    "italy": "Rome",
    "spain": "Madrid",
    "japan": "Tokyo",
    "china": "Beijing",
    "india": "New Delhi",
    "canada": "Ottawa",
    "australia": "Canberra",
    "brazil": "Brasília",
    "united kingdom": "London",
    "uk": "London",
    "united states": "Washington, D.C.",
    "usa": "Washington, D.C.",
    "mexico": "Mexico City",
    "egypt": "Cairo",
    "kenya": "Nairobi",
    "portugal": "Lisbon",
    "netherlands": "Amsterdam",
    "sweden": "Stockholm",
    "norway": "Oslo",
    "poland": "Warsaw",
    "greece": "Athens",
    "turkey": "Ankara",
    "russia": "Moscow",
    "argentina": "Buenos Aires",
    "ireland": "Dublin",
}

# The other way round: a capital's country ("Paris" -> "France"); short aliases left out.
_COUNTRY_OF_CAPITAL = {
    city.lower(): country.title()
    for country, city in _CAPITALS.items()
    if country not in ("uk", "usa")
}


def _place_facts(text: str) -> Dict[str, str]:
    """What the facts table knows about the places ``text`` names: ``country``, ``capital``,
    ``city``."""
    lowered = text.lower()
    facts: Dict[str, str] = {}
    for country, city in _CAPITALS.items():
        if re.search(rf"\b{re.escape(country)}\b", lowered):
            name = country.title() if len(country) > 3 else country.upper()
            facts.setdefault("country", name)
            facts.setdefault("capital", city)
            facts.setdefault("city", city)
    for city, country in _COUNTRY_OF_CAPITAL.items():
        if re.search(rf"\b{re.escape(city)}\b", lowered):
            facts["city"] = _CAPITALS[country.lower()]
            facts["country"] = country
            facts["capital"] = _CAPITALS[country.lower()]
    return facts


def _fact_for(words: Set[str], text: str) -> Optional[str]:
    """The known fact a schema property asks for: a ``country``, a ``capital``, or the ``city``
    a question about a capital means ("the capital of France" -> Paris)."""
    facts = _place_facts(text)
    if words & {"capital"}:
        return facts.get("capital")
    if words & {"country", "nation"}:
        return facts.get("country")
    if words & {"city"} and "capital" in text.lower():
        return facts.get("capital")
    return None


_OPS: Dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}


def _eval_arith(expr: str) -> Optional[float]:
    cleaned = (
        expr.replace("\u00d7", "*").replace("\u00f7", "/").replace("^", "**").replace("x", "*")
    )
    if not re.fullmatch(r"[\d\s.+\-*/%()]+", cleaned) or not re.search(r"\d\s*[-+*/%]", cleaned):
        return None
    try:
        tree = ast.parse(cleaned, mode="eval")
    except SyntaxError:
        return None

    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            value = walk(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Pow) and abs(right) > 64:
                raise ValueError("exponent too large")
            return float(_OPS[type(node.op)](left, right))
        raise ValueError("unsupported expression")

    try:
        return walk(tree)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None


# Words for operators, in the order they are replaced ("multiplied by" before "by").
_ARITH_WORDS = (
    (r"\bmultiplied by\b", "*"),
    (r"\bdivided by\b", "/"),
    (r"\btimes\b", "*"),
    (r"\bplus\b", "+"),
    (r"\bminus\b", "-"),
    (r"\bover\b", "/"),
    (r"\bmodulo\b|\bmod\b", "%"),
    (r"\bsquared\b", "**2"),
    (r"\bcubed\b", "**3"),
)


def _arith_symbols(text: str) -> str:
    """``"12 times 4"`` -> ``"12 * 4"``."""
    for pattern, symbol in _ARITH_WORDS:
        text = re.sub(pattern, f" {symbol} ", text)
    return " ".join(text.split())


def _fmt_number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


_FACT_RE = re.compile(
    r"\bmy ((?:favou?rite )?[a-z]+(?: [a-z]+)?) is (.+?)(?=\s+and\s+|\s+but\s+|[.,!?;\n]|$)",
    re.IGNORECASE,
)
_NAME_RE = re.compile(r"\b(?:i am|i'm|call me)\s+([A-Z][\w'-]+)")
_ASK_FACT_RE = re.compile(
    r"\bwhat(?:'s| is) my ((?:favou?rite )?[a-z]+(?: [a-z]+)?)\b", re.IGNORECASE
)


def _recall(turns: List[Turn], question: str) -> Optional[str]:
    ask = _ASK_FACT_RE.search(question)
    if not ask:
        return None
    attribute = ask.group(1).lower().strip()
    facts: Dict[str, str] = {}
    for turn in turns[:-1]:
        if turn.role != "user":
            continue
        for key, value in _FACT_RE.findall(turn.text):
            facts[key.lower().strip()] = value.strip()
        for name in _NAME_RE.findall(turn.text):
            facts["name"] = name
    if attribute in facts:
        return f"Your {attribute} is {facts[attribute]}."
    return f"You haven't told me your {attribute} yet."


_HAIKU_OPENERS = ["Quiet", "Morning", "Evening", "Soft", "Silver", "Endless", "Winter", "Autumn"]
_HAIKU_MIDDLES = [
    "drifts through the open window",
    "hums beneath a patient sky",
    "waits where the river bends slow",
    "glows in the lamp-lit silence",
    "turns like leaves in gentle wind",
]
_HAIKU_ENDS = [
    "and then, stillness",
    "a new line begins",
    "the cursor blinks on",
    "roots run deep",
    "light finds its way",
]


def _haiku(topic: str, rng: random.Random) -> str:
    subject = topic or "code"
    return "\n".join(
        [
            f"{rng.choice(_HAIKU_OPENERS)} {subject} dreams",
            f"{subject.capitalize()} {rng.choice(_HAIKU_MIDDLES)}",
            _sentence_case(rng.choice(_HAIKU_ENDS)),
        ]
    )


_GENERIC = [
    "{Topic} is easier to reason about once you break it into small parts.",
    "The key idea behind {topic} is to make the important behaviour explicit and checkable.",
    "A practical way to approach {topic} is to start with a small, concrete example.",
    "Most difficulties with {topic} come from skipping the basics.",
    "In short, {topic} pays off when it is applied consistently.",
    "It helps to look at {topic} from the point of view of whoever depends on it.",
]
_GENERIC_WITH_KEY = [
    "When thinking about {topic}, consider the {key} first.",
    "The {key} is what makes {topic} worth the effort.",
    "People often overlook the {key}, yet it matters most for {topic}.",
]
_OPENERS = ["", "Sure. ", "Good question. ", "Here is a short answer. ", "Certainly. "]
_TOPIC_RE = re.compile(r"\b(?:about|of|on|regarding|for|with)\s+([^.?!,;:\n]+)", re.IGNORECASE)


def _topic(prompt: str) -> Tuple[str, Optional[str]]:
    """The prompt's subject (a phrase) and one other keyword, if any."""
    keys = _keywords(prompt, 6)
    match = _TOPIC_RE.search(prompt)
    phrase_words: List[str] = []
    if match:
        words = _words(match.group(1))
        while words and words[0] in _STOP:
            words.pop(0)
        for word in words:
            if word in _STOP and phrase_words:
                break
            phrase_words.append(word)
        phrase_words = phrase_words[:4]
    if not phrase_words:
        phrase_words = keys[:2] or ["this"]
    others = [k for k in keys if k not in phrase_words]
    return " ".join(phrase_words), (others[0] if others else None)


def _generic_answer(prompt: str, turns: List[Turn], rng: random.Random, concise: bool) -> str:
    topic, key = _topic(prompt)
    fields = {"topic": topic, "Topic": _sentence_case(topic), "key": key or ""}
    asked = re.search(r"\bin (one|two|three|four|[1-4]) sentences?\b", prompt, re.IGNORECASE)
    default = 1 if concise else rng.randint(2, 3)
    count = _number(asked.group(1).lower()) if asked else default
    pool = list(_GENERIC)
    picks = rng.sample(pool, count)
    if key is not None:
        picks[-1] = rng.choice(_GENERIC_WITH_KEY)
    body = " ".join(p.format(**fields) for p in picks)
    earlier = [t for t in turns[:-1] if t.role == "user" and t.text.strip()]
    if earlier:
        previous, _ = _topic(earlier[-1].text)
        if previous and previous != topic and previous != "this":
            body = f"Building on what you said about {previous}: {body}"
    return rng.choice(_OPENERS) + body


def _persona(turns: List[Turn]) -> Tuple[Optional[str], bool]:
    system = " ".join(t.text for t in turns if t.role in {"system", "developer"})
    concise = bool(re.search(r"\b(concise|brief|short|one sentence|terse)\b", system, re.I))
    match = re.search(r"\byou are (an? |the )?([^.\n!?]{3,80})", system, re.IGNORECASE)
    if not match:
        return None, concise
    article = (match.group(1) or "").strip()
    role = match.group(2).strip().rstrip(",;:")
    return (f"{article} {role}".strip() if article else role), concise


def _acknowledge(attachments: Sequence[Attachment]) -> str:
    images = [a for a in attachments if a.kind == "image"]
    audio = [a for a in attachments if a.kind == "audio"]
    files = [a for a in attachments if a.kind == "file"]
    videos = [a for a in attachments if a.kind == "video"]
    parts = []
    if images:
        where = ", ".join(a.detail for a in images[:3] if a.detail)
        noun = "image" if len(images) == 1 else "images"
        parts.append(f"I received {len(images)} {noun}" + (f" ({where})" if where else ""))
    if videos:
        where = ", ".join(a.detail for a in videos[:3] if a.detail)
        noun = "video" if len(videos) == 1 else "videos"
        parts.append(f"I received {len(videos)} {noun}" + (f" ({where})" if where else ""))
    if audio:
        secs = sum(a.seconds for a in audio)
        fmt = ", ".join(sorted({a.detail for a in audio if a.detail}))
        noun = "audio clip" if len(audio) == 1 else "audio clips"
        parts.append(f"I heard {len(audio)} {noun} ({fmt}, {secs:.1f} s)")
    if files:
        parts.append(f"I received {len(files)} file{'s' if len(files) > 1 else ''}")
    return ("; ".join(parts) + ". ") if parts else ""


_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20,
}  # fmt: skip


def _number(text: str) -> int:
    return _NUMBER_WORDS[text] if text in _NUMBER_WORDS else int(text)


# "Reply with exactly X", "Respond with only the word X", "Say exactly: X", "Answer with just X
# and nothing else": X verbatim (quotes around it removed).
_EXACT_RE = re.compile(
    r"\b(?:reply|respond|answer|say|return|output|print)\s+(?:with\s+)?"
    r"(?:exactly|only|just|precisely)(?:\s+(?:the|this|one))?(?:\s+(?:single\s+)?"
    r"(?:word|words|text|string|phrase|number|token))?\s*:?\s*(.+?)"
    r"(?:\s*,?\s*and nothing else)?\s*[.!]?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_CONCISE_RE = re.compile(
    r"\b(?:in (?:one|a single) word|one[- ]word answer|(?:just|only) the (?:number|answer|name|"
    r"city|word|result)|answer with (?:just|only) (?:the )?(?:number|name|city|word))\b",
    re.IGNORECASE,
)
_CAPITAL_RE = re.compile(r"capital (?:city )?of ([a-z .]+?)\s*(?:[?.!,;:]|$)")
_COUNTRY_RE = re.compile(
    r"(?:which|what) country is ([a-z .]+?) (?:the capital of|in)\b|"
    r"([a-z .]+?) is the capital of (?:which|what) country"
)


_FORMAT_NOUNS = {
    "city", "number", "name", "word", "answer", "result", "country", "digit", "value", "letter",
    "capital", "sum", "total",
}  # fmt: skip


def _exact(stripped: str) -> Optional[str]:
    match = _EXACT_RE.search(stripped)
    if not match:
        return None
    said = match.group(1).strip()
    core = re.sub(r"[^\w\s]", "", said).strip().lower()
    if not core or core.removeprefix("the ") in _FORMAT_NOUNS:
        return None  # "answer with just the number": how to answer, not what to say
    if len(said) >= 2 and said[0] in "\"'`\u201c\u2018" and said[-1] in "\"'`\u201d\u2019":
        said = said[1:-1]
    return said or None


def _skills(prompt: str, turns: List[Turn], rng: random.Random) -> Optional[str]:
    stripped = prompt.strip()
    lowered = stripped.lower()
    exact = _exact(stripped)
    if exact is not None:
        return exact
    concise = bool(_CONCISE_RE.search(stripped))
    say = re.match(
        r"^(?:please\s+)?(?:say|reply with|respond with|repeat after me:?)\s+(.+)$",
        stripped,
        re.I | re.S,
    )
    if say:
        said = say.group(1).strip().strip("\"'")
        return _sentence_case(_ensure_period(said))
    number = r"(-?\d+|" + "|".join(_NUMBER_WORDS) + r")"
    count = re.search(rf"\bcount (?:from {number} )?(?:to|up to) {number}\b", lowered)
    if count:
        start = _number(count.group(1) or "1")
        end = _number(count.group(2))
        step = 1 if end >= start else -1
        numbers = list(range(start, end + step, step))[:1000]
        return ", ".join(str(n) for n in numbers) + "."
    arith = re.search(
        r"(?:what is|what's|how much is|calculate|compute|evaluate)\s+"
        r"([-\d\s.()]+(?:\s*(?:multiplied by|divided by|times|plus|minus|over|modulo|mod|"
        r"squared|cubed)\s*[-\d\s.()]*)+|[-\d\s.+*/%()x\u00d7\u00f7^]+)\??",
        lowered,
    )
    if arith:
        expr = _arith_symbols(arith.group(1).strip())
        value = _eval_arith(expr)
        if value is not None:
            return _fmt_number(value) if concise else f"{expr} = {_fmt_number(value)}."
    capital = _CAPITAL_RE.search(lowered)
    if capital:
        country = capital.group(1).strip().removeprefix("the ").strip(". ")
        city = _CAPITALS.get(country)
        if city:
            if concise:
                return city
            name = country.title() if len(country) > 3 else country.upper()
            variants = [f"The capital of {name} is {city}.", f"{city} is the capital of {name}."]
            return rng.choice(variants)
    country_of = _COUNTRY_RE.search(lowered)
    if country_of:
        city = (country_of.group(1) or country_of.group(2) or "").strip()
        city = city.split()[-1] if city else city
        known = _COUNTRY_OF_CAPITAL.get(city)
        if known:
            return known if concise else f"{city.title()} is the capital of {known}."
    recalled = _recall(turns, stripped)
    if recalled:
        return recalled
    if re.search(r"\bhaiku\b", lowered):
        topic_match = re.search(r"haiku (?:about|on) ([\w\s-]+)", lowered)
        topic = (
            topic_match.group(1).strip().split()[0]
            if topic_match
            else (_keywords(stripped, 1) or ["code"])[0]
        )
        return _haiku(topic, rng)
    summary = re.match(r"^(?:summari[sz]e|tl;?dr)\b[^:]*:\s*(.+)$", stripped, re.I | re.S)
    if summary:
        text = summary.group(1).strip()
        first = re.split(r"(?<=[.!?])\s+", text)[0]
        words = first.split()
        short = " ".join(words[:20]) + ("…" if len(words) > 20 else "")
        return f"In one sentence: {_ensure_period(short)}"
    if re.fullmatch(r"(hi|hello|hey|good (morning|afternoon|evening))[!. ]*(there)?[!.]*", lowered):
        return rng.choice(["Hello! How can I help you today?", "Hi there! What can I do for you?"])
    return None


def generate_reply(req: ReplyRequest) -> Reply:
    """The deterministic reply to a conversation (text or tool calls)."""
    rng = _rng(req)
    turns = req.turns
    last_user = next((t for t in reversed(turns) if t.role == "user"), None)
    prompt = last_user.text if last_user is not None else ""
    after_tool = bool(turns) and turns[-1].role == "tool"
    forced = isinstance(req.tool_choice, dict) or req.tool_choice == "required"
    if req.tools and (forced or not after_tool):
        tool = _choose_tool(req, prompt)
        if tool is not None:
            return Reply(text=None, tool_calls=_tool_calls(req, tool, prompt))
    if after_tool:
        text = _answer_from_tools(turns) or "The tool returned no result."
    else:
        persona, concise = _persona(turns)
        skill = _skills(prompt, turns, rng)
        if skill is not None:
            text = skill
        else:
            if not prompt.strip() and last_user is None:
                text = "How can I help you today?"
            else:
                text = _generic_answer(prompt, turns, rng, concise)
            if persona:
                text = f"As {persona}, I can help with that. {text}"
        if last_user is not None:
            text = _acknowledge(last_user.attachments) + text
    if req.json_schema is not None:
        value = build_from_schema(req.json_schema, prompt, answer=text)
        return Reply(text=json.dumps(value, ensure_ascii=False))
    if req.json_mode:
        described = schema_in_messages(turns) or _schema_from_keys(prompt)
        if described is not None:
            value = build_from_schema(described, prompt, answer=text)
            return Reply(text=json.dumps(value, ensure_ascii=False))
        return Reply(text=json.dumps({"answer": text}, ensure_ascii=False))
    return Reply(text=text)


_SCHEMA_KEYS = ("properties", "$defs", "definitions", "items")
_KEYS_RE = re.compile(
    r"\b(?:keys|fields|properties|attributes)\s*(?::|named|called)?\s*"
    r"((?:[\"'`]?[A-Za-z_][\w]*[\"'`]?)(?:\s*(?:,|and|&)\s*(?:and\s+)?[\"'`]?[A-Za-z_][\w]*[\"'`]?)+)",
    re.IGNORECASE,
)
_NUMBER_KEYS = {
    "age", "count", "number", "year", "years", "price", "amount", "total", "quantity", "score",
    "population", "rating", "id", "size", "weight", "height", "length",
}  # fmt: skip


def _schema_from_keys(prompt: str) -> Optional[Dict[str, Any]]:
    """A schema for "a JSON object ... (keys: name, age)": the listed keys, required; a key that
    names a quantity is an integer, the others strings."""
    match = _KEYS_RE.search(prompt)
    if not match:
        return None
    keys = [k.strip("\"'`") for k in re.split(r"\s*(?:,|\band\b|&)\s*", match.group(1))]
    keys = [k for k in keys if k and k.lower() != "and"]
    if len(keys) < 2:
        return None
    props = {
        k: {"type": "integer" if set(_prop_words(k)) & _NUMBER_KEYS else "string"} for k in keys
    }
    return {"type": "object", "properties": props, "required": keys}


def schema_in_messages(turns: Sequence[Turn]) -> Optional[Dict[str, Any]]:
    """The first JSON schema written in the messages (system first, then the rest): a JSON
    object with ``properties`` (or ``type: "object"``) inside any message's text."""
    decoder = json.JSONDecoder()
    ordered = [t for t in turns if t.role in ("system", "developer")]
    ordered += [t for t in turns if t.role not in ("system", "developer")]
    for turn in ordered:
        text = turn.text
        start = text.find("{")
        tries = 0
        while start != -1 and tries < 50:
            tries += 1
            try:
                value, end = decoder.raw_decode(text, start)
            except ValueError:
                start = text.find("{", start + 1)
                continue
            if isinstance(value, dict) and (
                any(key in value for key in _SCHEMA_KEYS) or value.get("type") == "object"
            ):
                return _inline_refs(value)
            start = text.find("{", end)
    return None


def _inline_refs(schema: Dict[str, Any]) -> Dict[str, Any]:
    """The schema with local ``$ref``s (``#/$defs/X``) replaced by what they name."""
    defs: Dict[str, Any] = {}
    for key in ("$defs", "definitions"):
        if isinstance(schema.get(key), dict):
            defs.update(schema[key])

    def walk(node: Any, depth: int) -> Any:
        if depth > 20:
            return {}
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.rsplit("/", 1)[-1] in defs:
                return walk(defs[ref.rsplit("/", 1)[-1]], depth + 1)
            return {k: walk(v, depth + 1) for k, v in node.items() if k not in ("$defs",)}
        if isinstance(node, list):
            return [walk(v, depth + 1) for v in node]
        return node

    inlined: Dict[str, Any] = walk(schema, 0)
    return inlined


# --------------------------------------------------------------------------------------------
# Reasoning

_EFFORT_BASE = {"none": 0, "minimal": 8, "low": 24, "medium": 64, "high": 160}


def reasoning_tokens_for(effort: Optional[str], prompt_tokens: int) -> int:
    """How many hidden reasoning tokens a reasoning model "spends" (deterministic)."""
    base = _EFFORT_BASE.get(effort or "medium", 64)
    if base == 0:
        return 0
    return base + prompt_tokens // 2


def reasoning_summary(prompt: str, effort: Optional[str]) -> str:
    """A short, readable stand-in for a reasoning summary."""
    keys = _keywords(prompt, 3)
    focus = ", ".join(keys) if keys else "the request"
    return (
        f"**Planning the answer**\n\nThe question is about {focus}. I identified the key terms, "
        f"checked what is being asked, and planned a direct answer ({effort or 'medium'} effort)."
    )
