"""RAG over real sockets against a LocalGateway: signed uploads, embedding, search, listing."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from typing import Any, Dict, Iterator, List, Optional
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from gwkit import make_pdf

from meshapi.testing import LocalGateway
from meshapi.testing._core.signing import sign


@pytest.fixture(scope="module")
def gw() -> Iterator[LocalGateway]:
    with LocalGateway(options={"rag_embed_delay": 0.02}) as gateway:
        yield gateway


def new_client(gw: LocalGateway) -> httpx.Client:
    """A client whose key has an owner of its own: files are private to an owner."""
    key = f"rsk_{uuid.uuid4().hex}"
    gw.add_key(key, owner=f"usr_{uuid.uuid4().hex[:12]}")
    return httpx.Client(
        base_url=gw.base_url, headers={"Authorization": f"Bearer {key}"}, timeout=30
    )


@pytest.fixture
def client(gw: LocalGateway) -> Iterator[httpx.Client]:
    with new_client(gw) as c:
        yield c


def init(client: httpx.Client, name: str, mime: str, **extra: Any) -> Dict[str, Any]:
    response = client.post("/v1/files", json={"file_name": name, "mime_type": mime, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def put(url: str, content: bytes, mime: Optional[str], **headers: str) -> httpx.Response:
    # A bare httpx call, as the SDK's README shows: no Authorization header.
    if mime is not None:
        headers["Content-Type"] = mime
    return httpx.put(url, content=content, headers=headers)


def upload(client: httpx.Client, name: str, mime: str, content: bytes, **extra: Any) -> str:
    created = init(client, name, mime, **extra)
    response = put(created["signed_url"], content, mime)
    assert response.status_code == 200, response.text
    return str(created["file_id"])


def wait_embedded(client: httpx.Client, file_id: str) -> Dict[str, Any]:
    deadline = time.monotonic() + 20
    while True:
        status = client.get(f"/v1/files/{file_id}").json()
        if status["embedding_status"] not in ("pending", "processing"):
            return status
        assert time.monotonic() < deadline, f"embedding stuck in {status['embedding_status']}"
        time.sleep(0.01)


def embed(client: httpx.Client, file_ids: List[str], **extra: Any) -> List[Dict[str, Any]]:
    response = client.post("/v1/files/embed", json={"file_ids": file_ids, **extra})
    assert response.status_code == 200, response.text
    return list(response.json()["results"])


def search(client: httpx.Client, query: str, **extra: Any) -> httpx.Response:
    return client.post("/v1/files/search", json={"query": query, **extra})


def unix(iso: str) -> float:
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


FILLER = (
    "The cafeteria serves lunch from noon. Parking permits renew every spring. "
    "The library lends laptops for a week."
)

FILES = {
    "txt": (
        "notes.txt",
        "text/plain",
        f"Office notes.\n\n{FILLER}\n\nVolcanic basalt samples are in cabinet seven.".encode(),
        "volcanic basalt samples",
    ),
    "md": (
        "guide.md",
        "text/markdown",
        f"# Guide\n\n{FILLER}\n\n## Storage\n\nThe **saxophone** reeds are in the drawer.".encode(),
        "saxophone reeds drawer",
    ),
    "html": (
        "page.html",
        "text/html",
        (
            f"<html><head><title>Intranet</title><script>var x = 'decoy';</script></head>"
            f"<body><p>{FILLER}</p><p>Submit <b>expense receipts</b> to Marguerite"
            f" by Friday &amp; keep copies.</p></body></html>"
        ).encode(),
        "expense receipts Marguerite",
    ),
    "json": (
        "faq.json",
        "application/json",
        json.dumps(
            {
                "faq": [
                    {"q": "Where is lunch?", "a": FILLER},
                    {
                        "q": "Telescope access?",
                        "a": "The rooftop telescope opens on clear Thursdays.",
                    },
                ],
                "version": 2,
            }
        ).encode(),
        "rooftop telescope Thursdays",
    ),
    "pdf": (
        "handbook.pdf",
        "application/pdf",
        make_pdf([FILLER, "Onboarding\n\nNew starters receive a brass compass on day one."]),
        "brass compass starters",
    ),
    "pdf-flate": (
        "handbook-compressed.pdf",
        "application/pdf",
        make_pdf([FILLER, "Fire drills gather at the magnolia tree."], compress=True),
        "fire drills magnolia",
    ),
}


@pytest.mark.parametrize("kind", list(FILES), ids=list(FILES))
def test_upload_embed_and_search_each_file_type(client: httpx.Client, kind: str) -> None:
    name, mime, content, query = FILES[kind]
    created = init(client, name, mime, metadata={"kind": kind})
    assert set(created) == {"file_id", "signed_url", "expires_at"}
    file_id = created["file_id"]
    assert created["signed_url"].startswith(f"{client.base_url}/v1/uploads/{file_id}?")

    pending = client.get(f"/v1/files/{file_id}").json()
    assert pending["upload_status"] == "pending"
    assert pending["embedding_status"] == "pending"
    assert pending["size_bytes"] is None and pending["asset_url"] is None

    uploaded = put(created["signed_url"], content, mime)
    assert uploaded.status_code == 200, uploaded.text
    status = client.get(f"/v1/files/{file_id}").json()
    assert set(status) >= {
        "file_id",
        "upload_status",
        "file_name",
        "file_type",
        "mime_type",
        "size_bytes",
        "asset_url",
        "signed_url",
        "signed_url_expires_at",
        "embedding_status",
        "created_at",
        "updated_at",
        "total_tokens",
        "total_cost_usd",
        "last_error_code",
    }
    assert status["upload_status"] == "ready"
    assert status["embedding_status"] == "pending"  # embed was not asked for at init
    assert (status["file_name"], status["mime_type"]) == (name, mime)
    assert status["file_type"] == name.rsplit(".", 1)[1]
    assert status["size_bytes"] == len(content)
    assert status["signed_url"] == created["signed_url"]
    assert status["signed_url_expires_at"] == created["expires_at"]
    assert httpx.get(status["asset_url"]).content == content

    [result] = embed(client, [file_id])
    assert result["file_id"] == file_id
    assert result["embedding_status"] == "processing"
    done = wait_embedded(client, file_id)
    assert done["embedding_status"] == "ready", done
    assert done["last_error_code"] is None
    assert done["total_tokens"] > 0 and done["total_cost_usd"] > 0

    response = search(client, query, file_ids=[file_id], top_k=1)
    assert response.status_code == 200, response.text
    [hit] = response.json()["results"]
    assert set(hit) == {
        "score",
        "text",
        "parent_text",
        "file_id",
        "file_name",
        "file_type",
        "mime_type",
        "chunk_index",
        "created_at",
        "metadata",
    }
    assert all(word.lower() in hit["text"].lower() for word in query.split())
    assert hit["text"] in hit["parent_text"]
    assert "decoy" not in hit["text"]
    assert (hit["file_id"], hit["file_name"], hit["mime_type"]) == (file_id, name, mime)
    assert hit["metadata"] == {"kind": kind}
    # A search result's created_at is epoch seconds (the published SDKs parse an int); the
    # file's own is ISO 8601. They name the same moment.
    assert isinstance(hit["created_at"], int)
    assert hit["created_at"] == int(unix(done["created_at"]))
    assert 0 < hit["score"] <= 1


def test_embed_true_at_init_starts_embedding_after_the_upload(client: httpx.Client) -> None:
    file_id = upload(
        client, "auto.txt", "text/plain", b"Quokkas live on Rottnest Island.", embed=True
    )
    assert client.get(f"/v1/files/{file_id}").json()["embedding_status"] in ("processing", "ready")
    assert wait_embedded(client, file_id)["embedding_status"] == "ready"


def test_embed_with_wait_answers_with_the_final_status(client: httpx.Client) -> None:
    first = upload(client, "a.txt", "text/plain", b"Alpha document about glaciers.")
    second = upload(client, "b.txt", "text/plain", b"Beta document about deserts.")
    results = embed(client, [first, second, first], wait=True)
    assert [r["file_id"] for r in results] == [first, second]  # duplicates removed
    assert all(r["embedding_status"] == "ready" and r["chunk_count"] == 1 for r in results)
    assert all(r["error"] is None for r in results)


def test_a_file_is_counted_by_the_same_tokenizer_as_the_embeddings_endpoint(
    client: httpx.Client,
) -> None:
    text = "Tokenizers: one for files, embeddings and chat (2025 edition), internationalization."
    file_id = upload(client, "tokens.txt", "text/plain", text.encode())
    [result] = embed(client, [file_id], wait=True)
    assert result["chunk_count"] == 1
    status = client.get(f"/v1/files/{file_id}").json()
    embeddings = client.post(
        "/v1/embeddings", json={"model": "openai/text-embedding-3-small", "input": text}
    ).json()
    assert status["total_tokens"] == embeddings["usage"]["prompt_tokens"] > 10


def test_embedding_failures_are_reported_per_file_with_a_code(client: httpx.Client) -> None:
    junk = upload(client, "junk.txt", "text/plain", bytes(range(256)) * 8)
    broken_pdf = upload(client, "broken.pdf", "application/pdf", b"%PDF-1.4\n1 0 obj << /Type")
    image = upload(client, "photo.png", "image/png", b"\x89PNG\r\n\x1a\n")
    not_uploaded = init(client, "later.txt", "text/plain")["file_id"]
    results = embed(client, [junk, broken_pdf, image, not_uploaded, "file_missing"], wait=True)
    by_id = {r["file_id"]: r for r in results}
    assert by_id[junk]["error_code"] == "unreadable_file"
    assert by_id[broken_pdf]["error_code"] == "unreadable_file"
    assert by_id[image]["error_code"] == "unsupported_file_type"
    assert by_id[not_uploaded]["error_code"] == "file_not_uploaded"
    assert by_id["file_missing"]["error_code"] == "not_found"
    for result in results:
        assert result["embedding_status"] == "failed"
        assert result["chunk_count"] == 0
        assert result["error"]
    status = client.get(f"/v1/files/{junk}").json()
    assert (status["embedding_status"], status["last_error_code"]) == ("failed", "unreadable_file")
    # A failed file is not stuck: after a proper upload it embeds.
    later = client.get(f"/v1/files/{not_uploaded}").json()
    assert later["last_error_code"] == "file_not_uploaded"
    assert put(later["signed_url"], b"Now it has words.", "text/plain").status_code == 200
    assert embed(client, [not_uploaded], wait=True)[0]["embedding_status"] == "ready"


def test_a_background_embedding_of_an_unreadable_file_ends_failed(client: httpx.Client) -> None:
    file_id = upload(client, "bad.json", "application/json", b"{not json")
    assert embed(client, [file_id])[0]["embedding_status"] == "processing"
    status = wait_embedded(client, file_id)
    assert status["embedding_status"] == "failed"
    assert status["last_error_code"] == "unreadable_file"


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    query = {k: v for k, v in query.items() if v != ""}
    return parts._replace(query=urlencode(query)).geturl()


def test_a_tampered_or_unsigned_upload_url_is_403(client: httpx.Client) -> None:
    created = init(client, "x.txt", "text/plain")
    url = created["signed_url"]
    expires = int(parse_qs(urlsplit(url).query)["expires"][0])
    for bad in (
        with_query(url, signature="0" * 64),
        with_query(url, expires=str(expires + 3600)),
        with_query(url, signature=""),
        url.split("?")[0],
        url.replace(created["file_id"], "file_someone_else"),
    ):
        response = put(bad, b"data", "text/plain")
        assert response.status_code == 403, bad
        body = response.json()
        assert body["error"]["code"] == "invalid_signature"
        assert body["request_id"] == response.headers["x-request-id"]
    # The upload URL does not let anyone download, and nothing was stored.
    assert httpx.get(url).status_code == 403
    assert client.get(f"/v1/files/{created['file_id']}").json()["upload_status"] == "pending"


def test_an_expired_upload_url_is_403_signature_expired(
    gw: LocalGateway, client: httpx.Client
) -> None:
    created = init(client, "late.txt", "text/plain")
    past = int(time.time()) - 10
    signature = sign(gw.gateway.config.signing_secret, "PUT", created["file_id"], past)
    url = with_query(created["signed_url"], expires=str(past), signature=signature)
    response = put(url, b"too late", "text/plain")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "signature_expired"


def test_signed_urls_expire_after_the_configured_lifetime() -> None:
    with LocalGateway(options={"rag_signed_url_ttl": -1}) as gw, new_client(gw) as c:
        created = init(c, "x.txt", "text/plain")
        assert unix(created["expires_at"]) < time.time()
        response = put(created["signed_url"], b"data", "text/plain")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "signature_expired"


def test_an_authorization_header_on_the_upload_is_ignored(client: httpx.Client) -> None:
    created = init(client, "auth.txt", "text/plain")
    response = put(
        created["signed_url"], b"hello", "text/plain", Authorization="Bearer rsk_whatever"
    )
    assert response.status_code == 200
    assert response.json()["upload_status"] == "ready"


def test_an_upload_whose_content_type_contradicts_the_declared_type_is_400(
    client: httpx.Client,
) -> None:
    created = init(client, "doc.pdf", "application/pdf")
    response = put(created["signed_url"], b"plain words", "text/plain")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"
    assert "application/pdf" in response.json()["error"]["message"]
    # Parameters and case do not matter; a missing Content-Type is accepted.
    assert put(created["signed_url"], make_pdf(["ok"]), "Application/PDF; x=1").status_code == 200
    assert put(created["signed_url"], make_pdf(["ok"]), None).status_code == 200


def test_a_new_upload_replaces_the_content_and_resets_the_embedding(client: httpx.Client) -> None:
    created = init(client, "v.txt", "text/plain")
    assert (
        put(created["signed_url"], b"First version mentions pelicans.", "text/plain").status_code
        == 200
    )
    embed(client, [created["file_id"]], wait=True)
    replaced = put(created["signed_url"], b"Second version mentions flamingos.", "text/plain")
    assert replaced.json()["embedding_status"] == "pending"
    assert search(client, "pelicans", file_ids=[created["file_id"]]).json()["results"] == []
    embed(client, [created["file_id"]], wait=True)
    [hit] = search(client, "flamingos", file_ids=[created["file_id"]]).json()["results"]
    assert "flamingos" in hit["text"]


def test_search_honours_top_k_file_ids_metadata_filter_and_dates(client: httpx.Client) -> None:
    texts = {
        "hr-1": ("Holiday allowance is twenty five days per year.", {"team": "hr", "year": 2025}),
        "hr-2": ("Holiday requests go through the manager first.", {"team": "hr", "year": 2024}),
        "it-1": (
            "Holiday laptops must be locked in the office safe.",
            {"team": "it", "year": 2025},
        ),
    }
    ids = {
        label: upload(client, f"{label}.txt", "text/plain", text.encode(), metadata=meta)
        for label, (text, meta) in texts.items()
    }
    embed(client, list(ids.values()), wait=True)
    names = {v: k for k, v in ids.items()}

    def labels(**extra: Any) -> List[str]:
        response = search(client, "holiday allowance days", **extra)
        assert response.status_code == 200, response.text
        return [names[r["file_id"]] for r in response.json()["results"]]

    everything = labels()
    assert sorted(everything) == ["hr-1", "hr-2", "it-1"] and everything[0] == "hr-1"
    scores = [r["score"] for r in search(client, "holiday allowance days").json()["results"]]
    assert scores == sorted(scores, reverse=True)
    assert labels(top_k=1) == ["hr-1"]
    assert sorted(labels(file_ids=[ids["hr-2"], ids["it-1"]])) == ["hr-2", "it-1"]
    assert sorted(labels(filter={"team": "hr"})) == ["hr-1", "hr-2"]
    assert labels(filter={"team": "hr", "year": 2024}) == ["hr-2"]
    assert labels(filter={"team": "finance"}) == []
    created = [unix(client.get(f"/v1/files/{i}").json()["created_at"]) for i in ids.values()]
    assert labels(date_from=max(created) + 1) == []
    assert labels(date_to=min(created) - 1) == []
    assert sorted(labels(date_from=min(created) - 1, date_to=max(created) + 1)) == [
        "hr-1",
        "hr-2",
        "it-1",
    ]


@pytest.mark.parametrize(
    ("body", "status", "loc"),
    [
        ({"query": ""}, 422, ["body", "query"]),
        ({"query": "   "}, 422, ["body", "query"]),
        ({"query": "x", "top_k": 0}, 422, ["body", "top_k"]),
        ({"query": "x", "top_k": 101}, 422, ["body", "top_k"]),
        ({"query": "x", "date_from": 10, "date_to": 5}, 422, ["body"]),
        ({"query": "x", "file_ids": ["file_nope"]}, 404, ["body", "file_ids", 0]),
    ],
    ids=["empty", "blank", "top-k-0", "top-k-101", "dates-reversed", "unknown-file"],
)
def test_bad_searches_say_what_is_wrong(
    client: httpx.Client, body: Dict[str, Any], status: int, loc: List[Any]
) -> None:
    response = client.post("/v1/files/search", json=body)
    assert response.status_code == status, response.text
    assert loc in [d["loc"] for d in response.json()["error"]["details"]]


def test_files_are_private_to_their_owner(gw: LocalGateway, client: httpx.Client) -> None:
    file_id = upload(client, "mine.txt", "text/plain", b"Private note about zeppelins.")
    embed(client, [file_id], wait=True)
    with new_client(gw) as other:
        assert other.get(f"/v1/files/{file_id}").status_code == 404
        assert other.get("/v1/files").json()["total"] == 0
        assert other.post("/v1/files/search", json={"query": "zeppelins"}).json()["results"] == []
        assert search(other, "zeppelins", file_ids=[file_id]).status_code == 404
        assert embed(other, [file_id])[0]["error_code"] == "not_found"
    assert search(client, "zeppelins").json()["results"][0]["file_id"] == file_id


def test_listing_pages_with_limit_and_offset_newest_first(client: httpx.Client) -> None:
    ids = [init(client, f"f{i}.txt", "text/plain")["file_id"] for i in range(5)]
    newest_first = ids[::-1]
    page = client.get("/v1/files", params={"limit": 2}).json()
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 0)
    assert [f["file_id"] for f in page["files"]] == newest_first[:2]
    page = client.get("/v1/files", params={"limit": 2, "offset": 2}).json()
    assert [f["file_id"] for f in page["files"]] == newest_first[2:4]
    page = client.get("/v1/files", params={"limit": 2, "offset": 4}).json()
    assert [f["file_id"] for f in page["files"]] == newest_first[4:]
    assert client.get("/v1/files", params={"offset": 9}).json()["files"] == []
    default = client.get("/v1/files").json()
    assert default["limit"] == 20 and len(default["files"]) == 5
    assert default["files"][0]["upload_status"] == "pending"


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "many"}],
    ids=["limit-0", "limit-101", "negative-offset", "limit-text"],
)
def test_bad_list_parameters_are_422(client: httpx.Client, params: Dict[str, Any]) -> None:
    response = client.get("/v1/files", params=params)
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"][0] == "query"


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        ("/v1/files", {"mime_type": "text/plain"}, ["body", "file_name"]),
        (
            "/v1/files",
            {"file_name": "../etc/passwd", "mime_type": "text/plain"},
            ["body", "file_name"],
        ),
        ("/v1/files", {"file_name": "a.txt", "mime_type": "plain"}, ["body", "mime_type"]),
        (
            "/v1/files",
            {"file_name": "a.txt", "mime_type": "text/plain", "metadata": [1]},
            ["body", "metadata"],
        ),
        ("/v1/files/embed", {"file_ids": []}, ["body", "file_ids"]),
        ("/v1/files/embed", {"file_ids": [f"file_{i}" for i in range(101)]}, ["body", "file_ids"]),
    ],
    ids=["no-name", "path-name", "bad-mime", "metadata-list", "no-ids", "too-many-ids"],
)
def test_invalid_bodies_are_422(
    client: httpx.Client, path: str, body: Dict[str, Any], loc: List[Any]
) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422, response.text
    assert loc in [d["loc"] for d in response.json()["error"]["details"]]


def test_rag_endpoints_need_a_key_but_the_signed_urls_do_not(gw: LocalGateway) -> None:
    for method, path in (
        ("POST", "/v1/files"),
        ("GET", "/v1/files"),
        ("GET", "/v1/files/file_x"),
        ("POST", "/v1/files/embed"),
        ("POST", "/v1/files/search"),
    ):
        response = httpx.request(method, f"{gw.base_url}{path}", json={})
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "unauthorized"


def test_an_embedding_cut_short_by_a_stop_finishes_after_a_restart(tmp_path: Any) -> None:
    db = str(tmp_path / "rag.sqlite")

    def authed(gw: LocalGateway) -> httpx.Client:
        return httpx.Client(base_url=gw.base_url, headers={"Authorization": f"Bearer {gw.api_key}"})

    # The first gateway would take a minute to start embedding: stopping it must not wait.
    with LocalGateway(db_path=db, options={"rag_embed_delay": 60}) as first, authed(first) as c:
        file_id = upload(c, "kept.txt", "text/plain", b"Persistent words about lighthouses.")
        assert embed(c, [file_id])[0]["embedding_status"] == "processing"
    with LocalGateway(db_path=db, options={"rag_embed_delay": 0}) as second, authed(second) as c:
        assert wait_embedded(c, file_id)["embedding_status"] == "ready"
        [hit] = search(c, "lighthouses").json()["results"]
    assert hit["file_id"] == file_id
