"""Where secaudit keeps its files: :class:`Home` (see :mod:`secaudit.config`).

Apart from the config model so that ``secaudit scan`` can find its scan cache before anything
else loads (:mod:`secaudit.cli.early`): this module imports only ``os``, ``dataclasses`` and
``pathlib``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Home:
    """Where secaudit keeps its files."""

    config_file: Path
    data_dir: Path
    keys_dir: Path

    @property
    def ledger(self) -> Path:
        return self.data_dir / "ledger.db"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def run_dir(self) -> Path:
        return self.data_dir / "run"

    @classmethod
    def resolve(cls, home: str | os.PathLike[str] | None = None) -> Home:
        home = home or os.environ.get("SECAUDIT_HOME") or None
        if home:
            root = Path(home).expanduser().absolute()
            return cls(root / "config.toml", root, root / "keys")
        if os.geteuid() == 0:
            return cls(
                Path("/etc/secaudit/config.toml"),
                Path("/var/lib/secaudit"),
                Path("/etc/secaudit/keys"),
            )
        cfg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "secaudit"
        data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local/share") / "secaudit"
        return cls(cfg / "config.toml", data, data / "keys")

    def ensure(self) -> None:
        """Create the data folders with tight permissions (0700)."""
        for d in (self.data_dir, self.keys_dir, self.cache_dir, self.reports_dir, self.run_dir):
            d.mkdir(parents=True, exist_ok=True, mode=0o700)
