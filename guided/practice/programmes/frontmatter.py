"""A programme's front matter: title, description, duration, category, sequence, and
for the audio voice, language, rate, pace, step-pause; ``links: true`` lets plain https
links be followed on the page. Unknown keys are kept and shown, one warning each."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

import yaml

from guided.errors import Pos, ScriptError
from guided.practice.programmes import words
from guided.practice.programmes.model import Programme
from guided.script.model import PACE_RANGE, RATE_RANGE

KNOWN = ("title", "description", "duration", "category", "sequence", "author",
         "voice", "language", "rate", "pace", "step-pause", "links")
MAX_TEXT = 2000


class Problems(Protocol):
    def error(self, pos: Pos, message: str) -> None: ...

    def warn(self, pos: Pos, message: str) -> None: ...


def read(text: str, first_line: int, display: str, problems: Problems) -> dict[str, tuple[str, Pos]]:
    """``key -> (value as text, where)``; mistakes go to ``problems``."""
    from guided.script.yamlfile import compose

    try:
        node = compose(text, display, single="front matter")
    except ScriptError as exc:
        pos = exc.pos or Pos(display)
        problems.error(Pos(display, pos.line + first_line - 1, pos.col) if pos.line else Pos(display, 1, 1),
                       f"in the front matter: {exc.message}")
        return {}
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        problems.error(Pos(display, first_line, 1), "the front matter should be 'key: value' lines "
                                                    "(title: …, description: …)")
        return {}
    found: dict[str, tuple[str, Pos]] = {}
    for key, value in node.value:
        where = Pos(display, key.start_mark.line + first_line, key.start_mark.column + 1)
        name = str(key.value) if isinstance(key, yaml.ScalarNode) else ""
        if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
            problems.error(where, "each front-matter key needs one plain value ('title: My programme')")
            continue
        if name in found:
            problems.error(where, f"'{name}' appears twice in the front matter")
            continue
        from guided.script.hygiene import text_problem

        problem = text_problem(name) or text_problem(str(value.value))
        if problem:  # a YAML escape ("\e[2J") the file's own check could not see
            problems.error(Pos(display, value.start_mark.line + first_line, value.start_mark.column + 1),
                           f"the front matter's '{name}': {problem}")
            continue
        words = " ".join(str(value.value).split())
        if len(words) > MAX_TEXT:
            problems.error(where, f"'{name}' is longer than {MAX_TEXT} characters")
            continue
        found[name] = (words, Pos(display, value.start_mark.line + first_line, value.start_mark.column + 1))
        if name not in KNOWN:
            from guided.script.suggest import did_you_mean

            problems.warn(where, f"'{name}' is not a key guided uses{did_you_mean(name, KNOWN)}; "
                                 "it is kept and shown with the programme")
    return found


def apply(programme: Programme, meta: dict[str, tuple[str, Pos]], problems: Problems) -> Programme:
    changes: dict[str, object] = {"meta": {key: value for key, (value, _) in meta.items()}}
    for key in ("title", "description"):
        if key in meta and meta[key][0]:
            changes[key] = meta[key][0]
    if "duration" in meta:
        weeks = words.WEEKS.match(meta["duration"][0])
        if weeks and 1 <= int(weeks.group(1)) <= 52:
            changes["weeks_written"] = int(weeks.group(1))
        else:
            problems.error(meta["duration"][1], "'duration' is written in weeks, 1 to 52 (duration: 6 weeks)")
    if "step-pause" in meta:
        from guided.script.durations import parse_duration

        try:
            seconds = parse_duration(meta["step-pause"][0])
            if not 0 < seconds <= 3600:
                raise ValueError("a step's pause is more than 0 and at most an hour")
            changes["step_seconds"] = seconds
        except ValueError as exc:
            problems.error(meta["step-pause"][1], f"'step-pause': {exc}")
    if "rate" in meta:
        value = meta["rate"][0]
        if value.isdigit() and RATE_RANGE[0] <= int(value) <= RATE_RANGE[1]:
            changes["rate"] = int(value)
        else:
            problems.error(meta["rate"][1], f"'rate' is words per minute, {RATE_RANGE[0]} to {RATE_RANGE[1]}")
    if "pace" in meta:
        try:
            pace = float(meta["pace"][0])
            if not PACE_RANGE[0] <= pace <= PACE_RANGE[1]:
                raise ValueError
            changes["pace"] = pace
        except ValueError:
            problems.error(meta["pace"][1], f"'pace' is a number from {PACE_RANGE[0]} to {PACE_RANGE[1]}")
    if "language" in meta:
        from guided.script.langtag import language_problem

        problem = language_problem(meta["language"][0])
        if problem:
            problems.error(meta["language"][1], problem)
        else:
            changes["language"] = meta["language"][0]
    if "voice" in meta and meta["voice"][0]:
        changes["voice"] = meta["voice"][0]
    if "links" in meta:
        value = meta["links"][0].lower()
        if value not in ("true", "false", "yes", "no"):
            problems.error(meta["links"][1], "'links' is true or false (whether the page may open plain "
                                             "https links)")
        changes["links"] = value in ("true", "yes")
    return replace(programme, **changes)  # type: ignore[arg-type]
