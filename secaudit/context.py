"""The context a file is judged in: where it was found, on which host, from which medium or mail.

:class:`ScanContext` goes with every file from the scan to the policy (channel, host role,
connectivity, and the :class:`Medium` or the :class:`MailMeta` of the message it came in);
whoever starts a scan builds it (the CLI, the agent from what the sources report, the
self-inspection). Frozen dataclasses like those of :mod:`secaudit.model`; ``to_json()`` gives
the shapes recorded in the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from secaudit.ids import Channel, HostRole

__all__ = ["MailMeta", "Medium", "ScanContext"]


@dataclass(frozen=True, slots=True)
class Medium:
    """A removable storage medium as the agent identified it."""

    device: str = ""
    mountpoint: str = ""
    fstype: str = ""
    vendor: str = ""
    model: str = ""
    serial: str = ""
    fs_uuid: str = ""
    label: str = ""
    capacity: int = 0
    registered: bool = False
    """True when the policy's media register lists this medium (by serial or fs UUID)."""
    registered_role: str | None = None
    """The host role the register assigns to it (``classified`` for 涉密专用 media)."""
    seen_roles: frozenset[str] = frozenset()
    """Host roles this medium is known to have been used on (ledger history + register)."""
    unverified: str = ""
    """Label of the register entry this medium matches by filesystem UUID only (未验证介质): a
    UUID can be copied onto any stick with ``mkfs -U``, so it is judged as not registered."""

    def to_json(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "mountpoint": self.mountpoint,
            "fstype": self.fstype,
            "vendor": self.vendor,
            "model": self.model,
            "serial": self.serial,
            "fs_uuid": self.fs_uuid,
            "label": self.label,
            "capacity": self.capacity,
            "registered": self.registered,
            "registered_role": self.registered_role,
            "seen_roles": sorted(self.seen_roles),
            "unverified": self.unverified,
        }


@dataclass(frozen=True, slots=True)
class MailMeta:
    """Metadata of one e-mail message kept as evidence (no body text)."""

    message_id: str = ""
    date: str = ""
    sender: str = ""
    recipients: tuple[str, ...] = ()
    subject: str = ""
    folder: str = ""
    direction: str = ""
    """``sent`` or ``received`` (``secaudit.sources.maildirection``); empty: not known."""

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "date": self.date,
            "from": self.sender,
            "to": list(self.recipients),
            "subject": self.subject,
            "folder": self.folder,
            "direction": self.direction,
        }


@dataclass(frozen=True, slots=True)
class ScanContext:
    """What the policy needs to know about where a file was found."""

    channel: Channel = Channel.LOCAL
    host_role: HostRole = HostRole.INTRANET
    hostname: str = ""
    connected: bool | None = None
    """Whether the host can reach the internet (None: unknown)."""
    medium: Medium | None = None
    mail: MailMeta | None = None
