"""Browser profiles written once per test session by the real browsers (slow: ~7 s chromium,
~11 s firefox-esr), copied into each test's fake root."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.sources import artifacts


@pytest.fixture(scope="session")
def browser_profiles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real profiles that visited 127.0.0.1 (with a query) and localhost on one loopback port."""
    return artifacts.session_profiles(tmp_path_factory.mktemp("browsers"))


def install_profiles(root: Path, profiles: dict[str, Path], user: str = "u") -> None:
    """Copy the session's browser profiles into ``root``'s home of ``user``."""
    home = root / "home" / user
    if "chromium" in profiles:
        shutil.copytree(profiles["chromium"], home / ".config" / "chromium", symlinks=True)
    if "firefox" in profiles:
        shutil.copytree(profiles["firefox"], home / ".mozilla" / "firefox", symlinks=True)
