"""Background jobs of one kind on one gateway (running batches, embedding files).

Rule: a job runs at most once at a time per id; a job that fails hands its error to
``on_failure`` (so its state never stays "running"); the gateway cancels every job when it
stops, and whatever a cancelled job left is picked up again by the next start.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable, Dict

from .gateway import Gateway

__all__ = ["Jobs"]


class Jobs:
    """The running jobs of one kind, by id."""

    def __init__(
        self, gateway: Gateway, kind: str, on_failure: Callable[[str, Exception], None]
    ) -> None:
        self.gateway = gateway
        self.kind = kind
        self.on_failure = on_failure
        self.running: Dict[str, asyncio.Task[Any]] = {}

    def start(self, job_id: str, run: Callable[[], Awaitable[None]]) -> asyncio.Task[Any]:
        """Run ``run()`` in the background unless the job is already running; its task."""
        task = self.running.get(job_id)
        if task is None or task.done():
            task = self.gateway.spawn(self._guarded(job_id, run), name=f"{self.kind}-{job_id}")
            self.running[job_id] = task
        return task

    def is_running(self, job_id: str) -> bool:
        """True while the job's task is working."""
        task = self.running.get(job_id)
        return task is not None and not task.done()

    def cancel(self, job_id: str) -> None:
        """Stop the job if it is running."""
        task = self.running.pop(job_id, None)
        if task is not None:
            task.cancel()

    async def _guarded(self, job_id: str, run: Callable[[], Awaitable[None]]) -> None:
        try:
            await run()
        except asyncio.CancelledError:
            raise  # the gateway is stopping, or the job was replaced: the state stays as it is
        except Exception as exc:
            self.on_failure(job_id, exc)
        finally:
            if self.running.get(job_id) is asyncio.current_task():
                del self.running[job_id]
