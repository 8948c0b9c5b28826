"""The gateway's state: configuration, keys, model catalogue, SQLite database, ids, limits.

Rule: one :class:`Gateway` object per running server, kept at ``app.state.gateway``. Every route
module reaches state only through it, so two gateways in one process never share anything.
The database is a single SQLite connection guarded by a lock: handlers run on the server's
event loop, background work may run on other threads, and tests poke at state from theirs.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as _dt
import json
import math
import secrets
import sqlite3
import threading
import time
from collections import deque
from importlib import resources
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Deque,
    Dict,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
    Union,
)

from ._errors import GatewayError, validation_detail
from ._faults import FaultController

if TYPE_CHECKING:
    from ._chat import ChatPlan

__all__ = [
    "Catalogue",
    "Database",
    "Gateway",
    "GatewayConfig",
    "GatewayError",
    "KeyRecord",
    "RateLimiter",
    "new_api_key",
    "validation_detail",
]

DEFAULT_OWNER = "usr_local"


def new_api_key() -> str:
    """A fresh data-plane key in the production shape (``rsk_`` + 48 hex characters)."""
    return "rsk_" + secrets.token_hex(24)


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
    ``options`` carries settings of individual route modules (compare, batches, RAG).
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
    options: Dict[str, Any] = dataclasses.field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Catalogue


_MODEL_KINDS = {"chat", "reasoning", "embedding", "image", "audio", "realtime"}


class Catalogue:
    """The model catalogue, loaded from JSON data (the packaged ``catalogue.json`` by default).

    The file holds either a bare list of model objects or ``{"models": [...]}``; each model needs
    at least ``id`` (``provider/name``) and ``model_type`` (one of chat, reasoning, embedding,
    image, audio, realtime). Unknown fields are served as they are.
    """

    def __init__(self, models: Sequence[Mapping[str, Any]]) -> None:
        self._models: Dict[str, Dict[str, Any]] = {}
        for index, raw in enumerate(models):
            model = dict(raw)
            mid = model.get("id")
            if not isinstance(mid, str) or "/" not in mid:
                raise ValueError(f"catalogue entry {index}: 'id' must be a 'provider/name' string")
            if model.get("model_type") not in _MODEL_KINDS:
                raise ValueError(
                    f"catalogue entry {mid!r}: 'model_type' must be one of {sorted(_MODEL_KINDS)}"
                )
            if mid in self._models:
                raise ValueError(f"catalogue entry {mid!r} appears twice")
            model.setdefault("name", mid.split("/", 1)[1])
            model.setdefault("is_free", False)
            model.setdefault("pricing", {})
            model.setdefault("input_modalities", ["text"])
            model.setdefault("output_modalities", ["text"])
            self._models[mid] = model

    @classmethod
    def load(cls, path: Optional[str] = None) -> Catalogue:
        """Load from ``path``, or from the catalogue shipped with the package."""
        if path is None:
            text = resources.files("meshapi.testing").joinpath("catalogue.json").read_text("utf-8")
            source = "the packaged catalogue.json"
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
            source = path
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{source} is not valid JSON: {exc}") from None
        models = data.get("models") if isinstance(data, dict) else data
        if not isinstance(models, list):
            raise ValueError(f"{source} must hold a list of models or {{'models': [...]}}")
        return cls(models)

    def get(self, model_id: str) -> Optional[Dict[str, Any]]:
        """The model object, or ``None`` when the id is unknown."""
        return self._models.get(model_id)

    def require(self, model_id: Any) -> Dict[str, Any]:
        """The model object; an unknown id raises 404 ``model_not_found``."""
        model = self._models.get(model_id) if isinstance(model_id, str) else None
        if model is None:
            raise GatewayError(404, "model_not_found", f"Model {model_id!r} was not found.")
        return model

    def all(self) -> List[Dict[str, Any]]:
        """Every model, in catalogue order."""
        return list(self._models.values())

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._models

    def __len__(self) -> int:
        return len(self._models)


# --------------------------------------------------------------------------------------------
# Database


class Database:
    """A thread-safe wrapper around one SQLite connection (``:memory:`` or a file).

    Statements run in autocommit mode; :meth:`transaction` groups several of them atomically.
    The lock is re-entrant, so a transaction may call :meth:`execute` freely.
    """

    def __init__(self, path: Optional[str] = None) -> None:
        self.path = path or ":memory:"
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._closed = False

    def execute(
        self, sql: str, params: Union[Sequence[Any], Mapping[str, Any]] = ()
    ) -> List[sqlite3.Row]:
        """Run one statement and return all its rows (empty for writes)."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each parameter tuple."""
        with self._lock:
            self._conn.executemany(sql, seq)

    def ensure_schema(self, ddl: str) -> None:
        """Run idempotent DDL (``CREATE TABLE IF NOT EXISTS ...``), possibly several statements."""
        with self._lock:
            self._conn.executescript(ddl)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """``with db.transaction(): ...`` commits at the end, rolls back on an exception."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()


# --------------------------------------------------------------------------------------------
# Ids


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class _UlidFactory:
    """ULIDs (48-bit millisecond time + 80 random bits), strictly increasing within a process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0

    def __call__(self) -> str:
        with self._lock:
            value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
            if value <= self._last:
                value = self._last + 1
            self._last = value
        chars = []
        for _ in range(26):
            chars.append(_CROCKFORD[value & 31])
            value >>= 5
        return "".join(reversed(chars))


