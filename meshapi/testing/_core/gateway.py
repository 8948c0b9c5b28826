"""The state of one running gateway: configuration, keys, catalogue, database, background work.

Rule: one :class:`Gateway` object per running server, kept at ``app.state.gateway``. Everything
that belongs to one gateway lives on it (a service's own state too, through :meth:`Gateway.part`),
never in module globals, so two gateways in one process never share anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as _dt
import secrets
import threading
import time
from typing import (
    Any,
    Awaitable,
    Callable,
    Dict,
    List,
    Optional,
    Set,
    TypeVar,
    cast,
)

from .catalogue import Catalogue
from .config import GatewayConfig, KeyRecord, KeySetting
from .db import Database
from .errors import GatewayError
from .faults import FaultController
from .ids import new_api_key, new_ulid
from .ratelimit import RateLimiter

__all__ = ["Gateway"]

P = TypeVar("P")

_META_DDL = """
CREATE TABLE IF NOT EXISTS gateway_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Gateway:
    """All state of one running gateway, shared by every service and route.

    Services use :attr:`config`, :attr:`catalogue`, :attr:`db`, :meth:`new_id`,
    :meth:`authenticate_key`, :meth:`part` for their own per-gateway state (a store, the
    background jobs they run) and :meth:`spawn` for background work that must stop with the
    server.
    """

    def __init__(
        self, config: Optional[GatewayConfig] = None, *, faults: Optional[FaultController] = None
    ) -> None:
        config = dataclasses.replace(config) if config is not None else GatewayConfig()
        self.catalogue = Catalogue.load(config.catalogue_path)
        self.db = Database(config.db_path)
        try:
            self._load(config, faults)
        except BaseException:
            self.db.close()  # give the file back: a refused start must not keep it claimed
            raise
        self.stopping = threading.Event()
        self.loop: Optional[asyncio.AbstractEventLoop] = None
        self._tasks: Set[asyncio.Task[Any]] = set()
        self._on_startup: List[Callable[[], None]] = []
        self._on_shutdown: List[Callable[[], Awaitable[None]]] = []
        self._parts_lock = threading.RLock()
        self._parts: Dict[Callable[[Gateway], Any], Any] = {}

    def _load(self, config: GatewayConfig, faults: Optional[FaultController]) -> None:
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
        # INSERT OR IGNORE, then read: whoever wrote first wins, and nobody fails.
        self.db.execute(
            "INSERT OR IGNORE INTO gateway_meta (name, value) VALUES (?, ?)", (name, make())
        )
        rows = self.db.execute("SELECT value FROM gateway_meta WHERE name = ?", (name,))
        return str(rows[0]["value"])

    # -- the services' own state -----------------------------------------------------------

    def part(self, kind: Callable[[Gateway], P]) -> P:
        """This gateway's one instance of ``kind``, made as ``kind(gateway)`` on first use.

        A service keeps what belongs to one gateway (its tables, a store, the background jobs
        it runs) in such a part, so nothing lives in module globals.
        """
        with self._parts_lock:
            if kind not in self._parts:
                self._parts[kind] = kind(self)
            return cast(P, self._parts[kind])

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

    def on_startup(self, callback: Callable[[], None]) -> None:
        """Register a callback run on the server loop when the server starts (resuming work)."""
        self._on_startup.append(callback)

    def on_shutdown(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Register an async callback run when the server shuts down."""
        self._on_shutdown.append(callback)

    async def startup(self) -> None:
        """Called by the app's lifespan on the server loop."""
        self.loop = asyncio.get_running_loop()
        self.stopping.clear()
        for callback in list(self._on_startup):
            callback()

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
