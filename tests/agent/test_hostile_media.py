"""Issue 12, hostile sticks against the real agent: deep trees, sparse mail, links made while it
runs, many folders. Real loop-mounted ext4 images, real sparse files, the real agent process;
its RSS (with its workers) is sampled all along and must stay under 300 MB.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from tests.agent.conftest import AgentProcess, base_config, write_config
from tests.agent.helpers import marked_txt, mbox_entry, message_with_attachment

pytestmark = [pytest.mark.root, pytest.mark.timeout(120)]
RSS_LIMIT = 300 * 1024 * 1024


class RssSampler:
    """Highest RSS of a process and of it with its children, sampled every 0.1 s."""

    def __init__(self, pid: int) -> None:
        self.pid, self.main, self.total = pid, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            try:
                proc = psutil.Process(self.pid)
                main = proc.memory_info().rss
                kids = sum(c.memory_info().rss for c in proc.children(recursive=True))
            except psutil.Error:
                continue
            self.main, self.total = max(self.main, main), max(self.total, main + kids)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)


@pytest.fixture
def sampled() -> Iterator[Callable[[AgentProcess], RssSampler]]:
    samplers: list[RssSampler] = []

    def start(agent: AgentProcess) -> RssSampler:
        samplers.append(RssSampler(agent.proc.pid))
        return samplers[-1]

    yield start
    for s in samplers:
        s.stop()


def _violation_for(name: str) -> Callable[..., bool]:
    return lambda e: str(e.data.get("path", "")).endswith(name)


def _nest(top: Path, depth: int) -> None:
    fd = os.open(top, os.O_RDONLY)
    for _ in range(depth):
        os.mkdir("d", dir_fd=fd)
        nxt = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = nxt
    os.close(fd)


def _sparse(path: Path, size: int, head: bytes = b"") -> None:
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(size)


def test_deep_tree_stick_still_reports_the_marked_file_beside_it(
    tmp_path: Path, make_image: Callable[..., Path], start_agent: Callable[..., AgentProcess],
    sampled: Callable[[AgentProcess], RssSampler],
) -> None:
    mp = make_image("ext4", size_mb=64, files={"机密计划.txt": marked_txt()})
    _nest(mp, 1300)
    home = tmp_path / "h"
    write_config(home, base_config(agent={"removable_extra": [str(mp)]}))
    agent = start_agent(home)
    rss = sampled(agent)
    agent.wait_for(_violation_for("机密计划.txt"), kinds=["violation"], timeout=60)
    done = agent.wait_for(lambda e: e.data.get("paths") == [str(mp)], kinds=["scan_finished"])
    assert done.data["state"] == "complete"
    # the stick is watched to the bottom: a file written 1,300 folders down is seen
    deep = Path(str(mp) + "/d" * 1300)
    (deep / "底层.txt").write_bytes(marked_txt())
    agent.wait_for(_violation_for("底层.txt"), kinds=["violation"], timeout=30)
    assert not agent.events(["error"])
    rss.stop()
    assert rss.total < RSS_LIMIT, f"agent and workers reached {rss.total / 2**20:.0f} MB"


def test_sparse_mail_and_a_kmsg_link_neither_exhaust_memory_nor_block_the_next_stick(
    tmp_path: Path, make_image: Callable[..., Path], start_agent: Callable[..., AgentProcess],
    sampled: Callable[[AgentProcess], RssSampler],
) -> None:
    profile = tmp_path / "profile" / "Mail" / "Local Folders"
    profile.mkdir(parents=True)
    first = mbox_entry(message_with_attachment(b"x", "a.txt", msg_id="<m1@x>"))
    _sparse(profile / "Sent", 2 * 1024**3, first)  # one message, then 2 GB of nothing
    old = time.time() - 3600
    os.utime(profile / "Sent", (old, old))  # not being written any more
    (profile / "Outbox").symlink_to("/proc/kmsg")  # would block a reader forever
    drafts = tmp_path / "profile" / "exports"
    drafts.mkdir()
    _sparse(drafts / "huge.eml", 700 * 1024**2, b"From: a@b\r\nTo: c@d\r\nSubject: x\r\n\r\n")
    mp = make_image("ext4", files={"机密计划.txt": marked_txt()}, name="usb1")
    _sparse(mp / "huge.eml", 700 * 1024**2, b"From: a@b\r\nSubject: x\r\n\r\n")
    _sparse(mp / "Sent", 2 * 1024**3, first)
    home = tmp_path / "h"
    write_config(home, base_config(agent={
        "removable_extra": [str(tmp_path / "mnt-*")],
        "mail_stores": [str(tmp_path / "profile")],
    }))
    agent = start_agent(home)
    rss = sampled(agent)
    agent.wait_for(_violation_for("机密计划.txt"), kinds=["violation"], timeout=60)
    agent.wait_for(lambda e: "huge.eml" in str(e.data.get("path")), kinds=["file_error"])
    agent.wait_for(lambda e: "Sent#" in str(e.data.get("path")), kinds=["mail_scanned"])
    # a stick inserted afterwards is still scanned
    mp2 = make_image("ext4", files={"第二个.txt": marked_txt()}, name="usb2")
    agent.wait_for(_violation_for("第二个.txt"), kinds=["violation"], timeout=60)
    rss.stop()
    too_large = [e for e in agent.events(["file_error"])
                 if any(x["reason"] == "too_large" for x in e.data["errors"])]
    assert {Path(str(e.data["path"]).split("#")[0]).name for e in too_large} >= {"huge.eml"}
    mail = [e.data for e in agent.events(["mail_scanned"])]
    assert not any("/proc/kmsg" in str(d) or "/Outbox" in str(d["path"]) for d in mail)
    assert rss.total < RSS_LIMIT, f"agent and workers reached {rss.total / 2**20:.0f} MB"
    assert mp2.is_dir()


def test_link_made_on_a_watched_stick_is_not_followed(
    tmp_path: Path, make_image: Callable[..., Path], start_agent: Callable[..., AgentProcess],
) -> None:
    secret = tmp_path / "root-only"
    secret.mkdir(mode=0o700)
    (secret / "绝密.txt").write_text("绝密★长期\n核心系统密钥管理办法\n", encoding="utf-8")
    mp = make_image("ext4")
    home = tmp_path / "h"
    write_config(home, base_config(agent={"removable_extra": [str(mp)]}))
    agent = start_agent(home)
    agent.wait_for(lambda e: e.data.get("paths") == [str(mp)], kinds=["scan_finished"])
    (mp / "copy").symlink_to(secret)
    (mp / "copy.txt").symlink_to(secret / "绝密.txt")
    (mp / "普通.txt").write_bytes(marked_txt())  # a real file after them: proves events flowed
    agent.wait_for(_violation_for("普通.txt"), kinds=["violation"], timeout=30)
    time.sleep(1.5)
    assert not any("绝密" in str(e.data) and "limit" not in str(e.data)
                   for e in agent.events(["finding", "violation"]))
    refused = {str(e.data["path"]) for e in agent.events(["file_error"])}
    assert {str(mp / "copy"), str(mp / "copy.txt")} <= refused


def test_many_folders_degrade_to_polling_and_a_later_copy_is_still_seen(
    tmp_path: Path, make_image: Callable[..., Path], start_agent: Callable[..., AgentProcess],
    sampled: Callable[[AgentProcess], RssSampler],
) -> None:
    mp = make_image("ext4", size_mb=64)
    subprocess.run(["sh", "-c", f"cd {mp} && mkdir -p $(seq -f 'a%03g/b' 0 1499)"], check=True)
    home = tmp_path / "h"
    write_config(home, base_config(agent={
        "removable_extra": [str(mp)], "max_watches_per_medium": 500, "watch_rescan_interval": 1.0,
    }))
    agent = start_agent(home)
    rss = sampled(agent)
    degraded = agent.wait_for(lambda e: True, kinds=["watch_degraded"], timeout=60)
    assert "max_watches_per_medium" in degraded.data["reason"]
    agent.wait_for(lambda e: e.data.get("paths") == [str(mp)], kinds=["scan_finished"])
    t0 = time.monotonic()
    (mp / "a1499" / "b" / "机密.txt").write_bytes(marked_txt())  # a polled folder
    agent.wait_for(_violation_for("机密.txt"), kinds=["violation"], timeout=30)
    latency = time.monotonic() - t0
    rss.stop()
    assert latency < 15, latency
    assert rss.total < RSS_LIMIT
