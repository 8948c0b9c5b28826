"""Waiting for long-running work (RAG embedding, batches, videos...): the policy. No I/O.

Rule 1: a wait always ends. The job reaches its goal (the last object seen is returned), or a
state it will never leave short of it (``failed``, ``expired``, ``cancelled``...:
:class:`JobFailedError` names the state and the reason the gateway gave), or the deadline passes
(:class:`WaitTimeoutError`, an :class:`~meshapi.APITimeoutError`, names the state it was stuck
in). ``max_wait=None`` waits for as long as it takes.
Rule 2: polls back off: ``poll_interval``, then 1.5 times longer each poll, at most
``max_interval``, never past the deadline.

:class:`Waiter` decides everything from the objects it is shown and the time it is told; the
resource twins only fetch, call :meth:`Waiter.step` and sleep for what it returns
(``SyncResource._wait`` / ``AsyncResource._wait``). A kind of job is one *classifier*: an object
in, a :class:`Verdict` out (:func:`rag_file_verdict`, :func:`batch_verdict`).
"""

from __future__ import annotations

from typing import Any, Callable, Generic, NamedTuple, Optional, TypeVar

from ._errors import APITimeoutError, InvalidRequestError, MeshAPIError

__all__ = [
    "JobFailedError",
    "Verdict",
    "WaitTimeoutError",
    "Waiter",
    "batch_verdict",
    "rag_file_verdict",
    "response_verdict",
    "video_verdict",
    "waiter_for",
]

T = TypeVar("T")

DONE = "done"
WAITING = "waiting"
FAILED = "failed"


class JobFailedError(MeshAPIError):
    """A job being waited for ended in a state it will not leave (``failed``, ``expired``,
    ``cancelled``...). ``state`` is that state, ``reason`` the gateway's explanation when it
    gave one, ``job`` the last object fetched."""

    def __init__(self, message: str, *, state: str, reason: Optional[str], job: Any) -> None:
        super().__init__(message, error_code="job_failed")
        self.state = state
        self.reason = reason
        self.job = job


class WaitTimeoutError(APITimeoutError, TimeoutError):
    """The deadline of a wait passed first. ``state`` is the state the job was stuck in,
    ``waited`` the seconds waited, ``job`` the last object fetched. Also a builtin
    ``TimeoutError``."""

    def __init__(self, message: str, *, state: str, waited: float, job: Any) -> None:
        super().__init__(message, error_code="wait_timeout")
        self.state = state
        self.waited = waited
        self.job = job


class Verdict(NamedTuple):
    """Where a job stands: ``outcome`` is ``"done"``, ``"waiting"`` or ``"failed"``; ``state``
    a short description of its state; ``reason`` why it failed (or what it waits for)."""

    outcome: str
    state: str
    reason: Optional[str] = None


def _check_seconds(name: str, value: Optional[float], *, allow_none: bool) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise InvalidRequestError(f"{name} must be a positive number of seconds, got {value!r}")


class Waiter(Generic[T]):
    """The policy of one wait: is it over, and how long to sleep before the next poll.

    >>> waiter = Waiter("file f_1", rag_file_verdict, max_wait=60)
    >>> waiter.step(status, now=0.1)   # None: done (return status); else seconds to sleep

    The clock starts at the first :meth:`step` (the first poll's answer).
    """

    def __init__(
        self,
        what: str,
        classify: Callable[[T], Verdict],
        *,
        max_wait: Optional[float] = 600.0,
        poll_interval: float = 0.5,
        max_interval: float = 10.0,
        factor: float = 1.5,
        on_progress: Optional[Callable[[T], Any]] = None,
    ) -> None:
        _check_seconds("max_wait", max_wait, allow_none=True)
        _check_seconds("poll_interval", poll_interval, allow_none=False)
        _check_seconds("max_interval", max_interval, allow_none=False)
        if on_progress is not None and not callable(on_progress):
            raise InvalidRequestError(
                f"on_progress must be callable, got {type(on_progress).__name__}"
            )
        self.what = what
        self.classify = classify
        self.started: Optional[float] = None
        self.max_wait = max_wait
        self.interval = float(poll_interval)
        self.max_interval = float(max(max_interval, poll_interval))
        self.factor = factor
        self.on_progress = on_progress
        self.polls = 0

    def step(self, job: T, now: float) -> Optional[float]:
        """Look at the latest ``job``: ``None`` when the wait is over (it reached its goal),
        else the seconds to sleep before fetching it again. Raises :class:`JobFailedError` or
        :class:`WaitTimeoutError`."""
        self.polls += 1
        if self.started is None:
            self.started = now
        deadline = None if self.max_wait is None else self.started + self.max_wait
        if self.on_progress is not None:
            self.on_progress(job)
        verdict = self.classify(job)
        if verdict.outcome == DONE:
            return None
        if verdict.outcome == FAILED:
            because = f": {verdict.reason}" if verdict.reason else " (no reason given)"
            raise JobFailedError(
                f"{self.what} ended {verdict.state}{because}",
                state=verdict.state,
                reason=verdict.reason,
                job=job,
            )
        if deadline is not None and now >= deadline:
            waited = now - self.started
            hint = f" ({verdict.reason})" if verdict.reason else ""
            raise WaitTimeoutError(
                f"{self.what} was still {verdict.state}{hint} after {waited:.1f}s "
                f"(max_wait={self.max_wait:g}s, {self.polls} polls)",
                state=verdict.state,
                waited=waited,
                job=job,
            )
        delay = self.interval
        self.interval = min(self.interval * self.factor, self.max_interval)
        if deadline is not None:
            delay = min(delay, deadline - now)
        return max(delay, 0.0)


