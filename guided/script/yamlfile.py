"""Reading user-written YAML safely, with ``file:line:col`` errors.

Scripts, journeys, variables files and settings all come from people, sometimes
from someone else's computer. Each is read here the same careful way: a regular
file under a size limit, strict UTF-8 (a bad byte is reported at its line and
column), PyYAML's safe composer (so nothing is ever constructed from a tag),
a guard against absurd bracket nesting, and no tags beyond plain YAML types.
Callers get the node tree, whose marks give every later error its position.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

import yaml

from guided.errors import Pos, ScriptError

MAX_BRACKET_DEPTH = 64

TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (TAG + t for t in ("str", "int", "float", "bool", "null"))
MAP, SEQ, MERGE = TAG + "map", TAG + "seq", TAG + "merge"
SAFE_TAGS = frozenset({STR, INT, FLOAT, BOOL, NULL, MAP, SEQ, TAG + "timestamp"})

_BRACKETS = re.compile(r"[\[\]{}]")


def node_pos(display: str, node: yaml.Node) -> Pos:
    """Where ``node`` starts (1-based line and column)."""
    return Pos(display, node.start_mark.line + 1, node.start_mark.column + 1)


def one_line(message: str) -> str:
    return " ".join(message.split())


def read_bytes(path: Path, where: Pos, *, max_bytes: int, what: str) -> bytes:
    """The file's bytes, refusing folders, devices, pipes and anything over ``max_bytes``.
    ``what`` names the kind of file in messages ("a script", "a journey")."""
    limit = _size(max_bytes)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ScriptError(f"is a folder, not {what} file", where)
        if not stat.S_ISREG(info.st_mode):
            raise ScriptError("is not a regular file", where)
        if info.st_size > max_bytes:
            raise ScriptError(
                f"file is {info.st_size / 1024 / 1024:.1f} MiB; {what} may be at most {limit}", where
            )
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise ScriptError("no such file", where) from None
    except OSError as exc:
        raise ScriptError(f"cannot read the file: {exc.strerror or exc}", where) from None
    if len(data) > max_bytes:  # the file grew between stat and read
        raise ScriptError(f"file is larger than {limit}, the most {what} may be", where)
    return data


def decode(data: bytes, display: str) -> str:
    """Strict UTF-8; a bad byte is reported at its line and column."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[line_start:exc.start].decode("utf-8")) + 1
        raise ScriptError(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be read; save the file as UTF-8",
            Pos(display, line, col),
        ) from None


def is_blank(text: str) -> bool:
    return not text.strip() or text.strip() == "\ufeff"


def compose(text: str, display: str, *, single: str = "a file") -> yaml.Node | None:
    """The node tree of one YAML document (None for an empty one), with plain tags only.
    ``single`` names the file in the message about a second document."""
    _check_bracket_depth(text, display)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(display, mark.line + 1, mark.column + 1) if mark else Pos(display)
        problem = exc.problem or exc.context or "cannot be read"
        if "another document" in problem:
            problem = f"{single} is a single YAML document; remove the second '---' and what follows"
        raise ScriptError(f"YAML syntax: {one_line(problem)}", pos) from None
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        raise ScriptError(
            f"the control character U+{exc.character:04X} is not allowed in YAML; remove it",
            Pos(display, line, col),
        ) from None
    except yaml.YAMLError as exc:
        raise ScriptError(f"YAML syntax: {one_line(str(exc))}", Pos(display)) from None
    except RecursionError:
        raise ScriptError("YAML is nested far too deeply", Pos(display)) from None
    if node is not None:
        _check_tags(node, display)
    return node


def load_nodes(path: Path, *, max_bytes: int, what: str, display: str | None = None
               ) -> yaml.Node | None:
    """Read, decode and compose a small YAML file in one step (None when it is empty)."""
    display = display or str(path)
    text = decode(read_bytes(path, Pos(display), max_bytes=max_bytes, what=what), display)
    if is_blank(text):
        return None
    return compose(text, display, single=what)


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n // 1024} KiB"


def _check_bracket_depth(text: str, display: str) -> None:
    """Refuse absurdly nested ``[``/``{`` before PyYAML spends seconds (and its stack) on them.

    Counts brackets anywhere, even inside text: no file of ours has 64 unclosed ones.
    """
    depth = 0
    for match in _BRACKETS.finditer(text):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_BRACKET_DEPTH:
            line, col = _line_col(text, match.start())
            raise ScriptError(
                f"more than {MAX_BRACKET_DEPTH} nested '[' or '{{': too deep to be read",
                Pos(display, line, col),
            )


def _check_tags(root: yaml.Node, display: str) -> None:
    """Reject tags that are not plain YAML types (e.g. ``!!python/object``), in document order."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.tag == MERGE:
            raise ScriptError("merge keys ('<<') are not supported; write the keys out",
                              node_pos(display, node))
        if node.tag not in SAFE_TAGS:
            tag = node.tag.replace(TAG, "!!")
            raise ScriptError(
                f"the YAML tag '{tag}' is not allowed: use plain text, numbers, lists "
                "and mappings only",
                node_pos(display, node),
            )
        if isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack.extend((value, key))


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1
