"""What the agent's sources report, turned into scan jobs and watches.

Called in the sources' threads with the running :class:`secaudit.agent.daemon.Agent`
(duck-typed, as the other modules of this stage take it):

- :func:`medium_inserted`, :func:`medium_removed` (media-monitor thread): a mounted medium is
  scanned whole and watched; an unmounted one is no longer watched;
- :func:`file_settled` (debouncer thread): a watched file that stopped changing is scanned —
  with its medium's context on a medium, with the root channel under a root — or the mail store
  it belongs to is read again.
"""

from __future__ import annotations

import os
from collections.abc import Hashable
from typing import Any

from secaudit.agent.jobqueue import ScanJob
from secaudit.context import Medium, ScanContext
from secaudit.logs import logger
from secaudit.model import Channel

__all__ = ["file_settled", "medium_inserted", "medium_removed"]

log = logger("secaudit.agent.daemon")
"""The daemon's logger: the agent's log lines keep the name they always had."""


def medium_inserted(agent: Any, medium: Medium, ctx: ScanContext) -> None:
    log.info(
        "medium at %s: label %r serial %r uuid %r registered %s",
        medium.mountpoint,
        medium.label,
        medium.serial,
        medium.fs_uuid,
        medium.registered,
    )
    agent.enqueue(ScanJob("files", (medium.mountpoint,), ctx, "media"))
    agent.watches.watch_medium(medium)
    agent.refresh_status()


def medium_removed(agent: Any, medium: Medium) -> None:
    agent.watches.unwatch(medium.mountpoint)
    agent.refresh_status()


def file_settled(agent: Any, key: Hashable, tag: Any) -> None:
    """``key`` is (kind, path) and ``tag`` (kind, where) as the watch set touches them: kind
    ``mail`` (where: the store), ``medium`` (its mount point) or ``root`` (the root)."""
    kind, where = tag
    path = key[1] if isinstance(key, tuple) else str(key)
    if kind == "mail":
        agent.enqueue(ScanJob("mail", (where,), None, "mail"))
    elif kind == "medium":
        medium = next((m for m in agent.media.current() if m.mountpoint == where), None)
        if medium is not None and os.path.lexists(path):
            agent.enqueue(
                ScanJob(
                    "files",
                    (path,),
                    agent.context(Channel.REMOVABLE_MEDIA, medium=medium),
                    "watch",
                )
            )
    elif kind == "root" and agent.watches_roots and os.path.lexists(path):
        agent.enqueue(ScanJob("files", (path,), agent.context(agent.root_channel), "watch"))
