"""How long a script will last, known before anything is planned or spoken, and the
limits that keep a practice within bounds (4 hours, ``MAX_EVENTS`` steps).

Lengths come from the timeline's own arithmetic (``pause_samples``, ``bell_samples``,
``breath_phases``, ``estimate_samples``), with speech estimated from its words and
the rate. Repeats are multiplied through instead of unrolled, so a hostile script
(``repeat: 1000`` eight levels deep) is measured at once instead of hanging.
"""

from __future__ import annotations

from guided.audio.format import SAMPLE_RATE, seconds_to_samples
from guided.errors import ScriptError
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
from guided.timeline.plan import (
    AMBIENCE_TAIL_SECONDS,
    MAX_EVENTS,
    bell_samples,
    breath_phases,
    estimate_samples,
    pause_samples,
    speaking_rate,
)


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
