"""Load a practice script (format 1) from YAML into the immutable ``guided.script.model.Script``.

The YAML is *composed* (never constructed) with PyYAML's safe loader, so no tag can
build an object; the model is then built from the node tree by hand, which keeps
every line and column for error messages. Every problem is a one-line
``ScriptError`` pointing at ``file:line:col`` and saying what was expected.

Limits from the format contract are enforced here, before anything is expanded:
file size, ``say`` length, nesting depth, aliases expanding too far, and (through
``guided.timeline.estimate.check_limits``) the 4-hour total and the number of steps.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import yaml

from guided.errors import Pos, ScriptError, ScriptErrors
from guided.paths import YAML_SUFFIXES
from guided.script.hygiene import NOTHING_TO_SAY, speakable
from guided.script.lengths import check_limits
from guided.script.model import (
    AMBIENCES,
    BELL_SOUNDS,
    BREATH_CUES,
    FORMAT_VERSION,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_SAY_CHARS,
    PACE_RANGE,
    PRACTICE_KINDS,
    RATE_RANGE,
    REPEAT_RANGE,
    VARIABLE_NAME,
    Bell,
    Breathe,
    Include,
    Pause,
    Repeat,
    Say,
    Script,
    Section,
    Step,
)
from guided.script.nodes import (
    Gather,
    NodeBudget,
    NodeReader,
    construct,
    describe,
    is_null,
    mapping_node,
    short,
    short_path,
)
from guided.script.placeholders import placeholder_names
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
    "format", "title", "practice", "description", "author", "language", "voice",
    "rate", "pace", "variables", "ambience", "steps",
)
STEP_KEYS = ("say", "pause", "bell", "section", "breathe", "repeat", "include")
BREATHE_KEYS = ("in", "hold", "out", "hold_out", "cycles", "cue")
BREATHE_CYCLES_DEFAULT = 1
CYCLES_RANGE = (1, 100)
SCRIPT_SUFFIXES = YAML_SUFFIXES

_LEADING_WORD = re.compile(r"\s*([A-Za-z_]+)")


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


def _missing_colon(kind: str, rest: str, *, quote: bool = False) -> str:
    """What to write for a step with no colon after its key (``- pause 5s``), using the
    value written after it where that makes a good example."""
    if quote:  # the text has a colon of its own further on, so YAML read it as a key
        return (f"a colon is missing after '{kind}': write '- {kind}: ' before the text, and put "
                "text that has a colon of its own in quotes: '- say: \"Notice: your breath\"'")
    example = {
        "say": f"say: {short(rest)}", "pause": f"pause: {short(rest)}",
        "section": f"section: {short(rest)}", "include": f"include: {short(rest)}",
        "repeat": f"repeat: {short(rest)}' with 'steps:' beside it, indented like 'repeat",
        "bell": f"bell: {{sound: {rest if rest in BELL_SOUNDS else 'chime'}}}",
        "breathe": "breathe: {in: 4, out: 6, cycles: 3}",
    }[kind]
    return f"a colon is missing after '{kind}': write '- {example}'"


class _Builder(NodeReader):
    """Builds the model from one file's node tree."""

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
        raise AssertionError(key)  # pragma: no cover - TOP_LEVEL_KEYS are all handled

    def language(self, node: yaml.Node) -> str:
        from guided.script.langtag import language_problem

        tag = self.text(node, "'language'").strip()
        problem = language_problem(tag)
        if problem:
            raise self.fail(problem, node)
        return tag

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

    def steps(self, node: yaml.Node, depth: int, what: str) -> tuple[Step, ...]:
        self.visit(node)
        if not isinstance(node, yaml.SequenceNode):
            dash = (isinstance(node, yaml.MappingNode) and bool(node.value)
                    and str(node.value[0][0].value).startswith("-"))
            hint = "; put a space after the '-' of each step: '- say: ...'" if dash else ""
            raise self.fail(f"expected a list of steps under {what}, found {describe(node)}{hint}", node)
        if not node.value:
            raise self.fail(f"{what} is empty: add at least one step", node)
        steps = (self.attempt(self.step, item, depth) for item in node.value)
        return tuple(step for step in steps if step is not None)

    def step(self, node: yaml.Node, depth: int) -> Step:
        self.visit(node)
        if isinstance(node, yaml.ScalarNode) and node.tag != NULL:
            return self.bare_step(node)
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(f"expected a step such as '- say: ...' or '- bell', found {describe(node)}", node)
        items = self.mapping(node, "a step")
        if not items:
            raise self.fail("empty step: write e.g. '- say: ...' or '- pause: 5s'", node)
        keys = [key for key, _, _ in items if key in STEP_KEYS]
        if not keys:
            key, key_node, _ = items[0]
            if key == "steps":
                raise self.fail("'steps:' inside a step belongs beside 'repeat: N'", key_node)
            match = _LEADING_WORD.match(key)
            if match and match.group(1) in STEP_KEYS and key[match.end():].strip():
                # '- say Welcome: settle in': the colon meant for the text ended the key
                raise self.fail(_missing_colon(match.group(1), "", quote=True), key_node)
            raise self.fail(f"unknown step '{short(key)}'{did_you_mean(key, STEP_KEYS)}", key_node)
        if len(keys) > 1:
            second = next(k for k in items if k[0] == keys[1])
            raise self.fail(
                f"one step per list item: found '{keys[0]}' and '{keys[1]}' "
                "(start each step with its own '- ')",
                second[1],
            )
        kind = keys[0]
        extras = [(key, key_node, value) for key, key_node, value in items if key != kind]
        value = next(v for k, _, v in items if k == kind)
        if kind == "repeat":
            return self.repeat(node, value, {k: (kn, v) for k, kn, v in extras}, depth)
        gather = Gather(self.budget)  # a stray key beside the step and a mistake in its value: both
        if extras and kind in ("bell", "breathe") and is_null(value):
            # Options written beside the step key instead of indented under it:
            #   - breathe:
            #     in: 4
            # Unambiguous, and a very common indentation slip, so it is read as meant.
            value = mapping_node(extras)
        else:
            for key, key_node, _ in extras:
                hint = did_you_mean(key, STEP_KEYS)
                if key == "steps":
                    message = f"'steps:' belongs beside 'repeat: N', not beside '{kind}'"
                elif hint:
                    message = f"unknown step '{short(key)}'{hint}"
                else:
                    message = f"'{kind}' takes no option '{short(key)}' beside it"
                gather.add(self.fail(message, key_node))
        step = gather.get(self.one_step, kind, value, self.pos(node), depth)
        gather.done()
        assert step is not None  # done() raised otherwise
        return step

    def one_step(self, kind: str, value: yaml.Node, pos: Pos, depth: int) -> Step:
        if kind == "say":
            return self.say(value, pos)
        if kind == "pause":
            written = value.value if isinstance(value, yaml.ScalarNode) else ""
            return Pause(self.duration(value, "'pause'"), pos, written=written)
        if kind == "bell":
            return self.bell(value, pos)
        if kind == "section":
            title = self.text(value, "'section' (its title)").strip()
            if not title:
                raise self.fail("'section' needs a title, e.g. '- section: Breathing'", value)
            return Section(title, pos)
        if kind == "breathe":
            return self.breathe(value, pos)
        return self.include(value, pos, depth)

    def bare_step(self, node: yaml.ScalarNode) -> Step:
        word = node.value.strip()
        if word == "bell":
            return Bell("bell", self.pos(node))
        if word in STEP_KEYS:
            example = {"say": "say: Welcome.", "pause": "pause: 5s", "section": "section: Arriving",
                       "breathe": "breathe: {in: 4, out: 6, cycles: 3}",
                       "repeat": "repeat: 2' with 'steps:' beside it",
                       "include": "include: other.yaml"}[word]
            raise self.fail(f"'{word}' needs a value, e.g. '- {example}'", node)
        match = _LEADING_WORD.match(word)
        head = match.group(1) if match else word
        rest = word[match.end():] if match else ""
        if head in STEP_KEYS and rest.startswith(":"):
            raise self.fail(f"put a space after the colon: '- {head}: ...'", node)
        if head in STEP_KEYS and rest.strip():
            raise self.fail(_missing_colon(head, rest.strip()), node)
        hint = did_you_mean(head, STEP_KEYS)
        if hint:
            raise self.fail(f"unknown step '{short(head)}'{hint}", node)
        raise self.fail(
            f"expected a step such as '- say: ...' or '- bell', found the text '{short(word)}'", node
        )

    def say(self, node: yaml.Node, pos: Pos) -> Say:
        text = self.text(node, "'say'")
        if len(text) > MAX_SAY_CHARS:
            raise self.fail(
                f"this 'say' has {len(text)} characters; one 'say' may have at most "
                f"{MAX_SAY_CHARS} (split it into several)",
                node,
            )
        if not text.strip():
            raise self.fail("'say' is empty: give it something to say", node)
        try:
            names = placeholder_names(text)  # checks placeholder syntax
        except ScriptError as exc:
            raise self.fail(exc.message, node) from None
        if not names and not speakable(text):  # with placeholders: checked once filled
            raise self.fail(NOTHING_TO_SAY, node)
        return Say(text, pos)

    def bell(self, node: yaml.Node, pos: Pos) -> Bell:
        self.visit(node)
        if isinstance(node, yaml.ScalarNode):
            if node.tag == NULL:
                return Bell("bell", pos)
            return Bell(self.choice(node, "bell sound", BELL_SOUNDS), pos)
        sound = "bell"
        for key, key_node, value in self.mapping(node, "'sound: ...' under 'bell'"):
            if key != "sound":
                raise self.fail(f"'bell' has only the option 'sound'{did_you_mean(key, ('sound',))}",
                                key_node)
            sound = self.choice(value, "bell sound", BELL_SOUNDS)
        return Bell(sound, pos)

    def breathe(self, node: yaml.Node, pos: Pos) -> Breathe:
        gather = Gather(self.budget)  # every mistake in the options, not only the first
        options: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, key_node, value in self.mapping(node, "a mapping such as {in: 4, out: 6, cycles: 3}"):
            if key not in BREATHE_KEYS:
                gather.add(self.fail(
                    f"unknown 'breathe' option '{short(key)}'{did_you_mean(key, BREATHE_KEYS)}; "
                    f"expected: {', '.join(BREATHE_KEYS)}",
                    key_node,
                ))
            options[key] = (key_node, value)
        for required in ("in", "out"):
            if required not in options:
                gather.add(self.fail(f"'breathe' needs '{required}:' (seconds)", node))

        def seconds(key: str, positive: bool = False) -> float | None:
            if key not in options:
                return 0.0
            return gather.get(lambda: self.duration(options[key][1], f"breathe '{key}'",
                                                    positive=positive))

        inhale, exhale = seconds("in", positive=True), seconds("out", positive=True)
        hold, hold_out = seconds("hold"), seconds("hold_out")
        cycles = (gather.get(self.integer, options["cycles"][1], "breathe 'cycles'", *CYCLES_RANGE)
                  if "cycles" in options else BREATHE_CYCLES_DEFAULT)
        cue = (gather.get(self.choice, options["cue"][1], "breathe 'cue'", BREATH_CUES)
               if "cue" in options else "voice")
        gather.done()  # raises when any of them is None
        return Breathe(inhale=cast(float, inhale), exhale=cast(float, exhale),
                       cycles=cast(int, cycles), hold=cast(float, hold),
                       hold_out=cast(float, hold_out), cue=cast(str, cue), pos=pos)

    def repeat(self, node: yaml.Node, value: yaml.Node,
               extras: Mapping[str, tuple[yaml.Node, yaml.Node]], depth: int) -> Repeat:
        gather = Gather(self.budget)  # a stray key, the count and the steps: each mistake
        for key, (key_node, _) in extras.items():
            if key != "steps":
                hint = did_you_mean(key, ("steps",) + STEP_KEYS)
                gather.add(self.fail(f"'repeat' takes only 'steps:' beside it, not '{short(key)}'{hint}",
                                     key_node))
        count = gather.get(self.integer, value, "'repeat' (how many times)", *REPEAT_RANGE)
        steps: tuple[Step, ...] | None = None
        if "steps" not in extras:
            gather.add(self.fail("'repeat' needs 'steps:' beside it, indented like 'repeat'", node))
        elif depth + 1 > MAX_DEPTH:
            gather.add(self.fail(f"repeat/include nested more than {MAX_DEPTH} deep", node))
        else:  # each step on its own (its mistakes are noted as they are found)
            steps = gather.get(self.steps, extras["steps"][1], depth + 1, "'repeat'")
        gather.done()
        return Repeat(cast(int, count), cast(tuple, steps), self.pos(node))

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

