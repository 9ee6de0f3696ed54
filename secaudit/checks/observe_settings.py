"""Observations of baseline settings: screen lock, passwords, logins, usb-storage, services,
shares. Each function takes a :class:`HostView` and returns :class:`Observed`.
"""

from __future__ import annotations

from secaudit.checks.base import NEVER, Observed
from secaudit.checks.view import HostView
from secaudit.sources import desktop, syssettings

_NO_LOCK = "未找到锁屏设置（/etc/dconf/db/*.d 中无 GNOME/UKUI/DDE 锁屏键）"


def screen_lock_enabled(view: HostView) -> Observed:
    lock = view.screen_lock
    if lock.enabled is None:
        return Observed(None, why=_NO_LOCK)
    return Observed(lock.enabled, (lock.to_json(),), sources=lock.sources)


def screen_lock_idle_seconds(view: HostView) -> Observed:
    lock = view.screen_lock
    if lock.enabled is False:
        # no lock at all: the screen never locks, whatever the idle delay
        return Observed(NEVER, (lock.to_json(),), why="锁屏未启用", sources=lock.sources)
    if lock.idle_seconds is None:
        return Observed(None, why="未找到空闲时间设置（idle-delay）")
    if lock.idle_seconds == 0:
        return Observed(NEVER, (lock.to_json(),), why="idle-delay=0", sources=lock.sources)
    return Observed(lock.idle_seconds, (lock.to_json(),), sources=lock.sources)


def _password(view: HostView, key: str) -> Observed:
    pw = view.password
    if pw.module is None:
        return Observed(0, (pw.to_json(),), why="PAM 中未启用 pam_pwquality/pam_cracklib")
    return Observed(getattr(pw, key) or 0, (pw.to_json(),), sources=(pw.source,))


def password_min_length(view: HostView) -> Observed:
    return _password(view, "minlen")


def password_min_classes(view: HostView) -> Observed:
    return _password(view, "minclass")


def password_max_days(view: HostView) -> Observed:
    days = syssettings.pass_max_days(view.host)
    if days is None:
        return Observed(None, why="/etc/login.defs 中无 PASS_MAX_DAYS")
    return Observed(days, sources=("/etc/login.defs",))


def auto_login(view: HostView) -> Observed:
    return Observed(desktop.auto_logins(view.host))


def guest_account(view: HostView) -> Observed:
    return Observed(desktop.guest_accounts(view.host))


def usb_storage_blocked(view: HostView) -> Observed:
    lines = syssettings.usb_storage_blocked(view.host)
    return Observed(bool(lines), tuple({"line": line} for line in lines), sources=tuple(lines))


def listening_services(view: HostView) -> Observed:
    outside = [s for s in view.listeners if not s.is_loopback]
    return Observed([str(s) for s in outside], tuple(s.to_json() for s in outside))


def samba_shares(view: HostView) -> Observed:
    shares = syssettings.samba_shares(view.host)
    return Observed(shares or [], sources=("/etc/samba/smb.conf",) if shares is not None else ())
