"""System baseline settings: password quality and expiry, usb-storage blocking, Samba shares.

- Password quality: ``pam_pwquality`` (or ``pam_cracklib``) in ``/etc/pam.d/common-password``
  (Debian, UOS, Kylin) or ``system-auth``/``password-auth`` (rpm systems); its ``minlen`` and
  ``minclass`` from the PAM line, else ``/etc/security/pwquality.conf`` and
  ``pwquality.conf.d/*.conf`` (the module's defaults, minlen 8 / minclass 0, when unset).
- Expiry: ``PASS_MAX_DAYS`` in ``/etc/login.defs``.
- ``usb-storage`` blocked: a ``blacklist usb-storage`` or ``install usb-storage /bin/true``
  (or ``/bin/false``) line in ``/etc/modprobe.d/*.conf``.
- Samba: the share sections of ``/etc/samba/smb.conf`` (every section but ``[global]``), with
  their ``path``.
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass
from typing import Any

from secaudit.sources.hostroot import HostRoot

PAM_FILES = ("/etc/pam.d/common-password", "/etc/pam.d/system-auth", "/etc/pam.d/password-auth")
PWQUALITY = "/etc/security/pwquality.conf"
_PWQ_DEFAULTS = {"minlen": 8, "minclass": 0}
_USB_LINE = re.compile(
    r"^\s*(blacklist\s+usb[-_]storage\b|install\s+usb[-_]storage\s+/(usr/)?bin/(true|false))"
)


@dataclass(frozen=True)
class PasswordQuality:
    """``module`` None when no quality module is in the PAM stack."""

    module: str | None
    minlen: int | None
    minclass: int | None
    source: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"module": self.module, "minlen": self.minlen, "minclass": self.minclass,
                "source": self.source}


def _pam_line(host: HostRoot) -> tuple[str, str, dict[str, str]] | None:
    for path in PAM_FILES:
        for line in (host.read_text(path) or "").splitlines():
            line = line.split("#", 1)[0]
            for module in ("pam_pwquality.so", "pam_cracklib.so"):
                if module in line and line.split()[:1] == ["password"]:
                    args = dict(a.partition("=")[::2] for a in line.split() if "=" in a)
                    return path, module.removesuffix(".so"), args
    return None


def _pwquality_conf(host: HostRoot) -> dict[str, str]:
    values: dict[str, str] = {}
    folder = PWQUALITY + ".d"
    paths = [PWQUALITY] + [f"{folder}/{n}" for n in host.listdir(folder) if n.endswith(".conf")]
    for path in paths:
        for line in (host.read_text(path) or "").splitlines():
            key, sep, value = line.split("#", 1)[0].partition("=")
            if sep:
                values[key.strip()] = value.strip()
    return values


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def password_quality(host: HostRoot) -> PasswordQuality:
    found = _pam_line(host)
    if found is None:
        return PasswordQuality(None, None, None)
    path, module, args = found
    conf = _pwquality_conf(host) if module == "pam_pwquality" else {}
    result: dict[str, int | None] = {}
    for key in ("minlen", "minclass"):
        value = args.get(key, conf.get(key))
        result[key] = _int(value) if value is not None else _PWQ_DEFAULTS[key]
    return PasswordQuality(module, result["minlen"], result["minclass"], path)


def pass_max_days(host: HostRoot) -> int | None:
    """``PASS_MAX_DAYS`` from ``/etc/login.defs`` (None when absent)."""
    for line in (host.read_text("/etc/login.defs") or "").splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) >= 2 and parts[0] == "PASS_MAX_DAYS":
            return _int(parts[1])
    return None


def usb_storage_blocked(host: HostRoot) -> list[str]:
    """The modprobe.d lines that block ``usb-storage`` (``file: line``)."""
    out = []
    for name in host.listdir("/etc/modprobe.d"):
        path = f"/etc/modprobe.d/{name}"
        if not name.endswith(".conf"):
            continue
        lines = (host.read_text(path) or "").splitlines()
        out.extend(f"{path}: {line.strip()}" for line in lines if _USB_LINE.match(line))
    return out


def samba_shares(host: HostRoot) -> list[str] | None:
    """Share names with their paths (``name: path``); None when Samba is not configured."""
    text = host.read_text("/etc/samba/smb.conf")
    if text is None:
        return None
    parser = configparser.ConfigParser(
        interpolation=None,
        strict=False,
        comment_prefixes=("#", ";"),
        inline_comment_prefixes=(";",),
    )
    try:
        parser.read_string(text, source="/etc/samba/smb.conf")
    except configparser.Error:
        return ["/etc/samba/smb.conf: 无法解析"]
    shares = []
    for section in parser.sections():
        if section.lower() == "global":
            continue
        available = parser.get(section, "available", fallback="yes").strip().lower()
        if available in ("no", "false", "0"):
            continue
        shares.append(f"{section}: {parser.get(section, 'path', fallback='').strip()}")
    return shares
