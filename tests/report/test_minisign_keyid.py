"""Issue 12, finding 17: deleting ``secaudit.minisign.pub`` no longer makes a new random key id,
so head office's copy of the minisign key keeps verifying (with the real ``minisign -V``)."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from secaudit.config import Config
from secaudit.ledger import Ledger
from secaudit.report.build import ReportRequest
from secaudit.report.issue import issue_report
from secaudit.report.keys import MINISIGN_NAME, generate_keys, key_id_of, load_signing_key
from secaudit.report.minisign import parse_public_key

from .conftest import fill_ledger


def test_key_id_is_derived_from_the_key(tmp_path: Path) -> None:
    a = generate_keys(tmp_path / "a", passphrase=None)
    b = generate_keys(tmp_path / "b", passphrase=None)
    ida = parse_public_key(a.minisign.read_text()).key_id
    idb = parse_public_key(b.minisign.read_text()).key_id
    assert ida != idb
    assert ida == key_id_of(load_signing_key(tmp_path / "a", passphrase=None).public_key)


def test_deleted_minisign_key_comes_back_with_the_same_id(
    config: Config, tmp_path: Path, rng: random.Random
) -> None:
    minisign = shutil.which("minisign")
    if minisign is None:
        pytest.skip("minisign is not installed (./install.sh --dev installs it)")
    generate_keys(config.home.keys_dir, passphrase=None)
    pub = config.home.keys_dir / MINISIGN_NAME
    head_office_copy = tmp_path / "网点PC-01.minisign.pub"
    head_office_copy.write_bytes(pub.read_bytes())
    pub.unlink()  # deleted on the branch PC
    key = load_signing_key(config.home.keys_dir, passphrase=None)  # recreates the file
    assert pub.read_bytes() == head_office_copy.read_bytes()
    with Ledger(config.home.ledger) as led:
        fill_ledger(led, rng)
        issued = issue_report(config, led, ReportRequest(), key=key, out=tmp_path / "r.html")
    proc = subprocess.run(
        [minisign, "-V", "-p", str(head_office_copy), "-m", str(issued.path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
