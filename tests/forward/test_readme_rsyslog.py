"""The rsyslog relay config printed in README.md, run as printed (own paths, ports, certificates):
TLS and plain TCP in, one ECS JSON line per event out, behind its disk-assisted queue."""

from __future__ import annotations

import json
import re
from pathlib import Path

from secaudit.forward import Forwarder
from secaudit.forward.ecs import host_info
from secaudit.ledger import Ledger
from tests.forward.conftest import config_with, needs_rsyslog, scenario
from tests.forward.rsyslog import Certs, Rsyslog, free_port

pytestmark = needs_rsyslog
README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_conf() -> str:
    text = README.read_text(encoding="utf-8")
    m = re.search(r"```\n(# /etc/rsyslog\.d/secaudit\.conf\n.*?)```", text, re.S)
    assert m, "README lost its rsyslog relay block"
    return m.group(1)


def test_readme_relay_config(tmp_path: Path, certs: Certs) -> None:
    tls_port, plain_port = free_port(), free_port()
    out = tmp_path / "var-log" / "events.ndjson"
    conf = _readme_conf()
    for old, new in (("/etc/rsyslog-tls/ca.pem", certs.ca), ("/etc/rsyslog-tls/relay.pem",
                     certs.cert), ("/etc/rsyslog-tls/relay.key", certs.key),
                     ('port="6514"', f'port="{tls_port}"'), ('port="5514"', f'port="{plain_port}"'),
                     ("/var/log/secaudit/events.ndjson", out)):
        assert str(old) in conf
        conf = conf.replace(str(old), str(new))
    relay = Rsyslog(tmp_path / "relay", None, port=tls_port)
    relay.conf.write_text(f'global(workDirectory="{tmp_path / "relay" / "work"}")\n{conf}')
    relay.start()
    try:
        cfg = config_with(tmp_path / "home", [
            {"type": "syslog", "address": f"127.0.0.1:{tls_port}", "ca": str(certs.ca)},
            {"type": "syslog", "address": f"127.0.0.1:{plain_port}", "tls": False}])
        with Ledger(cfg.home.ledger) as led:
            led.append_many(scenario())
        fwd = Forwarder(cfg)
        while fwd.pump(5.0):
            pass
        fwd.flush()
        assert [r.cursor for r in fwd.runs] == [8, 8], [r.last_error for r in fwd.runs]
        fwd.close()
    finally:
        relay.stop()
    docs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(d["event"]["sequence"] for d in docs) == sorted(list(range(1, 9)) * 2)
    assert {d["host"]["id"] for d in docs} == {host_info(cfg).id}
