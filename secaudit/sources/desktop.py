"""Desktop baseline settings: screen lock and idle delay, automatic login, guest account.

- Screen lock: dconf keyfiles (``/etc/dconf/db/*.d/*``, the system-wide settings and locks that
  administrators and the distributions' defaults use) for GNOME
  (``org/gnome/desktop/screensaver`` ``lock-enabled``, ``org/gnome/desktop/session``
  ``idle-delay`` in seconds), UKUI/麒麟 (``org/ukui/screensaver`` ``lock-enabled``,
  ``idle-delay`` in minutes) and DDE/统信 UOS (``com/deepin/dde/power`` ``screen-black-lock``,
  ``line-power-screen-black-delay`` in seconds). A later file overrides an earlier one, as dconf
  compiles them. Per-user binary databases are not read: what is enforced for everyone is what
  the inspector asks for.
- Automatic login: gdm (``/etc/gdm3/daemon.conf``, ``/etc/gdm/custom.conf``:
  ``AutomaticLoginEnable``/``TimedLoginEnable``), lightdm (``autologin-user``), sddm
  (``[Autologin] User``); the deepin/UOS lightdm greeter uses lightdm's key.
- Guest account: lightdm ``allow-guest=true`` or a ``guest`` user in ``/etc/passwd`` with a
  login shell.
"""

from __future__ import annotations

import configparser
from dataclasses import dataclass
from typing import Any

from secaudit.sources.hostroot import HostRoot

DCONF_DB = "/etc/dconf/db"
_LOCK_KEYS = {
    ("org/gnome/desktop/screensaver", "lock-enabled"): ("lock", "GNOME"),
    ("org/ukui/screensaver", "lock-enabled"): ("lock", "UKUI"),
    ("com/deepin/dde/power", "screen-black-lock"): ("lock", "DDE"),
    ("org/gnome/desktop/session", "idle-delay"): ("idle", "GNOME"),
    ("org/ukui/screensaver", "idle-delay"): ("idle_min", "UKUI"),
    ("org/ukui/session", "idle-delay"): ("idle_min", "UKUI"),
    ("com/deepin/dde/power", "line-power-screen-black-delay"): ("idle", "DDE"),
}
GDM = ("/etc/gdm3/daemon.conf", "/etc/gdm3/custom.conf", "/etc/gdm/custom.conf")
LIGHTDM = ("/etc/lightdm/lightdm.conf", "/usr/share/lightdm/lightdm.conf.d")
SDDM = ("/etc/sddm.conf", "/etc/sddm.conf.d")
_NO_SHELL = ("nologin", "false")


@dataclass(frozen=True)
class ScreenLock:
    """Screen-lock settings found: enabled (None: not set), idle delay in seconds, where."""

    enabled: bool | None
    idle_seconds: int | None
    sources: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "idle_seconds": self.idle_seconds,
                "sources": list(self.sources)}


def _ini(host: HostRoot, path: str) -> configparser.ConfigParser | None:
    text = host.read_text(path, cap=1024 * 1024)
    if text is None:
        return None
    parser = configparser.ConfigParser(
        interpolation=None, strict=False, comment_prefixes=("#", ";")
    )
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    try:
        parser.read_string(text, source=path)
    except configparser.Error:
        return None
    return parser


def _gvariant(value: str) -> str:
    """``uint32 300`` → ``300``; ``'x'`` → ``x``."""
    value = value.strip()
    for prefix in ("uint32 ", "int32 ", "uint64 ", "int64 "):
        value = value.removeprefix(prefix)
    return value.strip("'\"")


def _dconf_files(host: HostRoot) -> list[str]:
    out = []
    for db in host.subdirs(DCONF_DB):
        if db.endswith(".d"):
            out.extend(f"{db}/{n}" for n in host.listdir(db) if host.is_file(f"{db}/{n}"))
    return out


def screen_lock(host: HostRoot) -> ScreenLock:
    enabled: bool | None = None
    idle: int | None = None
    sources: list[str] = []
    for path in _dconf_files(host):
        parser = _ini(host, path)
        if parser is None:
            continue
        for (section, key), (what, desktop) in _LOCK_KEYS.items():
            if not parser.has_option(section, key):
                continue
            value = _gvariant(parser.get(section, key))
            sources.append(f"{path} [{section}] {key}={value} ({desktop})")
            if what == "lock":
                enabled = value.lower() == "true"
            elif value.isdigit():
                idle = int(value) * (60 if what == "idle_min" else 1)
    return ScreenLock(enabled, idle, tuple(sources))


def _conf_files(host: HostRoot, candidates: tuple[str, ...]) -> list[str]:
    out = []
    for path in candidates:
        if host.is_dir(path):
            out.extend(f"{path}/{n}" for n in host.listdir(path) if n.endswith(".conf"))
        else:
            out.append(path)
    return out


def _true(value: str) -> bool:
    return value.strip().lower() in ("true", "1", "yes")


def auto_logins(host: HostRoot) -> list[str]:
    """Where automatic login is on: ``file: user`` for each display manager setting found."""
    out = []
    for path in GDM:
        parser = _ini(host, path)
        if parser is not None and parser.has_section("daemon"):
            for flag, user_key in (("AutomaticLoginEnable", "AutomaticLogin"),
                                   ("TimedLoginEnable", "TimedLogin")):
                if _true(parser.get("daemon", flag, fallback="")):
                    out.append(f"{path}: {parser.get('daemon', user_key, fallback='?')}")
    for path in _conf_files(host, ("/etc/lightdm/lightdm.conf", "/etc/lightdm/lightdm.conf.d")):
        parser = _ini(host, path)
        for section in parser.sections() if parser else []:
            user = parser.get(section, "autologin-user", fallback="").strip() if parser else ""
            if user:
                out.append(f"{path}: {user}")
    for path in _conf_files(host, SDDM):
        parser = _ini(host, path)
        user = parser.get("Autologin", "User", fallback="").strip() if parser else ""
        if user:
            out.append(f"{path}: {user}")
    return out


def guest_accounts(host: HostRoot) -> list[str]:
    """Guest logins allowed: lightdm ``allow-guest=true``, or a ``guest`` user with a shell."""
    out = []
    for path in _conf_files(host, ("/etc/lightdm/lightdm.conf", "/etc/lightdm/lightdm.conf.d")):
        parser = _ini(host, path)
        if parser is not None and any(
            _true(parser.get(section, "allow-guest", fallback="")) for section in parser.sections()
        ):
            out.append(f"{path}: allow-guest=true")
    users = [line.split(":") for line in (host.read_text("/etc/passwd") or "").splitlines()]
    out.extend(
        f"/etc/passwd: {f[0]}"
        for f in users
        if len(f) >= 7
        and f[0].lower().startswith("guest")
        and f[6].rsplit("/", 1)[-1] not in _NO_SHELL
    )
    return out
