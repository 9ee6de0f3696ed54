"""Fixtures of the check tests: the real browser profiles (made once per test process)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sources import artifacts


@pytest.fixture(scope="session")
def browser_profiles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return artifacts.session_profiles(tmp_path_factory.mktemp("browsers"))
