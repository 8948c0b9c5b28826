"""The no-I/O half of realtime sessions: URLs, redaction, encoding, decoding, error mapping."""

from __future__ import annotations

import base64
import json
import logging
import pickle
import subprocess
import sys
import traceback
from typing import Any, Dict

import httpx
import pytest
from websockets.datastructures import Headers
from websockets.exceptions import (
    ConnectionClosedError,
    ConnectionClosedOK,
    InvalidHandshake,
    InvalidStatus,
    InvalidURI,
)
from websockets.frames import Close
from websockets.http11 import Response

from meshapi._errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    InternalServerError,
    InvalidResponseError,
    MeshAPIError,
    NotFoundError,
    RateLimitError,
)
from meshapi._realtime_core import (
    ConnectPlan,
    RealtimeMessage,
    RedactingLogger,
    build_realtime_url,
    closed_error,
    connect_error,
    decode_frame,
    encode_audio_append,
    encode_event,
    handshake_headers,
    is_normal_close,
    open_timeout_from,
    redact_url,
    safe_cause,
    scrub,
    session_start_error,
    websockets_version,
)
from meshapi.resources.realtime import RealtimeError, RealtimeResource

SECRET = "rsk_s3cr3t/with+odd=chars&more"
PLAIN_SECRET = "rsk_0123456789abcdef0123456789abcdef"


def plan(base_url: str = "http://127.0.0.1:8000", secret: str = SECRET) -> ConnectPlan:
    return ConnectPlan.build(
        base_url=base_url,
        api_key=secret,
        sdk_headers={"X-MeshAPI-SDK": "python/0.2.0", "Authorization": f"Bearer {secret}"},
        model="openai/gpt-realtime-mini",
        timeout=httpx.Timeout(30.0, connect=4.0),
    )


def leaks(text: str, secret: str = SECRET) -> bool:
    from urllib.parse import quote

    return any(form in text for form in {secret, quote(secret, safe=""), quote(secret)})


def everything_about(exc: BaseException) -> str:
    return "\n".join(
        [
            str(exc),
            repr(exc),
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        ]
    )


# -- URL building and redaction -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "expected_prefix"),
    [
        ("http://127.0.0.1:8000", "ws://127.0.0.1:8000/v1/realtime?"),
        ("https://api.meshapi.ai", "wss://api.meshapi.ai/v1/realtime?"),
        ("https://api.meshapi.ai/", "wss://api.meshapi.ai/v1/realtime?"),
        ("https://api.meshapi.ai/v1", "wss://api.meshapi.ai/v1/realtime?"),
        ("https://example.com/mesh/v1/", "wss://example.com/mesh/v1/realtime?"),
        ("HTTPS://api.meshapi.ai", "wss://api.meshapi.ai/v1/realtime?"),
    ],
)
def test_url_maps_http_scheme_to_ws_and_appends_realtime_path(
    base: str, expected_prefix: str
) -> None:
    url = build_realtime_url(base, "openai/gpt-realtime-mini", "rsk_abc")
    assert url == expected_prefix + "model=openai%2Fgpt-realtime-mini&api_key=rsk_abc"


def test_url_percent_encodes_model_and_key() -> None:
    url = build_realtime_url("http://h:1", "a b&c", SECRET)
    query = httpx.URL(url).params
    assert query["model"] == "a b&c"
    assert query["api_key"] == SECRET
    assert "&more" not in url and "+odd" not in url


@pytest.mark.parametrize("model", ["", "   ", None, 3])
def test_url_rejects_missing_model(model: Any) -> None:
    with pytest.raises(ValueError, match="model must be a non-empty string"):
        build_realtime_url("http://h:1", model, "rsk_abc")


@pytest.mark.parametrize("base", ["ftp://h", "h:8000", "http://"])
def test_url_rejects_base_url_that_is_not_http(base: str) -> None:
    with pytest.raises(ValueError, match="base_url must be an http"):
        build_realtime_url(base, "m", "rsk_abc")


def test_redact_url_masks_every_secret_parameter_and_keeps_the_rest() -> None:
    url = "wss://h/v1/realtime?model=m&api_key=rsk_1&x=1&token=t&API_KEY=rsk_2"
    assert redact_url(url) == "wss://h/v1/realtime?model=m&api_key=***&x=1&token=***&API_KEY=***"
    assert redact_url("wss://h/v1/realtime?model=m") == "wss://h/v1/realtime?model=m"


