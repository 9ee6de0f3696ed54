"""The report signing key: Ed25519 key pair generation, loading, fingerprints.

A keys folder holds::

    secaudit.key            PKCS#8 PEM private key, mode 0600 (encrypted when a passphrase is set)
    secaudit.pub            SubjectPublicKeyInfo PEM public key — what head office trusts
    secaudit.minisign.pub   the same public key in minisign's format (for ``minisign -V``)

The passphrase comes from the environment variable named by ``[report] key_passphrase_env`` or
from the file named by ``[report] key_passphrase_file``; no passphrase means an unencrypted key.
The fingerprint is the first 32 hex digits of sha256(raw 32-byte public key); the signature
trailer names the key with it.

Example::

    >>> info = generate_keys(Path("/etc/secaudit/keys"), passphrase=None)
    >>> key = load_signing_key(Path("/etc/secaudit/keys"), passphrase=None)
    >>> key.fingerprint == info.fingerprint
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from secaudit.config import ReportConfig
from secaudit.errors import ConfigError, SignatureError, UsageError
from secaudit.report.minisign import parse_public_key, public_key_file_text, raw_public

PRIVATE_NAME = "secaudit.key"
PUBLIC_NAME = "secaudit.pub"
MINISIGN_NAME = "secaudit.minisign.pub"


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """First 32 hex digits of sha256 over the raw public key."""
    return hashlib.sha256(raw_public(public_key)).hexdigest()[:32]


def key_id_of(public_key: Ed25519PublicKey) -> bytes:
    """The minisign key id, derived from the key itself (8 bytes of a domain-separated sha256),
    so a deleted ``secaudit.minisign.pub`` is recreated with the id head office already has.
    (Keys made before secaudit 0.1 derived it got a random id kept only in that file.)"""
    return hashlib.sha256(b"secaudit minisign key id\0" + raw_public(public_key)).digest()[:8]


@dataclass(frozen=True)
class SigningKey:
    private_key: Ed25519PrivateKey
    key_id: bytes
    """minisign key id (8 bytes), read from ``secaudit.minisign.pub``."""

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)


@dataclass(frozen=True)
class KeyFiles:
    private: Path
    public: Path
    minisign: Path
    fingerprint: str


def passphrase_from(cfg: ReportConfig) -> bytes | None:
    """The key passphrase configured for reports, or None."""
    if cfg.key_passphrase_env and os.environ.get(cfg.key_passphrase_env):
        return os.environ[cfg.key_passphrase_env].encode("utf-8")
    if cfg.key_passphrase_file:
        try:
            text = Path(cfg.key_passphrase_file).expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read key passphrase file: {exc}") from exc
        return text.rstrip("\r\n").encode("utf-8") or None
    return None


def generate_keys(out_dir: Path, *, passphrase: bytes | None) -> KeyFiles:
    """Create a new key pair in ``out_dir``; refuses to overwrite any existing key file."""
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    files = [out_dir / n for n in (PRIVATE_NAME, PUBLIC_NAME, MINISIGN_NAME)]
    existing = [str(p) for p in files if p.exists()]
    if existing:
        raise UsageError(f"refusing to overwrite existing key file(s): {', '.join(existing)}")
    key = Ed25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    fd = os.open(files[0], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    files[1].write_bytes(_public_pem(key.public_key()))
    key_id = key_id_of(key.public_key())
    files[2].write_text(public_key_file_text(key.public_key(), key_id), "ascii")
    return KeyFiles(*files, fingerprint=fingerprint(key.public_key()))


def load_signing_key(keys_dir: Path, *, passphrase: bytes | None) -> SigningKey:
    """Load the private key of ``keys_dir`` with its minisign key id."""
    path = keys_dir / PRIVATE_NAME
    if not path.exists():
        raise UsageError(f"no signing key at {path}: run 'secaudit keygen' first")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=passphrase)
    except TypeError as exc:
        raise ConfigError(
            f"{path}: key is encrypted and no passphrase is configured "
            "(set the env var named by [report] key_passphrase_env)"
            if passphrase is None
            else f"{path}: {exc}"
        ) from exc
    except (ValueError, OSError) as exc:
        raise ConfigError(f"cannot load signing key {path}: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"{path}: not an Ed25519 key")
    mpath = keys_dir / MINISIGN_NAME
    if mpath.exists():
        mpub = parse_public_key(mpath.read_text("ascii"))
        if raw_public(mpub.public_key) != raw_public(key.public_key()):
            raise ConfigError(f"{mpath} does not belong to {path}")
        return SigningKey(key, mpub.key_id)
    key_id = key_id_of(key.public_key())  # a lost minisign public key file comes back the same
    mpath.write_text(public_key_file_text(key.public_key(), key_id), "ascii")
    return SigningKey(key, key_id)


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key from a PEM file or a minisign public key file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read public key {path}: {exc}") from exc
    if b"-----BEGIN" in data:
        try:
            key = serialization.load_pem_public_key(data)
        except ValueError as exc:
            raise SignatureError(f"{path}: not a PEM public key: {exc}") from exc
        if not isinstance(key, Ed25519PublicKey):
            raise SignatureError(f"{path}: not an Ed25519 public key")
        return key
    return parse_public_key(data.decode("ascii", "replace")).public_key


def load_trusted_keys(paths: list[Path]) -> dict[str, Ed25519PublicKey]:
    """Trusted keys by fingerprint from files and folders (``*.pub`` in a folder)."""
    trusted: dict[str, Ed25519PublicKey] = {}
    for p in paths:
        files = sorted(p.glob("*.pub")) + sorted(p.glob("*.pem")) if p.is_dir() else [p]
        for f in files:
            key = load_public_key(f)
            trusted[fingerprint(key)] = key
    return trusted


def _public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
