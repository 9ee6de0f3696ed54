"""Embedded report signatures (DESIGN.md contract ``secaudit-signature v=1``).

A signed report is ``body + trailer + "\\n"``; ``body`` ends with a newline and the trailer is the
file's last line::

    <!-- secaudit-signature v=1 alg=ed25519 key=<fingerprint> sig=<base64> -->

The Ed25519 signature covers every byte of ``body``. Parsing is strict (exact spacing, lower-case
hex, canonical base64, exactly one trailing newline), so a change to any single byte of the file —
the trailer included — makes verification fail. Only the last line is a trailer: text inside the
body that looks like one (a file name, an HTML comment) is data and never read as a signature.

Example::

    >>> signed = sign_report(html.encode(), key)      # key: keys.SigningKey
    >>> body, trailer = split_signed(signed)          # raises SignatureError
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

from secaudit.errors import SignatureError
from secaudit.report.keys import SigningKey

_TRAILER = re.compile(
    rb"<!-- secaudit-signature v=1 alg=ed25519 key=(?P<key>[0-9a-f]{32}) "
    rb"sig=(?P<sig>[A-Za-z0-9+/]{86}==) -->"
)


@dataclass(frozen=True)
class Trailer:
    fingerprint: str
    signature: bytes

    def line(self) -> bytes:
        sig = base64.b64encode(self.signature).decode("ascii")
        return (
            f"<!-- secaudit-signature v=1 alg=ed25519 key={self.fingerprint} sig={sig} -->"
        ).encode("ascii")


def sign_report(body: bytes, key: SigningKey) -> bytes:
    """Return ``body`` with the signature trailer appended as its last line."""
    if not body.endswith(b"\n"):
        body += b"\n"
    # Only the last line is ever read as the trailer (``split_signed``): whatever the body holds
    # — file names such as ``secaudit-signature`` or ``<!-- … -->`` that the template escaped —
    # is signed data, so a report is never blocked by what the evidence contains.
    trailer = Trailer(key.fingerprint, key.private_key.sign(body))
    return body + trailer.line() + b"\n"


def split_signed(data: bytes) -> tuple[bytes, Trailer]:
    """Split a signed report into the signed body and its trailer (strict parse)."""
    if not data.endswith(b"\n"):
        raise SignatureError("report does not end with a signature trailer line")
    cut = data.rfind(b"\n", 0, len(data) - 1) + 1
    if cut <= 0:
        raise SignatureError("report has no body before the signature trailer")
    body, line = data[:cut], data[cut:-1]
    if not line.startswith(b"<!-- secaudit-signature"):
        raise SignatureError("signature trailer missing (last line is not a secaudit signature)")
    match = _TRAILER.fullmatch(line)
    if not match:
        raise SignatureError("signature trailer is malformed or truncated")
    sig_text = match["sig"]
    signature = base64.b64decode(sig_text, validate=True)
    if base64.b64encode(signature) != sig_text:
        raise SignatureError("signature is not canonical base64")
    return body, Trailer(match["key"].decode("ascii"), signature)
