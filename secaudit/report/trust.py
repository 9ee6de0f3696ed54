"""Which key may sign for which host: ``secaudit verify --trust``.

A trusted key alone is not enough: with branch A's and B's keys trusted, A could re-sign B's
report without its violations. So ``--trust`` binds every key to a host, and a report whose
``host.hostname`` is not its key's host is rejected. Two ways to give the binding:

- **a folder of keys**, any depth: ``<branch>/<host>.pub`` (PEM or minisign) binds the key to the
  host named by the file (``PC-01.pub``, ``PC-01.minisign.pub``); a key kept under its keygen name
  (``<branch>/<host>/secaudit.pub``) is bound to the folder's name;
- **a mapping file** (``.toml`` or ``.csv``), one entry per PC — what head office's key registry
  exports — with the host name and the key fingerprint (first 32 hex of sha256 of the raw key;
  ``secaudit keygen`` prints it), optionally the branch and the minisign public key line::

      # trust.toml                                  # trust.csv
      [[key]]                                       host,fingerprint,branch,public_key
      host = "网点PC-01"                              网点PC-01,3f2a…,0101,RWQ…
      fingerprint = "3f2a…"
      branch = "0101"                # optional
      public_key = "RWQ…"            # optional: else the key file comes from another --trust

A mapping file in a folder (``trust.toml``, ``trust.csv``) binds that folder's keys. A binding in
a mapping file wins over a file name. Keys given with ``--pubkey`` (or the home's own keys folder)
are bound to no host: the one who names the file vouches for it.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from secaudit.errors import SignatureError, UsageError
from secaudit.report.keys import fingerprint, load_public_key
from secaudit.report.minisign import parse_public_key

MAPPING_SUFFIXES = (".toml", ".csv")
_FINGERPRINT = re.compile(r"[0-9a-f]{32}")
_KEYGEN_STEMS = ("secaudit", "secaudit.minisign")


@dataclass
class Trust:
    keys: dict[str, Ed25519PublicKey] = field(default_factory=dict)
    hosts: dict[str, set[str]] = field(default_factory=dict)
    """Hosts each fingerprint may sign for; a key absent here is bound to no host."""

    def check_host(self, fp: str, model: Mapping[str, Any]) -> None:
        """Raise SignatureError when the key of ``fp`` is bound and not to the report's host."""
        hosts = self.hosts.get(fp)
        if not hosts:
            return
        host = str((model.get("host") or {}).get("hostname") or "")
        if host not in hosts:
            raise SignatureError(
                f"key {fp} belongs to host {', '.join(sorted(hosts))}, "
                f"but the report names host {host!r}: rejected"
            )


def load_trust(pubkeys: Iterable[Path], trust: Iterable[Path]) -> Trust:
    """Unbound keys from ``pubkeys`` (files or folders), bound ones from ``trust`` paths."""
    out = Trust()
    for p in pubkeys:
        for f in _key_files(p) if p.is_dir() else [p]:
            key = load_public_key(f)
            out.keys[fingerprint(key)] = key
    mapped: dict[str, set[str]] = {}
    for p in trust:
        if p.is_dir():
            _load_folder(p, out, mapped)
        elif p.suffix.lower() in MAPPING_SUFFIXES:
            _load_mapping(p, out, mapped)
        else:
            key = load_public_key(p)
            _bind(out.hosts, fingerprint(key), _host_of(p))
            out.keys[fingerprint(key)] = key
    out.hosts.update(mapped)  # a mapping file's binding wins over file names
    return out


def _key_files(folder: Path) -> list[Path]:
    return sorted(f for f in folder.rglob("*") if f.suffix in (".pub", ".pem") and f.is_file())


def _load_folder(folder: Path, out: Trust, mapped: dict[str, set[str]]) -> None:
    for f in _key_files(folder):
        key = load_public_key(f)
        fp = fingerprint(key)
        out.keys[fp] = key
        _bind(out.hosts, fp, _host_of(f))
    for suffix in MAPPING_SUFFIXES:
        for f in sorted(folder.rglob(f"*{suffix}")):
            _load_mapping(f, out, mapped)


def _host_of(path: Path) -> str:
    stem = path.name.rsplit(".", 1)[0].removesuffix(".minisign")
    return path.parent.name if stem in _KEYGEN_STEMS else stem


def _bind(hosts: dict[str, set[str]], fp: str, host: str) -> None:
    hosts.setdefault(fp, set()).add(host)


def _load_mapping(path: Path, out: Trust, mapped: dict[str, set[str]]) -> None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read trust mapping {path}: {exc}") from exc
    rows = _toml_rows(path, text) if path.suffix.lower() == ".toml" else _csv_rows(text)
    for n, row in enumerate(rows, 1):
        host = str(row.get("host") or "").strip()
        fp = str(row.get("fingerprint") or "").strip().lower()
        if not host or not _FINGERPRINT.fullmatch(fp):
            raise UsageError(f"{path}: entry {n}: needs host and a 32-hex fingerprint")
        _bind(mapped, fp, host)
        blob = str(row.get("public_key") or "").strip()
        if blob:
            key = parse_public_key(blob).public_key
            if fingerprint(key) != fp:
                raise UsageError(f"{path}: entry {n}: public_key does not match its fingerprint")
            out.keys[fp] = key


def _toml_rows(path: Path, text: str) -> list[dict[str, Any]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from exc
    rows = data.get("key", [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise UsageError(f"{path}: expected [[key]] tables with host and fingerprint")
    return rows


def _csv_rows(text: str) -> list[dict[str, Any]]:
    return [
        {str(k).strip().lower(): v for k, v in row.items() if k}
        for row in csv.DictReader(io.StringIO(text))
    ]
