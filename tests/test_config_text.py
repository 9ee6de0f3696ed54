"""The default config file install.sh writes says exactly what the embedded defaults are."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

from secaudit.config import DEFAULT_CONFIG_TEXT, Config, Home, load_config


def test_default_file_loads_to_the_embedded_defaults(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(DEFAULT_CONFIG_TEXT, encoding="utf-8")
    written = load_config(home)
    embedded = Config(home=Home.resolve(home))
    assert replace(written, source=None) == embedded


def test_default_file_shows_every_section() -> None:
    sections = set(tomllib.loads(DEFAULT_CONFIG_TEXT))
    assert {"host", "scan", "policy", "agent", "connectivity", "report"} <= sections
