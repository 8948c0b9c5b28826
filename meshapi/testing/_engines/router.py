"""The auto router: which model a prompt goes to, by rules a reader can follow. Pure functions.

The rules, tried in this order; the first that applies picks the first of its candidates that is
in the catalogue, suits the API (chat completions, Responses, embeddings) and is not excluded:

1. ``embeddings``: the API is embeddings -> an embedding model.
2. ``long_context``: the prompt is longer than :data:`LONG_CONTEXT_TOKENS` estimated tokens
   (about 4 characters a token) -> a model with a 1M-token context window.
3. ``video`` / ``vision``: a message carries a video (an image) -> a model that reads video
   (images).
4. ``code``: a code fence (three backticks), or a programming word (:data:`CODE_WORDS`) ->
   a code model.
5. ``reasoning``: a reasoning word (:data:`REASONING_WORDS`: prove, derive, step by step...) or
   arithmetic (a digit, an operator, a digit) -> a reasoning model, with ``reasoning_effort``
   ``high`` for proofs and ``medium`` otherwise.

No rule applies -> the default model (:data:`DEFAULT_MODEL`, or :data:`DEFAULT_EMBEDDING_MODEL`
for embeddings) with ``fallback_used: true`` and ``fallback_reason: "no_rule_matched"``. A rule
applies but every candidate is excluded or unsuitable -> the default with ``fallback_reason:
"all_candidates_excluded"``. The router never fails: an excluded model is chosen only as that
fallback.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

__all__ = [
    "CODE_WORDS",
    "DEFAULT_EMBEDDING_MODEL",
    "DEFAULT_MODEL",
    "LONG_CONTEXT_TOKENS",
    "REASONING_WORDS",
    "RULES",
    "Prompt",
    "Selection",
    "select",
]

DEFAULT_MODEL = "openai/gpt-4o-mini"
DEFAULT_EMBEDDING_MODEL = "openai/text-embedding-3-small"
LONG_CONTEXT_TOKENS = 100_000

CODE_WORDS = frozenset((
    "code", "function", "functions", "sql", "regex", "compile", "compiler", "debug", "bug",
    "stacktrace", "traceback", "refactor", "def", "unittest", "pytest", "segfault",
))  # fmt: skip
REASONING_WORDS = (
    "prove", "proof", "theorem", "derive", "step by step", "reason", "logic", "puzzle",
    "solve", "equation", "integral", "probability", "calculate", "lemma",
)  # fmt: skip
_PROOF_WORDS = ("prove", "proof", "theorem", "lemma")

# rule name -> candidates, best first.
RULES: Dict[str, Tuple[str, ...]] = {
    "embeddings": (DEFAULT_EMBEDDING_MODEL, "openai/text-embedding-3-large"),
    "long_context": ("google/gemini-2.5-flash", "openai/gpt-4.1", "google/gemini-2.5-pro"),
    "video": ("google/gemini-3-flash-preview",),
    "vision": ("openai/gpt-4o", "google/gemini-2.5-flash", "anthropic/claude-sonnet-4.5"),
    "code": ("anthropic/claude-sonnet-4.5", "openai/gpt-4.1", "deepseek/deepseek-chat-v3.1"),
    "reasoning": ("openai/o4-mini", "deepseek/deepseek-r1", "openai/o3"),
}

_WORD = re.compile(r"[a-z]+")
_ARITHMETIC = re.compile(r"\d\s*[-+*/^=]\s*\d")


@dataclasses.dataclass(frozen=True)
class Prompt:
    """What the router looks at: the text of every message, and how many images and videos."""

    texts: Tuple[str, ...]
    images: int = 0
    videos: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


@dataclasses.dataclass(frozen=True)
class Selection:
    """The router's choice."""

    model: str
    rule: Optional[str]
    fallback_used: bool = False
    fallback_reason: Optional[str] = None
    reasoning_effort: Optional[str] = None

    def wire(self) -> Dict[str, Any]:
        """The ``POST /v1/router/select`` answer."""
        meta: Dict[str, Any] = {"fallback_used": self.fallback_used}
        if self.fallback_reason is not None:
            meta["fallback_reason"] = self.fallback_reason
        return {
            "model": self.model,
            "auto_router": meta,
            "reasoning_effort": self.reasoning_effort,
        }


def _rule(prompt: Prompt, api_type: str) -> Optional[str]:
    if api_type == "embeddings":
        return "embeddings"
    text = prompt.text
    if len(text) / 4 > LONG_CONTEXT_TOKENS:
        return "long_context"
    if prompt.videos:
        return "video"
    if prompt.images:
        return "vision"
    lowered = text.lower()
    words = set(_WORD.findall(lowered))
    if "```" in text or words & CODE_WORDS:
        return "code"
    if any(w in lowered for w in REASONING_WORDS) or _ARITHMETIC.search(text):
        return "reasoning"
    return None


def _suits(model: Mapping[str, Any], api_type: str) -> bool:
    kind = model.get("model_type")
    if api_type == "embeddings":
        return kind == "embedding"
    if kind not in ("chat", "reasoning"):
        return False
    if api_type == "responses":
        return bool(model.get("supports_responses_api", False))
    return bool(model.get("supports_completions_api", True))


def select(
    prompt: Prompt,
    catalogue: Mapping[str, Mapping[str, Any]],
    *,
    api_type: str = "completions",
    exclude: Sequence[str] = (),
) -> Selection:
    """Pick a model for ``prompt`` (``catalogue``: model id -> model object)."""
    default = DEFAULT_EMBEDDING_MODEL if api_type == "embeddings" else DEFAULT_MODEL
    rule = _rule(prompt, api_type)
    if rule is None:
        return Selection(default, None, True, "no_rule_matched")
    excluded = set(exclude)
    for candidate in RULES[rule]:
        model = catalogue.get(candidate)
        if candidate in excluded or model is None or not _suits(model, api_type):
            continue
        effort = None
        if rule == "reasoning":
            lowered = prompt.text.lower()
            effort = "high" if any(w in lowered for w in _PROOF_WORDS) else "medium"
        return Selection(candidate, rule, reasoning_effort=effort)
    return Selection(default, rule, True, "all_candidates_excluded")


def prompt_of(messages: Sequence[Mapping[str, Any]]) -> Prompt:
    """A :class:`Prompt` from chat-shaped messages (string content or a list of parts)."""
    texts: List[str] = []
    images = videos = 0
    for message in messages:
        content = message.get("content")
        if isinstance(content, str):
            texts.append(content)
        elif isinstance(content, list):
            for part in content:
                if not isinstance(part, Mapping):
                    continue
                kind = part.get("type")
                if kind in ("text", "input_text", "output_text") and isinstance(
                    part.get("text"), str
                ):
                    texts.append(part["text"])
                elif kind in ("image_url", "input_image"):
                    images += 1
                elif kind == "video_url":
                    videos += 1
    return Prompt(tuple(texts), images, videos)
