"""Variables files (``--vars-file client.yaml``): one client's values for ``{name}`` placeholders.

The file is a YAML mapping of variable name to text, optionally under a top-level
``variables:`` key so that a therapist can keep notes beside it::

    # Sam, from 2026-11
    variables:
      name: Sam
      safe_place: the beach at dawn
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from guided.errors import Pos, ScriptError

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_MAX_BYTES = 64 * 1024


def load_vars_file(path: str | Path) -> dict[str, str]:
    path = Path(path)
    where = Pos(str(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScriptError(f"cannot read variables file: {exc.strerror}", where) from None
    if len(data) > _MAX_BYTES:
        raise ScriptError("variables file is larger than 64 KiB", where)
    try:
        text = data.decode("utf-8")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError as exc:
        raise ScriptError(f"not UTF-8 text (bad byte at offset {exc.start})", where) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(str(path), mark.line + 1, mark.column + 1) if mark else where
        raise ScriptError(f"YAML syntax: {exc.problem or exc.context}", pos) from None
    except yaml.YAMLError as exc:
        raise ScriptError(f"YAML: {exc}", where) from None
    if node is None:
        return {}
    node = _unwrap(node, path)
    result: dict[str, str] = {}
    for key, value in node.value:
        pos = Pos(str(path), key.start_mark.line + 1, key.start_mark.column + 1)
        if not isinstance(key, yaml.ScalarNode) or not _NAME.match(str(key.value)):
            raise ScriptError("variable names are letters, digits, '_' or '-'", pos)
        if not isinstance(value, yaml.ScalarNode) or value.tag not in _SCALAR_TAGS:
            vpos = Pos(str(path), value.start_mark.line + 1, value.start_mark.column + 1)
            raise ScriptError(f"variable '{key.value}' must be plain text", vpos)
        result[key.value] = value.value
    return result


_SCALAR_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
}


def _unwrap(node: yaml.Node, path: Path) -> yaml.MappingNode:
    def expect_mapping(n: yaml.Node) -> yaml.MappingNode:
        if not isinstance(n, yaml.MappingNode) or n.tag != "tag:yaml.org,2002:map":
            raise ScriptError(
                "expected a mapping of variable names to text, e.g. 'name: Sam'",
                Pos(str(path), n.start_mark.line + 1, n.start_mark.column + 1),
            )
        return n

    top = expect_mapping(node)
    if len(top.value) == 1 and top.value[0][0].value == "variables":
        return expect_mapping(top.value[0][1])
    return top
