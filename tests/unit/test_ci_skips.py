"""The suite-wide rule of ``tests/conftest.py``: in CI a skipped test fails the run."""

from __future__ import annotations

from pathlib import Path

import pytest

CONFTEST = (Path(__file__).resolve().parents[1] / "conftest.py").read_text()
TESTS = """
import pytest

def test_runs():
    pass

def test_skips():
    pytest.skip("needs something not installed")

@pytest.mark.xfail(reason="known")
def test_expected_failure():
    assert False
"""


# The inner runs need none of the suite's plugins; leaving them out keeps each run quick.
QUIET = (
    "-p",
    "no:hypothesispytest",
    "-p",
    "no:asyncio",
    "-p",
    "no:anyio",
    "-p",
    "no:cacheprovider",
)


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST.replace('pytest_plugins = ["pytester"]', ""))
    pytester.makepyfile(test_sample=TESTS)
    return pytester


def test_a_skip_in_ci_fails_the_run_and_says_why(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    result = project.runpytest_inprocess(*QUIET)
    result.assert_outcomes(passed=1, failed=1, xfailed=1)
    result.stdout.fnmatch_lines(["*skipped in CI, where a skip is a failure*not installed*"])


def test_a_module_skipped_at_collection_in_ci_fails_the_run(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "1")
    project.makepyfile(test_optional='import pytest\npytest.importorskip("no_such_module")\n')
    result = project.runpytest_inprocess("test_optional.py", *QUIET)
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*module skipped in CI*no_such_module*"])


@pytest.mark.parametrize("value", ["", "0", "false"])
def test_outside_ci_a_skip_stays_a_skip(
    project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("CI", value)
    result = project.runpytest_inprocess(*QUIET)
    result.assert_outcomes(passed=1, skipped=1, xfailed=1)
