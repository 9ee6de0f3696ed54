"""Detectors: secrecy markings and sensitive info types, one module per detector.

Entry point: :func:`secaudit.detect.registry.detect`. Built-in detectors are listed in
``registry.BUILTIN``; each has a stable class-level ``id`` (a contract: policies and the ledger
refer to it) and ``analyze(chunks) -> Iterator[Finding]``.

May import the core and ``extract`` (the chunk contract); never ``policy`` or a later stage.
"""
