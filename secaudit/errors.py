"""One error tree for secaudit.

::

    SecauditError                 base; ``diagnostics()`` is the text shown to the user
    ├── ConfigError               bad config file or option        (exit 2)
    ├── UsageError                bad command-line usage           (exit 2)
    ├── PolicyError               policy file invalid              (exit 2)
    ├── ExtractionError           a file or member cannot be read  (recorded, scan goes on)
    │   ├── EncryptedError
    │   ├── CorruptError
    │   ├── UnsupportedError
    │   └── LimitError            depth / ratio / member count / size / time
    ├── LedgerError               ledger cannot be opened or written
    │   └── ChainError            hash chain broken at a given seq
    ├── SignatureError            a report signature does not verify
    └── ForwardError              an output (syslog collector, NDJSON file) refused events

The CLI catches only :class:`SecauditError`, prints :meth:`diagnostics`, and exits with
:attr:`exit_code`.
"""

from __future__ import annotations


class SecauditError(Exception):
    """Base of every error secaudit raises on purpose."""

    exit_code: int = 3

    def diagnostics(self) -> str:
        return str(self) or self.__class__.__name__


class ConfigError(SecauditError):
    exit_code = 2


class UsageError(SecauditError):
    exit_code = 2


class PolicyError(SecauditError):
    """A policy file is invalid; ``problems`` lists every problem found (file:line: message)."""

    exit_code = 2

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []

    def diagnostics(self) -> str:
        if not self.problems:
            return str(self)
        return "\n".join([str(self), *self.problems])


class ExtractionError(SecauditError):
    """A file or container member could not be read.

    ``reason`` is one of the contract's error reasons (see :class:`secaudit.model.ErrorReason`).
    """

    reason: str = "corrupt"

    def __init__(self, detail: str, *, reason: str | None = None) -> None:
        super().__init__(detail)
        if reason is not None:
            self.reason = reason


class EncryptedError(ExtractionError):
    reason = "encrypted"


class CorruptError(ExtractionError):
    reason = "corrupt"


class UnsupportedError(ExtractionError):
    reason = "unsupported"


class LimitError(ExtractionError):
    """A configured limit stopped extraction; ``reason`` is ``limit`` or ``too_large``."""

    reason = "limit"


class LedgerError(SecauditError):
    exit_code = 3


class ChainError(LedgerError):
    """The ledger hash chain is broken; ``seq`` is the first bad sequence number."""

    exit_code = 1

    def __init__(self, message: str, seq: int) -> None:
        super().__init__(message)
        self.seq = seq


class SignatureError(SecauditError):
    exit_code = 1


class ForwardError(SecauditError):
    """Events could not be delivered to a forwarding output (the cursor stays put)."""

    exit_code = 1
