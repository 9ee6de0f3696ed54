"""The embedded signature: any one changed byte, a wrong key, a missing or truncated trailer, or a
re-signature with a foreign key makes verification fail."""

from __future__ import annotations

import random

import pytest

from secaudit.config import Config
from secaudit.errors import SignatureError
from secaudit.ledger import Ledger
from secaudit.report.build import ReportRequest
from secaudit.report.issue import issue_report
from secaudit.report.keys import SigningKey, fingerprint
from secaudit.report.sign import sign_report, split_signed
from secaudit.report.verify import embedded_data, verify_report

from .conftest import fill_ledger


@pytest.fixture
def signed(config: Config, key: SigningKey, rng: random.Random) -> bytes:
    with Ledger(config.home.ledger) as led:
        fill_ledger(led, rng)
        issued = issue_report(config, led, ReportRequest(), key=key)
    return issued.path.read_bytes()


def trusted(*keys: SigningKey) -> dict:
    return {k.fingerprint: k.public_key for k in keys}


def test_intact_report_verifies_and_names_its_key(signed: bytes, key: SigningKey) -> None:
    assert verify_report(signed, trusted(key)) == key.fingerprint
    last = signed.rstrip(b"\n").rsplit(b"\n", 1)[1]
    assert last.startswith(
        b"<!-- secaudit-signature v=1 alg=ed25519 key=" + key.fingerprint.encode()
    )
    assert signed.endswith(b" -->\n")
    assert key.fingerprint == fingerprint(key.public_key) and len(key.fingerprint) == 32


def _positions(data: bytes) -> dict[str, int]:
    trailer = data.rfind(b"<!-- secaudit-signature")
    return {
        "first byte": 0,
        "in the title": data.find(b"<title>") + 8,
        "in the middle": len(data) // 2,
        "in the embedded JSON": data.find(b'"ledger_range"') + 3,
        "last body byte": trailer - 1,
        "trailer opening": trailer + 2,
        "trailer version": data.find(b"v=1", trailer) + 2,
        "trailer key": data.find(b"key=", trailer) + 10,
        "trailer signature": data.find(b"sig=", trailer) + 20,
        "last signature char": data.rfind(b"== -->") - 1,
        "trailer close": len(data) - 3,
        "final newline": len(data) - 1,
    }


@pytest.mark.parametrize("where", list(_positions(b"x" * 64).keys()))
@pytest.mark.parametrize("delta", [1, 0x20])
def test_any_one_changed_byte_fails(signed: bytes, key: SigningKey, where: str, delta: int) -> None:
    pos = _positions(signed)[where]
    tampered = bytearray(signed)
    tampered[pos] = (tampered[pos] + delta) % 256
    with pytest.raises(SignatureError):
        verify_report(bytes(tampered), trusted(key))


def test_every_byte_of_the_trailer_matters(signed: bytes, key: SigningKey) -> None:
    start = signed.rfind(b"<!-- secaudit-signature")
    for pos in range(start, len(signed)):
        tampered = bytearray(signed)
        tampered[pos] ^= 0x01
        with pytest.raises(SignatureError):
            verify_report(bytes(tampered), trusted(key))


def test_wrong_key_fails(signed: bytes, other_key: SigningKey) -> None:
    with pytest.raises(SignatureError, match="untrusted key"):
        verify_report(signed, trusted(other_key))


def test_signature_under_a_trusted_fingerprint_but_other_key_fails(
    signed: bytes, key: SigningKey, other_key: SigningKey
) -> None:
    # a key map that claims the fingerprint but holds a different public key
    with pytest.raises(SignatureError, match="altered"):
        verify_report(signed, {key.fingerprint: other_key.public_key})


@pytest.mark.parametrize("cut", ["no trailer", "half trailer", "no final newline", "empty"])
def test_missing_or_truncated_trailer_fails(signed: bytes, key: SigningKey, cut: str) -> None:
    body, _ = split_signed(signed)
    variants = {
        "no trailer": body,
        "half trailer": signed[: len(body) + (len(signed) - len(body)) // 2],
        "no final newline": signed[:-1],
        "empty": b"",
    }
    with pytest.raises(SignatureError):
        verify_report(variants[cut], trusted(key))


def test_appended_content_fails(signed: bytes, key: SigningKey) -> None:
    with pytest.raises(SignatureError):
        verify_report(signed + b"<p>added</p>\n", trusted(key))
    with pytest.raises(SignatureError):
        verify_report(signed + b"\n", trusted(key))


def test_resigned_with_foreign_key_fails(
    signed: bytes, key: SigningKey, other_key: SigningKey
) -> None:
    body, _ = split_signed(signed)
    forged = sign_report(body.replace(b"SEC-001", b"SEC-00X"), other_key)
    assert verify_report(forged, trusted(other_key)) == other_key.fingerprint  # well-formed
    with pytest.raises(SignatureError, match="untrusted key"):
        verify_report(forged, trusted(key))


def test_only_the_last_line_is_a_trailer(key: SigningKey) -> None:
    """Text in the body that looks like a trailer is signed data, never read as a signature."""
    inner = sign_report(b"<p>inner</p>\n", key)  # a whole well-formed trailer line inside
    signed = sign_report(b"<p>secaudit-signature</p>\n" + inner, key)
    assert verify_report(signed, trusted(key)) == key.fingerprint
    body, _ = split_signed(signed)
    assert body.endswith(inner)


def test_embedded_data_is_the_report_model(signed: bytes) -> None:
    model = embedded_data(signed)
    assert model["schema"] == "secaudit.report/2"
    assert model["host"]["hostname"] == "网点PC-01"
    assert model["policy"]["id"] == "rcb-default"
    assert set(model["ledger_range"]) == {"first_seq", "last_seq", "prev_hash", "last_hash"}
