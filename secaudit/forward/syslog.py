"""Output ``type = "syslog"``: RFC 5424, octet-counted (RFC 6587), over TCP or TLS (RFC 5425).

One message per ledger event::

    <PRI>1 TIMESTAMP HOSTNAME secaudit - MSGID [secaudit@32473 host="…" seq="N" id="…"] MSG

``PRI`` = facility * 8 + severity (violations: critical 2, high 3, medium 4, low 5; errors 3;
the rest 6), ``MSGID`` = the ledger kind, ``MSG`` = the event's ECS JSON (UTF-8, no BOM, so a
JSON parser reads it as is). 32473 is the example enterprise number of RFC 5612.

**When is an event acknowledged?** Syslog over TCP has no application acknowledgement, and a
successful ``send`` only means the bytes reached our own kernel. A batch counts as delivered
(the cursor moves) only when (1) the collector's TCP stack acknowledged every byte sent (the send
queue, ``SIOCOUTQ``, is empty) and (2) the connection was still healthy — nothing read from it,
no reset, no close — ``CONFIRM_S`` seconds later, long enough for a collector that was shutting
down to have reset the connection over unread data. A graceful close (``flush``: FIN, then the
collector's own clean close) acknowledges everything at once. Whatever is not acknowledged when
the connection breaks is sent again from the cursor: at least once, duplicates with the same id.
A collector killed with ``-9`` after reading into its memory queue loses what it held: run the
relay with a disk-assisted queue (README).
"""

from __future__ import annotations

import contextlib
import select
import socket
import ssl
import time
from collections import deque

try:
    import fcntl
    import termios
except ImportError:  # pragma: no cover - Windows: no send-queue probe, the time rule alone
    fcntl = termios = None  # type: ignore[assignment]

from secaudit.config_forward import ForwardOutput
from secaudit.errors import ForwardError
from secaudit.forward.ecs import HostInfo
from secaudit.ledger import Event

ENTERPRISE_ID = 32473
CONFIRM_S = 2.0
SYNC_S = 1.0
"""While streaming, wait for the send queue to empty at most this often (lets the cursor move)."""
_SEVERITY = {"critical": 2, "high": 3, "medium": 4, "low": 5}


def _sd_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def _ascii_token(value: str, limit: int) -> str:
    if value.isascii() and value.isprintable() and " " not in value and value:
        return value[:limit]  # the usual case, without a per-character pass
    token = "".join(c if 33 <= ord(c) <= 126 else "-" for c in value)[:limit]
    return token or "-"


def syslog_frame(ev: Event, host: HostInfo, msg: bytes, facility: int) -> bytes:
    """One octet-counted RFC 5424 frame carrying ``msg`` (the ECS JSON)."""
    data = ev.data if isinstance(ev.data, dict) else {}
    severity = 3 if ev.kind in ("error", "file_error") else _SEVERITY.get(data.get("severity"), 6)
    sd = (f'[secaudit@{ENTERPRISE_ID} host="{_sd_value(host.name)}" hostid="{_sd_value(host.id)}"'
          f' seq="{ev.seq}" id="{host.id}-{ev.seq}-{ev.hash[:16]}"]')
    head = (f"<{facility * 8 + severity}>1 {_ascii_token(ev.ts, 64)} {_ascii_token(host.name, 255)}"
            f" secaudit - {_ascii_token(ev.kind, 32)} {sd} ").encode()
    body = head + msg
    return str(len(body)).encode("ascii") + b" " + body


def _outq(sock: socket.socket) -> int:
    """Bytes sent but not yet acknowledged by the peer (Linux SIOCOUTQ; 0 where unknown)."""
    buf = bytearray(4)
    if fcntl is None:
        return 0
    try:
        fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, buf)
    except OSError:
        return 0
    return int.from_bytes(buf, "little")


