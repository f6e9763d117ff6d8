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
from guided.script.durations import format_clock
from guided.script.model import Pause, Say, Script, Section, iter_steps
from guided.script.placeholders import (
    fill_variables,
    merged_variables,
    missing_value,
    unfilled_names,
)
from guided.timeline.plan import (
    NOTHING_TO_HEAR,
    SPEECH,
    Measure,
    Timeline,
    breath_cue_problems,
    normalise_text,
    plan,
)

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
        errors = getattr(exc, "errors", None) or [exc]  # every independent mistake
        problems = [Problem(e.pos or Pos(str(path)), e.message) for e in errors]
        partial = getattr(exc, "partial", None)
        if partial is not None:  # the steps that did load: a value missing, their timing
            _, more = _check(partial, variables, measure)
            more = [p for p in more if p.message != NOTHING_TO_HEAR]  # its steps did not load
            problems += [p for p in more if p not in problems]
        return Report(path, None, None, tuple(_in_file_order(problems, str(path))))
    timeline, problems = _check(script, variables, measure)
    problems = [*_voice_problems(script), *_fits_problems(script), *problems]
    return Report(path, script, timeline, tuple(problems))


def _fits_problems(script: Script) -> list[Problem]:
    """A translation whose ``fits:`` leaves its levels to an original that gives none
    here (a warning: `guided now` would not offer it), at the place of ``fits``."""
    if script.fits is None or script.fits.levels is not None or not script.original:
        return []
    from guided.practice.now import levels, originals

    if levels(script, originals()) is not None:
        return []
    return [Problem(script.place("fits"), f"'fits' leaves its distress levels to its original "
                    f"'{script.original}', which gives none here, so `guided now` will not offer "
                    "this practice; add 'distress:' (such as 'distress: 5-10')", WARNING)]


def _voice_problems(script: Script) -> list[Problem]:
    """A language no engine speaks here (an error), or a voice that is not here (a
    warning: the default voice speaks instead), each at the place of its value."""
    from guided.speech.choice import script_problems

    return [Problem(script.place(key), message, ERROR if key == "language" else WARNING)
            for key, message in script_problems(script.language, script.voice)]


def check_script(script: Script, variables: Mapping[str, str] | None = None, *,
                 measure: Measure | None = None) -> list[Problem]:
    """Errors and warnings for a loaded script, planned with ``variables`` (``--var``)."""
    return _check(script, variables, measure)[1]


def _check(script: Script, variables: Mapping[str, str] | None,
           measure: Measure | None) -> tuple[Timeline | None, list[Problem]]:
    try:
        timeline = plan(script, variables=variables, measure=measure)
    except ScriptError as exc:  # planning stops at the first: look for each of them
        cues = [Problem(e.pos or script.pos, e.message)
                for e in breath_cue_problems(script, variables, measure)]
        found = _missing_values(script, variables) + cues
        return None, found or [Problem(exc.pos or script.pos, exc.message)]
    context = Context(script, timeline)
    problems: list[Problem] = []
    for check in WARNINGS:
        problems.extend(check(context))
    return timeline, problems


def _in_file_order(problems: list[Problem], main: str) -> list[Problem]:
    """The script's own problems by line and column, then those of included files."""
    return sorted(problems, key=lambda p: (p.pos.file != main, p.pos.file, p.pos.line, p.pos.col))


def _missing_values(script: Script, variables: Mapping[str, str] | None) -> list[Problem]:
    """Every `say` whose variables have no value (planning stops at the first one)."""
    values = merged_variables(script, variables)
    problems: dict[tuple[Pos, str], Problem] = {}  # a part included twice is reported once
    for step in iter_steps(script.steps):
        if isinstance(step, Say):
            try:
                fill_variables(step.text, values, step.pos)
            except ScriptError as exc:
                problem = Problem(exc.pos or step.pos, exc.message)
                problems.setdefault((problem.pos, problem.message), problem)
    return list(problems.values())


def long_pauses(ctx: Context) -> Iterator[Problem]:
    pace = ctx.timeline.pace
    for step in iter_steps(ctx.script.steps):
        if isinstance(step, Pause) and step.seconds * pace > LONG_PAUSE_SECONDS:
            written = f"'pause: {step.written}'" if step.written else "this pause"
            stretched = f", stretched by pace {pace:g} to {format_clock(step.seconds * pace)}," \
                if pace != 1 else ""
            yield Problem(
                step.pos,
                f"{written}{stretched} is over 2 minutes of silence: a listener may wonder "
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
        f"this practice lasts about {format_clock(ctx.timeline.seconds)} with no 'section': "
        "sections let listeners skip ahead and become chapters in exported MP3s",
        WARNING,
    )