_ulid = _UlidFactory()


def new_ulid() -> str:
    """A 26-character ULID, sortable by creation time."""
    return _ulid()


# --------------------------------------------------------------------------------------------
# Rate limits


class RateLimiter:
    """Per-key request limits: RPM over a sliding 60 s window, RPD per UTC calendar day.

    A rejected request is not counted, so a client that waits the advertised ``Retry-After``
    gets through.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._minute: Dict[str, Deque[float]] = {}
        self._day: Dict[str, Tuple[str, int]] = {}

    def check(self, key: str, rpm: Optional[int], rpd: Optional[int]) -> None:
        """Count one request for ``key`` or raise 429 ``rate_limit_exceeded``."""
        now = self._clock()
        with self._lock:
            window = self._minute.setdefault(key, deque())
            while window and window[0] <= now - 60.0:
                window.popleft()
            if rpm is not None and len(window) >= rpm:
                wait = max(1.0, window[0] + 60.0 - now)
                raise GatewayError(
                    429,
                    "rate_limit_exceeded",
                    f"Rate limit exceeded: {rpm} requests per minute. Retry in {math.ceil(wait)}s.",
                    retry_after=wait,
                    extra={"limit_type": "rpm"},
                )
            today = _dt.datetime.fromtimestamp(now, _dt.timezone.utc)
            day_key = today.strftime("%Y-%m-%d")
            day, count = self._day.get(key, (day_key, 0))
            if day != day_key:
                count = 0
            if rpd is not None and count >= rpd:
                midnight = (today + _dt.timedelta(days=1)).replace(
                    hour=0, minute=0, second=0, microsecond=0
                )
                wait = max(1.0, (midnight - today).total_seconds())
                raise GatewayError(
                    429,
                    "rate_limit_exceeded",
                    f"Daily request limit of {rpd} reached; it resets at midnight UTC"
                    f" (in {math.ceil(wait)} seconds).",
                    retry_after=wait,
                    extra={"limit_type": "rpd"},
                )
            window.append(now)
            self._day[key] = (day_key, count + 1)

    def usage(self, key: str) -> Tuple[int, int]:
        """Requests counted for ``key`` in the current minute window and UTC day."""
        now = self._clock()
        with self._lock:
            window = self._minute.get(key, deque())
            minute = sum(1 for t in window if t > now - 60.0)
            day_key = _dt.datetime.fromtimestamp(now, _dt.timezone.utc).strftime("%Y-%m-%d")
            day, count = self._day.get(key, (day_key, 0))
            return minute, count if day == day_key else 0


# --------------------------------------------------------------------------------------------
# The gateway


_META_DDL = """
CREATE TABLE IF NOT EXISTS gateway_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Gateway:
    """All state of one running gateway, shared by every route module.

    Route modules use :attr:`config`, :attr:`catalogue`, :attr:`db`, :meth:`new_id`,
    :meth:`authenticate_key`, the engines (:meth:`chat_completion`,
    :meth:`chat_completion_chunks`, :meth:`embed_texts`, :meth:`render_template`) and
    :meth:`spawn` for background work that must stop with the server.
    """

    def __init__(
        self, config: Optional[GatewayConfig] = None, *, faults: Optional[FaultController] = None
    ) -> None:
        config = dataclasses.replace(config) if config is not None else GatewayConfig()
        self.catalogue = Catalogue.load(config.catalogue_path)
        self.db = Database(config.db_path)
        self.db.ensure_schema(_META_DDL)
        if not config.api_key:
            config.api_key = self._stored_meta("primary_api_key", new_api_key)
        if not config.signing_secret:
            config.signing_secret = bytes.fromhex(
                self._stored_meta("signing_secret", lambda: secrets.token_hex(32))
            )
        self.config = config
        self.faults = faults if faults is not None else FaultController(config.faults_enabled)
        self.rate_limiter = RateLimiter()
        self._keys_lock = threading.Lock()
        self.keys: Dict[str, KeyRecord] = {}
        self.add_key(
            KeyRecord(key=config.api_key, owner=config.owner, balance_usd=config.balance_usd)
        )
        if isinstance(config.api_keys, (str, bytes)):
            raise TypeError("api_keys must be a list of keys, not one string")
        for setting in config.api_keys:
            self.add_key(setting)
        self.stopping = threading.Event()
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self._tasks: Set[asyncio.Task[Any]] = set()
        self._on_shutdown: List[Callable[[], Awaitable[None]]] = []
        from ._templates import TemplateStore

        self.templates = TemplateStore(self)

    # -- keys ---------------------------------------------------------------------------------

    @property
    def api_key(self) -> str:
        """The primary key."""
        assert self.config.api_key is not None
        return self.config.api_key

    def add_key(self, setting: KeySetting) -> KeyRecord:
        """Register (or replace) a key; returns its record."""
        if isinstance(setting, str):
            record = KeyRecord(key=setting, owner=self.config.owner)
        elif isinstance(setting, KeyRecord):
            record = dataclasses.replace(setting)
        else:
            fields = dict(setting)
            unknown = set(fields) - {f.name for f in dataclasses.fields(KeyRecord)}
            if unknown:
                raise ValueError(f"unknown key settings: {sorted(unknown)}")
            if "key" not in fields:
                raise ValueError("each key setting needs a 'key'")
            fields.setdefault("owner", self.config.owner)
            record = KeyRecord(**fields)
        if not isinstance(record.key, str) or not record.key:
            raise ValueError("an API key must be a non-empty string")
        with self._keys_lock:
            self.keys[record.key] = record
        return record

    def authenticate_key(self, key: Optional[str]) -> KeyRecord:
        """The record for ``key``; 401 unknown/missing, 403 suspended, 402 no balance."""
        record = self.keys.get(key) if key else None
        if record is None:
            if not key:
                raise GatewayError(
                    401, "unauthorized", "Missing API key: send 'Authorization: Bearer rsk_...'."
                )
            raise GatewayError(401, "unauthorized", "Invalid API key.")
        if record.suspended:
            raise GatewayError(403, "forbidden", "This API key is suspended.")
        if record.balance_usd <= 0:
            raise GatewayError(
                402, "spend_limit_exceeded", "Account balance is exhausted: add credit to continue."
            )
        return record

    def check_rate_limit(self, record: KeyRecord) -> None:
        """Count one request against the key's RPM/RPD limits (429 when over)."""
        rpm = record.rpm if record.rpm is not None else self.config.rpm
        rpd = record.rpd if record.rpd is not None else self.config.rpd
        self.rate_limiter.check(record.key, rpm, rpd)

    def charge(self, record: KeyRecord, cost_usd: float) -> None:
        """Take a request's cost off the key's balance."""
        with self._keys_lock:
            record.balance_usd -= cost_usd

    # -- ids and time -------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        """A new time-sortable id such as ``batch_01J...``."""
        return f"{prefix}_{new_ulid()}"

    @staticmethod
    def now() -> float:
        """Unix time in seconds (one place to read the clock)."""
        return time.time()

    @staticmethod
    def iso(ts: Optional[float] = None) -> str:
        """An ISO 8601 UTC timestamp string (``2025-01-31T12:00:00.123456Z``)."""
        moment = _dt.datetime.fromtimestamp(time.time() if ts is None else ts, _dt.timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def _stored_meta(self, name: str, make: Callable[[], str]) -> str:
        # Only a file database persists anything: in memory every start is fresh anyway.
        rows = self.db.execute("SELECT value FROM gateway_meta WHERE name = ?", (name,))
        if rows:
            return str(rows[0]["value"])
        value = make()
        self.db.execute("INSERT INTO gateway_meta (name, value) VALUES (?, ?)", (name, value))
        return value

    # -- engines ------------------------------------------------------------------------------

    def render_template(self, body: Mapping[str, Any], key: KeyRecord) -> Dict[str, Any]:
        """Apply ``template`` + ``variables`` to a chat/responses/compare body.

        Returns a new body without ``template``/``variables``: the template's system prompt and
        messages come first, its model and params apply unless the body sets them. A body
        without ``template`` comes back unchanged (copied). Unknown template → 404
        ``not_found``; a missing variable → 422 ``validation_error`` naming it.
        """
        return self.templates.render(body, key)

    def plan_chat(self, body: Mapping[str, Any], key: KeyRecord) -> ChatPlan:
        """Validate a chat body and resolve its template and model (with fallbacks)."""
        from ._chat import plan_chat

        return plan_chat(self, body, key)

    async def chat_completion(self, body: Mapping[str, Any], key: KeyRecord) -> Dict[str, Any]:
        """The full ``chat.completion`` object for an OpenAI chat body (deterministic)."""
        from ._chat import complete

        plan = self.plan_chat(body, key)
        return await complete(self, plan)

    def chat_completion_chunks(
        self, body: Mapping[str, Any], key: KeyRecord
    ) -> AsyncIterator[Dict[str, Any]]:
        """The ``chat.completion.chunk`` objects, token by token; the last carries usage+cost.

        Validation happens at once (raising :class:`GatewayError` before any chunk), so callers
        can still answer with a plain HTTP error.
        """
        from ._chat import stream_chunks

        plan = self.plan_chat(body, key)
        return stream_chunks(self, plan)

    def embed_texts(
        self, texts: Sequence[str], dimensions: Optional[int] = None
    ) -> List[List[float]]:
        """Deterministic unit vectors with lexical similarity (1536 dimensions by default)."""
        from ._embedding_engine import embed_text

        dims = dimensions or 1536
        return [embed_text(text, dims) for text in texts]

    # -- background work ----------------------------------------------------------------------

    def spawn(self, coro: Awaitable[Any], *, name: Optional[str] = None) -> asyncio.Task[Any]:
        """Run ``coro`` as a task on the server's loop; it is cancelled when the gateway stops.

        Callable from the loop itself or from another thread.
        """

        async def runner() -> Any:
            return await coro

        loop = self.loop
        if loop is None:
            raise RuntimeError("the gateway is not running")
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            task = loop.create_task(runner(), name=name)
            self._track(task)
            return task
        done = threading.Event()
        box: List[asyncio.Task[Any]] = []

        def create() -> None:
            box.append(loop.create_task(runner(), name=name))
            self._track(box[0])
            done.set()

        loop.call_soon_threadsafe(create)
        done.wait(5.0)
        if not box:
            raise RuntimeError("the gateway loop did not start the task")
        return box[0]

    def _track(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def on_shutdown(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Register an async callback run when the server shuts down."""
        self._on_shutdown.append(callback)

    async def startup(self) -> None:
        """Called by the app's lifespan on the server loop."""
        self.loop = asyncio.get_running_loop()
        self.stopping.clear()

    async def shutdown(self) -> None:
        """Called by the app's lifespan: stop background tasks, run shutdown callbacks."""
        self.stopping.set()
        for callback in list(self._on_shutdown):
            with contextlib.suppress(Exception):
                await callback()
        tasks = [t for t in self._tasks if not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5.0)
        self.loop = None

    def close(self) -> None:
        """Release the database."""
        self.db.close()

    def __repr__(self) -> str:
        return f"Gateway(base_url={self.config.public_base_url!r}, models={len(self.catalogue)})"
