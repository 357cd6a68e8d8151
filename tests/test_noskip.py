"""Where the test tools were installed (scripts/test.sh, CI), a skip is a failure."""

from __future__ import annotations

import pytest

SUITE = """
import pytest

def test_needs_a_tool():
    pytest.skip("Virtuoso is not installed")

@pytest.mark.xfail(reason="a documented deviation")
def test_known_deviation():
    assert False

def test_plain():
    assert True
"""


@pytest.mark.parametrize(("env", "value"), [("CEPHKG_NO_SKIP", "1"), ("CI", "true")])
def test_a_skip_fails_where_skips_are_not_allowed(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                  env: str, value: str) -> None:
    monkeypatch.delenv("CEPHKG_NO_SKIP", raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv(env, value)
    pytester.makepyfile(SUITE)
    result = pytester.runpytest("-p", "noskip")
    result.assert_outcomes(passed=1, failed=1, xfailed=1)
    result.stdout.fnmatch_lines(["*skipped where skips are not allowed*Virtuoso is not installed*"])


def test_a_skip_is_a_skip_elsewhere(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CEPHKG_NO_SKIP", raising=False)
    monkeypatch.delenv("CI", raising=False)
    pytester.makepyfile(SUITE)
    pytester.runpytest("-p", "noskip").assert_outcomes(passed=1, skipped=1, xfailed=1)
