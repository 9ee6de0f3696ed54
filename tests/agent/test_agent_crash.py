"""kill -9 of a busy agent, restarted several times: the chain holds, nothing committed is lost."""

from __future__ import annotations

import random
import subprocess
import sys
import time

import pytest

from secaudit.ledger import Ledger
from tests.agent.conftest import REPO, base_config, write_config
from tests.agent.helpers import marked_txt

pytestmark = [pytest.mark.root, pytest.mark.timeout(150)]


def test_kill9_and_restart_keeps_the_chain(tmp_path, make_image, start_agent):
    mp = make_image("ext4", files={"（机密）底稿.txt": marked_txt()})
    home = tmp_path / "h"
    write_config(home, base_config(agent={"removable_extra": [str(mp)]}))
    rng = random.Random(9)
    seen: dict[int, str] = {}
    rounds = 4
    for r in range(rounds):
        agent = start_agent(home)
        agent.wait_for(lambda e, r=r: e.seq > max(seen, default=0),
                       kinds=["media_inserted", "media_seen_again"])
        if r == 0:  # one scan is known to have finished (a loaded machine may be slow to)
            agent.wait_for(lambda e: True, kinds=["violation"], timeout=60)
        for i in range(20):  # keep the agent busy while it dies
            (mp / f"r{r}-{i}.txt").write_bytes(marked_txt())
            time.sleep(0.01)
        time.sleep(0.3 + rng.random())
        with Ledger(home / "ledger.db", readonly=True) as led:
            seen.update((e.seq, e.hash) for e in led.events())
        agent.kill9()
        status = subprocess.run([sys.executable, "-m", "secaudit", "--home", str(home), "status"],
                                capture_output=True, text=True, cwd=REPO, check=False)
        assert status.returncode == 1, "a killed agent must not be reported as running"

    res = subprocess.run([sys.executable, "-m", "secaudit", "--home", str(home), "ledger",
                          "verify"], capture_output=True, text=True, cwd=REPO, check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    with Ledger(home / "ledger.db", readonly=True) as led:
        events = list(led.events())
        for seq, digest in seen.items():
            ev = led.get(seq)
            assert ev is not None and ev.hash == digest
    kinds = [e.kind for e in events]
    assert kinds.count("agent_started") == rounds
    # the stick stayed mounted: inserted once, then seen again by every restarted agent
    assert kinds.count("media_inserted") == 1
    assert kinds.count("media_seen_again") == rounds - 1
    assert "violation" in kinds and "agent_stopped" not in kinds
