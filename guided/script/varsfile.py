"""Variables files (``--vars-file client.yaml``): one client's values for ``{name}`` placeholders.

The file is a YAML mapping of variable name to text, optionally under a top-level
``variables:`` key so that a therapist can keep notes beside it::

    # Sam, from 2026-11
    variables:
      name: Sam
      safe_place: the beach at dawn
"""

from __future__ import annotations

from pathlib import Path

import yaml

from guided.errors import Pos, ScriptError
from guided.script.model import VARIABLE_NAME
from guided.script.nodes import NodeBudget, NodeReader
from guided.script.yamlfile import BOOL, FLOAT, INT, MAP, STR, load_nodes, node_pos

_MAX_BYTES = 64 * 1024


class Values(dict[str, str]):
    """Variable values given on the command line (``--var``, ``--vars-file``), remembering
    where each came from, so a name no practice uses can be pointed out at its place."""

    def __init__(self) -> None:
        super().__init__()
        self.origins: dict[str, Pos] = {}

    def give(self, name: str, value: str, origin: Pos) -> None:
        self[name] = value
        self.origins[name] = origin


def load_vars_file(path: str | Path) -> Values:
    """The values in a variables file, each with the place of its name."""
    path = Path(path)
    result = Values()
    node = load_nodes(path, max_bytes=_MAX_BYTES, what="a variables file")
    if node is None:
        return result
    node = _unwrap(node, path)
    reader = NodeReader(str(path), NodeBudget(what="variables file"))
    for key, value in node.value:
        reader.visit(key)
        reader.visit(value)
        pos = reader.pos(key)
        if not isinstance(key, yaml.ScalarNode) or not VARIABLE_NAME.match(str(key.value)):
            raise ScriptError("variable names are letters, digits, '_' or '-'", pos)
        if not isinstance(value, yaml.ScalarNode) or value.tag not in _SCALAR_TAGS:
            raise ScriptError(f"variable '{key.value}' must be plain text",
                              reader.pos(value))
        result.give(key.value, reader.text(value, f"variable '{key.value}'"), pos)  # no control characters
    return result


_SCALAR_TAGS = {STR, INT, FLOAT, BOOL}


def variable_names(path: Path) -> list[str] | None:
    """The names in ``path`` when it reads as a variables file and not as a practice
    (no 'title' or 'steps'), else None: how `check *.yaml` and `guided play`'s list tell a
    variables file beside the scripts from a broken script."""
    from guided.errors import GuidedError

    try:
        values = load_vars_file(path)
    except GuidedError:
        return None
    return None if {"title", "steps"} & set(values) else list(values)


def _unwrap(node: yaml.Node, path: Path) -> yaml.MappingNode:
    def expect_mapping(n: yaml.Node) -> yaml.MappingNode:
        if not isinstance(n, yaml.MappingNode) or n.tag != MAP:
            raise ScriptError(
                "expected a mapping of variable names to text, e.g. 'name: Sam'",
                node_pos(str(path), n),
            )
        return n

    top = expect_mapping(node)
    if any(isinstance(k, yaml.ScalarNode) and k.value == "steps" and not isinstance(v, yaml.ScalarNode)
           for k, v in top.value):  # `--vars-file sam.yaml` for the practice itself: a common slip
        raise ScriptError(
            "this is a practice script, not a variables file; a variables file holds only names "
            "and their text, such as 'name: Sam', one a line (optionally under 'variables:')",
            Pos(str(path)),
        )
    if len(top.value) == 1 and top.value[0][0].value == "variables":
        return expect_mapping(top.value[0][1])
    return top
