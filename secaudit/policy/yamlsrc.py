"""YAML source with places: safe composition into nodes, and typed reads that record problems.

The policy loader never calls ``yaml.load``: it composes the text into nodes with
``yaml.compose(..., Loader=yaml.SafeLoader)`` (no tags that build Python objects, aliases
allowed) so that every value keeps its ``file:line``. Reading a value through :class:`Source`
either returns it or records a problem ``file:line: field: message`` and returns ``None``; the
loader keeps going and reports *all* problems at the end in one
:class:`~secaudit.errors.PolicyError`.

Extend by adding typed readers here (``text``, ``boolean``, ``integer``, ``string_list``…), never
by reading raw node values elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (same nodes and marks, ~10x faster)."""

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_FLOAT = "tag:yaml.org,2002:float"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_KNOWN_SCALAR_TAGS = {_STR, _INT, _BOOL, _NULL, _FLOAT}


@dataclass
class Source:
    """One YAML file being read; collects problems with their places."""

    path: Path
    problems: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.path)

    def where(self, node: Node | None) -> str:
        line = node.start_mark.line + 1 if node is not None else 1
        return f"{self.name}:{line}"

    def problem(self, node: Node | None, field_name: str, message: str) -> None:
        prefix = f"{self.where(node)}: {field_name}: " if field_name else f"{self.where(node)}: "
        self.problems.append(prefix + message)

    # -- composition -------------------------------------------------------------------------

    def compose(self, data: bytes) -> Node | None:
        """The root node of ``data`` (one YAML document), or ``None`` after recording why not."""
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.problems.append(f"{self.name}:1: not UTF-8 text ({exc.reason})")
            return None
        try:
            nodes = list(yaml.compose_all(text, Loader=_SAFE_LOADER))
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            what = " ".join(p for p in (exc.context, exc.problem) if p)
            self.problems.append(f"{self.name}:{line}: bad YAML: {what}")
            return None
        except yaml.YAMLError as exc:
            self.problems.append(f"{self.name}:1: bad YAML: {exc}")
            return None
        except RecursionError:
            self.problems.append(f"{self.name}:1: bad YAML: nested too deeply")
            return None
        if len(nodes) != 1:
            self.problems.append(f"{self.name}:1: expected exactly one YAML document")
            return None
        too_big = _expansion_problem(nodes[0])
        if too_big:
            self.problem(too_big[0], "", too_big[1])
            return None
        return nodes[0]

    # -- typed readers -----------------------------------------------------------------------

    def mapping(
        self, node: Node, field_name: str, known: set[str] | None = None
    ) -> dict[str, tuple[Node, Node]] | None:
        """Keys → (key node, value node); unknown and duplicate keys are problems."""
        if not isinstance(node, MappingNode) or node.tag != _MAP:
            self.problem(node, field_name, f"expected a mapping, got {_kind(node)}")
            return None
        out: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != _STR:
                self.problem(key_node, field_name, "keys must be plain strings")
                continue
            key = str(key_node.value)
            label = f"{field_name}.{key}" if field_name else key
            if key in out:
                self.problem(key_node, label, "duplicate key")
            elif known is not None and key not in known:
                self.problem(key_node, label, f"unknown key (allowed: {', '.join(sorted(known))})")
            else:
                out[key] = (key_node, value_node)
        return out

    def sequence(self, node: Node, field_name: str) -> list[Node] | None:
        if not isinstance(node, SequenceNode) or node.tag != _SEQ:
            self.problem(node, field_name, f"expected a list, got {_kind(node)}")
            return None
        return list(node.value)

    def items(self, node: Node, field_name: str) -> Iterator[tuple[str, Node]]:
        """``(field.N, item node)`` for each item of a list node."""
        for i, item in enumerate(self.sequence(node, field_name) or []):
            yield f"{field_name}[{i}]", item

    def text(self, node: Node, field_name: str, *, allow_empty: bool = False) -> str | None:
        value = self._scalar(node, field_name)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(node, field_name, f"expected text, got {_kind(node)}")
            return None
        if node.tag != _STR and not isinstance(value, str):
            value = str(node.value)  # ids and versions such as 2026.1 or 3 read as text
        text = str(value).strip()
        if not text and not allow_empty:
            self.problem(node, field_name, "must not be empty")
            return None
        return text

    def boolean(self, node: Node, field_name: str) -> bool | None:
        value = self._scalar(node, field_name)
        if not isinstance(value, bool):
            self.problem(node, field_name, f"expected true or false, got {_kind(node)}")
            return None
        return value

    def integer(self, node: Node, field_name: str, *, minimum: int = 0) -> int | None:
        value = self._scalar(node, field_name)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(node, field_name, f"expected an integer, got {_kind(node)}")
            return None
        if value < minimum:
            self.problem(node, field_name, f"must be at least {minimum}, got {value}")
            return None
        return value

    def text_list(self, node: Node, field_name: str) -> list[tuple[str, Node]]:
        """A list of texts, or a single text taken as a one-item list."""
        if isinstance(node, ScalarNode):
            one = self.text(node, field_name)
            return [(one, node)] if one is not None else []
        out: list[tuple[str, Node]] = []
        for label, item in self.items(node, field_name):
            value = self.text(item, label)
            if value is not None:
                out.append((value, item))
        return out

    def _scalar(self, node: Node, field_name: str) -> object:
        if not isinstance(node, ScalarNode):
            return _NotScalar
        if node.tag not in _KNOWN_SCALAR_TAGS:
            self.problem(node, field_name, f"tag {node.tag} is not allowed")
            return _NotScalar
        try:
            return yaml.SafeLoader("").construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self.problem(node, field_name, f"bad value: {exc}")
            return _NotScalar


MAX_NODES = 100_000
"""Most nodes a policy file may have once its aliases are expanded (the shipped default policy
has ~3,000): a "billion laughs" file of nested aliases stops here, before anything walks it."""
MAX_DEPTH = 64


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _expansion_problem(root: Node) -> tuple[Node, str] | None:
    """Why the document is refused (alias bomb, alias loop, nesting), with the node to name.

    The size of each node with its aliases expanded is computed once per distinct node (the
    composed document shares an alias's node), iteratively, so the check itself is cheap."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            in_progress.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in _children(node))
            if sizes[key] > MAX_NODES:
                return node, (
                    f"the YAML expands to more than {MAX_NODES:,} nodes through its aliases "
                    "(&anchor/*alias): refused"
                )
            continue
        if key in sizes:
            continue
        if key in in_progress:
            return node, "an alias refers to a node that contains it (a loop): refused"
        if depth > MAX_DEPTH:
            return node, f"nested deeper than {MAX_DEPTH} levels: refused"
        in_progress.add(key)
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in _children(node) if id(c) not in sizes)
    return None


class _NotScalarType:
    pass


_NotScalar = _NotScalarType()


def _kind(node: Node) -> str:
    if node.tag not in (*_KNOWN_SCALAR_TAGS, _MAP, _SEQ):
        return f"tag {node.tag}, which is not allowed"
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _NULL:
        return "nothing (null)"
    if node.tag == _BOOL:
        return f"a boolean ({node.value})"
    if node.tag in (_INT, _FLOAT):
        return f"a number ({node.value})"
    return f"text ({str(node.value)[:40]!r})"
