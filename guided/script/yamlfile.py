"""Reading user-written YAML safely, with ``file:line:col`` errors.

Scripts, journeys, variables files and settings all come from people, sometimes
from someone else's computer. Each is read here the same careful way: a regular
file under a size limit, strict UTF-8 (a bad byte is reported at its line and
column), PyYAML's safe composer (so nothing is ever constructed from a tag),
a guard against absurd bracket nesting, and no tags beyond plain YAML types.
Callers get the node tree, whose marks give every later error its position.
"""

from __future__ import annotations

import copy
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import yaml

from guided.errors import Pos, ScriptError

MAX_BRACKET_DEPTH = 64
MAX_NUMBER_CHARACTERS = 1000  # Python reads at most 4,300 digits; ours are a few

TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (TAG + t for t in ("str", "int", "float", "bool", "null"))
MAP, SEQ, MERGE = TAG + "map", TAG + "seq", TAG + "merge"
TIMESTAMP = TAG + "timestamp"
SAFE_TAGS = frozenset({STR, INT, FLOAT, BOOL, NULL, MAP, SEQ, TIMESTAMP})

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
            raise ScriptError(f"is a folder, not {_as_file(what)}", where)
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


def read_stream(stream: BinaryIO, where: Pos, *, max_bytes: int, what: str) -> bytes:
    """What a pipe (standard input, ``-``) holds, up to ``max_bytes``: the same cap as a
    file's, found out by reading one byte past it, never by reading all of it."""
    limit = _size(max_bytes)
    chunks, total = [], 0
    try:
        while total <= max_bytes:
            chunk = stream.read(min(1 << 16, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise ScriptError(f"cannot be read: {exc.strerror or exc}", where) from None
    if total > max_bytes:
        raise ScriptError(f"holds more than {limit}, the most {what} may be", where)
    return b"".join(chunks)


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


class _AliasPlacesLoader(yaml.SafeLoader):
    """Composes each alias (``*name``) as a copy of its anchor's node that starts where the
    alias is written, so a mistake in a value reached through an alias is shown there,
    not at the anchor. The copy is shallow: a mapping or list is still shared."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if not self.check_event(yaml.AliasEvent):
            return super().compose_node(parent, index)
        event = self.peek_event()
        anchored = super().compose_node(parent, index)
        if anchored is None:
            return None
        placed = copy.copy(anchored)
        placed.start_mark, placed.end_mark = event.start_mark, event.end_mark
        return placed


# libyaml's composer (when PyYAML was built with it, as its wheels are) makes the same node
# tree, with the same tags and marks, about ten times faster: every YAML file of the
# built-in library and the tests composes identically (only a plain scalar's style is ''
# instead of None, which guided never reads). Anything it refuses is composed again by the
# pure-Python composer, whose messages the hints below know. It recurses in C, so it is
# only given text whose nesting is plainly shallow (see _for_libyaml).
_FAST = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
_MAX_FAST_DEPTH = 100
_INDICATORS = re.compile(r"(?:^|\s)[-?:](?=\s|$)")
# Where libyaml is more lenient than the pure-Python composer (found by fuzzing the library
# with both, and by a review): a tab ('a: b<tab>'), '?' inside a flow collection, even one
# that spans lines ('{sound: soft-bel?l}'), a byte order mark after the start, a comment
# glued to a block scalar's '|' or '>', and tags ('description: !' is text to libyaml and
# nothing to PyYAML; '[!!str, b]' ends the tag at the comma). Such text goes the
# pure-Python way, so it is read, or refused, as before.
_GLUED_COMMENT = re.compile(r"[|>][-+0-9]*#")
_TAG_START = re.compile(r"(?:^|[\s\[{,])!", re.MULTILINE)
_FLOW_OR_QUESTION = re.compile(r"[\[\]{}?]")


def _for_libyaml(text: str) -> bool:
    """Whether libyaml may compose ``text``: nothing libyaml is more lenient about, and no
    node nested more than ``_MAX_FAST_DEPTH`` deep (block nesting needs a deeper indent or
    another indicator on the line; brackets are capped already). Linear in the text."""
    if "\t" in text or "\ufeff" in text[1:] or _GLUED_COMMENT.search(text) \
            or _TAG_START.search(text):
        return False
    depth = 0  # brackets counted anywhere, even in quotes or comments: only ever cautious
    for match in _FLOW_OR_QUESTION.finditer(text):
        char = match.group()
        if char == "?":
            if depth > 0:
                return False
        elif char in "[{":
            depth += 1
        else:
            depth = max(0, depth - 1)
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        if indent + len(_INDICATORS.findall(line)) > _MAX_FAST_DEPTH:
            return False
    return True


def compose(text: str, display: str, *, single: str = "a file", alias_places: bool = False
            ) -> yaml.Node | None:
    """The node tree of one YAML document (None for an empty one), with plain tags only.
    ``single`` names the file in the message about a second document. With
    ``alias_places``, a node reached through an alias has the alias's place."""
    _check_bracket_depth(text, display)
    if not alias_places and _for_libyaml(text):
        try:
            node = yaml.compose(text, Loader=_FAST)
        except (yaml.YAMLError, RecursionError, UnicodeError):
            pass  # the pure-Python composer below says what is wrong, in its own words
        else:
            if node is not None:
                _check_tags(node, display)
            return node
    try:
        node = yaml.compose(text, Loader=_AliasPlacesLoader if alias_places else yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(display, mark.line + 1, mark.column + 1) if mark else Pos(display)
        problem = exc.problem or exc.context or "cannot be read"
        if "another document" in problem:
            problem = f"{single} is a single YAML document; remove the second '---' and what follows"
        found = syntax_hint(text, exc)
        if found is None:
            raise ScriptError(f"YAML syntax: {one_line(problem)}", pos) from None
        hint, (line, col) = found
        raise ScriptError(f"YAML syntax: {hint} ({one_line(problem)})", Pos(display, line, col)) from None
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


_CURLY = "\u201c\u201d\u2018\u2019"  # “ ” ‘ ’, as word processors write quotes
_NO_SPACE_AFTER_COLON = re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w-]*):(?=[^\s:/])")
_NO_SPACE_AFTER_DASH = re.compile(r"^(\s*)-(?=[^\s-])")
_KEY = re.compile(r"^\s*(?:- )?[A-Za-z_][\w-]*:\s")
# A step's name with no colon after it, followed by lines that belong to it ('- repeat 2'
# then 'steps:'): YAML reads the lines as one text and stops at the next ': '.
_STEP_WITHOUT_COLON = re.compile(r"^\s*- (say|pause|bell|section|breathe|repeat|include)\b([^:#]*)$")
# '- repeat: 2' then 'steps:' indented under 'repeat' instead of beside it (a tester's find:
# it was taken for text with ': ' in it, and "put the text in quotes" was no help)
_KEY_WITH_VALUE = re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w-]*):[ \t]+[^\s#]")
_STEP_PART = re.compile(r"^(\s*)(steps|sound):(\s|$)")
_BESIDE = {"repeat": "with 'steps:' beside it", "breathe": "with its options indented under it",
           "bell": "with 'sound:' indented under it"}


def syntax_hint(text: str, exc: yaml.MarkedYAMLError) -> tuple[str, tuple[int, int]] | None:
    """A plain-language hint for the common YAML slips, with the (line, column) it is
    about (1-based), or None. Covers tabs, a list item out of line, a colon inside text,
    curly quotes, an unclosed quote, and a missing space after '-' or ':'."""
    lines = text.splitlines()
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None
    problem = exc.problem or ""
    row = mark.line  # 0-based
    here = lines[row] if row < len(lines) else ""

    def at(line: int, col: int) -> tuple[int, int]:
        return line + 1, col + 1

    if "'\\t'" in problem or "\t" in problem:
        return ("a tab is used here, and YAML needs spaces: replace the tab with spaces",
                at(row, mark.column))
    unclosed = _unclosed_quote(lines, row)
    if unclosed is not None and ("end of stream" in problem or "'<scalar>'" in problem
                                 or "quoted scalar" in (exc.context or "")):
        line, col, quote = unclosed
        return (f"the quote {quote} opened here is never closed: end the text with {quote}, "
                "on the same line", at(line, col))
    if "'<scalar>'" in problem and mark.column > 0 and here[:mark.column].rstrip()[-1:] in "\"'":
        return ("text goes on after a closing quote: put the whole text in quotes, "
                "using the other kind of quote inside, e.g. say: '\"Hello\", she said'",
                at(row, mark.column))
    for line in range(min(row, len(lines) - 1), max(-1, row - 2), -1):
        match = _NO_SPACE_AFTER_COLON.match(lines[line])
        if match and ("mapping values" in problem or "expected ':'" in problem):
            key = match.group(2)
            return (f"put a space after the colon: '{key}: ...'", at(line, match.end(2)))
    match = _NO_SPACE_AFTER_DASH.match(here)
    if match and "block end" in problem:
        return ("put a space after the '-' that starts a list item: '- ...'", at(row, match.end(1)))
    if "mapping values" in problem and row > 0:
        match = _STEP_WITHOUT_COLON.match(lines[row - 1])
        if match:
            kind, value = match.group(1), match.group(2).strip()
            written = f"{kind}: {value}" if value else f"{kind}:"
            beside = _BESIDE.get(kind, "")
            return (f"a colon is missing after '{kind}': write '- {written}'"
                    + (f" {beside}" if beside else ""), at(row - 1, match.start(1)))
    if "mapping values" in problem and row > 0:
        above, this = _KEY_WITH_VALUE.match(lines[row - 1]), _STEP_PART.match(here)
        if above and this and len(this.group(1)) > above.start(2):
            return (f"'{this.group(2)}:' is indented further than '{above.group(2)}:' above it: "
                    f"start it in the same column as '{above.group(2)}' (column "
                    f"{above.start(2) + 1})", at(row, len(this.group(1))))
    if "mapping values" in problem:
        curly = next((c for c in here if c in _CURLY), None)
        example = _quoted_example(here)
        if curly:
            return (f"this text has ': ' in it, and its curly quotes ({curly}), as a word processor "
                    "writes them, do not count as quotes in YAML: put the whole text in straight "
                    f"quotes{example}", at(row, mark.column))
        return ("this text has ': ' in it, which YAML reads as the start of a new name: put the "
                f"whole text in quotes{example}", at(row, mark.column))
    if "block end" in problem and here.lstrip().startswith("-"):
        dash = len(here) - len(here.lstrip())
        expected = _list_column(lines, row)
        if expected is not None and expected != dash:
            return (f"this list item starts in column {dash + 1}, but the ones above it start in "
                    f"column {expected + 1}: line up the '- ' of every item in a list",
                    at(row, dash))
        return ("this list item is not lined up with the ones above it: every '- ' in a list "
                "starts in the same column", at(row, dash))
    return None


def _unclosed_quote(lines: list[str], upto: int) -> tuple[int, int, str] | None:
    """The first line at or before ``upto`` whose value opens a quote it never closes."""
    for number, line in enumerate(lines[: upto + 1]):
        match = re.match(r"^\s*(?:- )?(?:[A-Za-z_][\w-]*:\s+)?([\"'])", line)
        if not match:
            continue
        quote = match.group(1)
        rest = line[match.end():]
        closed = re.search(r'(?<!\\)"', rest) if quote == '"' else re.search(r"'(?!')", rest.replace("''", ""))
        if not closed:
            return number, match.start(1), quote
    return None


def _quoted_example(line: str) -> str:
    """``, e.g. say: "Note: this"`` for the text on ``line``."""
    match = re.match(r"^\s*(?:- )?([A-Za-z_][\w-]*):\s+(.+?)\s*$", line)
    if not match:
        return ""
    key, value = match.groups()
    shown = value if len(value) <= 40 else value[:39] + "…"
    if '"' in value and "'" not in value:  # text with double quotes: single quotes around it
        return f", e.g. {key}: '{shown}'"
    shown = shown.replace("\\", "\\\\").replace('"', '\\"')
    return f', e.g. {key}: "{shown}"'


def _list_column(lines: list[str], row: int) -> int | None:
    """The column of the '- ' of the nearest list item above ``row``."""
    for line in reversed(lines[:row]):
        stripped = line.lstrip()
        if stripped.startswith("- ") or stripped == "-":
            return len(line) - len(stripped)
    return None


def load_nodes(path: Path, *, max_bytes: int, what: str, display: str | None = None,
               alias_places: bool = False) -> yaml.Node | None:
    """Read, decode and compose a small YAML file in one step (None when it is empty)."""
    display = display or str(path)
    text = decode(read_bytes(path, Pos(display), max_bytes=max_bytes, what=what), display)
    if is_blank(text):
        return None
    return compose(text, display, single=what, alias_places=alias_places)


# The scalars whose text PyYAML turns into a value of a kind, what it calls each, and what
# a person reading the message would call it.
_TYPED = {INT: ("construct_yaml_int", "a whole number"), FLOAT: ("construct_yaml_float", "a number"),
          BOOL: ("construct_yaml_bool", "true or false"), TIMESTAMP: ("construct_yaml_timestamp", "a date")}


def typed_value(node: yaml.ScalarNode) -> object:
    """The value of a number, true/false or date scalar; None when its text is not of its
    kind, as with a tag written by hand (``rate: !!int x``, ``!!bool maybe``) or a form
    YAML takes for a number that is none (``0x_``): PyYAML's constructor stops there
    with a bare ValueError, IndexError or KeyError."""
    try:
        return getattr(yaml.constructor.SafeConstructor(), _TYPED[node.tag][0])(node)
    except (ValueError, IndexError, KeyError, AttributeError, OverflowError):
        return None


def constructed(node: yaml.Node, display: str) -> object:
    """The Python value of a node tree from ``compose`` (plain tags only); a scalar whose
    text is not of its kind (``typed_value``) is a ``ScriptError`` at its place."""
    for item in _each_node(node):
        if isinstance(item, yaml.ScalarNode) and item.tag in _TYPED and typed_value(item) is None:
            raise ScriptError(f"'{one_line(item.value)[:40]}' is taken for {_TYPED[item.tag][1]} "
                              "(by its form or a YAML tag), but is not one", node_pos(display, item))
    return yaml.SafeLoader("").construct_document(node)


def _as_file(what: str) -> str:
    """"a script" -> "a script file"; "a settings file" stays as it is."""
    return what if what.endswith(" file") else f"{what} file"


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


def _each_node(root: yaml.Node) -> Iterator[yaml.Node]:
    """Every node of the tree once (an alias shares its anchor's), in document order,
    without recursion."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack.extend((value, key))


def _check_tags(root: yaml.Node, display: str) -> None:
    """Reject tags that are not plain YAML types (e.g. ``!!python/object``), in document order."""
    for node in _each_node(root):
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
        if node.tag == INT and len(node.value) > MAX_NUMBER_CHARACTERS:
            # past 4,300 digits Python refuses to read it (a ValueError, "internal error")
            raise ScriptError(f"a number of {len(node.value):,} characters is far beyond any "
                              "value guided takes; write a shorter one", node_pos(display, node))


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1
