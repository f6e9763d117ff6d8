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


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """``samples`` (float32 mono at ``rate`` Hz) at ``target`` Hz."""
    samples = np.asarray(samples, dtype=np.float32)
    if rate == target or len(samples) == 0:
        return samples
    g = gcd(int(rate), int(target))
    up, down = int(target) // g, int(rate) // g
    bank, base, taps = _bank(up, down)
    half = taps // 2
    n_out = int(len(samples) * up // down)
    if n_out == 0:
        return np.zeros(0, dtype=np.float32)
    padded = np.concatenate([np.zeros(half, np.float32), samples, np.zeros(taps + down, np.float32)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, taps)
    out = np.empty(n_out, dtype=np.float32)
    for phase in range(up):
        count = len(range(phase, n_out, up))
        if count == 0:
            continue
        # output n = q*up + phase sits just past input sample q*down + base[phase]; its
        # taps start half - 1 samples before that (shifted by the padding of `half`)
        start = int(base[phase]) + 1
        rows = windows[start: start + count * down: down]
        out[phase::up] = rows @ bank[phase]
    return out
