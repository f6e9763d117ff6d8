"""Load a practice script (format 1) from YAML into the immutable ``guided.script.model.Script``:
the file, its top level and its includes (each step is read by ``guided.script.steps``).

The YAML is *composed* (never constructed) with PyYAML's safe loader, so no tag can
build an object; the model is then built from the node tree by hand, which keeps
every line and column for error messages. Every problem is a one-line
``ScriptError`` pointing at ``file:line:col`` and saying what was expected.

Limits from the format contract are enforced here, before anything is expanded:
file size, ``say`` length, nesting depth, aliases expanding too far, and (through
``guided.script.lengths.check_limits``) the 4-hour total and the number of steps.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from guided.errors import Pos, ScriptError, ScriptErrors
from guided.paths import YAML_SUFFIXES
from guided.script.cuewords import read_cues
from guided.script.lengths import check_limits
from guided.script.model import (
    AMBIENCES,
    FORMAT_VERSION,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    PACE_RANGE,
    PRACTICE_KINDS,
    RATE_RANGE,
    VARIABLE_NAME,
    Fits,
    Include,
    Script,
    Step,
)
from guided.script.nodes import (
    NodeBudget,
    construct,
    describe,
    short,
    short_path,
)
from guided.script.steps import STEP_KEYS, StepReader
from guided.script.suggest import did_you_mean
from guided.script.yamlfile import (
    INT,
    NULL,
    compose,
    decode,
    is_blank,
    read_bytes,
)

TOP_LEVEL_KEYS = (
    "format", "title", "practice", "description", "author", "language", "original", "voice",
    "rate", "pace", "variables", "ambience", "fits", "cues", "steps",
)
SCRIPT_SUFFIXES = YAML_SUFFIXES

PRACTICE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}\Z")


def load_script(path: Path | str, *, name: str = "") -> Script:
    """Load and validate the script at ``path`` (errors show ``path`` as given).

    ``name`` is the short name shown on the command line; it defaults to the file stem.
    Raises ``ScriptError`` for anything wrong with the file or what it includes.
    """
    path = Path(path)
    state = _LoadState()
    script = _load_file(path, str(path), state, chain=(), depth=0)
    if state.errors:
        partial = None if state.variables_failed else script
        raise ScriptErrors(state.errors, partial=partial)
    check_limits(script)
    return replace(script, name=name or path.stem, source_hash=state.hasher.hexdigest())


# --------------------------------------------------------------------------- reading


@dataclass
class _LoadState:
    """State of one ``load_script`` call (shared by the files it includes)."""

    hasher: Any = field(default_factory=hashlib.sha256)  # a hashlib sha256 object
    budget: NodeBudget = field(default_factory=NodeBudget)  # YAML nodes visited, all files
    # Included files already loaded, by (resolved path, depth): a file included many times
    # is read once, so includes cannot multiply into an exponential number of loads.
    included: dict[tuple[Path, int], Script] = field(default_factory=dict)
    # Mistakes so far: loading goes on past a bad key or step, so check lists them all.
    errors: list[ScriptError] = field(default_factory=list)
    variables_failed: bool = False  # then the steps that loaded cannot be checked for values


def _load_file(path: Path, display: str, state: _LoadState, chain: tuple[Path, ...],
               depth: int) -> Script:
    data = read_bytes(path, Pos(display), max_bytes=MAX_FILE_BYTES, what="a script")
    state.hasher.update(data)
    text = decode(data, display)
    root = None if is_blank(text) else compose(text, display, single="a script")
    if root is None:
        raise ScriptError(
            "file is empty: a script needs at least 'title' and 'steps'", Pos(display, 1, 1)
        )
    builder = _Builder(display, path, state, chain + (path.resolve(),))
    return builder.script(root, depth)


# --------------------------------------------------------------------------- building


class _Builder(StepReader):
    """Builds the model from one file's node tree (its steps: ``StepReader``)."""

    def __init__(self, display: str, path: Path, state: _LoadState, chain: tuple[Path, ...]):
        super().__init__(display, state.budget, errors=state.errors)
        self.path = path
        self.state = state
        self.chain = chain

    # -- the script

    def script(self, root: yaml.Node, depth: int) -> Script:
        if not isinstance(root, yaml.MappingNode):
            raise self.fail(
                f"expected a mapping with 'title:' and 'steps:' at the top, found {describe(root)}", root
            )
        fields: dict[str, object] = {}
        steps: tuple[Step, ...] | None = None
        seen: set[str] = set()
        places: dict[str, Pos] = {}
        missing: list[ScriptError] = []
        before = len(self.errors)
        for key, key_node, value in self.mapping(root, "a mapping"):
            seen.add(key)
            places[key] = self.pos(value)
            if key not in TOP_LEVEL_KEYS:
                hint = did_you_mean(key, TOP_LEVEL_KEYS + STEP_KEYS)
                if key in STEP_KEYS:
                    hint = " (steps go in the list under 'steps:')"
                seen.update(k for k in ("title", "steps") if f"'{k}'" in hint)  # not missing too
                self.note(self.fail(f"unknown key '{short(key)}'{hint}", key_node))
            elif key == "steps":
                steps = self.attempt(self.steps, value, depth, "'steps'")
            else:
                found = self.attempt(self.top_level, key, value)
                if found is not None:
                    fields[key] = found
                elif key == "variables":
                    self.state.variables_failed = True
        fits = fields.get("fits")
        if isinstance(fits, Fits) and fits.levels is None and not fields.get("original"):
            from guided.script.fits import MISSING_DISTRESS

            self.note(ScriptError(MISSING_DISTRESS, places["fits"]))
        if "title" not in seen:
            missing.append(self.fail("missing 'title': every script needs a title", root))
        if "steps" not in seen:
            missing.append(self.fail("missing 'steps': add a list of steps, e.g. '- say: Welcome.'", root))
        self.errors[before:before] = missing  # they point at the top of the file: first
        if len(self.errors) > before:  # what did load, for further checks; load_script raises
            fields.setdefault("title", "?")
        return Script(steps=steps or (), path=self.path, pos=self.pos(root), value_pos=places,
                      **fields)  # type: ignore[arg-type]

    def top_level(self, key: str, node: yaml.Node) -> object:
        if key == "format":
            self.visit(node)
            if not (isinstance(node, yaml.ScalarNode) and node.tag == INT):
                raise self.fail(f"expected the format version number ({FORMAT_VERSION})", node)
            version = construct(node)
            if version != FORMAT_VERSION:
                raise self.fail(
                    f"unknown format version {node.value}: this guided reads format {FORMAT_VERSION}",
                    node,
                )
            return version
        if key == "title":
            title = self.text(node, "'title'").strip()
            if not title:
                raise self.fail("'title' is empty: give the practice a short name", node)
            return title
        if key == "practice":
            return self.choice(node, "practice kind", PRACTICE_KINDS)
        if key == "ambience":
            return self.choice(node, "ambience", AMBIENCES)
        if key == "language":
            return self.language(node)
        if key == "original":  # the practice this one translates (guided.script.library)
            return self.name(node, "'original' (the name of the practice this one translates)")
        if key in ("description", "author"):
            return self.text(node, f"'{key}'").strip()
        if key == "voice":
            voice = self.text(node, "'voice' (a voice id, see `guided voices`)").strip()
            if not voice:
                raise self.fail("'voice' is empty: name a voice id (see `guided voices`) "
                                "or leave the key out", node)
            return voice
        if key == "rate":
            return self.integer(node, "'rate' (words per minute)", *RATE_RANGE)
        if key == "pace":
            return self.number(node, "'pace'", *PACE_RANGE)
        if key == "variables":
            return self.variables(node)
        if key == "cues":
            return read_cues(self, node)
        if key == "fits":
            from guided.script.fits import read_fits

            return read_fits(self, node)
        raise AssertionError(key)  # pragma: no cover - TOP_LEVEL_KEYS are all handled

    def language(self, node: yaml.Node) -> str:
        from guided.script.langtag import language_problem

        tag = self.text(node, "'language'").strip()
        problem = language_problem(tag)
        if problem:
            raise self.fail(problem, node)
        return tag

    def name(self, node: yaml.Node, what: str) -> str:
        name = self.text(node, what).strip()
        if not PRACTICE_NAME.match(name):
            raise self.fail(f"{what}: '{short(name)}' is not a practice name: use letters, "
                            "digits, '-' or '_', as in 'grounding'", node)
        return name

    def variables(self, node: yaml.Node) -> dict[str, str]:
        if isinstance(node, yaml.ScalarNode) and node.tag == NULL:
            return {}
        result: dict[str, str] = {}
        for name, key_node, value in self.mapping(node, "a mapping of names to default text"):
            if not VARIABLE_NAME.match(name):
                raise self.fail(
                    f"'{short(name)}' is not a variable name: use letters, digits, '_' or '-', "
                    "starting with a letter",
                    key_node,
                )
            self.visit(value)
            if isinstance(value, yaml.ScalarNode) and value.tag == NULL:
                continue  # declared without a default: --var must supply it
            result[name] = self.text(value, f"variable '{name}'")
        return result

    # -- steps

    def include(self, node: yaml.Node, pos: Pos, depth: int) -> Include:
        ref = self.text(node, "'include' (a path relative to this script)").strip()
        if depth + 1 > MAX_DEPTH:
            raise self.fail(f"repeat/include nested more than {MAX_DEPTH} deep", node)
        if not ref:
            raise self.fail("'include' needs the path of another script", node)
        if Path(ref).is_absolute() or ref.startswith("~"):
            raise self.fail("'include' takes a path relative to this script's folder", node)
        folder = self.path.parent.resolve()
        try:
            target = (folder / ref).resolve()
            target.stat()
        except FileNotFoundError:
            pass  # said below, after the folder and cycle rules
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or "not a usable path"
            raise self.fail(f"cannot include '{short(ref)}': {reason.lower()}", node) from None
        if not target.is_relative_to(folder):
            raise self.fail(
                f"cannot include '{short(ref)}': included scripts must be in this script's folder or below it",
                node,
            )
        if target in self.chain:
            names = [short_path(p, folder) for p in self.chain[self.chain.index(target):]]
            names.append(short_path(target, folder))
            raise self.fail(f"include cycle: {' → '.join(names)}", node)
        if not target.exists():
            raise self.fail(f"cannot include '{short(ref)}': no such file", node)
        if not target.is_file():
            raise self.fail(f"cannot include '{short(ref)}': it is not a script file", node)
        display = str(Path(self.display).parent / ref)
        key = (target, depth + 1)
        included = self.state.included.get(key)
        if included is None:
            included = _load_file(self.path.parent / ref, display, self.state, self.chain,
                                  depth + 1)
            self.state.included[key] = included
        return Include(target, included.steps, pos)

