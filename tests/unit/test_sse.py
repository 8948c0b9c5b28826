"""The SSE decoder against the WHATWG event-stream rules, fed as a network may split the bytes."""

from __future__ import annotations

import json
from typing import Iterable, List

import pytest

from meshapi._sse import ServerSentEvent, SSEDecoder, SSELimitError


def decode_all(chunks: Iterable[bytes]) -> List[ServerSentEvent]:
    decoder = SSEDecoder()
    events: List[ServerSentEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    events.extend(decoder.flush())
    return events


def split_every(data: bytes, size: int) -> List[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


STREAM = b'data: {"a": 1}\n\nevent: meta\ndata: {"b": 2}\n\n: keep-alive\n\ndata: [DONE]\n\n'
EXPECTED = [
    ServerSentEvent('{"a": 1}'),
    ServerSentEvent('{"b": 2}', event="meta"),
    ServerSentEvent("[DONE]"),
]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"], ids=["lf", "crlf", "cr"])
def test_every_line_ending_gives_the_same_events(newline: bytes) -> None:
    assert decode_all([STREAM.replace(b"\n", newline)]) == EXPECTED


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 64])
def test_any_split_of_the_bytes_gives_the_same_events(newline: bytes, size: int) -> None:
    assert decode_all(split_every(STREAM.replace(b"\n", newline), size)) == EXPECTED


def test_cr_at_end_of_one_read_and_lf_at_start_of_next_are_one_line_end() -> None:
    # If the CR and LF were counted as two line ends, the blank line would dispatch early
    # and the second data line would become its own event.
    events = decode_all([b"data: one\r", b"\ndata: two\r\n\r\n"])
    assert events == [ServerSentEvent("one\ntwo")]


def test_lone_cr_is_a_line_end_even_across_reads() -> None:
    assert decode_all([b"data: x\r", b"\r"]) == [ServerSentEvent("x")]


def test_data_with_and_without_the_optional_space() -> None:
    events = decode_all([b"data:no-space\n\ndata: one-space\n\ndata:  two-spaces\n\n"])
    assert [e.data for e in events] == ["no-space", "one-space", " two-spaces"]


def test_multi_line_data_is_joined_with_lf() -> None:
    assert decode_all([b"data: a\ndata: b\ndata:\ndata: c\n\n"]) == [ServerSentEvent("a\nb\n\nc")]


def test_comment_lines_are_ignored() -> None:
    assert decode_all([b": ping\n:\ndata: x\n: another\n\n"]) == [ServerSentEvent("x")]


def test_event_names_are_kept_and_reset_after_each_event() -> None:
    events = decode_all([b"event: model_chunk\ndata: 1\n\ndata: 2\n\n"])
    assert [(e.event, e.data) for e in events] == [("model_chunk", "1"), (None, "2")]


def test_id_and_retry_fields() -> None:
    decoder = SSEDecoder()
    events = decoder.feed(b"id: 7\nretry: 1500\ndata: x\n\nretry: soon\ndata: y\n\n")
    assert [(e.id, e.retry) for e in events] == [("7", 1500), ("7", 1500)]
    assert decoder.last_event_id == "7"


def test_id_with_nul_is_ignored() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"id: a\x00b\ndata: x\n\n")
    assert decoder.last_event_id is None


def test_unknown_fields_and_field_without_colon() -> None:
    events = decode_all([b"foo: bar\ndata\ndata: x\nbaz\n\n"])
    assert events == [ServerSentEvent("\nx")]


def test_event_without_data_is_not_dispatched() -> None:
    assert decode_all([b"event: ping\n\n: c\n\n"]) == []


def test_incomplete_event_at_eof_is_not_dispatched_but_is_noticed() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b'data: {"partial": tr') == []
    assert decoder.flush() == []
    assert decoder.has_partial_event


def test_utf8_character_split_across_reads() -> None:
    payload = json.dumps({"text": "héllo → 世界 🐍"}, ensure_ascii=False).encode()
    data = b"data: " + payload + b"\n\n"
    for size in (1, 2, 3):
        (event,) = decode_all(split_every(data, size))
        assert json.loads(event.data) == {"text": "héllo → 世界 🐍"}


