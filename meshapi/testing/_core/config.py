"""What a gateway is started with: :class:`GatewayConfig` and the keys it accepts."""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Dict, Mapping, Optional, Sequence, Union

__all__ = ["DEFAULT_OWNER", "GatewayConfig", "GatewayOptions", "KeyRecord", "KeySetting"]


DEFAULT_OWNER = "usr_local"


@dataclasses.dataclass(frozen=True)
class GatewayOptions:
    """Settings of the services and of the gateway's own limits (times in seconds).

    ``batch_step_delay``: the pause before each step of a batch and each of its requests;
    ``batch_max_requests``: requests per batch; ``batch_max_active``: unfinished batches per
    owner. ``rag_signed_url_ttl``: lifetime of a signed upload/download URL; ``rag_embed_delay``:
    the pause before a file is embedded; ``rag_chunk_words``, ``rag_chunk_overlap`` and
    ``rag_parent_words``: how files are cut into chunks; ``rag_max_upload_bytes``: the largest
    upload; ``rag_embedding_model``: the catalogue model whose price an embedding job is
    charged at. ``web_search_enabled`` / ``auto_router_enabled``: production's
    ``WEB_SEARCH_ENABLED`` / ``AUTO_ROUTER_ENABLED`` switches; when off, ``POST /v1/web/search``
    (resp. ``POST /v1/router/select`` and ``model: "auto"``) answer 403 ``forbidden``.
    ``responses_background_seconds``: how long a ``background: true`` response stays
    ``in_progress`` before it reads ``completed``. ``web_search_corpus``: a JSON file of
    documents to search instead of the packaged ``websearch_corpus.json``
    (``{"documents": [{title, url, content, published_date?}]}``).
    ``video_step_delay``: the pause between a video task's status changes.

    Limits on what a client may send (each refused with the error envelope):
    ``max_body_bytes`` (32 MiB): the largest JSON body, 413 ``payload_too_large`` (checked against
    ``Content-Length`` and while reading, before parsing); ``max_json_depth`` (64): how deeply a
    body may nest arrays and objects, 422 (checked before parsing).

    Connections (see ``_http/connections.py``): ``request_header_timeout`` (10 s): a connection
    that has not sent a complete request head this long after it opened (or after its last
    answer) is closed, whether it sent nothing or trickles header bytes;
    ``request_body_timeout`` (60 s): a request whose body has not fully arrived this long after
    its head is cut off; ``max_connections`` (1000): above it, opening a connection closes the
    longest-idle connections that have no request in flight; ``max_concurrent_requests`` (1000):
    requests beyond it are answered 503 ``overloaded`` with ``Retry-After:
    overload_retry_after`` (1 s), so clients back off and retry.

    ``Idempotency-Key`` (see ``_http/idempotency.py``): answers are kept ``idempotency_ttl``
    (24 h); a retry that arrives while the first request still runs waits up to
    ``idempotency_wait`` (10 s) for its answer; an answer (a stream's events included) larger
    than ``idempotency_max_record_bytes`` (8 MiB) is not kept, and a retry is told so.
    """

    batch_step_delay: float = 0.005
    batch_max_requests: int = 1000
    batch_max_active: int = 10
    rag_signed_url_ttl: int = 900
    rag_embed_delay: float = 0.02
    rag_chunk_words: int = 80
    rag_chunk_overlap: int = 20
    rag_parent_words: int = 300
    rag_max_upload_bytes: int = 25 * 1024 * 1024
    rag_embedding_model: str = "openai/text-embedding-3-small"
    responses_background_seconds: float = 0.05
    web_search_enabled: bool = True
    web_search_corpus: str = ""
    auto_router_enabled: bool = True
    # Video generation: the pause between a task's status changes (queued, running, done).
    video_step_delay: float = 0.05
    max_body_bytes: int = 32 * 1024 * 1024
    max_json_depth: int = 64
    request_header_timeout: float = 10.0
    request_body_timeout: float = 60.0
    max_connections: int = 1000
    max_concurrent_requests: int = 1000
    overload_retry_after: float = 1.0
    idempotency_ttl: float = 24 * 3600.0
    idempotency_wait: float = 10.0
    idempotency_max_record_bytes: int = 8 * 1024 * 1024

    def __post_init__(self) -> None:
        # The gateway's own limits must be positive; every number must be finite.
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, str):
                continue
            limit = field.name.startswith(("max_", "idempotency_", "request_", "overload_"))
            if not math.isfinite(value) or (limit and value <= 0):
                bound = " > 0" if limit else ""
                raise ValueError(
                    f"gateway option {field.name!r} must be a finite number{bound}, not {value!r}"
                )

    @classmethod
    def from_mapping(cls, values: Optional[Mapping[str, Any]]) -> GatewayOptions:
        """Options from ``{"name": value}``; an unknown name or a value of the wrong kind (a
        non-number, a non-boolean for a switch) raises an error."""
        if values is None:
            return cls()
        if not isinstance(values, Mapping):
            raise TypeError(
                f"options must be a mapping or GatewayOptions, not {type(values).__name__}"
            )
        fields = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - set(fields))
        if unknown:
            raise ValueError(f"unknown gateway options: {unknown}; known: {sorted(fields)}")
        converted: Dict[str, Any] = {}
        for name, value in values.items():
            kind = fields[name].type
            if kind in ("bool", bool):
                if not isinstance(value, bool):
                    raise ValueError(
                        f"gateway option {name!r} must be true or false, not {value!r}"
                    )
                converted[name] = value
                continue
            if kind in ("str", str):
                if not isinstance(value, str):
                    raise ValueError(f"gateway option {name!r} must be a string, not {value!r}")
                converted[name] = value
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"gateway option {name!r} must be a number, not {value!r}")
            converted[name] = int(value) if kind in ("int", int) else float(value)
        return cls(**converted)


