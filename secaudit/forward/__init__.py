"""Forwarding: ledger events into the bank's log pipeline (ECS JSON lines, RFC 5424 syslog).

::

    ledger ──► Forwarder (per output: cursor in forward.db, bounded batches, backoff)
                 ├─► FileSink    ECS NDJSON, size rotation            (filesink.py)
                 └─► SyslogSink  RFC 5424 / RFC 6587 over TCP or TLS  (syslog.py)

``ecs.py`` shapes an event, ``cursor.py`` keeps the cursors, ``heartbeat.py`` writes the
``heartbeat`` event, ``status.py`` serves ``secaudit forward status|test``, ``agent_hook.py``
plugs all of it into the agent. Add an output type: a sink with ``ready/send/settled/flush/close``,
built in ``forwarder.make_sink``, its keys in ``secaudit.config_forward``.
"""

from __future__ import annotations

from secaudit.forward.forwarder import Forwarder
from secaudit.forward.heartbeat import heartbeat
from secaudit.forward.status import output_status, send_test

__all__ = ["Forwarder", "heartbeat", "output_status", "send_test"]
