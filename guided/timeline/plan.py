"""The timeline: the one place where time is decided.

``plan`` turns a loaded ``Script`` (plus the listener's variables and pace) into
events with exact start samples. Captions, chapters, transcripts, previews,
progress bars and skip-to-section all read these events, so they cannot
disagree with the audio the renderer produces from the same events.

Speech lengths come from ``measure(text)``: the real length of the trimmed,
cached clip when there is one, else an estimate from the word count and rate.
``Timeline.exact`` says whether every length was real.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from guided.errors import Pos, ScriptError, ScriptErrors
from guided.samples import SAMPLE_RATE, seconds_to_samples
from guided.script.durations import format_clock
from guided.script.lengths import (
    AMBIENCE_TAIL_SECONDS,
    MAX_EVENTS,
    bell_samples,
    breath_phases,
    estimate_samples,
    pause_samples,
    speaking_rate,
)
from guided.script.model import (
    MAX_TOTAL_SECONDS,
    Bell,
    Breathe,
    Include,
    Pause,
    Repeat,
    Say,
    Script,
    Section,
    Step,
    iter_steps,
)
from guided.script.placeholders import fill_text, filled_say, merged_variables
from guided.script.words import BREATH_CUE_WORDS as WORDS
from guided.script.words import breath_cue_words

# Event kinds
EventKind = Literal["speech", "silence", "bell", "tone", "section", "tail"]
SPEECH: EventKind = "speech"  # text: what is said (placeholders filled)
SILENCE: EventKind = "silence"
BELL: EventKind = "bell"  # text: bell sound name
TONE: EventKind = "tone"  # text: breath phase name; a breath-cue tone lasting the whole phase
SECTION: EventKind = "section"  # zero length marker; text: section title
TAIL: EventKind = "tail"  # closing silence after the last sound, where an ambience bed fades out
EVENT_KINDS: tuple[EventKind, ...] = (SPEECH, SILENCE, BELL, TONE, SECTION, TAIL)

# What the voice says at the start of each breath phase (cue: voice), in English; a
# script's language and its own ``cues:`` choose the words spoken (guided.script.words).
BREATH_CUE_WORDS = WORDS["en"]

Measure = Callable[[str], "int | None"]

# A practice of 0:00 (only 'pause: 0', or a 'say' whose value is ""): nothing to play or export.
NOTHING_TO_HEAR = ("this practice has nothing to hear: it lasts 0:00 "
                   "(give it a 'say', a 'bell' or a 'pause' longer than 0)")


class NothingToHear(ScriptError):
    """The practice, planned, lasts 0:00 (``plan`` raises it, so check, play, export and
    bundle all say so in one line)."""


@dataclass(frozen=True)
class Event:
    kind: EventKind
    start: int  # sample offset from the start of the session
    length: int  # samples
    text: str = ""
    section: str = ""  # title of the section this event belongs to ("" before the first)
    phase: str = ""  # breath phase for events made by `breathe`
    pos: Pos | None = None

    @property
    def end(self) -> int:
        return self.start + self.length

    @property
    def start_seconds(self) -> float:
        return self.start / SAMPLE_RATE

    @property
    def end_seconds(self) -> float:
        return self.end / SAMPLE_RATE


@dataclass(frozen=True)
class Chapter:
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Timeline:
    script: Script
    events: tuple[Event, ...]
    length: int  # samples
    rate: int  # words per minute used
    pace: float
    exact: bool  # every speech length came from a real clip
    variables: Mapping[str, str] = field(default_factory=dict)
    sample_rate: int = SAMPLE_RATE

    @property
    def seconds(self) -> float:
        return self.length / self.sample_rate

    @property
    def title(self) -> str:
        """The script's title with its variables filled in (see ``fill_text``)."""
        return fill_text(self.script.title, self.variables)

    @property
    def description(self) -> str:
        """The script's description with its variables filled in, as the title is."""
        return fill_text(self.script.description, self.variables)

    def speech_texts(self) -> list[str]:
        """Distinct texts to synthesize, in order of first use."""
        seen: dict[str, None] = {}
        for ev in self.events:
            if ev.kind == SPEECH:
                seen.setdefault(ev.text, None)
        return list(seen)

    def chapters(self) -> list[Chapter]:
        """One chapter per section; a lead-in before the first section becomes its own chapter
        named after the script, so chapters always cover the whole session."""
        marks = [(ev.start, ev.text) for ev in self.events if ev.kind == SECTION]
        if not marks:
            return [Chapter(self.title, 0, self.length)]
        if marks[0][0] > 0:
            marks.insert(0, (0, self.title))
        chapters = []
        for i, (start, title) in enumerate(marks):
            end = marks[i + 1][0] if i + 1 < len(marks) else self.length
            if end > start or i + 1 == len(marks):
                chapters.append(Chapter(title, start, end))
        return chapters


def normalise_text(text: str) -> str:
    """Collapse whitespace (YAML block scalars keep newlines) so captions and cache keys are stable."""
    return " ".join(text.split())


def plan(
    script: Script,
    *,
    variables: Mapping[str, str] | None = None,
    pace: float | None = None,
    rate: int | None = None,
    measure: Measure | None = None,
) -> Timeline:
    """Plan the whole session. See ``iter_plan`` for the meaning of the arguments."""
    exact = [True]

    def counting_measure(text: str) -> int | None:
        n = measure(text) if measure else None
        if n is None:
            exact[0] = False
        return n

    state = _State.for_script(script, variables, pace, rate, counting_measure)
    events = tuple(state.events(script))
    if state.cursor == 0:
        raise NothingToHear(NOTHING_TO_HEAR, script.pos)
    return Timeline(script, events, state.cursor, state.rate, state.pace, exact[0],
                    state.variables)