def empty_speech(ctx: Context) -> Iterator[Problem]:
    """A `say` that is empty once its variables are filled (e.g. --var name=)."""
    values = ctx.timeline.variables
    for step in iter_steps(ctx.script.steps):
        if isinstance(step, Say) and not normalise_text(fill_variables(step.text, values, step.pos)):
            yield Problem(step.pos, "this 'say' is empty once its variables are filled in", WARNING)


def unfilled_placeholders(ctx: Context) -> Iterator[Problem]:
    """A ``{name}`` with no value in the title or a section: shown as written (an error in a
    ``say``; a warning here, because format 1 never asked titles to escape their braces)."""
    script = ctx.script
    texts = [(script.place("title"), script.title, "the title")]
    if script.description:
        texts.append((script.place("description"), script.description, "the description"))
    texts += [(step.pos, step.title, "this section")
              for step in iter_steps(script.steps) if isinstance(step, Section)]
    yield from unfilled_problems(texts, ctx.timeline.variables)


def unfilled_problems(texts: Iterable[tuple[Pos, str, str]], values: Mapping[str, str], *,
                      in_script: bool = True) -> Iterator[Problem]:
    """A warning for each ``{name}`` with no value in ``(pos, text, what)``: a title, a
    section, a reflection (once each, where a part is included twice)."""
    seen: set[tuple[Pos, str]] = set()
    for pos, text, what in texts:
        for name in unfilled_names(text, values):
            if (pos, name) not in seen:
                seen.add((pos, name))
                yield Problem(pos, f"{missing_value(name, values, in_script=in_script)} (until then {what} shows "
                                   f"'{{{name}}}' as written)", WARNING)


WARNINGS: tuple[Check, ...] = (long_pauses, fast_speech, missing_sections, empty_speech,
                               unfilled_placeholders)


# ---------------------------------------------------------------------------- variable names


def used_variables(script: Script) -> set[str]:
    """The variable names a script declares or writes as ``{name}`` (included parts too)."""
    from guided.script.placeholders import PLACEHOLDER

    names = set(script.variables) | text_variables(script.title) | text_variables(script.description)
    for step in iter_steps(script.steps):
        if isinstance(step, Say):
            names.update(m.group(1).strip() for m in PLACEHOLDER.finditer(step.text) if m.group(1))
        elif isinstance(step, Section):
            names |= text_variables(step.title)
    return names


def text_variables(text: str) -> set[str]:
    """The ``{name}``s of a title, section or reflection (other braces are only text there)."""
    return set(unfilled_names(text, {}))


def unknown_variables(values: Mapping[str, str], scripts: Iterable[Script],
                      also: Iterable[str] = ()) -> list[Problem]:
    """An error for each given name that is almost surely a typo, which would leave the
    default in its place: a ``--var`` name none of ``scripts`` uses, and a variables-file
    name none of them uses that is close to one they use and that the file leaves out
    (``plce`` for ``place``). Other names in a variables file are fine: one client's file
    may serve many practices. ``also``: names used besides (a journey's reflections)."""
    from guided.script.suggest import did_you_mean

    scripts = list(scripts)
    known = sorted(set(also).union(*(used_variables(s) for s in scripts)))
    origins = getattr(values, "origins", {})
    what = f"'{scripts[0].title}' has no variable" if len(scripts) == 1 else "none of these practices has a variable"
    listing = f"the variables are: {', '.join(known)}" if known else "it uses no variables"
    missing = [name for name in known if name not in values]
    problems = []
    for name in values:
        if name in known:
            continue
        origin = origins.get(name) or Pos(f"--var {name}")
        if not origin.file.startswith("--var ") and not did_you_mean(name, missing):
            continue  # a value for some other practice
        hint = did_you_mean(name, missing) or did_you_mean(name, known)
        problems.append(Problem(origin, f"{what} '{name}'{hint}; {listing}"))
    return problems


def require_known_variables(values: Mapping[str, str], scripts: Iterable[Script],
                            also: Iterable[str] = ()) -> None:
    """Raise the first of ``unknown_variables`` (before anything is spoken or written)."""
    problems = unknown_variables(values, scripts, also)
    if problems:
        more = f" (and {len(problems) - 1} more unknown)" if len(problems) > 1 else ""
        raise ScriptError(problems[0].message + more, problems[0].pos)


def check_practices(scripts: Iterable[Script], values: Mapping[str, str] | None = None
                    ) -> list[Problem]:
    """The errors (not warnings) of each script planned with ``values``: what would stop
    it from playing, as for the practices of a journey."""
    problems: list[Problem] = []
    for script in scripts:
        problems += [p for p in check_script(script, values) if p.severity == ERROR]
    return problems


def has_errors(problems: Iterable[Problem], *, strict: bool = False) -> bool:
    """True when the problems should fail a check (warnings count only when ``strict``)."""
    return any(p.severity == ERROR or strict for p in problems)
