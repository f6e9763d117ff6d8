"""Make engine output into clean clips: float32, the pipeline's sample rate, and no
leading or trailing silence of the engine's own.

Trimming is what makes ``pause: 3s`` mean three seconds between the end of one sound
and the start of the next: engines pad their output with a little silence (espeak-ng
adds about 100-400 ms), which would otherwise lengthen every pause.
"""

from __future__ import annotations

import numpy as np

from guided.pcm import from_int16, to_int16
from guided.samples import SAMPLE_RATE

__all__ = ["clean", "from_int16", "resample", "to_float32", "to_int16", "trim"]

THRESHOLD_DBFS = -50.0  # anything quieter than this at either end counts as silence
FADE_SECONDS = 0.005  # a tiny fade at both cut points so the clip never starts with a click
BLOCK = 1 << 18  # samples per step when a long clip is worked through in blocks


def to_float32(pcm: np.ndarray) -> np.ndarray:
    """Mono PCM (int16, int32 or float) as float32 in [-1, 1]."""
    pcm = np.asarray(pcm)
    if pcm.ndim > 1:  # channels last, as soundfile and wave readers give it
        pcm = pcm.mean(axis=-1)
    if pcm.dtype == np.int16:
        return from_int16(pcm)
    if pcm.dtype == np.int32:
        return (pcm / 2147483648.0).astype(np.float32)
    if pcm.dtype == np.uint8:
        return (pcm.astype(np.float32) - 128.0) / 128.0
    return np.clip(pcm.astype(np.float32, copy=False), -1.0, 1.0)


def resample(samples: np.ndarray, sample_rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """Band-limited (windowed-sinc) resampling, Hz to Hz; see ``guided.speech.resample``."""
    from guided.speech.resample import resample as band_limited

    return band_limited(samples, sample_rate, target)


def trim(samples: np.ndarray, sample_rate: int = SAMPLE_RATE,
         threshold_dbfs: float = THRESHOLD_DBFS, fade_seconds: float = FADE_SECONDS,
         copy: bool = True) -> np.ndarray:
    """Cut leading and trailing silence (below ``threshold_dbfs``) and fade the cut
    ends over ``fade_seconds``. Returns an empty array when nothing is audible.
    ``copy=False`` fades a float32 ``samples`` in place and returns a view of it."""
    threshold = 10.0 ** (threshold_dbfs / 20.0)
    first = _first_loud(samples, threshold)
    if first is None:
        return np.zeros(0, dtype=np.float32)
    last = len(samples) - (_first_loud(samples[::-1], threshold) or 0)  # found: first was
    out = np.array(samples[first:last], dtype=np.float32, copy=copy or None)
    fade = min(int(fade_seconds * sample_rate), len(out) // 2)
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade, endpoint=False, dtype=np.float32)
        out[:fade] *= ramp
        out[-fade:] *= ramp[::-1]
    return out


def _first_loud(samples: np.ndarray, threshold: float, block: int = BLOCK) -> int | None:
    """Index of the first sample louder than ``threshold``, looked for block by block
    (a long clip is never copied whole for this)."""
    for start in range(0, len(samples), block):
        hits = np.flatnonzero(np.abs(samples[start:start + block]) > threshold)
        if hits.size:
            return start + int(hits[0])
    return None


def clean(pcm: np.ndarray, sample_rate: int) -> np.ndarray:
    """Engine output at ``sample_rate`` Hz to a finished clip: float32, ``SAMPLE_RATE``,
    trimmed. The only whole-length float array made is the result (int16 is converted
    block by block while resampling), so a clip of an hour costs little more than itself."""
    pcm = np.asarray(pcm)
    if pcm.ndim == 1 and pcm.dtype == np.int16 and sample_rate != SAMPLE_RATE:
        from guided.speech.resample import resample as band_limited

        return trim(band_limited(pcm, sample_rate, SAMPLE_RATE), SAMPLE_RATE, copy=False)
    return trim(resample(to_float32(pcm), sample_rate), SAMPLE_RATE, copy=False)
