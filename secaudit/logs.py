"""Loggers of the library. Only the CLI decides what reaches the terminal, so the ``secaudit``
logger carries a ``NullHandler``; set up here rather than in the package ``__init__`` so that a
command which never logs (``scan`` served from the cache) does not import :mod:`logging`."""

from __future__ import annotations

import logging


def logger(name: str) -> logging.Logger:
    """``logging.getLogger(name)``, with the package's ``NullHandler`` in place."""
    root = logging.getLogger("secaudit")
    if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
        root.addHandler(logging.NullHandler())
    return logging.getLogger(name)
