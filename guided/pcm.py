"""16-bit samples: the one conversion between the pipeline's float32 samples in [-1, 1]
and the 16-bit integers that the clip cache, the player, the MP3 and WAV encoders, the
recorded voice and Piper's output use.

A float ``x`` becomes ``round(x * 32768)``, held to -32768..32767 (so 1.0 is 32767,
the nearest the format has, and -1.0 is -32768); 16 bits read back are ``n / 32768``.
Rounding is to the nearest integer, halves to even (``numpy.rint``). One rule for
everyone: what the player sends to the device and what an export encodes are the same
integers, sample for sample (tests/test_pcm.py).
"""

from __future__ import annotations

import numpy as np

SCALE = 32768.0
BLOCK = 1 << 18  # samples per step, so a long clip is never copied whole as float


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float samples (any shape; channels last) as int16 (native order), block by block."""
    samples = np.asarray(samples)
    flat = samples.reshape(-1)
    out = np.empty(flat.shape, dtype=np.int16)
    # float32 samples are scaled in float32: times 2**15 is exact in either width, so the
    # integers are the same, with half the memory traffic
    wide = np.float32 if flat.dtype == np.float32 else np.float64
    for start in range(0, len(flat), BLOCK):
        scaled = np.clip(flat[start:start + BLOCK], -1.0, 32767 / SCALE).astype(wide)
        scaled *= SCALE
        np.rint(scaled, out=scaled)
        out[start:start + BLOCK] = scaled
    return out.reshape(samples.shape)


def from_int16(pcm: np.ndarray) -> np.ndarray:
    """16-bit samples as float32 in [-1, 1)."""
    out = np.asarray(pcm).astype(np.float32)
    out /= np.float32(SCALE)  # in place: a long clip is not held twice
    return out
