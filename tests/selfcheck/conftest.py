"""The self-inspection tests run a real agent and loop-mounted sticks: the agent tests' fixtures."""

from __future__ import annotations

from tests.agent.conftest import make_image, start_agent

__all__ = ["make_image", "start_agent"]
