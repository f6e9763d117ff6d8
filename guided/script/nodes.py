"""Reading values out of a composed YAML node tree, for files people write.

``NodeReader`` gives every reader of user YAML the same checks and the same
one-line ``file:line:col`` messages: mappings with plain unique keys, text,
whole numbers and numbers within a range, durations, a choice from a list (with a
"did you mean" hint), and a budget of nodes visited, counting each alias again, so
a "billion laughs" document, small on disk, is refused instead of expanded.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from guided.errors import Pos, ScriptError, ScriptErrors
from guided.script.durations import parse_duration
from guided.script.hygiene import text_problem
from guided.script.model import MAX_TOTAL_SECONDS
from guided.script.suggest import did_you_mean
from guided.script.yamlfile import BOOL, FLOAT, INT, MAP, NULL, node_pos, one_line, typed_value

# How many YAML nodes one load may visit (all included files together), counting each
# alias again: a "billion laughs" document is small on disk but huge once aliases are followed.
NODE_BUDGET = 100_000
MAX_ERRORS = 1000  # mistakes noted in one file before reading stops (check shows 20)
T = TypeVar("T")
DURATION_HELP = "a duration such as 5, 2.5, '500ms', '5s', '2m' or '1m30s'"


@dataclass
class NodeBudget:
    """YAML nodes visited so far by one load (shared by the files it includes)."""

    what: str = "script"  # named in the message: "the script expands to more than ..."
    limit: int = NODE_BUDGET
    visits: int = 0


class Gather:
    """The independent checks of one node (a step's options, say): each mistake is kept
    and ``done`` raises them together, so ``guided check`` lists every one of them, not
    only the first. ``get`` returns None for a value that failed."""

    def __init__(self, budget: NodeBudget) -> None:
        self.budget = budget
        self.errors: list[ScriptError] = []

    def get(self, build: Callable[..., T], *args: Any) -> T | None:
        try:
            return build(*args)
        except ScriptErrors as exc:
            self.errors.extend(exc.errors)
        except ScriptError as exc:
            if self.budget.visits > self.budget.limit:  # out of nodes: stop at once
                raise
            self.errors.append(exc)
        return None

    def add(self, error: ScriptError) -> None:
        self.errors.append(error)

    def done(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ScriptErrors(sorted(self.errors, key=_place))


def _place(error: ScriptError) -> tuple[int, int]:
    pos = error.pos
    return (pos.line or 0, pos.col or 0) if pos is not None else (0, 0)


class NodeReader:
    """Typed values from the nodes of one file; errors name ``display`` and the node's place.

    With an ``errors`` list, ``attempt`` notes a mistake there and lets reading go on,
    so that one run can report every independent mistake in a file."""

    def __init__(self, display: str, budget: NodeBudget | None = None,
                 errors: list[ScriptError] | None = None):
        self.display = display
        self.budget = budget or NodeBudget()
        self.errors: list[ScriptError] = [] if errors is None else errors

    def attempt(self, build: Callable[..., T], *args: Any) -> T | None:
        """``build(*args)``, or None when it fails: the mistake is noted and reading goes
        on. Running out of the node budget stops at once (all after it would fail too)."""
        gather = Gather(self.budget)
        value = gather.get(build, *args)
        if gather.errors:
            self.note(*gather.errors)
        return value

    def note(self, *errors: ScriptError) -> None:
        """Keep ``errors`` to report later (past ``MAX_ERRORS``, stop looking)."""
        if len(self.errors) >= MAX_ERRORS:
            raise ScriptErrors(self.errors)
        self.errors.extend(errors)

    def pos(self, node: yaml.Node) -> Pos:
        return node_pos(self.display, node)

    def fail(self, message: str, node: yaml.Node) -> ScriptError:
        return ScriptError(one_line(message), self.pos(node))

    def visit(self, node: yaml.Node) -> None:
        self.budget.visits += 1
        if self.budget.visits > self.budget.limit:
            raise self.fail(
                f"the {self.budget.what} expands to more than {self.budget.limit} YAML nodes "
                "(too many aliases '*' to anchors '&')",
                node,
            )

    def mapping(self, node: yaml.Node, expected: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
        """(key, key node, value node) for a mapping with plain, unique keys."""
        self.visit(node)
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(f"expected {expected}, found {describe(node)}", node)
        items: list[tuple[str, yaml.Node, yaml.Node]] = []
        seen: set[str] = set()
        for key, value in node.value:
            self.visit(key)
            if not isinstance(key, yaml.ScalarNode) or key.tag == NULL:
                raise self.fail("expected a plain name as the key here", key)
            if key.value in seen:
                raise self.fail(f"'{key.value}' appears twice here; keep one", key)
            seen.add(key.value)
            items.append((key.value, key, value))
        return items

    def text(self, node: yaml.Node, what: str) -> str:
        """Any plain scalar as the text written (numbers stay as written: ``say: 5`` says "5")."""
        self.visit(node)
        if not isinstance(node, yaml.ScalarNode) or node.tag == NULL:
            raise self.fail(f"expected text for {what}, found {describe(node)}", node)
        problem = text_problem(node.value)
        if problem:
            raise self.fail(f"{what}: {problem}", node)
        return node.value

    def integer(self, node: yaml.Node, what: str, lo: int, hi: int) -> int:
        self.visit(node)
        if not (isinstance(node, yaml.ScalarNode) and node.tag == INT):
            raise self.fail(f"expected a whole number {lo}..{hi} for {what}, found {describe(node)}", node)
        value = construct(node)
        if value is None:
            raise self.fail(f"expected a whole number {lo}..{hi} for {what}, found "
                            f"'{short(node.value)}', which is not one", node)
        if not lo <= value <= hi:
            raise self.fail(f"{what} must be {lo}..{hi}, got {node.value}", node)
        return int(value)

    def number(self, node: yaml.Node, what: str, lo: float, hi: float) -> float:
        self.visit(node)
        if not (isinstance(node, yaml.ScalarNode) and node.tag in (INT, FLOAT)):
            raise self.fail(f"expected a number {lo:g}..{hi:g} for {what}, found {describe(node)}", node)
        made = construct(node)
        if made is None:
            raise self.fail(f"expected a number {lo:g}..{hi:g} for {what}, found "
                            f"'{short(node.value)}', which is not one", node)
        value = float(made)
        if not (math.isfinite(value) and lo <= value <= hi):
            raise self.fail(f"{what} must be {lo:g}..{hi:g}, got {node.value}", node)
        return value

    def duration(self, node: yaml.Node, what: str, *, positive: bool = False) -> float:
        self.visit(node)
        if not isinstance(node, yaml.ScalarNode) or node.tag in (NULL, BOOL):
            raise self.fail(f"expected {DURATION_HELP} for {what}, found {describe(node)}", node)
        value = construct(node) if node.tag in (INT, FLOAT) else node.value
        if value is None:
            raise self.fail(f"expected {DURATION_HELP} for {what}, found '{short(node.value)}', "
                            "which is not a number", node)
        try:
            seconds = parse_duration(value)
        except ValueError as exc:
            raise self.fail(f"{what}: {exc}", node) from None
        if positive and seconds <= 0:
            raise self.fail(f"{what} must be longer than 0 seconds", node)
        if seconds > MAX_TOTAL_SECONDS:
            raise self.fail(f"{what} is longer than the 4-hour limit of a whole practice", node)
        return seconds

    def choice(self, node: yaml.Node, what: str, choices: tuple[str, ...]) -> str:
        value = self.text(node, what)
        if value not in choices:
            raise self.fail(
                f"unknown {what} '{short(value)}'{did_you_mean(value, choices)}; "
                f"expected one of: {', '.join(choices)}",
                node,
            )
        return value


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL


def mapping_node(items: list[tuple[str, yaml.Node, yaml.Node]]) -> yaml.MappingNode:
    pairs = [(key_node, value) for _, key_node, value in items]
    return yaml.MappingNode(MAP, pairs, pairs[0][0].start_mark, pairs[-1][1].end_mark)


def construct(node: yaml.ScalarNode) -> int | float | None:
    """The number an ``!!int`` or ``!!float`` node holds; None when it holds none, as when
    the tag is written by hand on other text (``rate: !!int abc``, or nothing at all)."""
    value = typed_value(node)
    return value if isinstance(value, (int, float)) else None


def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == NULL:
        return "nothing"
    if node.tag == BOOL:
        return f"yes/no value '{node.value}'"
    if node.tag in (INT, FLOAT):
        return f"the number {node.value}"
    return f"the text '{short(node.value)}'"


def short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def short_path(path: Path, folder: Path) -> str:
    """``path`` relative to ``folder`` when it is inside it, else its name."""
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return path.name
