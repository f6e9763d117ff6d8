"""What a journey file is (``Journey``: weeks of days of practices, with reflections)
and how it is read: composed safely like a script (``guided.script.yamlfile``), every
problem one ``file:line:col`` line, within the limits below. Finding journeys, their
practices and where you are in one: ``guided.practice.journeys``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from guided.errors import GuidedError, Pos, ScriptError, ScriptErrors
from guided.script.hygiene import text_problem
from guided.script.nodes import Gather, NodeBudget, NodeReader
from guided.script.yamlfile import FLOAT, INT, MAP, STR, load_nodes

if TYPE_CHECKING:
    from guided.script.model import Script

MAX_BYTES = 1024 * 1024
MAX_WEEKS = 52
MAX_DAYS_PER_WEEK = 7
MAX_PRACTICES_PER_DAY = 5
MAX_TEXT = 2000

TOP_KEYS = ("format", "title", "description", "author", "weeks")
WEEK_KEYS = ("title", "theme", "days")
DAY_KEYS = ("title", "practice", "practices", "reflection", "note")

_SCALARS = {STR, INT, FLOAT}


@dataclass(frozen=True)
class PracticeRef:
    """A practice named in a journey: a library name or a path relative to the journey file."""

    ref: str
    pos: Pos
    script: Script | None = field(default=None, compare=False)  # a programme's own track


@dataclass(frozen=True)
class Day:
    number: int  # 1-based, counted across the whole journey
    week: int  # 1-based
    practices: tuple[PracticeRef, ...]
    title: str = ""
    reflection: str = ""
    note: str = ""
    pos: Pos = Pos("<journey>")
    reflection_pos: Pos | None = None  # where the reflection is written, for messages
    questions: tuple[str, ...] = ()  # a programme's reflection questions, all asked
    focus: str = ""  # a programme's day with no written section: the plan's focus for it

    def asked(self) -> tuple[str, ...]:
        """The questions asked after the day's practice, in order."""
        return self.questions or ((self.reflection,) if self.reflection else ())


@dataclass(frozen=True)
class Week:
    number: int
    title: str
    days: tuple[Day, ...]
    theme: str = ""
    pos: Pos = Pos("<journey>")


@dataclass(frozen=True)
class Journey:
    name: str
    title: str
    weeks: tuple[Week, ...]
    path: Path | None = None
    description: str = ""
    author: str = ""
    programme: object | None = None  # the Markdown programme it was read from, if any

    @property
    def days(self) -> tuple[Day, ...]:
        return tuple(day for week in self.weeks for day in week.days)

    def day(self, number: int) -> Day:
        days = self.days
        if not 1 <= number <= len(days):
            raise GuidedError(f"'{self.name}' has days 1 to {len(days)}; there is no day {number}")
        return days[number - 1]

    def reflections(self) -> list[tuple[Pos, str, str]]:
        """``(pos, text, what)`` of each day's reflection: text whose ``{name}``s are filled
        with the client's values (``filled``)."""
        return [(day.reflection_pos or day.pos, text, f"the reflection of day {day.number}")
                for day in self.days for text in day.asked()]

    def filled(self, values: Mapping[str, str]) -> Journey:
        """This journey with ``{name}`` in its title, description, week and day texts and
        reflections filled from ``values`` (``--var``, ``--vars-file``), as in a script's
        title; any other brace stays as written."""
        from guided.script.placeholders import fill_text

        def fill(text: str) -> str:
            return fill_text(text, values) if text else text

        weeks = tuple(replace(week, title=fill(week.title), theme=fill(week.theme),
                              days=tuple(replace(day, title=fill(day.title), note=fill(day.note),
                                                 reflection=fill(day.reflection), focus=fill(day.focus),
                                                 questions=tuple(fill(q) for q in day.questions))
                                         for day in week.days))
                      for week in self.weeks)
        return replace(self, title=fill(self.title), description=fill(self.description),
                       weeks=weeks)

    def practice_refs(self) -> list[PracticeRef]:
        """Every distinct practice, in order of first use."""
        seen: dict[str, PracticeRef] = {}
        for day in self.days:
            for ref in day.practices:
                seen.setdefault(ref.ref, ref)
        return list(seen.values())


def parse_yaml_journey(path: Path) -> Journey:
    """Read and validate a journey written in YAML; every problem is a ``file:line:col``
    ScriptError. (``guided.practice.journeys.parse_journey`` reads any journey: a Markdown
    programme goes to ``guided.practice.programmes``.)"""
    node = load_nodes(path, max_bytes=MAX_BYTES, what="a journey")
    if node is None:
        raise ScriptError("the journey is empty: it needs a 'title' and 'weeks'",
                          Pos(str(path), 1, 1))
    return _Parser(path).journey(node)


def _suggest(word: str, choices: tuple[str, ...]) -> str:
    from guided.script.suggest import did_you_mean

    return did_you_mean(word, choices) or f" (expected one of: {', '.join(choices)})"


