"""Key files: modes, passphrase from env or file, minisign public key format, fingerprints."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from secaudit.config import ReportConfig
from secaudit.errors import ConfigError, SignatureError, UsageError
from secaudit.report.keys import (
    fingerprint,
    generate_keys,
    load_public_key,
    load_signing_key,
    passphrase_from,
)
from secaudit.report.minisign import minisign_signature, parse_public_key, verify_minisign


def test_files_modes_and_fingerprint(tmp_path: Path) -> None:
    files = generate_keys(tmp_path / "k", passphrase=None)
    assert stat.S_IMODE(os.stat(files.private).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "k").st_mode) == 0o700
    assert files.private.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    pub = load_public_key(files.public)
    raw = pub.public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert files.fingerprint == hashlib.sha256(raw).hexdigest()[:32] == fingerprint(pub)
    assert fingerprint(load_public_key(files.minisign)) == files.fingerprint


def test_minisign_public_key_layout(tmp_path: Path) -> None:
    files = generate_keys(tmp_path, passphrase=None)
    comment, blob = files.minisign.read_text("ascii").splitlines()
    raw = base64.b64decode(blob)
    assert raw[:2] == b"Ed" and len(raw) == 42
    key_id = raw[2:10]
    assert (
        comment == f"untrusted comment: minisign public key {int.from_bytes(key_id, 'little'):016X}"
    )
    assert parse_public_key(files.minisign.read_text()).key_id == key_id


def test_passphrase_from_env_encrypts_the_key(tmp_path: Path, monkeypatch) -> None:
    cfg = ReportConfig(key_passphrase_env="TEST_SECAUDIT_PASS")
    monkeypatch.setenv("TEST_SECAUDIT_PASS", "口令-2026")
    files = generate_keys(tmp_path, passphrase=passphrase_from(cfg))
    assert b"ENCRYPTED PRIVATE KEY" in files.private.read_bytes()
    assert (
        load_signing_key(tmp_path, passphrase=passphrase_from(cfg)).fingerprint == files.fingerprint
    )
    with pytest.raises(ConfigError, match="encrypted"):
        load_signing_key(tmp_path, passphrase=None)
    with pytest.raises(ConfigError):
        load_signing_key(tmp_path, passphrase=b"wrong")


def test_passphrase_from_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SECAUDIT_KEY_PASSPHRASE", raising=False)
    pw = tmp_path / "pass.txt"
    pw.write_text("s3cret\n", encoding="utf-8")
    assert passphrase_from(ReportConfig(key_passphrase_file=str(pw))) == b"s3cret"
    assert passphrase_from(ReportConfig()) is None
    with pytest.raises(ConfigError):
        passphrase_from(ReportConfig(key_passphrase_file=str(tmp_path / "missing")))


def test_refuses_to_overwrite_and_missing_key_message(tmp_path: Path) -> None:
    generate_keys(tmp_path, passphrase=None)
    with pytest.raises(UsageError, match="refusing"):
        generate_keys(tmp_path, passphrase=None)
    with pytest.raises(UsageError, match="secaudit keygen"):
        load_signing_key(tmp_path / "empty", passphrase=None)


def test_lost_minisign_file_is_recreated_for_the_same_key(tmp_path: Path) -> None:
    files = generate_keys(tmp_path, passphrase=None)
    files.minisign.unlink()
    key = load_signing_key(tmp_path, passphrase=None)
    assert fingerprint(load_public_key(files.minisign)) == key.fingerprint


def test_python_minisign_verifier_matches(tmp_path: Path) -> None:
    generate_keys(tmp_path, passphrase=None)
    key = load_signing_key(tmp_path, passphrase=None)
    pub = (tmp_path / "secaudit.minisign.pub").read_text()
    for legacy in (False, True):
        sig = minisign_signature(
            b"data", key.private_key, key.key_id, trusted_comment="c", legacy=legacy
        )
        assert verify_minisign(b"data", sig, pub) == "c"
        with pytest.raises(SignatureError):
            verify_minisign(b"datA", sig, pub)
        forged = sig.replace("trusted comment: c", "trusted comment: d")
        with pytest.raises(SignatureError):
            verify_minisign(b"data", forged, pub)