def test_invalid_utf8_becomes_the_replacement_character() -> None:
    # WHATWG: the stream is decoded with "UTF-8 decode", which replaces what is not UTF-8.
    stream = b"data: a\xffb\n\ndata: \xe4\xb8 cut\n\ndata: next\n\n"
    expected = ["a\ufffdb", "\ufffd cut", "next"]
    for size in (1, 2, len(stream)):
        assert [e.data for e in decode_all(split_every(stream, size))] == expected


def test_utf8_cut_short_at_eof_does_not_raise() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: \xe4\xb8")
    assert decoder.flush() == []
    assert decoder.has_partial_event


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_an_endless_line_is_refused_once_it_passes_the_cap(size: int) -> None:
    decoder = SSEDecoder(max_event_bytes=100)
    with pytest.raises(SSELimitError) as info:
        for chunk in split_every(b"data: " + b"x" * 10_000, size):
            decoder.feed(chunk)
    assert (info.value.what, info.value.limit) == ("line", 100)
    # Refused as soon as the line passed the cap, not at the end of the 10 KB.
    assert len("".join(decoder._partial)) <= 100 + size


def test_an_endless_comment_is_a_line_too() -> None:
    decoder = SSEDecoder(max_event_bytes=100)
    with pytest.raises(SSELimitError):
        decoder.feed(b": " + b"z" * 200 + b"\n")


@pytest.mark.parametrize("size", [1, 5, 64, 100_000])
def test_an_event_whose_data_lines_never_end_is_refused(size: int) -> None:
    decoder = SSEDecoder(max_event_bytes=100)
    with pytest.raises(SSELimitError) as info:
        for chunk in split_every(b"data: 0123456789\n" * 50, size):
            decoder.feed(chunk)
    assert info.value.what == "event"


def test_events_and_lines_within_the_cap_pass() -> None:
    decoder = SSEDecoder(max_event_bytes=100)
    line = b"data: " + b"y" * 94 + b"\n"  # exactly 100 characters
    events = []
    for _ in range(20):  # many events of 94 characters each: each one fits
        events += decoder.feed(line + b"\n")
    assert len(events) == 20
    # Two data lines of 60: each line fits, the event (120) does not.
    with pytest.raises(SSELimitError):
        decoder.feed(b"data: " + b"a" * 54 + b"\ndata: " + b"b" * 60 + b"\n")


def test_unicode_line_separators_are_not_line_ends() -> None:
    # U+2028, U+0085, VT and FF would split lines with str.splitlines(); the SSE rules do not.
    text = "a\u2028b\u0085c\x0bd\x0ce"
    (event,) = decode_all([f"data: {text}\n\n".encode()])
    assert event.data == text


def test_one_megabyte_frame_in_one_read_and_in_tiny_reads() -> None:
    big = "x" * (1024 * 1024)
    data = f'data: {{"big": "{big}"}}\n\n'.encode()
    (whole,) = decode_all([data])
    assert len(whole.data) == len(big) + 11
    (pieces,) = decode_all(split_every(data, 97))
    assert pieces.data == whole.data


def test_many_tiny_reads_of_many_events() -> None:
    data = b"".join(b"data: %d\n\n" % i for i in range(2000))
    events = decode_all(split_every(data, 1))
    assert [int(e.data) for e in events] == list(range(2000))


def test_bom_is_not_stripped_from_data() -> None:
    # A BOM inside the data is content, not a marker: only one that starts the stream is dropped.
    (event,) = decode_all([b"data: \xef\xbb\xbfx\n\n"])
    assert event.data == "\ufeffx"


def test_bom_at_stream_start_is_dropped() -> None:
    assert decode_all([b"\xef\xbb", b"\xbfdata: x\n\n"]) == [ServerSentEvent("x")]


def test_feed_data_or_events_gives_bare_data_frames_as_text_and_named_events_as_events() -> None:
    decoder = SSEDecoder()
    out = decoder.feed_data_or_events(
        b"data: a\n\nevent: meta\ndata: b\n\ndata: c\ndata: d\n\nid: 3\ndata: e\n\n"
    )
    assert out == ["a", ServerSentEvent("b", event="meta"), "c\nd", "e"]
