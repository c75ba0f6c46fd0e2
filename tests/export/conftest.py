"""Fixtures of the export tests."""

import pytest

from tests.export._isolated import run_isolated


@pytest.fixture
def python_without_ember():
    """`run(code, cwd) -> stdout` in an interpreter without ember."""

    def run(code: str, cwd) -> str:
        return run_isolated(code, cwd)

    return run
