"""Issue 12, finding 10: a trusted key signs only for its own host.

Branch A's PC re-signs a report in the name of branch B's PC (without B's violations); with the
keys bound to hosts (folder layout, TOML or CSV mapping) ``verify`` rejects it.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from secaudit.cli import main
from secaudit.config import load_config
from secaudit.ledger import Ledger
from secaudit.report.build import ReportRequest
from secaudit.report.issue import issue_report
from secaudit.report.keys import generate_keys, load_signing_key

from .conftest import fill_ledger


def _pc(root: Path, host: str, rng: random.Random) -> tuple[Path, Path, str]:
    """A PC's home with its key and one signed report; returns (home, report, fingerprint)."""
    home = root / host
    home.mkdir(parents=True)
    (home / "config.toml").write_text(f'[host]\nrole = "internet"\nname = "{host}"\n', "utf-8")
    config = load_config(home)
    generate_keys(config.home.keys_dir, passphrase=None)
    key = load_signing_key(config.home.keys_dir, passphrase=None)
    with Ledger(config.home.ledger) as led:
        fill_ledger(led, rng)
        path = issue_report(config, led, ReportRequest(), key=key, out=home / "r.html").path
    return home, path, key.fingerprint


@pytest.fixture
def branches(tmp_path: Path) -> dict[str, tuple[Path, Path, str]]:
    rng = random.Random(7)
    a = _pc(tmp_path / "pcs", "网点A-PC01", rng)
    b = _pc(tmp_path / "pcs", "网点B-PC01", rng)
    # A forges B's report: A's own agent with B's host name, no violations in its ledger
    forger = tmp_path / "forger"
    forger.mkdir()
    (forger / "config.toml").write_text('[host]\nrole = "internet"\nname = "网点B-PC01"\n', "utf-8")
    config = load_config(forger)
    key = load_signing_key(a[0] / "keys", passphrase=None)
    with Ledger(config.home.ledger) as led:
        led.append("connectivity", {"connected": False, "probes": []})
        forged = issue_report(config, led, ReportRequest(), key=key, out=forger / "f.html").path
    return {"A": a, "B": b, "forged": (forger, forged, key.fingerprint)}


def _run(capsys, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["verify", *args])
    return code, capsys.readouterr().out


def test_folder_layout_binds_keys_to_hosts(branches, tmp_path: Path, capsys) -> None:
    trust = tmp_path / "trust"
    for branch, host in (("A", "网点A-PC01"), ("B", "网点B-PC01")):
        folder = trust / f"branch-{branch}" / "nested"  # nested folders of branch keys
        folder.mkdir(parents=True)
        src = branches[branch][0] / "keys/secaudit.pub"
        (folder / f"{host}.pub").write_bytes(src.read_bytes())
    code, out = _run(capsys, str(branches["A"][1]), str(branches["B"][1]), "--trust", str(trust))
    assert code == 0, out
    code, out = _run(capsys, str(branches["forged"][1]), "--trust", str(trust))
    assert code == 1 and "belongs to host 网点A-PC01" in out and "网点B-PC01" in out
    # without binding (keys given one by one) the forgery would pass: that is the old hole
    keys = [f"--pubkey={branches[b][0] / 'keys/secaudit.pub'}" for b in "AB"]
    assert _run(capsys, str(branches["forged"][1]), *keys)[0] == 0


def test_keygen_folder_per_host_is_bound_to_the_folder_name(branches, tmp_path, capsys) -> None:
    trust = tmp_path / "trust"
    for b, host in (("A", "网点A-PC01"), ("B", "网点B-PC01")):
        (trust / "0101" / host).mkdir(parents=True)
        src = branches[b][0] / "keys/secaudit.minisign.pub"
        (trust / "0101" / host / "secaudit.minisign.pub").write_bytes(src.read_bytes())
    assert _run(capsys, str(branches["B"][1]), "--trust", str(trust))[0] == 0
    assert _run(capsys, str(branches["forged"][1]), "--trust", str(trust))[0] == 1


@pytest.mark.parametrize("fmt", ["toml", "csv"])
def test_mapping_file_host_and_fingerprint(branches, tmp_path: Path, capsys, fmt: str) -> None:
    keys = tmp_path / "keys"
    keys.mkdir()
    for b in "AB":  # key files named anyhow: the mapping binds them
        (keys / f"k{b}.pub").write_bytes((branches[b][0] / "keys/secaudit.pub").read_bytes())
    rows = [("网点A-PC01", branches["A"][2]), ("网点B-PC01", branches["B"][2])]
    mapping = tmp_path / f"trust.{fmt}"
    if fmt == "toml":
        mapping.write_text(
            "".join(f'[[key]]\nhost = "{h}"\nfingerprint = "{fp}"\n' for h, fp in rows), "utf-8"
        )
    else:
        mapping.write_text("host,fingerprint\n" + "".join(f"{h},{fp}\n" for h, fp in rows), "utf-8")
    args = ["--trust", str(keys), "--trust", str(mapping)]
    assert _run(capsys, str(branches["A"][1]), str(branches["B"][1]), *args)[0] == 0
    code, out = _run(capsys, str(branches["forged"][1]), *args)
    assert code == 1 and "rejected" in out


def test_mapping_with_public_key_column_is_self_contained(branches, tmp_path, capsys) -> None:
    lines = ["host,fingerprint,branch,public_key"]
    for b, host in (("A", "网点A-PC01"), ("B", "网点B-PC01")):
        blob = (branches[b][0] / "keys/secaudit.minisign.pub").read_text().splitlines()[1]
        lines.append(f"{host},{branches[b][2]},010{b},{blob}")
    mapping = tmp_path / "registry.csv"
    mapping.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _run(capsys, str(branches["B"][1]), "--trust", str(mapping))[0] == 0
    assert _run(capsys, str(branches["forged"][1]), "--trust", str(mapping))[0] == 1
    mapping.write_text("host,fingerprint\n网点A-PC01,xyz\n", encoding="utf-8")
    assert main(["verify", str(branches["B"][1]), "--trust", str(mapping)]) == 2
