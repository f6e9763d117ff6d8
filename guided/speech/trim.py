"""Make engine output into clean clips: float32, the pipeline's sample rate, and no
leading or trailing silence of the engine's own.

Trimming is what makes ``pause: 3s`` mean three seconds between the end of one sound
and the start of the next: engines pad their output with a little silence (espeak-ng
adds about 100-400 ms), which would otherwise lengthen every pause.
"""

from __future__ import annotations

import numpy as np

from guided.audio.format import SAMPLE_RATE

THRESHOLD_DBFS = -50.0  # anything quieter than this at either end counts as silence
FADE_SECONDS = 0.005  # a tiny fade at both cut points so the clip never starts with a click


def to_float32(pcm: np.ndarray) -> np.ndarray:
    """Mono PCM (int16, int32 or float) as float32 in [-1, 1]."""
    pcm = np.asarray(pcm)
    if pcm.ndim > 1:  # channels last, as soundfile and wave readers give it
        pcm = pcm.mean(axis=-1)
    if pcm.dtype == np.int16:
        return pcm.astype(np.float32) / 32768.0
    if pcm.dtype == np.int32:
        return (pcm / 2147483648.0).astype(np.float32)
    if pcm.dtype == np.uint8:
        return (pcm.astype(np.float32) - 128.0) / 128.0
    return np.clip(pcm.astype(np.float32, copy=False), -1.0, 1.0)


def to_int16(samples: np.ndarray) -> np.ndarray:
    """float32 in [-1, 1] as int16 (what the cache stores)."""
    return np.round(np.clip(samples, -1.0, 32767 / 32768) * 32768.0).astype(np.int16)


def resample(samples: np.ndarray, sample_rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """Band-limited (windowed-sinc) resampling, Hz to Hz; see ``guided.speech.resample``."""
    from guided.speech.resample import resample as band_limited

    return band_limited(samples, sample_rate, target)


def trim(samples: np.ndarray, sample_rate: int = SAMPLE_RATE,
         threshold_dbfs: float = THRESHOLD_DBFS, fade_seconds: float = FADE_SECONDS) -> np.ndarray:
    """Cut leading and trailing silence (below ``threshold_dbfs``) and fade the cut
    ends over ``fade_seconds``. Returns an empty array when nothing is audible."""
    threshold = 10.0 ** (threshold_dbfs / 20.0)
    loud = np.abs(samples) > threshold
    first = int(loud.argmax())
    if not loud[first]:
        return np.zeros(0, dtype=np.float32)
    last = len(loud) - int(loud[::-1].argmax())
    out = np.array(samples[first:last], dtype=np.float32)
    fade = min(int(fade_seconds * sample_rate), len(out) // 2)
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade, endpoint=False, dtype=np.float32)
        out[:fade] *= ramp
        out[-fade:] *= ramp[::-1]
    return out


def clean(pcm: np.ndarray, sample_rate: int) -> np.ndarray:
    """Engine output at ``sample_rate`` Hz to a finished clip: float32, ``SAMPLE_RATE``, trimmed."""
    return trim(resample(to_float32(pcm), sample_rate), SAMPLE_RATE)