def test_plan_never_shows_the_key_but_keeps_it_for_the_connection() -> None:
    p = plan()
    assert p.redacted_url.endswith("api_key=***")
    assert not leaks(repr(p)) and not leaks(p.redacted_url)
    assert httpx.URL(p.url).params["api_key"] == SECRET
    assert not p.secure and plan("https://api.meshapi.ai").secure
    assert p.open_timeout == 4.0


def test_scrub_masks_raw_and_percent_encoded_secret() -> None:
    from urllib.parse import quote

    text = f"a {SECRET} b {quote(SECRET, safe='')} c ws://h/?api_key=zzz"
    cleaned = scrub(text, SECRET)
    assert not leaks(cleaned)
    assert "api_key=***" in cleaned


def test_safe_cause_refuses_exceptions_whose_text_or_chain_holds_the_key() -> None:
    p = plan()
    clean = ConnectionRefusedError(111, "Connection refused")
    assert safe_cause(clean, SECRET) is clean
    assert safe_cause(InvalidURI(p.url, "bad"), SECRET) is None
    chained = RuntimeError("outer")
    chained.__context__ = ValueError(f"inner {p.url}")
    assert safe_cause(chained, SECRET) is None


def test_handshake_headers_drop_authorization_and_reject_line_breaks() -> None:
    headers = handshake_headers(
        {"X-MeshAPI-SDK": "python/0.2.0", "Authorization": "Bearer k", "Accept": "x"},
        {"X-Trace": "1"},
    )
    assert headers == {"X-MeshAPI-SDK": "python/0.2.0", "X-Trace": "1"}
    with pytest.raises(ValueError, match="line break"):
        handshake_headers({}, {"X-Bad": "a\r\nInjected: 1"})


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [
        (httpx.Timeout(60.0, connect=10.0), 10.0),
        (httpx.Timeout(7.0, connect=None), 7.0),
        (httpx.Timeout(None), None),
        (None, None),
        (2, 2.0),
    ],
)
def test_open_timeout_comes_from_the_connect_timeout(timeout: Any, expected: Any) -> None:
    assert open_timeout_from(timeout) == expected


@pytest.mark.parametrize("bad", [0, -1, True, "5"])
def test_open_timeout_rejects_non_positive_values(bad: Any) -> None:
    with pytest.raises(ValueError, match="open_timeout"):
        open_timeout_from(bad)


# -- encoding -------------------------------------------------------------------------------------


def test_encode_event_is_compact_json() -> None:
    text = encode_event({"type": "session.update", "session": {"instructions": "é"}})
    assert text == '{"type":"session.update","session":{"instructions":"é"}}'


@pytest.mark.parametrize(
    ("event", "error", "match"),
    [
        ({"session": {}}, ValueError, "non-empty string 'type'"),
        ({"type": ""}, ValueError, "non-empty string 'type'"),
        (["type"], TypeError, "must be a dict"),
        ({"type": "session.update", "session": {...}}, TypeError, "'session.update' event cannot"),
        ({"type": "x", "v": float("nan")}, TypeError, "'x' event cannot"),
    ],
)
def test_encode_event_rejects_bad_events_with_a_clear_error(
    event: Any, error: type, match: str
) -> None:
    with pytest.raises(error, match=match):
        encode_event(event)


@pytest.mark.parametrize(
    "pcm", [b"\x01\x02\x03\x04", bytearray(b"\x01\x02"), memoryview(b"\x00\x00")]
)
def test_audio_append_carries_base64_pcm(pcm: Any) -> None:
    event = json.loads(encode_audio_append(pcm))
    assert event["type"] == "input_audio_buffer.append"
    assert base64.b64decode(event["audio"]) == bytes(pcm)


def test_audio_append_rejects_odd_length_and_non_bytes() -> None:
    with pytest.raises(ValueError, match="odd"):
        encode_audio_append(b"\x01\x02\x03")
    with pytest.raises(TypeError, match="bytes of PCM16"):
        encode_audio_append("abcd")  # type: ignore[arg-type]


