"""The interactive ``meshapi chat`` session (stdin is a terminal and no prompt was given)."""

from __future__ import annotations

from typing import List, Optional, Tuple

from .._types.chat import ChatMessage
from .chat import ChatSettings, safe_reply
from .common import Context

__all__ = ["parse_command", "run_session"]

HELP = (
    "/model NAME   switch model      /system TEXT  set the system message (empty: none)\n"
    "/reset        forget the conversation           /exit         quit (or Ctrl-D)\n"
    "Ctrl-C cancels the reply being written."
)


def parse_command(line: str) -> Optional[Tuple[str, str]]:
    """``"/model x"`` -> ``("model", "x")``; ``None`` when ``line`` is a message."""
    if not line.startswith("/") or line.startswith("//"):
        return None
    name, _, rest = line[1:].partition(" ")
    return name.lower(), rest.strip()


def run_session(ctx: Context, settings: ChatSettings) -> int:
    """Read a message, stream the reply, repeat; returns 0 at Ctrl-D or ``/exit``."""
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:  # pragma: no cover - Windows without pyreadline
        pass
    out = ctx.out
    history: List[ChatMessage] = []
    ctx.client()  # configuration errors now, not after the first message
    out.note(f"meshapi chat with {settings.model or 'the template model'}; /help for commands")
    while True:
        try:
            line = input("you> ")
        except EOFError:
            out.write("\n")
            return 0
        except KeyboardInterrupt:
            out.write("\n")
            continue
        line = line.strip()
        if not line:
            continue
        command = parse_command(line)
        if command is not None:
            name, value = command
            if name in ("exit", "quit"):
                return 0
            if name == "model":
                if value:
                    settings.model = value
                out.note(f"model: {settings.model}")
            elif name == "system":
                settings.system = value or None
                out.note(f"system: {settings.system or '(none)'}")
            elif name == "reset":
                history.clear()
                out.note("conversation cleared")
            else:
                out.note(HELP)
            continue
        if line.startswith("//"):
            line = line[1:]
        history.append(ChatMessage(role="user", content=line))
        text = safe_reply(ctx, settings, history)
        if text is None:
            history.pop()  # the turn did not happen: ask again or move on
        else:
            history.append(ChatMessage(role="assistant", content=text))
