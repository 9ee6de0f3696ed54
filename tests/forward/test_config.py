"""``[[forward]]`` tables: read from a real config file; every bad value is a clear ConfigError."""

from __future__ import annotations

from pathlib import Path

import pytest

from secaudit.config import load_config
from secaudit.errors import ConfigError

GOOD = """
[agent]
heartbeat_minutes = 5

[[forward]]
type = "file"
path = "/var/log/secaudit/events.ndjson"
max_mb = 50
keep = 5

[[forward]]
type = "syslog"
address = "siem-relay.bank.internal:6514"
tls = true
ca = "/etc/secaudit/forward-ca.pem"
cert = "/etc/secaudit/client.pem"
key = "/etc/secaudit/client.key"
timeout = 3
"""


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    return load_config(str(tmp_path))


def test_both_outputs(tmp_path: Path) -> None:
    cfg = _load(tmp_path, GOOD)
    file_out, syslog_out = cfg.forward
    assert (file_out.type, file_out.max_mb, file_out.keep) == ("file", 50, 5)
    assert file_out.id == "file:/var/log/secaudit/events.ndjson"
    assert syslog_out.host_port == ("siem-relay.bank.internal", 6514)
    assert syslog_out.timeout == 3.0 and isinstance(syslog_out.timeout, float)
    assert cfg.agent.heartbeat_minutes == 5
    assert load_config(str(tmp_path / "none")).forward == ()


@pytest.mark.parametrize(("table", "message"), [
    ('type = "file"\npath = "/x"\nmax_mb = 0', "max_mb = 0: expected 1 … 10000"),
    ('type = "file"\npath = "/x"\nkeep = 101', "keep = 101: expected 1 … 100"),
    ('type = "file"\npath = "/x"\nkeep = "5"', "keep = '5': expected a number"),
    ('type = "file"\npath = "/x"\nmax_mb = true', "max_mb = True: expected a number"),
    ('type = "file"', 'needs path'),
    ('type = "kafka"', "expected one of file, syslog"),
    ('path = "/x"', "type is required"),
    ('type = "syslog"\naddress = "relay:70000"\nca = "/ca"', "port 1 … 65535"),
    ('type = "syslog"\naddress = "relay"\nca = "/ca"', "expected host:port"),
    ('type = "syslog"\naddress = "relay:6514"', "tls = true needs ca"),
    ('type = "syslog"\naddress = "relay:6514"\ntls = "yes"\nca = "/c"', "expected true or false"),
    ('type = "syslog"\naddress = "r:6514"\nca = "/c"\ncert = "/c.pem"', "cert and key go together"),
    ('type = "syslog"\naddress = "r:6514"\ntls = false\ntimeout = 0.1', "expected 0.5 … 300"),
    ('type = "syslog"\naddress = "r:6514"\ntls = false\nfacility = 24', "expected 0 … 23"),
    ('type = "syslog"\naddress = "r:6514"\ntls = false\nbatch = 0', "expected 1 … 10000"),
    ('type = "syslog"\naddress = "r:6514"\ntls = false\nbackoff_max = 7200', "1 … 3600"),
    ('type = "file"\npath = "/x"\ncolour = "red"', "unknown key 'colour'"),
])
def test_bad_values(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ConfigError, match="forward") as err:
        _load(tmp_path, f"[[forward]]\n{table}\n")
    assert message in str(err.value)
    assert "#1" in str(err.value)


def test_shape_and_duplicates_and_heartbeat(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[\[forward\]\] tables"):
        _load(tmp_path, '[forward]\ntype = "file"\n')
    twice = '[[forward]]\ntype = "file"\npath = "/x"\n' * 2
    with pytest.raises(ConfigError, match="share a name: file:/x"):
        _load(tmp_path, twice)
    with pytest.raises(ConfigError, match="heartbeat_minutes"):
        _load(tmp_path, "[agent]\nheartbeat_minutes = 0.05\n")
    assert _load(tmp_path, "[agent]\nheartbeat_minutes = 0\n").agent.heartbeat_minutes == 0
