"""A real rsyslogd for tests and the benchmark: own folder, own config, TLS listener on 127.0.0.1.

Started with ``rsyslogd -n -f CONF -i PIDFILE`` (never the system rsyslog): ``imtcp`` with the
``gtls`` stream driver (certificates made here with ``cryptography``), or plain ``imptcp``, and
``omfile`` writing one line per message: ``MSGID <TAB> STRUCTURED-DATA <TAB> MSG``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import json
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

RSYSLOGD = shutil.which("rsyslogd") or ("/usr/sbin/rsyslogd" if Path("/usr/sbin/rsyslogd").exists()
                                         else None)
GTLS = any(Path(p).exists() for p in ("/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so",
                                      "/usr/lib/aarch64-linux-gnu/rsyslog/lmnsd_gtls.so",
                                      "/usr/lib/rsyslog/lmnsd_gtls.so"))


DAY = dt.timedelta(days=1)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    path.chmod(0o600)


def make_ca(folder: Path, cn: str) -> tuple[Path, ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - DAY).not_valid_after(now + 30 * DAY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                         False), critical=True)
            .sign(key, hashes.SHA256()))
    path = folder / f"{cn}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path, key, cert


def make_leaf(folder: Path, name: str, ca_key: ec.EllipticCurvePrivateKey,
              ca_cert: x509.Certificate) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    san = x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                       x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    cert = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - DAY).not_valid_after(now + 30 * DAY)
            .add_extension(san, critical=False)
            .sign(ca_key, hashes.SHA256()))
    cert_path, key_path = folder / f"{name}.pem", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_key(key, key_path)
    return cert_path, key_path


@dataclass
class Certs:
    ca: Path
    cert: Path
    key: Path
    wrong_ca: Path


def make_certs(folder: Path) -> Certs:
    folder.mkdir(parents=True, exist_ok=True)
    ca, ca_key, ca_cert = make_ca(folder, "test-ca")
    cert, key = make_leaf(folder, "collector", ca_key, ca_cert)
    wrong, _, _ = make_ca(folder, "other-ca")
    return Certs(ca, cert, key, wrong)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


CONF_TLS = """\
global(workDirectory="{work}" maxMessageSize="64k"
       DefaultNetstreamDriverCAFile="{ca}"
       DefaultNetstreamDriverCertFile="{cert}"
       DefaultNetstreamDriverKeyFile="{key}")
module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1"
       StreamDriver.AuthMode="anon")
input(type="imtcp" port="{port}" address="127.0.0.1" ruleset="secaudit")
template(name="secaudit_line" type="string" string="%msgid%\\t%structured-data%\\t%msg%\\n")
ruleset(name="secaudit") {{
    action(type="omfile" file="{out}" template="secaudit_line")
}}
"""

CONF_PLAIN = """\
global(workDirectory="{work}" maxMessageSize="64k")
module(load="imptcp")
input(type="imptcp" port="{port}" address="127.0.0.1" ruleset="secaudit")
template(name="secaudit_line" type="string" string="%msgid%\\t%structured-data%\\t%msg%\\n")
ruleset(name="secaudit") {{
    action(type="omfile" file="{out}" template="secaudit_line")
}}
"""


class Rsyslog:
    """One rsyslogd process; ``stop()`` / ``start()`` again on the same port."""

    def __init__(self, folder: Path, certs: Certs | None, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.out = folder / "received.log"
        self.pidfile = folder / "rsyslogd.pid"
        work = folder / "work"
        work.mkdir(parents=True, exist_ok=True)
        template = CONF_TLS if certs else CONF_PLAIN
        fields = {"work": work, "port": self.port, "out": self.out}
        if certs:
            fields |= {"ca": certs.ca, "cert": certs.cert, "key": certs.key}
        self.conf = folder / "rsyslog.conf"
        self.conf.write_text(template.format(**fields))
        self.proc: subprocess.Popen[bytes] | None = None
        self.stderr = folder / "rsyslogd.stderr"

    def start(self, timeout: float = 15.0) -> None:
        assert RSYSLOGD  # noqa: S101
        with self.stderr.open("ab") as err:
            self.proc = subprocess.Popen(  # noqa: S603
                [RSYSLOGD, "-n", "-f", str(self.conf), "-i", str(self.pidfile)],
                stdout=err, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"rsyslogd exited: {self.stderr.read_text()[-2000:]}")
            if _listening(self.port):
                return
            time.sleep(0.05)
        raise RuntimeError(f"rsyslogd did not listen on {self.port}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def received(self) -> list[tuple[str, str, dict[str, Any]]]:
        """``(msgid, structured data, ECS document)`` per line written so far."""
        if not self.out.exists():
            return []
        out = []
        for line in self.out.read_text(encoding="utf-8").splitlines():
            msgid, sd, msg = line.split("\t", 2)
            out.append((msgid, sd, json.loads(msg)))
        return out

    def wait_for(self, count: int, timeout: float = 30.0) -> list[tuple[str, str, dict[str, Any]]]:
        deadline = time.monotonic() + timeout
        got = self.received()
        while len(got) < count and time.monotonic() < deadline:
            time.sleep(0.1)
            got = self.received()
        return got


def _listening(port: int) -> bool:
    """Whether something listens on 127.0.0.1:port (reads /proc/net/tcp: connecting would make
    rsyslog log a failed TLS handshake)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            parts = line.split()
            local, state = parts[1], parts[3]
            if state == "0A" and int(local.split(":")[1], 16) == port:
                return True
        return False
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
