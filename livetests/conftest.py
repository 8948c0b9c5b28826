"""Live-test fixtures: ``config``, ``client``, ``async_client`` and ``api`` (sync/async).

With ``MESHAPI_BASE_URL`` set (environment or ``.env.livetest``, see ``config.py``) the tests run
against that gateway with ``MESHAPI_TOKEN``. Without it, ONE LocalGateway is started for the
session and everything points at it; in a root run (``python -m pytest`` runs ``tests/`` and
``livetests/``) it is the same gateway the integration tests use, shared through the pytest
config object.
"""

from __future__ import annotations

import base64
import inspect
import io
import math
import struct
import wave
from typing import Any, AsyncIterator, Callable, Dict, Iterator, List

import pytest

from meshapi import AsyncMeshAPI, ImageGenerationParams, MeshAPI

from .config import LiveConfig, missing_token_message, read_settings

# Same attribute as tests/integration/conftest.py: one gateway per pytest session.
SHARED_GATEWAY_ATTR = "_meshapi_shared_local_gateway"

# Generous: a real gateway in front of real models can take a while.
TIMEOUT = 120.0


def pytest_configure(config: pytest.Config) -> None:
    settings = read_settings()
    base_url = settings["MESHAPI_BASE_URL"]
    if base_url and not settings["MESHAPI_TOKEN"]:
        raise pytest.UsageError(missing_token_message(base_url))


def shared_local_gateway(config: pytest.Config) -> Any:
    """The session's LocalGateway (faults enabled, nothing armed), started on first use."""
    gw = getattr(config, SHARED_GATEWAY_ATTR, None)
    if gw is None:
        from meshapi.testing import LocalGateway

        gw = LocalGateway(faults_enabled=True).start()
        config.add_cleanup(gw.stop)
        setattr(config, SHARED_GATEWAY_ATTR, gw)
    return gw


def tone_wav(seconds: float = 0.5, hz: float = 440.0, rate: int = 16_000) -> bytes:
    """A short mono 16-bit WAV of a sine tone."""
    n = int(rate * seconds)
    frames = struct.pack(
        f"<{n}h", *(int(8000 * math.sin(2 * math.pi * hz * i / rate)) for i in range(n))
    )
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buf.getvalue()


def local_defaults(base_url: str, token: str) -> Dict[str, str]:
    """Values for the optional settings, so nothing is skipped against the LocalGateway."""
    with MeshAPI(base_url=base_url, token=token) as client:
        image = client.images.generate(
            ImageGenerationParams(
                model="openai/gpt-image-1", prompt="A red kite", size="64x64", response_format="url"
            )
        )
    url = image.data[0].url
    assert url, "the local gateway serves generated images by URL"
    return {
        "MESHAPI_IMAGE_GEN_MODEL": "openai/gpt-image-1",
        "MESHAPI_AUDIO_OUT_MODEL": "openai/gpt-4o-audio-preview",
        "MESHAPI_IMAGE_URL": url,
        "MESHAPI_INPUT_AUDIO_B64": base64.b64encode(tone_wav()).decode(),
        "MESHAPI_INPUT_AUDIO_FORMAT": "wav",
    }


@pytest.fixture(scope="session")
def config(pytestconfig: pytest.Config) -> LiveConfig:
    """The resolved settings (``config.base_url``, ``config.model``..., ``config.local``)."""
    settings = read_settings()
    if settings["MESHAPI_BASE_URL"]:
        return LiveConfig.from_settings(settings)
    gw = shared_local_gateway(pytestconfig)
    return LiveConfig.from_settings(
        settings,
        base_url=gw.base_url,
        token=gw.api_key,
        local=True,
        local_defaults=local_defaults(gw.base_url, gw.api_key),
    )


@pytest.fixture(scope="session")
def client(config: LiveConfig) -> Iterator[MeshAPI]:
    """A sync client on the gateway under test."""
    with MeshAPI(base_url=config.base_url, token=config.token, timeout=TIMEOUT) as c:
        yield c


@pytest.fixture
async def async_client(config: LiveConfig) -> AsyncIterator[AsyncMeshAPI]:
    """An async client on the gateway under test (one per test: it belongs to its loop)."""
    async with AsyncMeshAPI(base_url=config.base_url, token=config.token, timeout=TIMEOUT) as c:
        yield c


class Api:
    """One test body for both clients: ``await api.call(lambda c: c.models.list())``."""

    def __init__(self, kind: str, client: Any, config: LiveConfig) -> None:
        self.kind = kind
        self.is_async = kind == "async"
        self.client = client
        self.config = config
        self._made: List[Any] = []

    def make(self, **options: Any) -> Any:
        """Another client of this flavour (``token=``, ``max_retries=``...), closed after the
        test; base URL and token default to the config's."""
        options.setdefault("base_url", self.config.base_url)
        options.setdefault("token", self.config.token)
        options.setdefault("timeout", TIMEOUT)
        made = AsyncMeshAPI(**options) if self.is_async else MeshAPI(**options)
        self._made.append(made)
        return made

    async def call(self, fn: Callable[[Any], Any], client: Any = None) -> Any:
        result = fn(self.client if client is None else client)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def collect(self, fn: Callable[[Any], Any], client: Any = None) -> List[Any]:
        stream = fn(self.client if client is None else client)
        if hasattr(stream, "__aiter__"):
            return [item async for item in stream]
        return list(stream)

    async def raises(self, exc_type: Any, fn: Callable[[Any], Any], client: Any = None) -> Any:
        with pytest.raises(exc_type) as info:
            await self.call(fn, client)
        return info.value

    async def aclose(self) -> None:
        for made in self._made:
            await self.call(lambda c: c.close(), made)


@pytest.fixture(params=["sync", "async"])
async def api(
    request: pytest.FixtureRequest, config: LiveConfig, client: MeshAPI, async_client: AsyncMeshAPI
) -> AsyncIterator[Api]:
    """The sync client, then the async one."""
    flavour = Api(request.param, client if request.param == "sync" else async_client, config)
    yield flavour
    await flavour.aclose()
