"""Server-sent events: bytes in, events out. No I/O.

Rule 1: lines end in LF, CRLF or CR and nothing else (not U+2028, not VT/FF), as the WHATWG
event-stream rules say; a CR that ends one read and an LF that starts the next are ONE line end.
Rule 2: a UTF-8 character split across reads decodes correctly; bytes that are not UTF-8 become
U+FFFD, and a byte order mark that starts the stream is dropped (both as the "UTF-8 decode" the
WHATWG rules name does): one bad byte costs one character, not the stream.
Rule 3: the work per read is linear in the size of the read, whatever the size of the frame:
a partial line is kept as a list of pieces and joined once, so a 1 MB frame that arrives in
thousands of tiny reads is not re-scanned or re-copied for every read.

Rule 4: memory is bounded. With ``max_event_bytes`` set, a line longer than that (an endless
line, an endless comment) or an event whose data grows past it raises :class:`SSELimitError`
(lengths are counted in decoded characters) before more of it is kept.

An event is dispatched on a blank line and only if it has data (WHATWG: an event with an empty
data buffer is dropped). An incomplete event at the end of the stream is not dispatched: the
stream layer decides what a missing ``[DONE]`` means.
"""

from __future__ import annotations

import codecs
from typing import List, Optional, Union, cast

__all__ = ["SSEDecoder", "ServerSentEvent"]


class SSELimitError(ValueError):
    """A line or an event of the stream grew past ``max_event_bytes``."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"an event-stream {what} longer than {limit} characters")
        self.what = what
        self.limit = limit


class ServerSentEvent:
    """One dispatched event: ``event`` is ``None`` when the frame had no ``event:`` line."""

    __slots__ = ("data", "event", "id", "retry")

    def __init__(
        self,
        data: str,
        event: Optional[str] = None,
        id: Optional[str] = None,
        retry: Optional[int] = None,
    ) -> None:
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry

    def __repr__(self) -> str:
        data = self.data if len(self.data) <= 80 else self.data[:77] + "..."
        return f"ServerSentEvent(event={self.event!r}, data={data!r}, id={self.id!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        return (self.data, self.event, self.id, self.retry) == (
            other.data,
            other.event,
            other.id,
            other.retry,
        )

    __hash__ = None  # type: ignore[assignment]


class SSEDecoder:
    """Incremental decoder: ``feed(bytes)`` returns the events completed by that read.

    ``last_event_id`` and ``retry`` keep the stream-level values the WHATWG rules define.
    """

    __slots__ = (
        "_data",
        "_data_size",
        "_decoder",
        "_event",
        "_max",
        "_partial",
        "_partial_size",
        "_skip_lf",
        "last_event_id",
        "retry",
    )

    def __init__(self, max_event_bytes: Optional[int] = None) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")("replace")
        # No cap is a cap no stream reaches: one comparison instead of a None test per read.
        self._max = max_event_bytes if max_event_bytes is not None else float("inf")
        self._partial: List[str] = []
        self._partial_size = 0
        self._data_size = 0
        self._skip_lf = False
        self._data: List[str] = []
        self._event: Optional[str] = None
        self.last_event_id: Optional[str] = None
        self.retry: Optional[int] = None

    @property
    def has_partial_event(self) -> bool:
        """True when bytes of an event that was not completed are buffered."""
        return bool(self._partial or self._data or self._event is not None)

    def feed(self, chunk: bytes) -> List[ServerSentEvent]:
        """Decode one read; raises :class:`SSELimitError` when a line or an event is too long."""
        return cast(List[ServerSentEvent], self._feed(chunk, False))

    def feed_data_or_events(self, chunk: bytes) -> List[Union[str, ServerSentEvent]]:
        """Like :meth:`feed`, but an event with no ``event:`` name comes as its data string.

        The stream layer ignores ``id`` and ``retry``, and nearly every frame of a chat stream
        is a bare ``data:`` line: skipping an object per frame is a measurable share of the
        per-chunk cost. Named events still come as :class:`ServerSentEvent`.
        """
        return self._feed(chunk, True)

    def _feed(self, chunk: bytes, plain: bool) -> List[Union[str, ServerSentEvent]]:
        text = self._decoder.decode(chunk)
        if not text:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if text[0] == "\n":
                text = text[1:]
                if not text:
                    return []
        if "\r" in text:
            # A CR at the very end may be the first half of a CRLF split across reads.
            self._skip_lf = text[-1] == "\r"
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        last = lines.pop()
        if not lines:
            # No line end in this read: keep the piece, join it once the line completes.
            self._partial_size += len(last)
            if self._partial_size > self._max:
                raise SSELimitError("line", int(self._max))
            self._partial.append(last)
            return []
        if self._partial_size + len(text) > self._max:
            # Only a read this long can hold a line that is too long: check each line.
            self._check_lines(lines)
        if self._partial:
            self._partial.append(lines[0])
            lines[0] = "".join(self._partial)
            self._partial = []
        self._partial_size = len(last)
        if last:
            self._partial.append(last)
        events: List[Union[str, ServerSentEvent]] = []
        start = data = self._data
        start_len = len(start)
        for line in lines:
            # The two lines of nearly every frame, handled inline: "data: ..." and the blank.
            if line[:6] == "data: ":
                data.append(line[6:])
            elif not line and data and self._event is None:
                joined = data[0] if len(data) == 1 else "\n".join(data)
                events.append(
                    joined
                    if plain
                    else ServerSentEvent(joined, None, self.last_event_id, self.retry)
                )
                data = self._data = []
            else:
                self._line(line, events)
                data = self._data
        if data:
            # An event is still open at the end of this read: count what it holds.
            if data is start and start_len:
                self._data_size += sum(map(len, data[start_len:]))
            else:
                self._data_size = sum(map(len, data))
            if self._data_size > self._max:
                raise SSELimitError("event", int(self._max))
        return events

    def _check_lines(self, lines: List[str]) -> None:
        limit = self._max
        if self._partial_size + len(lines[0]) > limit or any(len(x) > limit for x in lines):
            raise SSELimitError("line", int(limit))

    def flush(self) -> List[ServerSentEvent]:
        """End of stream: a UTF-8 character cut short is kept as U+FFFD in the partial line.

        Returns no events: an event not terminated by a blank line is incomplete and is dropped,
        as the WHATWG rules say; callers check :attr:`has_partial_event` to notice it.
        """
        tail = self._decoder.decode(b"", final=True)
        if tail:
            self._partial.append(tail)
        return []

    def _line(self, line: str, events: List[Union[str, ServerSentEvent]]) -> None:
        if not line:
            if self._data:
                events.append(
                    ServerSentEvent(
                        "\n".join(self._data), self._event, self.last_event_id, self.retry
                    )
                )
                self._data = []
            self._event = None
            return
        if line.startswith("data:"):
            value = line[5:]
            self._data.append(value[1:] if value[:1] == " " else value)
            return
        if line[0] == ":":
            return  # a comment, used as a keep-alive
        field, sep, value = line.partition(":")
        if sep and value[:1] == " ":
            value = value[1:]
        if field == "event":
            self._event = value
        elif field == "data":
            self._data.append(value)  # "data" with no colon: an empty data line
        elif field == "id":
            if "\x00" not in value:
                self.last_event_id = value
        elif field == "retry" and value.isdigit() and value.isascii():
            self.retry = int(value)
        # Any other field name is ignored, as the rules say.
