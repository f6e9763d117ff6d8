"""How each step of a script is read from its YAML node: ``say``, ``pause``, ``bell``,
``section``, ``breathe``, ``repeat`` (``include`` is the loader's, which reads the other
file), with a one-line message for every slip, most of all the common ones (a missing
colon, options indented beside the step, a stray key).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import cast

import yaml

from guided.errors import Pos, ScriptError
from guided.script.hygiene import NOTHING_TO_SAY, speakable
from guided.script.model import (
    BELL_SOUNDS,
    BREATH_CUES,
    MAX_DEPTH,
    MAX_SAY_CHARS,
    REPEAT_RANGE,
    Bell,
    Breathe,
    Include,
    Pause,
    Repeat,
    Say,
    Section,
    Step,
)
from guided.script.nodes import Gather, NodeReader, describe, is_null, mapping_node, short
from guided.script.placeholders import placeholder_names
from guided.script.suggest import did_you_mean
from guided.script.yamlfile import NULL

STEP_KEYS = ("say", "pause", "bell", "section", "breathe", "repeat", "include")
BREATHE_KEYS = ("in", "hold", "out", "hold_out", "cycles", "cue")
BREATHE_CYCLES_DEFAULT = 1
CYCLES_RANGE = (1, 100)

_LEADING_WORD = re.compile(r"\s*([A-Za-z_]+)")


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


class StepReader(NodeReader):
    """Reads steps; the loader's ``_Builder`` adds the script's top level and ``include``."""

    def include(self, node: yaml.Node, pos: Pos, depth: int) -> Include:
        raise NotImplementedError  # the loader's: it loads the other file

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
