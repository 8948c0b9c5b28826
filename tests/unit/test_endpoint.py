"""Endpoint declarations (``meshapi._endpoint``): paths, bodies, queries, pagination, multipart
and empty answers, decided with no I/O."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, List, Optional

import pytest

from meshapi import ChatCompletionParams, DeleteTemplateResponse, ModelInfo
from meshapi._endpoint import (
    CursorPagination,
    Endpoint,
    OffsetPagination,
    TokenPagination,
    encode_multipart,
)
from meshapi._request import ModelParser
from meshapi._types import RequestModel

MESSAGES = [{"role": "user", "content": "hi"}]


def test_path_placeholders_are_percent_encoded_and_model_ids_keep_their_slash() -> None:
    one = Endpoint("GET", "/v1/things/{thing_id}/parts", ModelInfo, name="get")
    model = Endpoint("GET", "/v1/models/{model_id:model}", ModelInfo, name="get")

    assert one.build(("../x",)).path == "/v1/things/..%2Fx/parts"
    assert model.build(("openai/gpt 4",)).path == "/v1/models/openai/gpt%204"


def test_a_missing_path_argument_names_the_placeholder() -> None:
    endpoint = Endpoint("GET", "/v1/things/{thing_id}", ModelInfo, name="get")
    with pytest.raises(TypeError, match=r"get\(\) needs 1 path argument\(s\) \(thing_id\), got 0"):
        endpoint.build(())


def test_an_unknown_placeholder_kind_is_refused_when_declared() -> None:
    with pytest.raises(ValueError, match="unknown placeholder kind 'uuid'"):
        Endpoint("GET", "/v1/things/{thing_id:uuid}", ModelInfo, name="get")


def test_a_params_body_is_validated_and_stream_set_and_defaults_added() -> None:
    create = Endpoint(
        "POST", "/v1/chat/completions", ModelInfo, name="create", params=ChatCompletionParams
    )
    stream = create.streaming(lambda e, d, r: d, body_defaults={"stream_options": {"x": 1}})
    create = Endpoint(
        "POST",
        "/v1/chat/completions",
        ModelInfo,
        name="create",
        params=ChatCompletionParams,
        sets_stream=False,
    )

    body = create.build((), {"model": "m", "messages": MESSAGES}).body
    streamed = stream.build((), {"model": "m", "messages": MESSAGES}).body

    assert body == {"model": "m", "messages": MESSAGES, "stream": False}
    assert streamed == {
        "model": "m",
        "messages": MESSAGES,
        "stream": True,
        "stream_options": {"x": 1},
    }
    with pytest.raises(ValueError, match=r"call stream\(\) instead"):
        create.build((), {"model": "m", "messages": MESSAGES, "stream": True})
    with pytest.raises(ValueError, match="max_token"):
        create.build((), {"model": "m", "messages": MESSAGES, "max_token": 3})


def test_keyword_fields_build_the_same_body_as_a_params_object_but_not_both() -> None:
    create = Endpoint(
        "POST", "/v1/chat/completions", ModelInfo, name="create", params=ChatCompletionParams
    )
    by_object = create.build((), ChatCompletionParams(model="m", messages=MESSAGES))
    by_keywords = create.build((), kwargs={"model": "m", "messages": MESSAGES})

    assert by_keywords.body == by_object.body
    with pytest.raises(TypeError, match=r"create\(\) was given a params object and the keyword"):
        create.build((), {"model": "m", "messages": MESSAGES}, kwargs={"temperature": 0})


def test_an_endpoint_without_a_body_refuses_one() -> None:
    endpoint = Endpoint("GET", "/v1/models", ModelInfo, name="list")
    with pytest.raises(TypeError, match=r"list\(\) takes no request body"):
        endpoint.build((), {"model": "m"})


def test_options_become_the_request_headers_and_timeout() -> None:
    endpoint = Endpoint("GET", "/v1/models", ModelInfo, name="list", headers={"Accept": "a/b"})
    opts = endpoint.build((), kwargs={"extra_headers": {"X-Trace": "1"}, "timeout": 3.0})
    assert opts.headers == {"Accept": "a/b", "X-Trace": "1"}
    assert opts.timeout == 3.0


def test_an_empty_answer_is_built_from_the_path_arguments_when_declared() -> None:
    endpoint = Endpoint(
        "DELETE",
        "/v1/templates/{template_id}",
        DeleteTemplateResponse,
        name="delete",
        on_empty=lambda path: DeleteTemplateResponse(id=path[0], deleted=True),
    )
    parser = endpoint.parser_for(("tpl_1",))
    assert parser.validate(b"") == DeleteTemplateResponse(id="tpl_1", deleted=True)
    assert parser.validate(b'{"id": "tpl_1", "deleted": false}').deleted is False


def test_a_binary_endpoint_returns_the_bytes_as_they_came() -> None:
    endpoint = Endpoint("POST", "/v1/audio/speech", ModelParser.raw(), name="synthesize")
    assert endpoint.parser.validate(b"RIFF\x00\x01") == b"RIFF\x00\x01"


# -- pagination ---------------------------------------------------------------------------------


def page(**fields: Any) -> Any:
    return SimpleNamespace(**fields)


def test_cursor_pagination_continues_after_the_last_id_while_there_is_more() -> None:
    kind = CursorPagination(max_limit=100)
    query = {"limit": 2}
    more = page(data=[1, 2], has_more=True, last_id="b_2")
    assert kind.next_query(more, query) == {"limit": 2, "after": "b_2"}
    assert kind.next_query(page(data=[3], has_more=False, last_id="b_3"), query) is None
    assert kind.items_of(more) == [1, 2]


def test_offset_pagination_stops_at_the_total_or_an_empty_page() -> None:
    kind = OffsetPagination(items="files")
    assert kind.next_query(page(files=[1, 2], total=5), {"offset": 0}) == {"offset": 2}
    assert kind.next_query(page(files=[5], total=5), {"offset": 4}) is None
    assert kind.next_query(page(files=[], total=None), {}) is None


def test_token_pagination_follows_the_next_page_token() -> None:
    kind = TokenPagination()
    assert kind.next_query(page(data=[1], next_page_token="t2"), {}) == {"page_token": "t2"}
    assert kind.next_query(page(data=[1], next_page_token=None), {}) is None


@pytest.mark.parametrize(
    "kind, query, message",
    [
        (CursorPagination(max_limit=100), {"limit": 0}, "limit must be between 1 and 100"),
        (CursorPagination(max_limit=100), {"limit": 101}, "limit must be between 1 and 100"),
        (OffsetPagination(items="files"), {"limit": 0}, "limit must be >= 1"),
        (OffsetPagination(items="files"), {"offset": -1}, "offset must be >= 0"),
    ],
)
def test_out_of_range_page_queries_are_refused(kind: Any, query: Any, message: str) -> None:
    endpoint = Endpoint("GET", "/v1/x", ModelInfo, name="list", pagination=kind)
    with pytest.raises(ValueError, match=message):
        endpoint.build((), query=query)


# -- multipart ----------------------------------------------------------------------------------


class UploadParams(RequestModel):
    file: bytes
    model: str
    timestamps: Optional[bool] = None
    languages: Optional[List[str]] = None


def test_a_multipart_endpoint_sends_fields_as_text_and_files_as_file_parts() -> None:
    endpoint = Endpoint(
        "POST",
        "/v1/audio/transcriptions",
        ModelInfo,
        name="transcribe",
        params=UploadParams,
        multipart_files=("file",),
    )
    opts = endpoint.build(
        (),
        UploadParams(file=b"RIFF\xff\xfe", model="m", timestamps=True, languages=["en", "fr"]),
    )
    assert opts.body is None and opts.content is not None
    ctype = opts.headers["Content-Type"]  # type: ignore[index]
    boundary = ctype.split("boundary=")[1]
    assert b"\r\n\r\nRIFF\xff\xfe\r\n" in opts.content  # the bytes as they are, not UTF-8
    text = opts.content.decode("latin-1")
    assert ctype.startswith("multipart/form-data; boundary=")
    assert f'--{boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nm\r\n' in text
    assert 'name="timestamps"\r\n\r\ntrue\r\n' in text
    assert 'name="languages"\r\n\r\n["en","fr"]\r\n' in text
    assert 'name="file"; filename="file"\r\nContent-Type: application/octet-stream' in text
    assert text.endswith(f"--{boundary}--\r\n")


def test_multipart_file_parts_keep_the_callers_filename_and_guess_its_type() -> None:
    body, ctype = encode_multipart(
        {"skip": None}, {"file": ('talk "1".wav', b"RIFF")}, boundary="B"
    )
    assert ctype == "multipart/form-data; boundary=B"
    assert body == (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="talk %221%22.wav"\r\n'
        b"Content-Type: audio/x-wav\r\n\r\nRIFF\r\n--B--\r\n"
    )
