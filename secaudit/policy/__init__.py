"""The policy stage: the bank's secrecy rules as data, judged against scan results.

::

    from secaudit.policy import load_policy
    policy = load_policy()                      # the shipped default (policies/default.yaml)
    policy.identity()                           # {"id", "version", "sha256"} for outputs/ledger
    evaluate_file(policy, result, ctx)          # -> list[Violation]
    evaluate_medium(policy, medium, ctx)        # at mount time
    evaluate_host(policy, ctx)                  # 违规外联

Modules: ``yamlsrc`` (YAML with places), ``schema`` (the file format), ``parse`` (conditions
from YAML), ``conditions`` (condition objects; ``file_conditions`` for those on the file),
``evaluate`` (rules → violations), ``describe`` (zh text for ``policy show``), ``tests_runner``
(YAML policy unit tests). Invalid policies raise :class:`~secaudit.errors.PolicyError` with every
problem as ``file:line: field: message``.

May import the core and ``detect`` (the vocabulary of markings); never ``scan`` or a later stage.
"""

from __future__ import annotations

import os
from pathlib import Path

from secaudit.config import data_path
from secaudit.policy.evaluate import evaluate_file, evaluate_host, evaluate_medium
from secaudit.policy.policy import ChecklistItem, Policy, RegisteredMedium, Rule
from secaudit.policy.schema import load_policy_file

__all__ = [
    "evaluate_file",
    "evaluate_host",
    "evaluate_medium",
    "ChecklistItem",
    "Policy",
    "RegisteredMedium",
    "Rule",
    "default_policy_path",
    "load_policy",
]


def default_policy_path() -> Path:
    """The shipped default policy (农商银行默认保密策略)."""
    return data_path("policies", "default.yaml")


def load_policy(path: str | os.PathLike[str] | None = None) -> Policy:
    """Load and validate a policy file; ``None`` or ``""`` → the shipped default policy."""
    return load_policy_file(Path(path) if path else default_policy_path())
