"""When the ambience bed is heard and how loud: it fades in over the first
``AMBIENCE_FADE_IN_SECONDS`` of the session and out over the closing tail (the ``TAIL``
event the plan adds after the last sound). The renderer only multiplies the bed by
the gain it is given here."""

from __future__ import annotations

import numpy as np

from guided.samples import seconds_to_samples
from guided.timeline.plan import Event

AMBIENCE_FADE_IN_SECONDS = 3.0
FADE_IN_SAMPLES = seconds_to_samples(AMBIENCE_FADE_IN_SECONDS)


def ambience_gain(begin: int, count: int, tail: Event | None,
                  fade_in: int = FADE_IN_SAMPLES) -> np.ndarray | float | None:
    """The bed's gain for samples ``begin .. begin+count``: ``None`` (silent) after the
    tail, ``1.0`` in between, else one raised-cosine gain per sample.

    ``tail`` is the plan's ``TAIL`` event once the renderer has seen it."""
    end = begin + count
    if tail is not None and begin >= tail.end:
        return None
    if begin >= fade_in and (tail is None or end <= tail.start):
        return 1.0
    n = np.arange(begin, end, dtype=np.float64)
    gain = np.minimum(1.0, n / fade_in) if fade_in else np.ones(count)
    if tail is not None:
        out = np.clip((tail.end - n) / max(1, tail.length), 0.0, 1.0)
        gain = gain * out
    return (0.5 - 0.5 * np.cos(np.pi * gain)).astype(np.float32)
