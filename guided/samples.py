"""The sample format every part of the pipeline shares, and what a source of speech
clips gives in it (``ClipSource``: the timeline measures with it, the renderer plays
from it, ``guided.speech.speaker.Speaker`` implements it)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

# Hz. hibari, the default voice, speaks at 24 kHz, so its clips need no resampling,
# and bells and breath tones keep their partials up to 12 kHz (22,050 Hz stopped at
# 11 kHz). espeak-ng and Piper (22,050 Hz) are resampled band-limited on the way into
# the cache (guided.speech.resample). See docs/speech-and-cache.md.
SAMPLE_RATE = 24000
CHANNELS = 1
BLOCK_SIZE = 2048  # samples per rendered block (about 93 ms)
DTYPE = "float32"  # blocks are float32 in [-1, 1]


def seconds_to_samples(seconds: float, rate: int = SAMPLE_RATE) -> int:
    return int(round(seconds * rate))


class ClipSource(Protocol):
    """What the timeline and the renderer need from speech: trimmed float32 clips at
    ``SAMPLE_RATE`` for the current voice and rate."""

    def clip(self, text: str) -> np.ndarray: ...

    def cached_length(self, text: str) -> int | None: ...
