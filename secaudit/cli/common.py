"""Shared CLI state and helpers."""

from __future__ import annotations

from dataclasses import dataclass

import typer

from secaudit.config import Config, load_config


@dataclass
class State:
    home: str | None = None
    config_path: str | None = None
    verbose: bool = False


def config_of(ctx: typer.Context) -> Config:
    """The effective config for this invocation (global ``--home`` / ``--config``)."""
    state: State = ctx.obj or State()
    return load_config(state.home, state.config_path)


def policy_of(config: Config):  # type: ignore[no-untyped-def]
    """The policy named by the config (empty path: the shipped default)."""
    from secaudit.policy import load_policy

    return load_policy(config.policy.path or None)
