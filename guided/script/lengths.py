"""How long each step lasts, known before anything is spoken, and the limits that keep
a practice within bounds (4 hours, ``MAX_EVENTS`` steps).

The timeline (``guided.timeline.plan``) places events with this same arithmetic
(``pause_samples``, ``bell_samples``, ``breath_phases``, ``estimate_samples``), with
real clip lengths where they are known; here speech is estimated from its words and
the rate. Repeats are multiplied through instead of unrolled, so a hostile script
(``repeat: 1000`` eight levels deep) is measured at once instead of hanging. The
loader runs ``check_limits`` on every script it loads.
"""

from __future__ import annotations

from guided.errors import ScriptError
from guided.samples import SAMPLE_RATE, seconds_to_samples
from guided.script.durations import format_length
from guided.script.model import (
    MAX_TOTAL_SECONDS,
    Bell,
    Breathe,
    Pause,
    Repeat,
    Say,
    Script,
    Section,
    Step,
)
from guided.script.words import BREATH_PHASES

# Lengths of the synthesized bells (guided.audio.sounds renders them to exactly this many seconds).
BELL_SECONDS = {"bell": 4.0, "soft-bell": 3.0, "chime": 2.5}
AMBIENCE_TAIL_SECONDS = 4.0
DEFAULT_RATE = 140  # words per minute, inside the calm 130-150 range
MAX_EVENTS = 200_000  # guard against scripts that expand into millions of tiny steps


def estimate_samples(text: str, rate: int) -> int:
    """Estimated spoken length before a clip exists: words at `rate` wpm plus a little air."""
    words = max(1, len(text.split()))
    return seconds_to_samples(words * 60.0 / rate + 0.2)


def pause_samples(step: Pause, pace: float) -> int:
    """A pause stretched by ``pace``."""
    return seconds_to_samples(step.seconds * pace)


def bell_samples(sound: str) -> int:
    return seconds_to_samples(BELL_SECONDS[sound])


def breath_phases(step: Breathe, pace: float) -> list[tuple[str, float]]:
    """(phase, seconds) of one breath cycle, without the phases of length 0.

    Holds are the rests inside ``breathe``: ``pace`` stretches them; in and out keep their count."""
    lengths = (step.inhale, step.hold * pace, step.exhale, step.hold_out * pace)
    return [(phase, seconds) for phase, seconds in zip(BREATH_PHASES, lengths, strict=True) if seconds > 0]


def speaking_rate(script: Script, rate: int | None = None) -> int:
    """Words per minute: ``rate`` (``--rate``), else the script's, else the default."""
    return rate or script.rate or DEFAULT_RATE


def estimate_seconds(script: Script) -> float:
    """Estimated length without planning or expanding (speech from words and rate)."""
    samples = StepEstimate(speaking_rate(script), script.pace).steps(script.steps)[0]
    if script.ambience != "none":
        samples += seconds_to_samples(AMBIENCE_TAIL_SECONDS)
    return samples / SAMPLE_RATE


def check_limits(script: Script) -> None:
    """The 4-hour and event limits, pointing at the step where the total crosses them."""
    estimate = StepEstimate(speaking_rate(script), script.pace)
    limit = seconds_to_samples(MAX_TOTAL_SECONDS)
    samples, events = 0, 0
    for step in script.steps:
        s, e = estimate.step(step)
        samples += s
        events += e
        if samples > limit:
            total = estimate.steps(script.steps)[0] / SAMPLE_RATE
            shown = "far more than" if total > 1000 * 3600 else f"about {format_length(total)}, over"
            raise ScriptError(
                f"practice would last {shown} the 4-hour limit (check repeat counts and pauses)",
                step.pos,
            )
        if events > MAX_EVENTS:
            raise ScriptError(
                f"practice expands to more than {MAX_EVENTS} steps (check repeat counts and includes)", step.pos
            )


class StepEstimate:
    """Samples and event count of steps (at most what the timeline will make),
    multiplying through repeats instead of unrolling them."""

    def __init__(self, rate: int, pace: float):
        self.rate = rate
        self.pace = pace
        self.memo: dict[int, tuple[int, int]] = {}

    def steps(self, steps: tuple[Step, ...]) -> tuple[int, int]:
        key = id(steps)
        if key not in self.memo:
            samples, events = 0, 0
            for step in steps:
                s, e = self.step(step)
                samples += s
                events += e
            self.memo[key] = (samples, events)
        return self.memo[key]

    def step(self, step: Step) -> tuple[int, int]:
        if isinstance(step, Say):
            return estimate_samples(step.text, self.rate), 1
        if isinstance(step, Pause):
            return pause_samples(step, self.pace), 1
        if isinstance(step, Bell):
            return bell_samples(step.sound), 1
        if isinstance(step, Section):
            return 0, 1
        if isinstance(step, Breathe):
            phases = breath_phases(step, self.pace)
            cycle = sum(seconds_to_samples(seconds) for _, seconds in phases)
            per_phase = 1 if step.cue == "tone" else 2  # a tone, or the spoken cue and its silence
            return cycle * step.cycles, per_phase * len(phases) * step.cycles
        if isinstance(step, Repeat):
            samples, events = self.steps(step.steps)
            return samples * step.count, events * step.count
        return self.steps(step.steps)  # an include