class _Parser(NodeReader):
    """Builds a ``Journey`` from its node tree (positions and the node budget from
    ``NodeReader``, the same as scripts)."""

    def __init__(self, path: Path):
        super().__init__(str(path), NodeBudget(what="journey"))
        self.path = path
        self.day_number = 0

    def fields(self, node: yaml.Node, what: str, keys: tuple[str, ...]) -> dict[str, yaml.Node]:
        self.visit(node)
        if not isinstance(node, yaml.MappingNode) or node.tag != MAP:
            raise ScriptError(f"expected {what} as a mapping of keys ({', '.join(keys)})", self.pos(node))
        result: dict[str, yaml.Node] = {}
        for key, value in node.value:
            self.visit(key)
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name not in keys:  # noted, and the rest is read: every mistake in one run
                self.note(ScriptError(f"unknown key '{name}' in {what}{_suggest(str(name), keys)}",
                                      self.pos(key)))
            elif name in result:
                self.note(ScriptError(f"'{name}' appears twice in {what}", self.pos(key)))
            else:
                result[name] = value
        return result

    def text(self, node: yaml.Node, what: str) -> str:
        self.visit(node)
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _SCALARS:
            raise ScriptError(f"expected text for {what}", self.pos(node))
        problem = text_problem(str(node.value))
        if problem:
            raise ScriptError(f"{what}: {problem}", self.pos(node))
        value = " ".join(str(node.value).split())
        if len(value) > MAX_TEXT:
            raise ScriptError(f"{what} is longer than {MAX_TEXT} characters", self.pos(node))
        return value

    def sequence(self, node: yaml.Node, what: str, low: int, high: int) -> list[yaml.Node]:
        self.visit(node)
        if not isinstance(node, yaml.SequenceNode):
            raise ScriptError(f"expected {what} as a list (each item starting with '- ')", self.pos(node))
        if not low <= len(node.value) <= high:
            raise ScriptError(f"{what} must hold {low} to {high} items, found {len(node.value)}", self.pos(node))
        return node.value

    def journey(self, node: yaml.Node) -> Journey:
        top = self.fields(node, "the journey", TOP_KEYS)
        if "format" in top:
            fmt = top["format"]
            if not isinstance(fmt, yaml.ScalarNode) or fmt.value != "1":
                raise ScriptError("unknown journey format: only 'format: 1' exists", self.pos(fmt))
        for required in ("title", "weeks"):
            if required not in top:
                raise ScriptError(f"the journey needs a '{required}'", self.pos(node))
        title = self.text(top["title"], "the title")
        if not title:
            raise ScriptError("the title is empty", self.pos(top["title"]))
        found = [self.attempt(self.week, item, i)  # a week with a mistake: noted, the rest read
                 for i, item in enumerate(self.sequence(top["weeks"], "'weeks'", 1, MAX_WEEKS), 1)]
        journey = Journey(
            name=self.path.stem,
            title=title,
            weeks=tuple(week for week in found if week is not None),
            path=self.path,
            description=self.attempt(self.text, top["description"], "the description") or ""
            if "description" in top else "",
            author=self.attempt(self.text, top["author"], "the author") or "" if "author" in top else "",
        )
        if self.errors:  # every mistake, in file order, and the journey as far as it was read
            gathered = Gather(self.budget)
            gathered.errors = self.errors
            try:
                gathered.done()
            except ScriptErrors as exc:
                exc.partial = journey
                raise
            except ScriptError as exc:
                raise ScriptErrors([exc], partial=journey) from None
        return journey

    def week(self, node: yaml.Node, number: int) -> Week | None:
        what = f"week {number}"
        noted = len(self.errors)
        keys = self.fields(node, what, WEEK_KEYS)
        slipped = len(self.errors) > noted  # 'titel' or 'dayz' was just named: no second line
        if "title" not in keys and not slipped:
            self.note(ScriptError(f"{what} needs a 'title'", self.pos(node)))
        if "days" not in keys:
            if slipped:
                return None
            raise ScriptError(f"{what} needs 'days' (a list of practices)", self.pos(node))
        items = self.sequence(keys["days"], f"the days of {what}", 1, MAX_DAYS_PER_WEEK)
        return Week(
            number=number,
            title=self.text(keys["title"], f"the title of {what}") if "title" in keys else "",
            theme=self.text(keys["theme"], f"the theme of {what}") if "theme" in keys else "",
            days=tuple(day for day in (self.attempt(self.day, item, number) for item in items)
                       if day is not None),
            pos=self.pos(node),
        )

    def day(self, node: yaml.Node, week: int) -> Day | None:
        self.day_number += 1
        number = self.day_number
        what = f"day {number}"
        if isinstance(node, yaml.ScalarNode):  # shorthand: `- grounding`
            return Day(number, week, (self.ref(node),), pos=self.pos(node))
        noted = len(self.errors)
        keys = self.fields(node, what, DAY_KEYS)
        if not {"practice", "practices"} & set(keys) and len(self.errors) > noted:
            return None  # 'practise: …' was just named as the slip it is
        if ("practice" in keys) == ("practices" in keys):
            raise ScriptError(f"{what} needs either 'practice: NAME' or 'practices: [A, B]'", self.pos(node))
        if "practice" in keys:
            refs: tuple[PracticeRef, ...] = (self.ref(keys["practice"]),)
        else:
            items = self.sequence(keys["practices"], f"the practices of {what}", 1, MAX_PRACTICES_PER_DAY)
            refs = tuple(self.ref(item) for item in items)
        return Day(
            number=number,
            week=week,
            practices=refs,
            title=self.text(keys["title"], f"the title of {what}") if "title" in keys else "",
            reflection=self.text(keys["reflection"], f"the reflection of {what}") if "reflection" in keys else "",
            note=self.text(keys["note"], f"the note of {what}") if "note" in keys else "",
            pos=self.pos(node),
            reflection_pos=self.pos(keys["reflection"]) if "reflection" in keys else None,
        )

    def ref(self, node: yaml.Node) -> PracticeRef:
        self.visit(node)
        if not isinstance(node, yaml.ScalarNode) or node.tag != STR or not str(node.value).strip():
            raise ScriptError("expected a practice name (like 'grounding') or a path to a script", self.pos(node))
        return PracticeRef(str(node.value).strip(), self.pos(node))