# -- decoding -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["response.output_audio.delta", "response.audio.delta"])
def test_audio_delta_events_are_decoded(kind: str) -> None:
    pcm = b"\x10\x00\xf0\xff" * 10
    frame = json.dumps({"type": kind, "event_id": "e1", "delta": base64.b64encode(pcm).decode()})
    message = decode_frame(frame)
    assert message.audio == pcm
    assert message.event is not None and message.event["type"] == kind
    assert message.text == frame and message.type == kind


def test_other_events_have_no_audio() -> None:
    frame = '{"type":"response.output_audio_transcript.delta","delta":"aGk="}'
    message = decode_frame(frame)
    assert message.audio is None
    assert message.event == {"type": "response.output_audio_transcript.delta", "delta": "aGk="}


def test_binary_frame_is_audio_without_event() -> None:
    message = decode_frame(b"\x01\x02")
    assert message == RealtimeMessage(event=None, text=None, audio=b"\x01\x02")
    assert message.type is None


@pytest.mark.parametrize("text", ["not json", "[1, 2]", '"str"'])
def test_text_that_is_not_a_json_object_keeps_its_raw_text(text: str) -> None:
    message = decode_frame(text)
    assert message.event is None and message.text == text and message.audio is None


def test_audio_delta_with_bad_base64_raises_invalid_response() -> None:
    with pytest.raises(InvalidResponseError, match="not valid base64") as info:
        decode_frame('{"type":"response.output_audio.delta","delta":"@@@"}')
    assert info.value.error_code == "invalid_response"
    assert info.value.body == {"type": "response.output_audio.delta", "delta": "@@@"}


def test_message_repr_summarises_instead_of_dumping_audio() -> None:
    pcm = bytes(4000)
    message = decode_frame(
        json.dumps({"type": "response.output_audio.delta", "delta": base64.b64encode(pcm).decode()})
    )
    assert repr(message).startswith("RealtimeMessage(type='response.output_audio.delta'")
    assert "audio=<4000 bytes>" in repr(message)
    assert len(repr(message)) < 120


# -- error events ---------------------------------------------------------------------------------

ERROR_EVENT: Dict[str, Any] = {
    "type": "error",
    "event_id": "event_1",
    "error": {
        "type": "invalid_request_error",
        "code": "invalid_value",
        "message": "Invalid value: 'nope'.",
        "param": "type",
        "event_id": "client_7",
    },
    "request_id": "req_01ABC",
}


def test_realtime_error_from_event_has_every_field() -> None:
    err = RealtimeError.from_event(ERROR_EVENT)
    assert isinstance(err, MeshAPIError)
    assert (err.code, err.error_code, err.message) == (
        "invalid_value",
        "invalid_value",
        "Invalid value: 'nope'.",
    )
    assert (err.param, err.request_id, err.error_type, err.event_id) == (
        "type",
        "req_01ABC",
        "invalid_request_error",
        "client_7",
    )
    assert err.event == ERROR_EVENT and err.status is None
    assert str(err) == "[invalid_value] Invalid value: 'nope'. (request_id=req_01ABC) (param=type)"


def test_realtime_error_code_falls_back_to_type_then_unknown() -> None:
    assert (
        RealtimeError.from_event({"type": "error", "error": {"type": "server_error"}}).code
        == "server_error"
    )
    bare = RealtimeError.from_event({"type": "error"})
    assert bare.code == "unknown_error"
    assert "unknown_error" in bare.message


def test_realtime_error_survives_pickling() -> None:
    err = pickle.loads(pickle.dumps(RealtimeError.from_event(ERROR_EVENT)))
    assert isinstance(err, RealtimeError)
    assert (err.code, err.param, err.request_id, err.event) == (
        "invalid_value",
        "type",
        "req_01ABC",
        ERROR_EVENT,
    )


@pytest.mark.parametrize(
    ("code", "cls", "status"),
    [("invalid_api_key", AuthenticationError, 401), ("model_not_found", NotFoundError, 404)],
)
def test_error_instead_of_session_created_maps_to_http_status_class(
    code: str, cls: type, status: int
) -> None:
    err = session_start_error(
        {"type": "error", "error": {"code": code, "message": "no"}, "request_id": "req_1"}
    )
    assert isinstance(err, cls)
    assert (err.status, err.error_code, err.request_id) == (status, code, "req_1")


