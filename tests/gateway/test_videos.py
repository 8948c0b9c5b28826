"""The local gateway's video generation tasks over HTTP: lifecycle, the GIF, callbacks."""

from __future__ import annotations

import http.server
import io
import json
import threading
import time
from typing import Any, Dict, Iterator, List, Tuple

import httpx
import pytest
from gwkit import client_for
from PIL import Image

SPEECH = {"input": "Hello from MeshAPI.", "model": "sarvam/bulbul:v2", "voice": "meera"}


def form(fields: Dict[str, str], file: bytes, filename: str = "audio.wav") -> Dict[str, Any]:
    """httpx multipart arguments."""
    return {"data": fields, "files": {"file": (filename, file, "application/octet-stream")}}


def error_of(response: httpx.Response) -> Dict[str, Any]:
    error: Dict[str, Any] = response.json()["error"]
    return error


# -- video ---------------------------------------------------------------------------------------

VIDEO = {
    "model": "byteplus/dreamina-seedance-2-0",
    "content": [{"type": "text", "text": "A serene mountain lake at sunrise"}],
    "duration": 2,
}


def wait_for(api: httpx.Client, task_id: str) -> Tuple[Dict[str, Any], List[str]]:
    statuses: List[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        task = api.get(f"/v1/video/generations/{task_id}").json()
        if not statuses or statuses[-1] != task["status"]:
            statuses.append(task["status"])
        if task["status"] in ("succeeded", "failed", "expired", "cancelled"):
            return task, statuses
        time.sleep(0.01)
    raise AssertionError(f"task {task_id} did not finish: {statuses}")


def test_a_video_task_ends_with_a_playable_animation(api: httpx.Client) -> None:
    created = api.post("/v1/video/generations", json={**VIDEO, "return_last_frame": True})
    assert created.status_code == 200 and set(created.json()) == {"id"}
    task, statuses = wait_for(api, created.json()["id"])
    assert statuses[-1] == "succeeded" and set(statuses) <= {"queued", "running", "succeeded"}
    assert task["usage"]["total_tokens"] > 0 and task["error"] is None
    video = httpx.get(task["content"]["video_url"])
    assert video.headers["content-type"] == "image/gif"
    movie = Image.open(io.BytesIO(video.content))
    assert movie.format == "GIF" and movie.size == (192, 108)
    assert movie.n_frames == task["frames"] == 2 * task["framespersecond"]
    movie.seek(0)
    first = movie.convert("RGB").tobytes()
    movie.seek(movie.n_frames - 1)
    last = movie.convert("RGB").tobytes()
    assert last != first  # it moves
    still = Image.open(io.BytesIO(httpx.get(task["content"]["last_frame_url"]).content))
    assert still.format == "PNG" and still.convert("RGB").tobytes() == last


@pytest.mark.parametrize(
    ("keyword", "status", "code"),
    [("#fail", "failed", "content_policy_violation"), ("#expire", "expired", "task_expired")],
)
def test_prompt_keywords_trigger_failure_and_expiry(
    api: httpx.Client, keyword: str, status: str, code: str
) -> None:
    body = {**VIDEO, "content": [{"type": "text", "text": f"a lake {keyword}"}]}
    task, _ = wait_for(api, api.post("/v1/video/generations", json=body).json()["id"])
    assert task["status"] == status and task["error"]["code"] == code
    assert task["content"] is None


def test_video_tasks_list_newest_first_with_offset_paging(make_gateway: Any) -> None:
    gw = make_gateway()
    with client_for(gw) as api:
        ids = [api.post("/v1/video/generations", json=VIDEO).json()["id"] for _ in range(3)]
        for task_id in ids:
            wait_for(api, task_id)
        page = api.get("/v1/video/generations", params={"limit": 2}).json()
        assert [t["id"] for t in page["data"]] == ids[::-1][:2]
        assert (page["total"], page["limit"], page["offset"], page["has_more"]) == (3, 2, 0, True)
        rest = api.get("/v1/video/generations", params={"limit": 2, "offset": 2}).json()
        assert [t["id"] for t in rest["data"]] == ids[:1] and rest["has_more"] is False
        none = api.get("/v1/video/generations", params={"status": "failed"}).json()
        assert none["total"] == 0 and none["data"] == []
        bad = api.get("/v1/video/generations", params={"created_after": "yesterday"})
        assert bad.status_code == 422 and "created_after" in error_of(bad)["message"]


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"model": "openai/gpt-4o-mini"}, 400, "model_capability_not_supported"),
        ({"model": "nobody/none"}, 404, "model_not_found"),
        ({"content": []}, 422, "validation_error"),
        ({"content": [{"type": "text", "text": " "}]}, 422, "validation_error"),
        ({"ratio": "5:4"}, 422, "validation_error"),
        ({"duration": 60}, 422, "validation_error"),
        ({"callback_url": "ftp://x"}, 422, "validation_error"),
    ],
)
def test_bad_video_requests_say_what_was_wrong(
    api: httpx.Client, change: Dict[str, Any], status: int, code: str
) -> None:
    reply = api.post("/v1/video/generations", json={**VIDEO, **change})
    assert reply.status_code == status, reply.text
    assert error_of(reply)["code"] == code


def test_an_unknown_video_task_or_file_is_404(api: httpx.Client) -> None:
    assert error_of(api.get("/v1/video/generations/cgt_nothing"))["code"] == "not_found"
    assert api.get("/v1/video/files/vid_nothing.gif").status_code == 404


@pytest.fixture
def callback_server() -> Iterator[Tuple[str, List[Dict[str, Any]]]]:
    """A tiny HTTP server on 127.0.0.1 recording the JSON bodies POSTed to it."""
    received: List[Dict[str, Any]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()
        server.server_close()


def test_callback_url_gets_the_task_on_each_status_change(
    api: httpx.Client, callback_server: Tuple[str, List[Dict[str, Any]]]
) -> None:
    url, received = callback_server
    task_id = api.post("/v1/video/generations", json={**VIDEO, "callback_url": url}).json()["id"]
    task, _ = wait_for(api, task_id)
    deadline = time.monotonic() + 10
    while len(received) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [r["status"] for r in received] == ["queued", "running", "succeeded"]
    assert all(r["id"] == task_id for r in received)
    assert received[-1] == task and "_callback_url" not in received[-1]
