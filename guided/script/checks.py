"""What `guided check` reports about a script: errors (it cannot be played) and warnings
(it can, but a listener may struggle).

Errors come from loading and from planning the timeline with the given variables
(an undefined ``{name}``, a spoken breath cue longer than its phase, the 4-hour limit).
Warnings are small functions in ``WARNINGS``: each takes a ``Context`` and yields
``Problem``s, so adding one is adding a function to that tuple.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from guided.errors import Pos, ScriptError
from guided.script.model import Pause, Say, Script, Section, iter_steps
from guided.timeline.plan import SPEECH, Measure, Timeline, fill_variables, normalise_text, plan

ERROR = "error"
WARNING = "warning"

LONG_PAUSE_SECONDS = 120.0
FAST_WPM = 180
SECTIONLESS_SECONDS = 5 * 60
MIN_WORDS_FOR_RATE = 5  # a clip of one or two words is too short to judge its speed


@dataclass(frozen=True)
class Problem:
    pos: Pos
    message: str
    severity: str = ERROR  # ERROR or WARNING

    def __str__(self) -> str:
        return f"{self.pos}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class Context:
    script: Script
    timeline: Timeline


Check = Callable[[Context], Iterable[Problem]]


@dataclass(frozen=True)
class Report:
    """The result of checking one file: what loaded, its timeline, and every problem."""

    path: Path
    script: Script | None
    timeline: Timeline | None
    problems: tuple[Problem, ...]

    def failed(self, *, strict: bool = False) -> bool:
        return self.script is None or has_errors(self.problems, strict=strict)


def check_file(path: Path, variables: Mapping[str, str] | None = None, *,
               name: str = "", measure: Measure | None = None) -> Report:
    """Load and check a file; a loading error becomes the single problem."""
    from guided.script.loader import load_script

    try:
        script = load_script(path, name=name)
    except ScriptError as exc:
        return Report(path, None, None, (Problem(exc.pos or Pos(str(path)), exc.message),))
    timeline, problems = _check(script, variables, measure)
    problems = [*_voice_problems(script), *problems]
    return Report(path, script, timeline, tuple(problems))


def _voice_problems(script: Script) -> list[Problem]:
    """A language no engine speaks here, or a voice that is not here (errors)."""
    from guided.speech.choice import script_problems

    return [Problem(script.pos, message) for message in script_problems(script.language, script.voice)]


def check_script(script: Script, variables: Mapping[str, str] | None = None, *,
                 measure: Measure | None = None) -> list[Problem]:
    """Errors and warnings for a loaded script, planned with ``variables`` (``--var``)."""
    return _check(script, variables, measure)[1]


def _check(script: Script, variables: Mapping[str, str] | None,
           measure: Measure | None) -> tuple[Timeline | None, list[Problem]]:
    try:
        timeline = plan(script, variables=variables, measure=measure)
    except ScriptError as exc:
        return None, [Problem(exc.pos or script.pos, exc.message)]
    context = Context(script, timeline)
    problems: list[Problem] = []
    for check in WARNINGS:
        problems.extend(check(context))
    return timeline, problems


def long_pauses(ctx: Context) -> Iterator[Problem]:
    pace = ctx.timeline.pace
    for step in iter_steps(ctx.script.steps):
        if isinstance(step, Pause) and step.seconds * pace > LONG_PAUSE_SECONDS:
            yield Problem(
                step.pos,
                f"a pause of {step.seconds * pace:g}s is over 2 minutes: a listener may wonder "
                "whether the practice has stopped (a short word in between helps)",
                WARNING,
            )


def fast_speech(ctx: Context) -> Iterator[Problem]:
    """Speech faster than 180 words per minute: the rate setting, or a measured clip."""
    rate = ctx.timeline.rate
    if rate > FAST_WPM:
        yield Problem(
            ctx.script.pos,
            f"speaking rate {rate} words per minute is faster than {FAST_WPM}: "
            "a calm 130-150 is easier to follow",
            WARNING,
        )
        return
    # Estimated lengths follow the rate (already checked above); measured clips may be faster.
    reported: set[Pos] = set()
    for ev in ctx.timeline.events:
        if ev.kind != SPEECH or ev.phase or ev.pos is None or ev.pos in reported:
            continue
        words = len(ev.text.split())
        if words < MIN_WORDS_FOR_RATE or ev.length <= 0:
            continue
        wpm = words * 60.0 * ctx.timeline.sample_rate / ev.length
        if wpm > FAST_WPM:
            reported.add(ev.pos)
            yield Problem(
                ev.pos,
                f"this is spoken at about {wpm:.0f} words per minute, faster than {FAST_WPM}: "
                "lower the rate or split the text with a short pause",
                WARNING,
            )


def missing_sections(ctx: Context) -> Iterator[Problem]:
    if ctx.timeline.seconds <= SECTIONLESS_SECONDS:
        return
    if any(isinstance(step, Section) for step in iter_steps(ctx.script.steps)):
        return
    yield Problem(
        ctx.script.pos,
        f"this practice lasts about {ctx.timeline.seconds / 60:.0f} minutes with no 'section': "
        "sections let listeners skip ahead and become chapters in exported MP3s",
        WARNING,
    )


def empty_speech(ctx: Context) -> Iterator[Problem]:
    """A `say` that is empty once its variables are filled (e.g. --var name=)."""
    values = ctx.timeline.variables
    for step in iter_steps(ctx.script.steps):
        if isinstance(step, Say) and not normalise_text(fill_variables(step.text, values, step.pos)):
            yield Problem(step.pos, "this 'say' is empty once its variables are filled in", WARNING)


WARNINGS: tuple[Check, ...] = (long_pauses, fast_speech, missing_sections, empty_speech)


def has_errors(problems: Iterable[Problem], *, strict: bool = False) -> bool:
    """True when the problems should fail a check (warnings count only when ``strict``)."""
    return any(p.severity == ERROR or strict for p in problems)
