"""Journeys: multi-week programmes of daily practices with reflection questions.

A journey is a YAML file of weeks and days naming practices (docs/journeys.md), or a
programme written in Markdown (``guided.practice.programmes``). Journeys are found by
name in the user's journeys folder (``GUIDED_HOME/journeys``) before the built-in ones
(``scripts/journeys``), or by path. Days run one per calendar day from the day the
journey is started (``guided.practice.journey_progress``).
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from guided.errors import GuidedError, Pos, ScriptError, ScriptErrors
from guided.paths import (
    YAML_SUFFIXES,
    builtin_scripts_dir,
    is_path_ref,
    user_journeys_dir,
)
from guided.practice.journey_progress import (  # noqa: F401 - where commands and tests find them
    Progress,
    current_progress,
    day_number,
    practised_days,
    progress_file,
    remembered_vars,
    session_day,
    start_journey,
)
from guided.script.hygiene import text_problem
from guided.script.nodes import Gather, NodeBudget, NodeReader
from guided.script.yamlfile import FLOAT, INT, MAP, STR, load_nodes

if TYPE_CHECKING:
    from guided.script.checks import Problem
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
        from guided.timeline.plan import fill_text

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


# ---------------------------------------------------------------------------- finding


def builtin_journeys_dir() -> Path:
    return builtin_scripts_dir() / "journeys"


def journey_dirs() -> list[tuple[str, Path]]:
    """Where journeys are looked up by name, in order: the user's own, then the built-ins."""
    return [("yours", user_journeys_dir()), ("built-in", builtin_journeys_dir())]


def find_journey(ref: str) -> Path:
    """The file for a journey name (user folder first) or path; a clear error if none."""
    if is_path_ref(ref):
        path = Path(ref).expanduser()
        if path.is_file():
            return path
        raise GuidedError(f"no journey file at {ref}")
    for _, folder in journey_dirs():
        for suffix in (*YAML_SUFFIXES, ".md"):
            candidate = folder / f"{ref}{suffix}"
            if candidate.is_file():
                return candidate
    names = ", ".join(name for name, _, _ in iter_journeys()) or "none yet"
    raise GuidedError(f"no journey called '{ref}' (journeys: {names}; see `guided journey list`)")


def iter_journeys() -> Iterator[tuple[str, str, Path]]:
    """``(name, origin, path)`` for every journey by name; a user journey hides a built-in one."""
    seen: set[str] = set()
    for origin, folder in journey_dirs():
        if not folder.is_dir():
            continue
        for path in sorted([*folder.glob("*.y*ml"), *folder.glob("*.md")]):
            if path.suffix not in (*YAML_SUFFIXES, ".md") or path.stem in seen:
                continue
            seen.add(path.stem)
            yield path.stem, origin, path


def is_journey_file(path: Path) -> bool:
    """Whether ``path`` is a journey (a mapping with ``weeks:``), read with the same guards
    as every YAML file (``guided.script.yamlfile``). A file that cannot be read is not a
    journey here; the script loader then says what is wrong with it, in one line.
    A Markdown file (``.md``) is a programme: always a journey."""
    from guided.practice.programmes.reader import is_programme_path

    if is_programme_path(path):
        return path.is_file()
    try:
        node = load_nodes(path, max_bytes=MAX_BYTES, what="a journey")
    except GuidedError:
        return False
    return isinstance(node, yaml.MappingNode) and any(
        isinstance(k, yaml.ScalarNode) and k.value == "weeks" for k, _ in node.value)


def load_journey(ref: str | Path) -> Journey:
    path = find_journey(str(ref)) if not isinstance(ref, Path) else ref
    return parse_journey(path)


# ---------------------------------------------------------------------------- parsing


def parse_journey(path: Path) -> Journey:
    """Read and validate a journey file; every problem is a ``file:line:col`` ScriptError.
    A Markdown programme (``.md``) is read by ``guided.practice.programmes``."""
    from guided.practice.programmes.reader import is_programme_path

    if is_programme_path(path):
        from guided.practice.programmes.journey import programme_journey

        return programme_journey(path)
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
            raise ScriptError(f"{what} needs {low} to {high} items, found {len(node.value)}", self.pos(node))
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


# ---------------------------------------------------------------------------- practices


def resolve_practice(journey: Journey, ref: PracticeRef) -> str:
    """What to hand the library: a path for relative paths (relative to the journey
    file), otherwise the name unchanged."""
    if is_path_ref(ref.ref) and journey.path is not None:
        path = Path(ref.ref).expanduser()
        if not path.is_absolute():
            path = journey.path.parent / path
        return str(path)
    return ref.ref


def load_practice(journey: Journey, ref: PracticeRef):
    """Load one practice of a journey with the library loader; errors point at the journey line."""
    from guided.script import library

    if ref.script is not None:
        return ref.script
    target = resolve_practice(journey, ref)
    try:
        return library.load(target)
    except ScriptError:
        raise
    except GuidedError as exc:
        raise ScriptError(exc.message, ref.pos) from None


def reflection_variables(journey: Journey) -> set[str]:
    """The ``{name}``s written in the journey's reflections (a ``--var`` used only there
    is not a typo)."""
    from guided.script.checks import text_variables

    return {name for _, text, _ in journey.reflections() for name in text_variables(text)}


def journey_problems(journey: Journey, values: Mapping[str, str] | None = None, *,
                     given_names: bool = True) -> tuple[list[Script], list[Problem]]:
    """Every practice of the journey that loads, and every problem that would stop one from
    playing with ``values`` (``--var``, ``--vars-file``): a given name no practice uses
    first (unless ``given_names`` is False), then each practice's own mistakes in the
    journey's order, every bad practice, not only the first (for ``guided journey check``
    and ``guided check``)."""
    from guided.script.checks import Problem, check_practices, unknown_variables

    scripts: list[Script] = []
    found: list[Problem] = []
    for ref in journey.practice_refs():
        try:
            script = load_practice(journey, ref)
        except ScriptError as exc:
            errors = getattr(exc, "errors", None) or [exc]  # every mistake in that file
            found += [Problem(e.pos or ref.pos, e.message) for e in errors]
            continue
        scripts.append(script)
        found += check_practices([script], values)
    problems = (unknown_variables(values or {}, scripts, reflection_variables(journey))
                if scripts and given_names else [])
    for problem in found:  # a file named twice (two spellings of one path): once
        if problem not in problems:
            problems.append(problem)
    return scripts, problems


def check_journey(journey: Journey) -> list[str]:
    """Load every practice the journey names; raise at the first one that is missing or broken.
    Returns the distinct practice titles (for a friendly summary)."""
    titles = []
    for ref in journey.practice_refs():
        script = load_practice(journey, ref)
        titles.append(script.title)
    return titles
