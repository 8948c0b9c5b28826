"""LocalGateway: the gateway app served by uvicorn on a background thread.

Rule: the socket is bound here, before uvicorn starts, so the port (and ``base_url``) is known
the moment :meth:`LocalGateway.start` returns, and nothing else can grab it in between.
"""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from types import TracebackType
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, Type, Union

from ._core.config import GatewayConfig, GatewayOptions, KeyRecord, KeySetting
from ._core.faults import FaultController
from ._core.gateway import Gateway

__all__ = ["LocalGateway"]


class LocalGateway:
    """A MeshAPI-compatible gateway on 127.0.0.1, running in a background thread.

    ::

        from meshapi import MeshAPI
        from meshapi.testing import LocalGateway

        with LocalGateway() as gw:
            client = MeshAPI(base_url=gw.base_url, api_key=gw.api_key)
            ...

    Every keyword mirrors a :class:`GatewayConfig` field (or pass ``config=``). ``log_level``
    (``warning`` by default; ``info`` adds a line per request, ``debug`` more) configures the
    gateway's loggers, with secrets in URLs and headers masked in every line. ``port=0`` (the
    default) picks a free port. ``options`` tunes the gateway's services and limits: a
    :class:`GatewayOptions`, or a mapping of its field names (``{"batch_step_delay": 0.1}``; an
    unknown name or a wrong type raises ``ValueError``). ``web_search_enabled`` and
    ``auto_router_enabled`` set those options (off, web search / the auto router answer as
    production does when switched off: 403). The gateway can be stopped and started
    again; each start gets fresh in-memory state unless ``db_path`` points at a file.
    """

    def __init__(
        self,
        config: Optional[GatewayConfig] = None,
        *,
        host: Optional[str] = None,
        port: Optional[int] = None,
        api_key: Optional[str] = None,
        api_keys: Optional[Sequence[KeySetting]] = None,
        db_path: Optional[str] = None,
        catalogue_path: Optional[str] = None,
        rpm: Optional[int] = None,
        rpd: Optional[int] = None,
        balance_usd: Optional[float] = None,
        realtime_idle_timeout: Optional[float] = None,
        faults_enabled: Optional[bool] = None,
        token_delay: Optional[float] = None,
        options: Union[GatewayOptions, Mapping[str, Any], None] = None,
        web_search_enabled: Optional[bool] = None,
        auto_router_enabled: Optional[bool] = None,
        log_level: str = "warning",
    ) -> None:
        switches: Dict[str, Any] = {
            name: value
            for name, value in (
                ("web_search_enabled", web_search_enabled),
                ("auto_router_enabled", auto_router_enabled),
            )
            if value is not None
        }
        if switches:
            given = options if options is not None else (config.options if config else None)
            if given is None or isinstance(given, GatewayOptions):
                options = dataclasses.replace(given or GatewayOptions(), **switches)
            else:
                options = {**given, **switches}
        overrides: Dict[str, Any] = {
            "host": host,
            "port": port,
            "api_key": api_key,
            "api_keys": _key_list(api_keys),
            "db_path": str(db_path) if db_path is not None else None,
            "catalogue_path": str(catalogue_path) if catalogue_path is not None else None,
            "rpm": rpm,
            "rpd": rpd,
            "balance_usd": balance_usd,
            "realtime_idle_timeout": realtime_idle_timeout,
            "faults_enabled": faults_enabled,
            "token_delay": token_delay,
            "options": (
                options
                if options is None or isinstance(options, GatewayOptions)
                else GatewayOptions.from_mapping(options)
            ),
        }
        base = config if config is not None else GatewayConfig()
        self.config = dataclasses.replace(
            base, **{k: v for k, v in overrides.items() if v is not None}
        )
        self.log_level = log_level
        self.faults = FaultController(enabled=self.config.faults_enabled)
        self._gateway: Optional[Gateway] = None
        self._server: Any = None
        self._thread: Optional[threading.Thread] = None
        self._sock: Optional[socket.socket] = None
        self._base_url: Optional[str] = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self, timeout: float = 15.0) -> LocalGateway:
        """Bind, start serving, and return once the server accepts connections."""
        if self._thread is not None:
            raise RuntimeError("this LocalGateway is already running")
        try:
            import starlette  # noqa: F401
            import uvicorn
            from uvicorn.protocols.http.h11_impl import H11Protocol
        except ImportError as exc:
            raise ImportError(
                "LocalGateway needs the gateway extra: pip install 'meshapi[gateway]'"
                f" ({exc.name} is missing)"
            ) from exc

        from ._app import create_app
        from ._http.connections import ConnectionGuard
        from ._logs import configure as configure_logging

        sock = _bind(self.config.host, self.config.port)
        gateway: Optional[Gateway] = None
        try:
            port = sock.getsockname()[1]
            host = self.config.host
            url_host = f"[{host}]" if ":" in host else host
            base_url = f"http://{url_host}:{port}"
            config = dataclasses.replace(self.config, public_base_url=base_url)
            gateway = Gateway(config, faults=self.faults)
            # Keep the resolved primary key (generated, or reloaded from the database).
            self.config.api_key = gateway.api_key
            app = create_app(gateway)
            options = config.options
            access_log = configure_logging(self.log_level)
            uv_config = uvicorn.Config(
                app,
                # uvicorn's protocol, watched for idle and slow connections (_http/connections.py)
                http=gateway.part(ConnectionGuard).protocol(H11Protocol),
                log_level=self.log_level.lower(),
                log_config=None,  # configure_logging did it, secrets redacted
                access_log=access_log,
                lifespan="on",
                ws=_ws_protocol(),
                # A last resort only: the gateway's own limits answer first, with the envelope.
                limit_concurrency=max(
                    config.limit_concurrency,
                    options.max_connections + options.max_concurrent_requests + 16,
                ),
                backlog=2048,
                timeout_graceful_shutdown=2,
                timeout_keep_alive=5,
            )
            server = uvicorn.Server(uv_config)
        except BaseException:
            sock.close()
            if gateway is not None:
                gateway.close()
            raise
        thread = threading.Thread(
            target=server.run,
            kwargs={"sockets": [sock]},
            name=f"meshapi-gateway-{port}",
            daemon=True,
        )
        self._gateway, self._server, self._thread, self._sock = gateway, server, thread, sock
        self._base_url = base_url
        thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the local gateway failed to start (see the log above)")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving, wait for the thread, release the socket and the database."""
        thread, server, gateway, sock = self._thread, self._server, self._gateway, self._sock
        if thread is None:
            return
        if gateway is not None:
            gateway.stopping.set()
        server.should_exit = True
        thread.join(timeout)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout)
        if sock is not None:
            sock.close()
        if gateway is not None:
            gateway.close()
        self._thread = self._server = self._sock = None

    def __enter__(self) -> LocalGateway:
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    # -- what tests use -----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._thread is not None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: pass it to ``MeshAPI(base_url=...)``."""
        if self._base_url is None:
            raise RuntimeError("the gateway has not been started: use `with LocalGateway() as gw:`")
        return self._base_url

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self.base_url.rsplit(":", 1)[1])

    @property
    def api_key(self) -> str:
        """A valid ``rsk_`` key for this gateway."""
        if self.config.api_key is None:
            if self._gateway is None:
                raise RuntimeError("the gateway has not been started yet")
            return self._gateway.api_key
        return self.config.api_key

    @property
    def gateway(self) -> Gateway:
        """The live :class:`Gateway` state (catalogue, database, keys) of the running server."""
        if self._gateway is None:
            raise RuntimeError("the gateway has not been started")
        return self._gateway

    @property
    def app(self) -> Any:
        """The ASGI app being served (``app.routes`` lists every endpoint, e.g. for a fuzz test)."""
        if self._server is None:
            raise RuntimeError("the gateway has not been started")
        return self._server.config.app

    def add_key(
        self,
        key: str,
        *,
        owner: Optional[str] = None,
        suspended: bool = False,
        balance_usd: float = 100.0,
        rpm: Optional[int] = None,
        rpd: Optional[int] = None,
    ) -> KeyRecord:
        """Register another key on the running gateway (e.g. a suspended one for a 403 test)."""
        return self.gateway.add_key(
            KeyRecord(
                key=key,
                owner=owner or self.config.owner,
                suspended=suspended,
                balance_usd=balance_usd,
                rpm=rpm,
                rpd=rpd,
            )
        )

    def __repr__(self) -> str:
        where = self._base_url if self._thread is not None else "stopped"
        return f"LocalGateway({where})"


def _key_list(api_keys: Optional[Sequence[KeySetting]]) -> Optional[Tuple[KeySetting, ...]]:
    if api_keys is None:
        return None
    if isinstance(api_keys, (str, bytes)):
        raise TypeError("api_keys must be a list of keys, not one string")
    return tuple(api_keys)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP, not 0: asyncio only switches Nagle off (TCP_NODELAY) on
    # accepted sockets whose proto says TCP, and with Nagle on every small response waits
    # ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.set_inheritable(True)
    except BaseException:
        sock.close()
        raise
    return sock


def _ws_protocol() -> str:
    """uvicorn's sans-I/O websockets implementation where it has one (0.35+).

    The default "websockets" mode runs on the library's deprecated legacy server and warns on
    every connection; the realtime endpoint answers refusals with raw ASGI messages, which work
    on both modes.
    """
    import importlib.util

    from uvicorn.config import WS_PROTOCOLS

    if importlib.util.find_spec("websockets") is None:
        return "auto"  # uvicorn picks wsproto if present, else serves no WebSockets
    return "websockets-sansio" if "websockets-sansio" in WS_PROTOCOLS else "auto"
