"""The package plan holds: imports point down the pipeline, never up, and form no cycle.

Every ``import`` in ``secaudit/`` is read with :mod:`ast` (function-level and ``TYPE_CHECKING``
imports included, since a late import is still a dependency). A module may import the shared
core, its own stage and earlier stages; only ``secaudit/cli/`` (and ``__main__``) sees them all.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "secaudit"

CORE = {
    "ids", "textsafe", "sensitive", "errors", "model", "context", "limits", "config",
    "config_forward", "config_home", "config_text", "config_values", "logs",
}
"""The shared core at the top level: it imports no stage."""

STAGES = [
    "core",
    "ledger",
    "extract",
    "detect",
    "policy",
    "scan",
    "sources",
    "checks",
    "report",
    "forward",
    "agent",
    "selfcheck",
    "hq",
    "cli",
]
"""Pipeline order: a stage may import only the stages before it (and itself)."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def stage_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in CORE or parts[1] == "__init__":
        return "core"
    if parts[1] == "__main__":
        return "cli"
    return parts[1]


def imported_modules(path: Path) -> set[str]:
    """Every secaudit module this file imports (``from pkg import mod`` resolves to ``pkg.mod``)."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("secaudit"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith("secaudit"):
                continue
            found.add(node.module)
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                as_path = PACKAGE.parent.joinpath(*candidate.split("."))
                if as_path.with_suffix(".py").exists() or (as_path / "__init__.py").exists():
                    found.add(candidate)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import; write the absolute module name")
    return found


def import_graph() -> dict[str, set[str]]:
    return {
        module_name(path): imported_modules(path) for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_every_stage_is_known() -> None:
    unknown = {stage_of(m) for m in import_graph()} - set(STAGES)
    assert not unknown, f"packages missing from the stage order: {sorted(unknown)}"


def test_top_level_holds_only_the_core() -> None:
    loose = {p.stem for p in PACKAGE.glob("*.py")} - CORE - {"__init__", "__main__"}
    assert not loose, f"modules outside a stage folder: {sorted(loose)}"


def test_imports_point_down_the_pipeline() -> None:
    rank = {stage: i for i, stage in enumerate(STAGES)}
    upward = [
        f"{module} -> {target}"
        for module, targets in import_graph().items()
        for target in targets
        if rank[stage_of(target)] > rank[stage_of(module)]
    ]
    assert not upward, "imports against the pipeline:\n" + "\n".join(sorted(upward))


def test_no_import_cycles() -> None:
    graph = import_graph()
    edges: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph.items():
        # importing a package runs its __init__, but the cycle that matters is between modules
        edges[module] = {t for t in targets if t in graph and t != module}
    cycles = _cycles(edges)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


@pytest.mark.parametrize(
    ("module", "stage"),
    [("secaudit.model", "core"), ("secaudit.extract.office.ooxml", "extract"),
     ("secaudit.cli.scan", "cli"), ("secaudit.__main__", "cli")],
)
def test_stage_of(module: str, stage: str) -> None:
    assert stage_of(module) == stage


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
