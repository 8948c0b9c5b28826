"""The prompt the comparison model gets (no I/O)."""

from __future__ import annotations

from typing import Any, Dict, Optional

from meshapi.testing._services.compare import DEFAULT_INSTRUCTIONS, synthesis_messages


def result(model: str, content: Optional[str], error: Optional[str] = None) -> Dict[str, Any]:
    return {"model": model, "content": content, "error": error}


def test_the_synthesis_prompt_holds_the_last_question_and_only_the_answers_that_worked() -> None:
    messages = [
        {"role": "user", "content": "First question?"},
        {"role": "assistant", "content": "First answer."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Why is the sky"},
                {"type": "image_url"},
                {"type": "text", "text": "blue?"},
            ],
        },
    ]
    results = [
        result("a/one", "Rayleigh scattering."),
        result("b/two", None, error="Model 'b/two' was not found."),
        result("c/three", "Short wavelengths scatter more."),
    ]
    system, user = synthesis_messages(messages, results, None)
    assert system == {"role": "system", "content": DEFAULT_INSTRUCTIONS}
    assert user["role"] == "user"
    assert user["content"] == (
        "Request:\nWhy is the sky blue?\n\nAnswers:\n\n"
        "### a/one\nRayleigh scattering.\n\n### c/three\nShort wavelengths scatter more."
    )


def test_comparison_instructions_replace_the_default_system_prompt() -> None:
    system, _ = synthesis_messages(
        [{"role": "user", "content": "Q"}], [result("a/one", "A")], "Pick the shortest answer."
    )
    assert system["content"] == "Pick the shortest answer."