def test_error_instead_of_session_created_without_http_meaning_is_left_to_realtime_error() -> None:
    assert session_start_error({"type": "error", "error": {"code": "idle_timeout"}}) is None


# -- connection failures --------------------------------------------------------------------------


def rejection(status: int, body: bytes, **headers: str) -> InvalidStatus:
    hdrs = Headers()
    for name, value in headers.items():
        hdrs[name.replace("_", "-")] = value
    return InvalidStatus(Response(status, "x", hdrs, body))


def test_rejected_handshake_maps_envelope_to_status_class() -> None:
    body = json.dumps(
        {"error": {"code": "invalid_api_key", "message": "Invalid API key."}, "request_id": "req_9"}
    )
    err = connect_error(rejection(401, body.encode(), Content_Type="application/json"), plan())
    assert isinstance(err, AuthenticationError)
    assert (err.status, err.error_code, err.request_id, err.message) == (
        401,
        "invalid_api_key",
        "req_9",
        "Invalid API key.",
    )


def test_rejected_handshake_reads_retry_after_and_request_id_headers() -> None:
    body = b'{"error": {"code": "rate_limit_exceeded", "message": "slow down"}}'
    err = connect_error(rejection(429, body, Retry_After="3", x_request_id="req_h"), plan())
    assert isinstance(err, RateLimitError)
    assert (err.retry_after_seconds, err.request_id) == (3.0, "req_h")


def test_rejected_handshake_with_html_body_is_still_a_clear_error() -> None:
    err = connect_error(
        rejection(502, b"<html><title>502 Bad Gateway</title></html>", Content_Type="text/html"),
        plan(),
    )
    assert isinstance(err, InternalServerError)
    assert err.status == 502 and "502 Bad Gateway" in err.message


def test_rejection_body_echoing_the_key_is_scrubbed() -> None:
    body = json.dumps({"error": {"code": "unauthorized", "message": f"bad key {SECRET}"}}).encode()
    err = connect_error(rejection(401, body), plan())
    assert not leaks(everything_about(err))


def test_refused_connection_is_api_connection_error_naming_the_redacted_url() -> None:
    err = connect_error(ConnectionRefusedError(111, "Connection refused"), plan())
    assert isinstance(err, APIConnectionError) and not isinstance(err, APITimeoutError)
    assert "api_key=***" in str(err) and "Connection refused" in str(err)
    assert not leaks(everything_about(err))


def test_open_timeout_is_api_timeout_error() -> None:
    err = connect_error(TimeoutError("timed out during opening handshake"), plan())
    assert isinstance(err, APITimeoutError)
    assert "after 4s" in str(err) and err.error_code == "timeout"


@pytest.mark.parametrize(
    "exc",
    [
        InvalidURI(plan().url, "is not a valid URI"),
        InvalidHandshake(f"bad upgrade for {plan().url}"),
    ],
    ids=["invalid-uri", "invalid-handshake"],
)
def test_errors_whose_text_holds_the_uri_are_scrubbed(exc: BaseException) -> None:
    err = connect_error(exc, plan())
    assert isinstance(err, (ValueError, APIConnectionError))
    assert "api_key=***" in str(err)
    assert not leaks(everything_about(err))


def test_normal_close_is_connection_closed() -> None:
    exc = ConnectionClosedOK(Close(1000, "idle timeout"), Close(1000, "idle timeout"), True)
    assert is_normal_close(exc)
    err = closed_error(exc, plan())
    assert type(err) is MeshAPIError
    assert err.error_code == "connection_closed"
    assert "code 1000 (normal closure): idle timeout" in str(err)


def test_drop_without_close_frame_is_connection_lost() -> None:
    exc = ConnectionClosedError(None, None)
    assert not is_normal_close(exc)
    err = closed_error(exc, plan())
    assert isinstance(err, APIConnectionError)
    assert err.error_code == "connection_lost" and "no close frame received" in str(err)