def waiter_for(
    what: str,
    classify: Callable[[T], Verdict],
    max_wait: Optional[float],
    poll_interval: float,
    max_interval: float,
    on_progress: Optional[Callable[[T], Any]],
) -> Waiter[T]:
    """A :class:`Waiter` from a wait method's keyword arguments (positional, for one-liners)."""
    return Waiter(
        what,
        classify,
        max_wait=max_wait,
        poll_interval=poll_interval,
        max_interval=max_interval,
        on_progress=on_progress,
    )


# -- classifiers -------------------------------------------------------------------------------


def rag_file_verdict(status: Any, *, embedded: bool = True) -> Verdict:
    """A RAG file (:class:`~meshapi.RagFileStatus`): done once uploaded and (``embedded``)
    embedded; failed when embedding failed (``last_error_code`` is the reason)."""
    upload = status.upload_status or "unknown"
    if upload != "ready":
        if upload in {"failed", "expired"}:
            reason = getattr(status, "last_error", None) or status.last_error_code
            return Verdict(FAILED, f"upload_status={upload}", reason)
        return Verdict(WAITING, f"upload_status={upload}", "the file's bytes have not arrived")
    if not embedded:
        return Verdict(DONE, "upload_status=ready")
    embedding = status.embedding_status or "unknown"
    if embedding == "ready":
        return Verdict(DONE, "embedding_status=ready")
    if embedding == "failed":
        code = status.last_error_code
        text = getattr(status, "last_error", None)
        reason = f"{code}: {text}" if code and text else (code or text)
        return Verdict(FAILED, "embedding_status=failed", reason)
    hint = (
        "embedding was never started: upload with embed=True or call rag.embed()"
        if embedding == "pending"
        else None
    )
    return Verdict(WAITING, f"embedding_status={embedding}", hint)


BATCH_ENDED = {"failed": "failed", "expired": "expired", "cancelled": "cancelled"}


def batch_verdict(batch: Any) -> Verdict:
    """A batch (:class:`~meshapi.BatchObject`): done when ``completed``; failed when
    ``failed``, ``expired`` or ``cancelled`` (the reason from its ``errors``, if any)."""
    status = batch.status
    if status == "completed":
        return Verdict(DONE, "completed")
    if status in BATCH_ENDED:
        errors = getattr(batch, "errors", None)
        reason = _describe_errors(errors)
        if reason is None and status == "expired":
            reason = f"its completion window ({batch.completion_window or '24h'}) passed"
        return Verdict(FAILED, status, reason)
    return Verdict(WAITING, status)


VIDEO_ENDED = frozenset({"failed", "expired", "cancelled"})


def video_verdict(task: Any) -> Verdict:
    """A video task (:class:`~meshapi.VideoTaskResponse`): done when ``succeeded``; failed when
    ``failed``, ``expired`` or ``cancelled`` (the reason from its ``error``)."""
    status = task.status
    if status == "succeeded":
        return Verdict(DONE, status)
    if status in VIDEO_ENDED:
        error = getattr(task, "error", None)
        reason = f"{error.code}: {error.message}" if error is not None else None
        return Verdict(FAILED, status, reason)
    return Verdict(WAITING, status)


RESPONSE_ENDED = frozenset({"failed", "cancelled", "incomplete"})


def response_verdict(response: Any) -> Verdict:
    """A background response (:class:`~meshapi.ResponsesResponse`): done when ``completed``;
    failed when ``failed``, ``cancelled`` or ``incomplete`` (the reason from its ``error`` or
    ``incomplete_details``)."""
    status = response.status or "unknown"
    if status == "completed":
        return Verdict(DONE, status)
    if status in RESPONSE_ENDED:
        detail = response.error or response.incomplete_details
        reason = _describe_errors(detail) if detail else None
        if reason is None and isinstance(detail, dict):
            reason = detail.get("reason")
        return Verdict(FAILED, status, reason)
    return Verdict(WAITING, status)


def _describe_errors(errors: Any) -> Optional[str]:
    """The text of an OpenAI-style ``errors`` value (``{"data": [{code, message}]}``, a list,
    or a string)."""
    if not errors:
        return None
    if isinstance(errors, dict):
        errors = errors.get("data", errors)
    items = errors if isinstance(errors, list) else [errors]
    texts = []
    for item in items:
        if isinstance(item, dict):
            code, message = item.get("code"), item.get("message")
            texts.append(": ".join(str(p) for p in (code, message) if p) or str(item))
        else:
            texts.append(str(item))
    return "; ".join(texts)
