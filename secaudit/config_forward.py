"""``[[forward]]`` config tables: where the ledger's events are forwarded, each value range-checked.

Two output types (the code that uses them is ``secaudit.forward``)::

    [[forward]]
    type = "file"                 # ECS JSON lines, rotated by size
    path = "/var/log/secaudit/events.ndjson"
    max_mb = 50                   # rotate above this size (1 … 10000)
    keep = 5                      # rotated files kept: events.ndjson.1 … .5 (1 … 100)

    [[forward]]
    type = "syslog"               # RFC 5424 over TCP, octet-counted framing (RFC 6587)
    address = "siem-relay.bank.internal:6514"
    tls = true                    # RFC 5425; ca is then required
    ca = "/etc/secaudit/forward-ca.pem"
    cert = ""                     # optional client certificate and key (both or neither)
    key = ""
    server_name = ""              # name checked in the collector's certificate (default: host)

Common keys: ``name`` (the cursor's name; default ``type:path`` or ``type:address``), ``batch``
(events per write, 1 … 10000), ``timeout`` (seconds, 0.5 … 300), ``backoff_max`` (seconds
between retries at most, 1 … 3600). Add a key: a field here, its check in ``_RULES``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from secaudit.errors import ConfigError

TYPES = ("file", "syslog")


@dataclass(frozen=True)
class ForwardOutput:
    """One ``[[forward]]`` table."""

    type: str
    name: str = ""
    path: str = ""
    max_mb: int = 50
    keep: int = 5
    address: str = ""
    tls: bool = True
    ca: str = ""
    cert: str = ""
    key: str = ""
    server_name: str = ""
    facility: int = 13
    """Syslog facility (13 = log audit)."""
    batch: int = 500
    timeout: float = 10.0
    backoff_max: float = 300.0

    @property
    def id(self) -> str:
        """The cursor's name."""
        return self.name or f"{self.type}:{self.path if self.type == 'file' else self.address}"

    @property
    def host_port(self) -> tuple[str, int]:
        host, _, port = self.address.rpartition(":")
        return host.strip("[]"), int(port)


# key -> (python type, low, high); None bounds: no range
_RULES: dict[str, tuple[type, float | None, float | None]] = {
    "type": (str, None, None), "name": (str, None, None), "path": (str, None, None),
    "max_mb": (int, 1, 10000), "keep": (int, 1, 100), "address": (str, None, None),
    "tls": (bool, None, None), "ca": (str, None, None), "cert": (str, None, None),
    "key": (str, None, None), "server_name": (str, None, None), "facility": (int, 0, 23),
    "batch": (int, 1, 10000), "timeout": (float, 0.5, 300), "backoff_max": (float, 1, 3600),
}


def _value(where: str, key: str, value: Any) -> Any:
    kind, low, high = _RULES[key]
    if kind is bool and not isinstance(value, bool):
        raise ConfigError(f"{where}.{key} = {value!r}: expected true or false")
    if kind is str and not isinstance(value, str):
        raise ConfigError(f"{where}.{key} = {value!r}: expected a string")
    if kind in (int, float):
        number = isinstance(value, int) if kind is int else isinstance(value, int | float)
        if isinstance(value, bool) or not number:
            raise ConfigError(f"{where}.{key} = {value!r}: expected a number")
        if (low is not None and value < low) or (high is not None and value > high):
            raise ConfigError(f"{where}.{key} = {value!r}: expected {low:g} … {high:g}")
        value = kind(value)
    return value


def _check_address(where: str, address: str) -> None:
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ConfigError(f"{where}.address = {address!r}: expected host:port (port 1 … 65535)")


def _check(where: str, out: ForwardOutput) -> None:
    if out.type not in TYPES:
        raise ConfigError(f"{where}.type = {out.type!r}: expected one of {', '.join(TYPES)}")
    if out.type == "file":
        if not out.path:
            raise ConfigError(f"{where}: type = \"file\" needs path")
        return
    _check_address(where, out.address)
    if out.tls and not out.ca:
        raise ConfigError(f"{where}: tls = true needs ca (the collector's CA certificate file)")
    if bool(out.cert) != bool(out.key):
        raise ConfigError(f"{where}: cert and key go together (client certificate and its key)")


def forward_outputs(raw: Any, source: str) -> tuple[ForwardOutput, ...]:
    """Validate the ``[[forward]]`` array of tables of config file ``source``."""
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise ConfigError(f"{source}: forward must be written as [[forward]] tables")
    known = {f.name for f in fields(ForwardOutput)}
    outputs: list[ForwardOutput] = []
    for i, table in enumerate(raw, 1):
        where = f"{source}: [[forward]] #{i}"
        for key in table:
            if key not in known:
                raise ConfigError(f"{where}: unknown key {key!r}")
        if "type" not in table:
            raise ConfigError(f"{where}: type is required (file or syslog)")
        out = ForwardOutput(**{k: _value(where, k, v) for k, v in table.items()})
        _check(where, out)
        outputs.append(out)
    ids = [o.id for o in outputs]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"{source}: [[forward]] outputs share a name: {', '.join(dupes)}")
    return tuple(outputs)
