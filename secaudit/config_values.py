"""Reading config values: each TOML value checked for its type and range, with a clear error.

Every number of the config has an allowed range in :data:`RANGES`; a value outside it, of the
wrong type, or a key no section knows is a :class:`~secaudit.errors.ConfigError` naming the file
and the key. Shared core: imports nothing of the pipeline.
"""

from __future__ import annotations

import math
from dataclasses import fields
from typing import Any

from secaudit.errors import ConfigError
from secaudit.model import HostRole

RANGES: dict[str, tuple[float, float]] = {
    "scan.workers": (0, 256),
    "scan.max_file_size_mb": (1, 1 << 20),
    "scan.max_container_mb": (1, 1 << 20),
    "scan.max_member_size_mb": (1, 1 << 20),
    "scan.max_depth": (0, 64),
    "scan.max_members": (1, 10_000_000),
    "scan.max_ratio": (1.0, 100_000.0),
    "scan.file_timeout": (0.1, 86_400.0),
    "scan.ocr_max_pages": (0, 10_000),
    "scan.ocr_min_pixels": (0, 1_000_000_000),
    "agent.scan_interval": (10.0, 366 * 86_400.0),
    "agent.media_poll_interval": (0.1, 3_600.0),
    "agent.workers": (1, 256),
    "agent.nice": (0, 19),
    "agent.queue_size": (1, 10_000_000),
    "agent.selfcheck_interval_days": (0.0, 3_660.0),
    "connectivity.probe_timeout": (0.05, 60.0),
    "connectivity.interval": (1.0, 86_400.0),
}
"""Allowed range (inclusive) of every number in the config: a value outside it (``workers = -3``
spins forever, ``file_timeout = 1e308`` overflows a timer, ``nan`` compares false) is an error."""


def check_range(name: str, value: object) -> None:
    bounds = RANGES.get(name)
    if bounds is None or isinstance(value, bool) or not isinstance(value, int | float):
        return
    low, high = bounds
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"must be between {low:g} and {high:g}")


def coerce(section: str, cls: type, raw: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown key [{section}].{key}")
        default = getattr(cls(), key)
        try:
            if isinstance(default, HostRole):
                value = HostRole(value)
            elif isinstance(default, tuple):
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise TypeError("expected a list of strings")
                value = tuple(value)
            elif isinstance(default, bool):
                if not isinstance(value, bool):
                    raise TypeError("expected true or false")
            elif isinstance(default, float):
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise TypeError("expected a number")
                value = float(value)
            elif isinstance(default, int):
                if isinstance(value, bool) or not isinstance(value, int):
                    raise TypeError("expected an integer")
            elif isinstance(default, str) and not isinstance(value, str):
                raise TypeError("expected a string")
            check_range(f"{section}.{key}", value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: [{section}].{key} = {value!r}: {exc}") from exc
        kwargs[key] = value
    return cls(**kwargs)


def in_range(name: str, value: float, low: float, high: float) -> None:
    """A value checked where its dataclass is made: outside the range (NaN too) is a config
    error."""
    if not low <= value <= high:
        raise ConfigError(f"[{name.replace('.', '].', 1)} = {value!r}: expected {low:g} … {high:g}")