class SyslogSink:
    def __init__(self, spec: ForwardOutput) -> None:
        self.spec = spec
        self.host, self.port = spec.host_port
        self._sock: socket.socket | None = None
        self._pending: deque[list[float]] = deque()  # [last_seq, acked_at or 0]
        self._ctx: ssl.SSLContext | None = None
        self._last_sync = 0.0

    # -- connection ---------------------------------------------------------------------------

    def _context(self) -> ssl.SSLContext:
        spec = self.spec
        if self._ctx is not None:
            return self._ctx
        try:
            ctx = ssl.create_default_context(cafile=spec.ca)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            if spec.cert:
                ctx.load_cert_chain(spec.cert, spec.key)
        except (OSError, ssl.SSLError) as exc:
            raise ForwardError(f"TLS 配置错误 TLS setup (ca={spec.ca} cert={spec.cert or '-'}): "
                               f"{exc}") from exc
        self._ctx = ctx
        return ctx

    def _connect(self) -> socket.socket:
        if self._sock is not None:
            return self._sock
        where = f"{self.host}:{self.port}"
        ctx = self._context() if self.spec.tls else None  # a bad CA file shows first
        try:
            raw = socket.create_connection((self.host, self.port), timeout=self.spec.timeout)
        except OSError as exc:
            raise ForwardError(f"无法连接收集器 cannot connect to collector {where}: "
                               f"{exc}") from exc
        sock: socket.socket = raw
        if ctx is not None:
            name = self.spec.server_name or self.host
            try:
                sock = ctx.wrap_socket(raw, server_hostname=name)
            except ssl.SSLCertVerificationError as exc:
                raw.close()
                raise ForwardError(
                    f"收集器证书被拒绝 collector {where}: certificate refused "
                    f"({exc.verify_message}; "
                    f"checked against ca={self.spec.ca}, name {name!r})") from exc
            except (OSError, ssl.SSLError) as exc:
                raw.close()
                raise ForwardError(f"TLS 握手失败 collector {where}: TLS handshake failed: "
                                   f"{exc}") from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock, self._last_sync = sock, time.monotonic()
        return sock

    def _drop(self) -> None:
        self._pending.clear()
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None

    def _check_alive(self, sock: socket.socket) -> None:
        """Raise when the collector closed or reset the connection (it never sends data)."""
        pending = isinstance(sock, ssl.SSLSocket) and sock.pending()
        if not pending and not select.select([sock], [], [], 0)[0]:
            return
        sock.settimeout(0)
        try:
            data = sock.recv(4096)
        except (ssl.SSLWantReadError, BlockingIOError):
            return  # TLS 1.3 session tickets: handled, nothing for us
        except OSError as exc:
            self._drop()
            raise ForwardError(f"收集器断开连接 collector {self.host}:{self.port} broke the "
                               f"connection: {exc}") from exc
        finally:
            if self._sock is not None:
                sock.settimeout(self.spec.timeout)
        if not data:
            self._drop()
            raise ForwardError(f"收集器关闭连接 collector {self.host}:{self.port} closed the "
                               "connection")

    # -- the sink protocol --------------------------------------------------------------------

    def ready(self) -> None:
        self._connect()

    def send(self, frames: list[bytes], last_seq: int) -> None:
        sock = self._connect()
        try:
            sock.sendall(b"".join(frames))
        except OSError as exc:
            self._drop()
            raise ForwardError(f"发送失败 collector {self.host}:{self.port}: send failed: "
                               f"{exc}") from exc
        self._pending.append([float(last_seq), 0.0])
        if time.monotonic() - self._last_sync >= SYNC_S:
            self._wait_acked(sock, self.spec.timeout)

    def _wait_acked(self, sock: socket.socket, timeout: float) -> bool:
        """Wait until the peer's TCP acknowledged every byte; mark pending batches acked."""
        deadline = time.monotonic() + timeout
        while _outq(sock) > 0:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
        now = self._last_sync = time.monotonic()
        for entry in self._pending:
            entry[1] = entry[1] or now
        return True

    def settled(self) -> int | None:
        """The last seq acknowledged (see the module docstring); raises if the connection broke."""
        sock = self._sock
        if sock is None:
            return None
        self._check_alive(sock)
        if _outq(sock) == 0:
            self._wait_acked(sock, 0)
        best: int | None = None
        now = time.monotonic()
        while self._pending and 0 < self._pending[0][1] <= now - CONFIRM_S:
            best = int(self._pending.popleft()[0])
        return best

    def flush(self) -> int | None:
        """Close gracefully: every byte acknowledged by the collector's TCP, then a clean close
        (TLS close_notify / FIN answered without a reset) acknowledges everything sent."""
        sock = self._sock
        if sock is None:
            return None
        last = int(self._pending[-1][0]) if self._pending else None
        try:
            self._check_alive(sock)
            if not self._wait_acked(sock, self.spec.timeout):
                raise ForwardError(f"nothing acknowledged within {self.spec.timeout:g} s")
            self._close_cleanly(sock)
        except (OSError, ForwardError) as exc:
            self._drop()
            raise ForwardError(f"collector {self.host}:{self.port}: closing: {exc}") from exc
        self._drop()
        return last

    def _close_cleanly(self, sock: socket.socket) -> None:
        """Raises on a reset: the collector closed with our data unread."""
        sock.settimeout(self.spec.timeout)
        if isinstance(sock, ssl.SSLSocket):
            with contextlib.suppress(ssl.SSLEOFError, ssl.SSLZeroReturnError):
                sock.unwrap()  # it read our close_notify, so everything before it
            return
        sock.shutdown(socket.SHUT_WR)
        while sock.recv(4096):
            pass

    def close(self) -> None:
        self._drop()
