"""Suite-wide rules for every test under ``tests/``.

Rule: in CI (the ``CI`` environment variable set to anything but ``""``, ``0`` or ``false``) a
skipped test is a failed test. The dev extra installs everything every test needs, so a skip in
CI means something is missing, and a silent skip would hide it: the skip is reported as a failure
with its reason, and a module skipped at collection fails the run too. Outside CI a skip stays a
skip (a laptop without ``../shared``, say).
"""

from __future__ import annotations

import os
from typing import Any, Generator

import pytest

pytest_plugins = ["pytester"]


def in_ci() -> bool:
    """Whether this run is CI's (``CI=true``, as GitHub Actions and most CI systems set it)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where a skip is a failure: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if in_ci() and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"module skipped in CI, where a skip is a failure: {reason}"
