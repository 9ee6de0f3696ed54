"""Configuration: file model, embedded defaults, and where secaudit keeps its files.

With no config file the embedded defaults apply. ``--home DIR`` (env ``SECAUDIT_HOME``) puts
config, ledger, keys, cache and reports under one folder, as ``GNUPGHOME`` does for gpg::

    DIR/config.toml  DIR/ledger.db  DIR/keys/  DIR/cache/  DIR/reports/  DIR/run/

Without a home: as root ``/etc/secaudit/config.toml`` + ``/var/lib/secaudit/``; otherwise the XDG
user dirs (``~/.config/secaudit``, ``~/.local/share/secaudit``).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from secaudit.config_forward import ForwardOutput, forward_outputs
from secaudit.config_home import Home
from secaudit.config_text import DEFAULT_CONFIG_TEXT  # noqa: F401 - install.sh reads it here
from secaudit.config_values import coerce, in_range
from secaudit.errors import ConfigError
from secaudit.limits import Limits, MiB
from secaudit.model import HostRole


@dataclass(frozen=True)
class HostConfig:
    role: HostRole = HostRole.INTRANET
    branch: str = ""
    name: str = ""
    """Host name shown in reports; empty: the system host name."""


OCR_MODES = ("auto", "off")


@dataclass(frozen=True)
class ScanConfig:
    workers: int = 0
    """Worker processes; 0 = one per core."""
    exclude: tuple[str, ...] = ("*/.git/*", "*/node_modules/*", "*/__pycache__/*")
    max_file_size_mb: int = 512
    max_container_mb: int = 1024
    max_member_size_mb: int = 256
    max_depth: int = 6
    max_members: int = 20000
    max_ratio: float = 200.0
    file_timeout: float = 120.0
    ocr: str = "auto"
    """``auto``: OCR images, pictures in Office files and image-only PDF/OFD pages with
    Tesseract; ``off``: report image files and image-only pages as not examined."""
    ocr_max_pages: int = 10
    ocr_min_pixels: int = 20_000
    ocr_cache: str = ""
    """File remembering images without text (digests only, never text) so they are not OCR'd
    again, even with ``--no-cache``; empty: ``DIR/cache/ocr-verdicts.db``; ``off``: none."""

    def __post_init__(self) -> None:
        if self.ocr not in OCR_MODES:
            raise ConfigError(f"[scan].ocr = {self.ocr!r}: expected one of {', '.join(OCR_MODES)}")

    def limits(self) -> Limits:
        return Limits(
            max_file_size=self.max_file_size_mb * MiB,
            max_container_bytes=self.max_container_mb * MiB,
            max_member_size=self.max_member_size_mb * MiB,
            max_depth=self.max_depth,
            max_members=self.max_members,
            max_ratio=self.max_ratio,
            file_timeout=self.file_timeout,
            ocr=self.ocr,
            ocr_max_pages=self.ocr_max_pages,
            ocr_min_pixels=self.ocr_min_pixels,
            ocr_cache="" if self.ocr_cache == "off" else self.ocr_cache,
        )


@dataclass(frozen=True)
class PolicyConfig:
    path: str = ""
    """Policy file; empty = the shipped default policy."""


@dataclass(frozen=True)
class AgentConfig:
    roots: tuple[str, ...] = (
        "~/Desktop",
        "~/Documents",
        "~/Downloads",
        "~/桌面",
        "~/文档",
        "~/下载",
        "~/.local/share/Trash/files",  # the recycle bin (sources/trash.py)
    )
    """Folders scanned and watched on an internet-connected host (``~`` = every user's home)."""
    scan_interval: float = 86400.0
    mail_stores: tuple[str, ...] = (
        "~/.thunderbird",
        "~/.icedove",
        "~/.local/share/evolution/mail",
    )
    """Thunderbird/Icedove profiles and Evolution's local folders (Maildir++: ``.Sent`` …)."""
    mail_addresses: tuple[str, ...] = ()
    """This host's own mail addresses (besides the profiles' identities): tell sent from
    received mail in ``.eml``/``.msg`` folders."""
    removable_extra: tuple[str, ...] = ()
    """Extra mount points (globs) or device paths treated as removable media (e.g. loop images)."""
    media_poll_interval: float = 2.0
    watch_polling: bool = False
    """Force the polling observer (filesystems inotify cannot see)."""
    workers: int = 1
    nice: int = 10
    queue_size: int = 10000
    selfcheck_interval_days: float = 30.0
    """The agent runs the self-inspection this often (0 = never) into the reports folder."""
    selfcheck_answers: str = ""
    """Checklist answers file for the scheduled self-inspection (empty: manual items unanswered)."""
    heartbeat_minutes: float = 15.0
    """A ``heartbeat`` ledger event (ledger head + agent health) this often (0 = never)."""
    # -- watch bounds (issue 12, harden-fs) ---------------------------------------------------
    max_watches_per_medium: int = 10_000
    """inotify watches (folders) of one watched tree; past it the tree is polled (degraded)."""
    max_watches: int = 50_000
    """inotify watches of all watched trees together."""
    watch_rescan_interval: float = 10.0
    """Seconds between two polls of the folders watched without inotify."""
    # -- end watch bounds ---------------------------------------------------------------------

    def __post_init__(self) -> None:
        if not (self.heartbeat_minutes == 0 or 0.1 <= self.heartbeat_minutes <= 1440):
            raise ConfigError(f"[agent].heartbeat_minutes = {self.heartbeat_minutes!r}: "
                              "expected 0 (never) or 0.1 … 1440 minutes")
        in_range("agent.max_watches_per_medium", self.max_watches_per_medium, 1, 1_000_000)
        in_range("agent.max_watches", self.max_watches, 1, 4_000_000)
        in_range("agent.watch_rescan_interval", self.watch_rescan_interval, 1.0, 3600.0)


@dataclass(frozen=True)
class ConnectivityConfig:
    probes: tuple[str, ...] = ()
    """TCP targets ``host:port`` tried to decide connectivity; empty: connectivity unknown."""
    probe_timeout: float = 2.0
    interval: float = 60.0
    intranet_ranges: tuple[str, ...] = ()
    """CIDR ranges of the bank's own network: a probe target inside them is internal."""


@dataclass(frozen=True)
class ReportConfig:
    lang: str = "zh"
    key_passphrase_env: str = "SECAUDIT_KEY_PASSPHRASE"
    key_passphrase_file: str = ""


_SECTIONS: dict[str, type] = {
    "host": HostConfig,
    "scan": ScanConfig,
    "policy": PolicyConfig,
    "agent": AgentConfig,
    "connectivity": ConnectivityConfig,
    "report": ReportConfig,
}


@dataclass(frozen=True)
class Config:
    home: Home
    host: HostConfig = field(default_factory=HostConfig)
    scan: ScanConfig = field(default_factory=ScanConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    agent: AgentConfig = field(default_factory=AgentConfig)
    connectivity: ConnectivityConfig = field(default_factory=ConnectivityConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    forward: tuple[ForwardOutput, ...] = ()
    """``[[forward]]`` tables: where ledger events are forwarded (secaudit.forward)."""
    source: Path | None = None
    """The config file read, or ``None`` when the embedded defaults apply."""

    def __post_init__(self) -> None:
        if not self.scan.ocr_cache:  # the OCR verdict cache lives in the home's cache folder
            where = str(self.home.cache_dir / "ocr-verdicts.db")
            object.__setattr__(self, "scan", replace(self.scan, ocr_cache=where))

    @property
    def hostname(self) -> str:
        return self.host.name or os.uname().nodename  # gethostname(2) on Linux


def load_config(home: str | os.PathLike[str] | None = None, path: str | None = None) -> Config:
    """Load the config of ``home`` (or an explicit file); embedded defaults when absent."""
    h = Home.resolve(home)
    cfg_path = Path(path) if path else h.config_file
    if not cfg_path.exists():
        if path:
            raise ConfigError(f"config file not found: {cfg_path}")
        return Config(home=h)
    try:
        raw = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{cfg_path}: {exc}") from exc
    cfg = Config(home=h, source=cfg_path)
    for section, value in raw.items():
        if section == "forward":
            cfg = replace(cfg, forward=forward_outputs(value, str(cfg_path)))
            continue
        if section not in _SECTIONS:
            raise ConfigError(f"{cfg_path}: unknown section [{section}]")
        if not isinstance(value, dict):
            raise ConfigError(f"{cfg_path}: [{section}] must be a table")
        cfg = replace(cfg, **{section: coerce(section, _SECTIONS[section], value, str(cfg_path))})
    return cfg


def data_path(*parts: str) -> Path:
    """A shipped data file (``policies/…``, ``templates/…``), installed or in the source tree."""
    here = Path(__file__).resolve().parent
    candidate = here.joinpath("_data", *parts)  # the wheel ships them inside the package
    if candidate.exists():
        return candidate
    return here.parent.joinpath(*parts)
