"""The interactive ``meshapi chat`` session, driven through a pseudo-terminal: history,
``/model``, ``/reset``, Ctrl-C cancelling a reply (not the session), Ctrl-D ending it."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from typing import Dict, List

from meshapi.testing import FaultController, LocalGateway

# The child becomes a session leader and takes the pty as its controlling terminal, so the
# terminal turns Ctrl-C into SIGINT for it, as a shell would.
LAUNCH = (
    "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.executable, [sys.executable, '-m', 'meshapi', *sys.argv[1:]])"
)


class Terminal:
    """A pty master with ``send`` and ``expect`` (each wait bounded)."""

    def __init__(self, argv: List[str], env: Dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, *argv],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.buffer = ""
        self.pos = 0

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())

    def expect(self, pattern: str, timeout: float = 10.0) -> re.Match[str]:
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.buffer, self.pos)
            if match:
                self.pos = match.end()
                return match
            left = deadline - time.monotonic()
            assert left > 0, f"no {pattern!r} in {self.buffer[self.pos :]!r}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    data = os.read(self.master, 4096)
                except OSError:  # EIO: the child closed the terminal
                    data = b""
                assert data, f"terminal closed waiting for {pattern!r}: {self.buffer!r}"
                self.buffer += data.decode(errors="replace").replace("\r\n", "\n")

    def turn(self, message: str) -> int:
        """Send a message; wait for the usage line and the next prompt; the prompt tokens."""
        self.send(message + "\r")
        usage = self.expect(r"(\d+) in \+ (\d+) out tokens · \$[0-9.]+\n")
        self.expect("you> ")
        return int(usage.group(1))

    def close(self, wait: bool) -> int:
        try:
            return self.process.wait(timeout=10 if wait else 0.1)
        except subprocess.TimeoutExpired:
            return -1
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            os.close(self.master)


def test_an_interactive_session(
    gateway: LocalGateway, faults: FaultController, cli_env: Dict[str, str]
) -> None:
    story = "Write a haiku about Python."
    env = {**cli_env, "TERM": "dumb", "COLUMNS": "100"}
    term = Terminal(["chat"], env)
    ended = False
    try:
        term.expect("meshapi chat with openai/gpt-4o-mini; /help for commands")
        term.expect("you> ")
        term.send("Say ready\r")
        term.expect(r"Ready\.\n")
        term.expect(r"openai/gpt-4o-mini · \d+ in")
        term.expect("you> ")

        # history: the second turn carries the first one, until /reset
        with_history = term.turn("Tell me more")
        term.send("/reset\r")
        term.expect("conversation cleared")
        term.expect("you> ")
        assert with_history > term.turn("Tell me more")

        term.send("/model anthropic/claude-sonnet-4.5\r")
        term.expect("model: anthropic/claude-sonnet-4.5")
        term.expect("you> ")
        term.send("Say ready\r")
        term.expect(r"anthropic/claude-sonnet-4.5 · \d+ in")
        term.expect("you> ")

        # Ctrl-C while the reply is being written: the reply stops, the session goes on
        faults.stall(8, where="mid_stream", after=2)
        term.send(story + "\r")
        term.expect(re.escape(story) + r"\n\S")  # the echoed line, then the reply begins
        term.send("\x03")
        term.expect(r"\(reply cancelled\)", timeout=5)
        term.expect("you> ")
        term.send("/model openai/gpt-4o-mini\r")
        term.expect("you> ")
        term.send("Say ready\r")
        term.expect(r"Ready\.\n")
        term.expect("you> ")

        term.send("\x04")  # Ctrl-D
        ended = True
    finally:
        status = term.close(wait=ended)
    assert status == 0, term.buffer
    assert "Traceback" not in term.buffer
    assert gateway.api_key not in term.buffer