def breath_cue_problems(script: Script, variables: Mapping[str, str] | None = None,
                        measure: Measure | None = None) -> list[ScriptError]:
    """Every phase of every ``breathe`` in ``script`` whose spoken cue is longer than the
    phase (planning stops at the first step with one; ``guided check`` lists them all)."""
    state = _State.for_script(script, variables, None, None, measure)
    problems: list[ScriptError] = []
    seen: set[Pos] = set()  # a part included twice: once
    for step in iter_steps(script.steps):
        if isinstance(step, Breathe) and step.pos not in seen:
            seen.add(step.pos)
            problems += state.cue_problems(step)
    return problems


def iter_plan(
    script: Script,
    *,
    variables: Mapping[str, str] | None = None,
    pace: float | None = None,
    rate: int | None = None,
    measure: Measure | None = None,
) -> Iterator[Event]:
    """Yield events in order, lazily, so a player can start before later clips exist.

    ``variables`` override the script's defaults (``--var``); ``pace`` replaces the
    script's pace; ``rate`` replaces the script's rate. ``measure(text)`` returns the
    real length in samples of the clip for ``text`` or ``None`` to estimate it.
    """
    yield from _State.for_script(script, variables, pace, rate, measure).events(script)


class _State:
    def __init__(self, variables, pace, rate, measure, limit, file):
        self.variables = variables
        self.pace = pace
        self.rate = rate
        self.measure = measure
        self.limit = limit
        self.file = file
        self.cursor = 0
        self.section = ""
        self.count = 0
        self.cue_words: Mapping[str, str] = BREATH_CUE_WORDS

    @classmethod
    def for_script(cls, script: Script, variables: Mapping[str, str] | None, pace: float | None,
                   rate: int | None, measure: Measure | None) -> _State:
        """The listener's choices resolved once: ``--var`` over the script's defaults,
        ``--pace`` and ``--rate`` replacing the script's values."""
        state = cls(merged_variables(script, variables),
                    pace if pace is not None else script.pace, speaking_rate(script, rate),
                    measure, seconds_to_samples(MAX_TOTAL_SECONDS), script.file)
        state.cue_words = breath_cue_words(script.language, dict(script.cues))
        return state

    def events(self, script: Script) -> Iterator[Event]:
        yield from self.steps(script.steps)
        if script.ambience != "none" and self.cursor > 0:
            yield self.emit(TAIL, seconds_to_samples(AMBIENCE_TAIL_SECONDS), None)

    def emit(self, kind: EventKind, length: int, pos: Pos | None, text: str = "", phase: str = "") -> Event:
        ev = Event(kind, self.cursor, length, text, self.section, phase, pos)
        self.cursor += length
        self.count += 1
        if self.cursor > self.limit:
            raise ScriptError(
                f"practice is longer than the 4-hour limit (reaches {format_clock(self.cursor / SAMPLE_RATE)})",
                pos or Pos(self.file),
            )
        if self.count > MAX_EVENTS:
            raise ScriptError(f"practice expands to more than {MAX_EVENTS} steps", pos or Pos(self.file))
        return ev

    def speech_length(self, text: str) -> int:
        n = self.measure(text) if self.measure else None
        return n if n is not None else estimate_samples(text, self.rate)

    def steps(self, steps: tuple[Step, ...]) -> Iterator[Event]:
        for step in steps:
            yield from self.step(step)

    def step(self, step: Step) -> Iterator[Event]:
        if isinstance(step, Say):
            text = normalise_text(filled_say(step, self.variables))
            if text:
                yield self.emit(SPEECH, self.speech_length(text), step.pos, text)
        elif isinstance(step, Pause):
            yield self.emit(SILENCE, pause_samples(step, self.pace), step.pos, phase="hold" if step.hold else "")
        elif isinstance(step, Bell):
            yield self.emit(BELL, bell_samples(step.sound), step.pos, step.sound)
        elif isinstance(step, Section):
            self.section = fill_text(step.title, self.variables)
            yield self.emit(SECTION, 0, step.pos, self.section)
        elif isinstance(step, Breathe):
            yield from self.breathe(step)
        elif isinstance(step, Repeat):
            for _ in range(step.count):
                yield from self.steps(step.steps)
        elif isinstance(step, Include):
            yield from self.steps(step.steps)
        else:  # pragma: no cover - the loader only builds the kinds above
            raise TypeError(f"unknown step {step!r}")

    def cue_problems(self, step: Breathe) -> list[ScriptError]:
        """Each phase of ``step`` whose spoken cue is longer than the phase itself."""
        if step.cue == "tone":
            return []
        problems = []
        for phase, seconds in breath_phases(step, self.pace):
            words = self.cue_words[phase]
            cue = self.speech_length(words)
            if cue > seconds_to_samples(seconds):
                problems.append(ScriptError(
                    f"the spoken cue '{words}' ({cue / SAMPLE_RATE:.1f}s) is longer than the "
                    f"{seconds:g}s {phase} phase: lengthen the phase or use 'cue: tone'",
                    step.pos,
                ))
        return problems

    def breathe(self, step: Breathe) -> Iterator[Event]:
        problems = self.cue_problems(step)  # every phase too short, not only the first
        if problems:
            raise problems[0] if len(problems) == 1 else ScriptErrors(problems)
        phases = breath_phases(step, self.pace)
        for _ in range(step.cycles):
            for phase, seconds in phases:
                total = seconds_to_samples(seconds)
                if step.cue == "tone":
                    yield self.emit(TONE, total, step.pos, phase, phase)
                    continue
                words = self.cue_words[phase]
                cue = self.speech_length(words)
                yield self.emit(SPEECH, cue, step.pos, words, phase)
                if total > cue:
                    yield self.emit(SILENCE, total - cue, step.pos, "", phase)
