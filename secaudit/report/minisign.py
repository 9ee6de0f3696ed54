"""Detached signatures in minisign's format, made with our Ed25519 key.

Head office may not run secaudit; Debian's ``minisign -V -p secaudit.minisign.pub -m report.html``
then checks ``report.html.minisig``. The formats (https://jedisct1.github.io/minisign/)::

    public key file:  untrusted comment: minisign public key <KEYID>
                      base64("Ed" || key_id[8] || public_key[32])
    signature file:   untrusted comment: <text>
                      base64("ED" || key_id[8] || ed25519(blake2b_512(file)))
                      trusted comment: <text>
                      base64(ed25519(signature[64] || trusted_comment))

``ED`` is the prehashed form minisign 0.10+ writes by default; ``Ed`` (legacy, the file itself is
signed) is available with ``legacy=True``. The key id is 8 bytes derived from the public key
(``keys.key_id_of``) and kept in the public key file, so every signature names the same key, and a
lost public key file is recreated with the same id.

Example::

    >>> text = minisign_signature(data, private_key, key_id, trusted_comment="file:r.html")
    >>> verify_minisign(data, text, public_key_text)    # raises SignatureError
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from secaudit.errors import SignatureError

PUBKEY_ALG = b"Ed"
SIG_PREHASHED = b"ED"
SIG_LEGACY = b"Ed"


@dataclass(frozen=True)
class MinisignPublicKey:
    key_id: bytes
    public_key: Ed25519PublicKey

    @property
    def key_id_hex(self) -> str:
        """The key id as minisign prints it (little-endian 64-bit number, upper-case hex)."""
        return f"{int.from_bytes(self.key_id, 'little'):016X}"


def raw_public(public_key: Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_file_text(public_key: Ed25519PublicKey, key_id: bytes) -> str:
    """The content of a ``minisign.pub`` file for ``public_key``."""
    mk = MinisignPublicKey(key_id, public_key)
    blob = base64.b64encode(PUBKEY_ALG + key_id + raw_public(public_key)).decode("ascii")
    return f"untrusted comment: minisign public key {mk.key_id_hex}\n{blob}\n"


def parse_public_key(text: str) -> MinisignPublicKey:
    """Read a minisign public key file (or its bare base64 line)."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if lines and lines[0].startswith("untrusted comment:"):
        lines = lines[1:]
    if not lines:
        raise SignatureError("empty minisign public key")
    blob = _b64(lines[0], "minisign public key")
    if len(blob) != 42 or blob[:2] != PUBKEY_ALG:
        raise SignatureError("not an Ed25519 minisign public key")
    return MinisignPublicKey(blob[2:10], Ed25519PublicKey.from_public_bytes(blob[10:]))


def minisign_signature(
    data: bytes,
    private_key: Ed25519PrivateKey,
    key_id: bytes,
    *,
    trusted_comment: str,
    untrusted_comment: str = "signature from secaudit secret key",
    legacy: bool = False,
) -> str:
    """The content of a ``.minisig`` file signing ``data``."""
    if "\n" in trusted_comment or "\r" in trusted_comment:
        raise ValueError("trusted comment must be one line")
    alg = SIG_LEGACY if legacy else SIG_PREHASHED
    message = data if legacy else hashlib.blake2b(data, digest_size=64).digest()
    signature = private_key.sign(message)
    global_sig = private_key.sign(signature + trusted_comment.encode("utf-8"))
    return (
        f"untrusted comment: {untrusted_comment}\n"
        f"{base64.b64encode(alg + key_id + signature).decode('ascii')}\n"
        f"trusted comment: {trusted_comment}\n"
        f"{base64.b64encode(global_sig).decode('ascii')}\n"
    )


def verify_minisign(data: bytes, signature_text: str, public_key_text: str) -> str:
    """Check a ``.minisig`` against ``data``; return the trusted comment or raise SignatureError."""
    pub = parse_public_key(public_key_text)
    lines = signature_text.splitlines()
    if len(lines) < 4 or not lines[2].startswith("trusted comment: "):
        raise SignatureError("malformed minisign signature file")
    blob = _b64(lines[1], "minisign signature")
    if len(blob) != 74 or blob[:2] not in (SIG_PREHASHED, SIG_LEGACY):
        raise SignatureError("unsupported minisign signature")
    if blob[2:10] != pub.key_id:
        raise SignatureError("minisign signature was made with a different key id")
    message = data if blob[:2] == SIG_LEGACY else hashlib.blake2b(data, digest_size=64).digest()
    comment = lines[2][len("trusted comment: ") :]
    try:
        pub.public_key.verify(blob[10:], message)
        pub.public_key.verify(_b64(lines[3], "global signature"), blob[10:] + comment.encode())
    except InvalidSignature as exc:
        raise SignatureError("minisign signature does not verify") from exc
    return comment


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError(f"{what}: invalid base64") from exc