def test_error_close_code_is_connection_lost_with_code_and_reason() -> None:
    exc = ConnectionClosedError(Close(1011, "boom"), Close(1011, "boom"), True)
    err = closed_error(exc, plan())
    assert isinstance(err, APIConnectionError)
    assert "code 1011 (internal error): boom" in str(err)


def test_close_before_session_started_says_so() -> None:
    exc = ConnectionClosedOK(Close(1008, "nope"), Close(1008, "nope"), True)
    err = closed_error(exc, plan(), starting=True)
    assert isinstance(err, APIConnectionError)
    assert "before the session started" in str(err) and "api_key=***" in str(err)


# -- logging, imports, versions -------------------------------------------------------------------


def test_redacting_logger_masks_the_key_in_websockets_debug_lines(
    caplog: pytest.LogCaptureFixture,
) -> None:
    p = plan(secret=PLAIN_SECRET)
    logger = RedactingLogger(logging.getLogger("websockets.client"), PLAIN_SECRET)
    with caplog.at_level(logging.DEBUG, logger="websockets.client"):
        logger.debug("> GET %s HTTP/1.1", p.url.split("://", 1)[1])
        try:
            raise InvalidURI(p.url, "broken")
        except InvalidURI:
            logger.debug("handshake failed", exc_info=True)
    text = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "api_key=***" in text and "handshake failed" in text
    assert PLAIN_SECRET not in text


def test_websockets_version_parsing() -> None:
    assert websockets_version("14.1") == (14, 1)
    assert websockets_version("15.0rc1") == (15, 0)
    assert websockets_version("16") == (16,)


class _Config:
    base_url = "http://127.0.0.1:9"
    api_key = PLAIN_SECRET
    sdk_headers = {"X-MeshAPI-SDK": "python/test"}
    default_headers: Dict[str, str] = {}
    timeout = httpx.Timeout(1.0)


def test_missing_websockets_gives_an_import_error_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "websockets", None)
    with pytest.raises(ImportError, match=r"pip install 'meshapi\[realtime\]'"):
        RealtimeResource(_Config()).connect(model="openai/gpt-realtime-mini")


def test_importing_the_realtime_module_does_not_import_websockets() -> None:
    code = (
        "import sys, meshapi.resources.realtime, meshapi._realtime_core\n"
        "assert 'websockets' not in sys.modules, 'websockets imported eagerly'\n"
        "import meshapi\n"
        "client = meshapi.MeshAPI(base_url='http://127.0.0.1:9', token='rsk_x')\n"
        "client.realtime\n"
        "assert 'websockets' not in sys.modules, 'meshapi or client.realtime imported websockets'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_resource_repr_shows_no_key() -> None:
    assert PLAIN_SECRET not in repr(RealtimeResource(_Config()))


def test_wss_verifies_against_certifi_and_ws_has_no_tls() -> None:
    import ssl

    import certifi

    from meshapi.resources.realtime import _connect_kwargs

    secure = _connect_kwargs(plan("https://api.meshapi.ai"))
    context = secure["ssl"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    bundle = ssl.create_default_context(cafile=certifi.where()).cert_store_stats()["x509_ca"]
    assert context.cert_store_stats()["x509_ca"] == bundle > 0
    plain = _connect_kwargs(plan())
    assert "ssl" not in plain
    assert plain["subprotocols"] == ["openai-realtime"]
    assert plain["additional_headers"] == {"X-MeshAPI-SDK": "python/0.2.0"}
    assert plain["open_timeout"] == 4.0


def test_async_connect_is_lazy_and_its_repr_shows_no_key() -> None:
    from meshapi.resources.realtime import AsyncRealtimeResource

    pending = AsyncRealtimeResource(_Config()).connect(model="openai/gpt-realtime-mini")
    assert "api_key=***" in repr(pending) and PLAIN_SECRET not in repr(pending)


@pytest.mark.parametrize("status", [200, 302])
def test_an_answer_that_is_not_an_upgrade_says_so(status: int) -> None:
    err = connect_error(rejection(status, b"<html><title>Welcome</title></html>"), plan())
    assert f"the server did not upgrade to a WebSocket (HTTP {status})" in err.message
    assert isinstance(err, MeshAPIError)
    assert (err.status, err.error_code) == (status, "websocket_upgrade_refused")
    assert not leaks(everything_about(err))
