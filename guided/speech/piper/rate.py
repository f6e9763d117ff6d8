"""Piper's speaking rate.

Calibration (tests/test_piper.py checks it; bench/voice_bench.py reports the words per
minute heard at rate 140):
with the joe voice, seconds per word grow linearly with Piper's length scale. Fitted
over 40 `say` texts of the built-in library (718 words), each timed from its first
to its last voiced sample, sentence gaps included:
seconds_per_word = BASE + PER_SCALE * length_scale. Solving for 60 / rate makes
``rate: 140`` come out near 140 words per minute on typical practice wording (a
single sentence of long words runs slower, one of short words faster).
"""

from __future__ import annotations

SECONDS_PER_WORD_BASE = 0.067
SECONDS_PER_WORD_PER_SCALE = 0.2165
LENGTH_SCALE_RANGE = (0.5, 3.0)
# Silence between the sentences Piper speaks one by one (Piper itself joins them
# with none); it stretches with the length scale, as a slower speaker breathes longer.
SENTENCE_GAP_SECONDS = 0.25


def length_scale(rate: int) -> float:
    """Piper's length scale for a speaking rate in words per minute."""
    low, high = LENGTH_SCALE_RANGE
    scale = (60.0 / rate - SECONDS_PER_WORD_BASE) / SECONDS_PER_WORD_PER_SCALE
    return round(min(high, max(low, scale)), 3)
