"""Band-limited resampling between the engines' sample rates and the session's.

A polyphase windowed-sinc filter (Kaiser window), in numpy alone: for a ratio
``up/down`` in lowest terms (22,050 Hz to 24,000 Hz is 160/147) every output sample
falls on one of ``up`` fixed positions between input samples, so ``up`` short
filters are computed once per ratio and each output sample is one dot product.
The pass band reaches 95% of the lower Nyquist frequency and the stop band is
about 80 dB down, so nothing folds back into the audible range, unlike linear
interpolation, whose images of speech sibilants land at audible frequencies.
"""

from __future__ import annotations

import functools
from math import gcd

import numpy as np

from guided.pcm import from_int16

HALF_TAPS = 16  # filter half-length in samples of the lower rate
ROLLOFF = 0.95  # pass band, as a fraction of the lower Nyquist frequency
KAISER_BETA = 8.6  # about 80 dB stop-band attenuation


@functools.lru_cache(maxsize=8)
def _bank(up: int, down: int) -> tuple[np.ndarray, np.ndarray, int]:
    """The filter for each of the ``up`` phases, the input offset of each phase's
    first tap (relative to ``n * down // up``), and the taps per phase."""
    scale = min(1.0, up / down)  # below 1 when going down: the filter widens
    cutoff = 0.5 * ROLLOFF * scale  # cycles per input sample
    half = int(np.ceil(HALF_TAPS / scale))
    taps = 2 * half
    phases = np.arange(up)
    frac = (phases * down % up) / up  # where each phase's output sits past its base sample
    offsets = np.arange(-half + 1, half + 1)  # input samples around the base
    t = offsets[None, :] - frac[:, None]  # distance of each tap from the output point
    window = np.kaiser(2 * half + 1, KAISER_BETA)
    # evaluate the (continuous) Kaiser window at the tap distances
    w = np.interp(t, np.arange(-half, half + 1), window, left=0.0, right=0.0)
    h = 2 * cutoff * np.sinc(2 * cutoff * t) * w
    h /= h.sum(axis=1, keepdims=True)  # unity gain at DC for every phase
    return h.astype(np.float32), (phases * down // up).astype(np.int64), taps


BLOCK_SAMPLES = 1 << 21  # input samples per block: a long clip is never copied whole


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """``samples`` (mono float32, or int16 read as ``x / 32768``) at ``rate`` Hz, as
    float32 at ``target`` Hz. Worked through in blocks of ``BLOCK_SAMPLES`` inputs, so
    the only whole-length array made is the result; each output sample is the same
    dot product whatever the blocks."""
    samples = np.asarray(samples)
    if rate == target or len(samples) == 0:
        return _as_float(samples)
    g = gcd(int(rate), int(target))
    up, down = int(target) // g, int(rate) // g
    bank, base, taps = _bank(up, down)
    half = taps // 2
    n_out = int(len(samples) * up // down)
    if n_out == 0:
        return np.zeros(0, dtype=np.float32)
    out = np.empty(n_out, dtype=np.float32)
    groups = -(-n_out // up)  # output n = q*up + phase; q numbers the groups of `up`
    step = max(1, BLOCK_SAMPLES // down)  # groups per block
    for q0 in range(0, groups, step):
        q1 = min(groups, q0 + step)
        # Input, in the coordinates of the signal padded with `half` zeros in front,
        # that outputs q0*up .. q1*up need; taps + down more for the last phase.
        lo = q0 * down
        hi = (q1 - 1) * down + int(base[-1]) + 1 + taps + down
        windows = np.lib.stride_tricks.sliding_window_view(_segment(samples, lo - half, hi - half),
                                                           taps)
        for phase in range(up):
            first = q0 * up + phase
            count = len(range(first, min(q1 * up, n_out), up))
            if count == 0:
                continue
            # output q*up + phase sits just past input q*down + base[phase]; its taps
            # start half - 1 samples before that (shifted by the padding of `half`)
            start = int(base[phase]) + 1 + q0 * down - lo
            rows = windows[start: start + count * down: down]
            out[first: first + count * up: up] = rows @ bank[phase]
    return out


def _segment(samples: np.ndarray, start: int, stop: int) -> np.ndarray:
    """``samples[start:stop]`` as float32, zeros where it reaches past either end."""
    seg = np.zeros(stop - start, dtype=np.float32)
    a, b = max(start, 0), min(stop, len(samples))
    if b > a:
        seg[a - start: b - start] = _as_float(samples[a:b])
    return seg


def _as_float(samples: np.ndarray) -> np.ndarray:
    if samples.dtype == np.int16:
        return from_int16(samples)
    return np.asarray(samples, dtype=np.float32)
