"""The plain, immutable model of a practice script (format version 1).

The loader (``guided.script.loader``) builds these from YAML; every node keeps the
``Pos`` it came from so any later error can point at the source. Nothing here
knows about audio or time: the timeline (``guided.timeline.plan``) decides time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from guided.errors import Pos

FORMAT_VERSION = 1
PRACTICE_KINDS = ("grounding", "orienting", "breath", "self-compassion", "body", "parts", "custom")
AMBIENCES = ("none", "brown-noise", "pink-noise", "rain-like")
BELL_SOUNDS = ("bell", "soft-bell", "chime")
BREATH_CUES = ("voice", "tone")
# A variable's name, in 'variables:', a {placeholder}, --var and a variables file.
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")

# Limits from the format contract (script-format.md, "Rules every loader must keep").
MAX_FILE_BYTES = 1024 * 1024
MAX_SAY_CHARS = 5000
MAX_TOTAL_SECONDS = 4 * 3600
MAX_DEPTH = 8
RATE_RANGE = (80, 300)
PACE_RANGE = (0.25, 4.0)
REPEAT_RANGE = (1, 100)


@dataclass(frozen=True)
class Say:
    text: str  # raw text, placeholders not yet filled
    pos: Pos


@dataclass(frozen=True)
class Pause:
    seconds: float  # before `pace`
    pos: Pos
    written: str = ""  # as the author wrote it ("3m"), for messages; "" when not from a file
    hold: bool = False  # `guided play` waits here until space (a programme's <!-- wait -->)


@dataclass(frozen=True)
class Bell:
    sound: str  # one of BELL_SOUNDS
    pos: Pos


@dataclass(frozen=True)
class Section:
    title: str
    pos: Pos


@dataclass(frozen=True)
class Breathe:
    inhale: float
    exhale: float
    cycles: int
    hold: float = 0.0
    hold_out: float = 0.0
    cue: str = "voice"  # one of BREATH_CUES
    pos: Pos = field(default_factory=lambda: Pos("<script>"))


@dataclass(frozen=True)
class Repeat:
    count: int
    steps: tuple[Step, ...]
    pos: Pos


@dataclass(frozen=True)
class Include:
    """An included script's steps, already loaded and checked (path is resolved)."""

    path: Path
    steps: tuple[Step, ...]
    pos: Pos


Step = Say | Pause | Bell | Section | Breathe | Repeat | Include

DISTRESS_RANGE = (0, 10)  # the 0-10 scale of the ratings, also in 'fits:'
MAX_WHY_CHARS = 200


@dataclass(frozen=True)
class Fits:
    """What a practice suits ('fits:'): the 0-10 distress levels, and why, in one line
    (``guided now`` offers it then). A translation (with ``original:``) may leave the
    levels out: ``low`` and ``high`` are then None, and its original's levels apply
    (``guided.practice.now``), so the two cannot drift apart."""

    low: int | None
    high: int | None
    why: str = ""

    @property
    def levels(self) -> tuple[int, int] | None:
        return None if self.low is None or self.high is None else (self.low, self.high)


@dataclass(frozen=True)
class Script:
    title: str
    steps: tuple[Step, ...]
    path: Path | None = None
    name: str = ""  # short name used on the command line (file stem for built-ins)
    format: int = FORMAT_VERSION
    practice: str = "custom"
    description: str = ""
    author: str = ""
    language: str = "en"
    original: str = ""  # the name of the practice this one translates (``original:``), if any
    voice: str | None = None  # a voice id (it names its engine); --voice wins
    rate: int | None = None  # words per minute; None = the player's default
    pace: float = 1.0
    variables: Mapping[str, str] = field(default_factory=dict)
    ambience: str = "none"
    fits: Fits | None = None  # 'fits:' (guided now)
    ambience_volume: float = 1.0  # the listener's level for the bed (--ambience-volume), never the file's
    cues: tuple[tuple[str, str], ...] = ()  # (breath phase, words): the script's own cue words
    pos: Pos = field(default_factory=lambda: Pos("<script>"))
    source_hash: str = ""  # sha256 of the file bytes (and included files), for the session log
    value_pos: Mapping[str, Pos] = field(default_factory=dict)  # top-level key -> its value's place

    @property
    def file(self) -> str:
        return str(self.path) if self.path else self.pos.file

    def place(self, key: str) -> Pos:
        """Where the value of the top-level ``key`` is written (the script's start if nowhere)."""
        return self.value_pos.get(key, self.pos)


def iter_steps(steps: tuple[Step, ...]):
    """Yield every step once, depth-first, without expanding repeats (for checks)."""
    for step in steps:
        yield step
        if isinstance(step, (Repeat, Include)):
            yield from iter_steps(step.steps)