def _mask(key: str) -> str:
    # Enough to tell keys apart in a repr without handing out the secret.
    return key[:4] + "..." + key[-4:] if len(key) > 12 else "rsk_..."


@dataclasses.dataclass
class KeyRecord:
    """One API key the gateway accepts, with its account settings.

    ``rpm``/``rpd`` of ``None`` fall back to the gateway-wide defaults (``GatewayConfig.rpm``
    and ``.rpd``; ``None`` there means unlimited). ``balance_usd`` goes down by each request's
    cost; at zero (or below) the key gets 402 ``spend_limit_exceeded``.
    """

    key: str = dataclasses.field(repr=False)
    owner: str = DEFAULT_OWNER
    suspended: bool = False
    balance_usd: float = 100.0
    rpm: Optional[int] = None
    rpd: Optional[int] = None

    def __repr__(self) -> str:
        return (
            f"KeyRecord(key={_mask(self.key)!r}, owner={self.owner!r}, suspended={self.suspended},"
            f" balance_usd={self.balance_usd}, rpm={self.rpm}, rpd={self.rpd})"
        )


KeySetting = Union[str, KeyRecord, Mapping[str, Any]]


@dataclasses.dataclass
class GatewayConfig:
    """Everything a :class:`Gateway` is started with.

    ``api_key`` is the primary key (generated when ``None``; with ``db_path`` the generated key
    is stored and reused on the next start). ``api_keys`` adds more keys: plain strings, or
    :class:`KeyRecord` objects / mappings with ``key`` plus any of ``owner``, ``suspended``,
    ``balance_usd``, ``rpm``, ``rpd``. ``rpm``/``rpd`` are the default per-key limits.
    ``token_delay`` (seconds) spaces out streamed chunks so a human can watch a stream.
    ``limit_concurrency`` is handed to uvicorn as a last resort only (raised to stay above
    ``options.max_connections + options.max_concurrent_requests``): the gateway's own limits
    answer first, with the error envelope and ``Retry-After``.
    ``options`` tunes the batch and RAG services (:class:`GatewayOptions`; a mapping of its
    field names is accepted too).
    """

    host: str = "127.0.0.1"
    port: int = 0
    api_key: Optional[str] = dataclasses.field(default=None, repr=False)
    api_keys: Sequence[KeySetting] = dataclasses.field(default=(), repr=False)
    owner: str = DEFAULT_OWNER
    balance_usd: float = 100.0
    db_path: Optional[str] = None
    catalogue_path: Optional[str] = None
    rpm: Optional[int] = None
    rpd: Optional[int] = None
    realtime_idle_timeout: float = 60.0
    faults_enabled: bool = False
    token_delay: float = 0.0
    limit_concurrency: int = 1024
    public_base_url: str = ""
    signing_secret: bytes = dataclasses.field(default=b"", repr=False)
    options: GatewayOptions = dataclasses.field(default_factory=lambda: GatewayOptions())

    def __post_init__(self) -> None:
        if not isinstance(self.options, GatewayOptions):
            self.options = GatewayOptions.from_mapping(self.options)
