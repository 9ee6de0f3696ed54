"""An unreachable collector: events pile up in the ledger only; the forwarder's memory stays flat,
its cursor stays put, and it records why."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

from secaudit.forward import Forwarder, output_status
from tests.forward.conftest import config_with, fill
from tests.forward.rsyslog import free_port


def test_memory_flat_while_collector_unreachable(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    cfg = config_with(tmp_path / "home", [
        {"type": "syslog", "address": f"127.0.0.1:{port}", "tls": False, "timeout": 1.0}])
    fwd = Forwarder(cfg)
    kept = []
    try:
        for _ in range(5):
            fill(cfg, 2500)
            for run in fwd.runs:
                run.retry_at = 0.0  # retry now instead of after the backoff
            gc.collect()
            tracemalloc.start()
            try:
                assert fwd.pump(1.0) == 0
                gc.collect()
                kept.append(tracemalloc.get_traced_memory()[0])  # still held after the pump
            finally:
                tracemalloc.stop()
    finally:
        fwd.close()
    assert max(kept[1:]) < 64 * 1024, kept  # after the first (imports, caches): flat
    [status] = output_status(cfg)
    assert status.cursor.seq == 0 and status.backlog == 12_500
    assert "cannot connect to collector" in (status.cursor.error or "")


def test_missing_ca_file_is_named_before_any_network_error(tmp_path: Path) -> None:
    cfg = config_with(tmp_path / "home", [
        {"type": "syslog", "address": f"127.0.0.1:{free_port()}", "ca": str(tmp_path / "no.pem")}])
    fill(cfg, 2)
    fwd = Forwarder(cfg)
    assert fwd.pump() == 0
    error = fwd.runs[0].last_error or ""
    fwd.close()
    assert "TLS 配置错误" in error and str(tmp_path / "no.pem") in error
