"""Loudness the BS.1770 way, block by block, in constant memory; and a gentle limiter.

- ``Meter``: feed it blocks; it K-weights them (the two BS.1770 biquads, applied as
  their impulse response by FFT overlap-add, so no per-sample Python loop), gates
  400 ms blocks every 100 ms (absolute -70 LUFS, relative -10 LU) using a histogram,
  and tracks the true peak with 4x oversampling.
- ``Limiter``: a look-ahead peak limiter on the 4x-oversampled envelope, used only
  when the loudness gain would push the true peak over the ceiling. It touches only
  the few peaks above the ceiling; everything else, silence included, passes through
  with linear gain.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from guided.samples import SAMPLE_RATE

TARGET_LUFS_MONO = -19.0  # -16 LUFS for stereo; we export mono
TRUE_PEAK_CEILING = -1.0  # dBTP, the most a file may reach
LIMIT_AT = -2.0  # dBTP the limiter aims for, leaving room for lossy encoders' overshoot
_ABSOLUTE_GATE = -70.0
_BINS_PER_LU = 100
_BIN_LOW, _BIN_HIGH = -70.0, 10.0
_IR_TAPS = 1024  # the K-weighting response has decayed below -100 dB by then
_OVERSAMPLE = 4
_HALF = 6  # interpolation taps each side (12 taps per phase)
_QUIET = 10 ** (-30 / 20)  # blocks peaking 30 dB under the loudest so far skip K-weighting


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS; -inf for silence
    true_peak: float  # dBTP; -inf for silence

    def gain_db(self, target: float = TARGET_LUFS_MONO) -> float:
        """The linear gain (dB) that brings the integrated loudness to ``target``."""
        return 0.0 if math.isinf(self.integrated) else target - self.integrated


def _k_weighting_ir(rate: int) -> np.ndarray:
    """Impulse response of the BS.1770 K-weighting (libebur128's exact coefficients)."""
    f0, gain, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = ((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0)
    shelf_a = (2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    hp_b = (1.0, -2.0, 1.0)
    hp_a = (2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    x = [0.0] * _IR_TAPS
    x[0] = 1.0
    for b, a in ((shelf_b, shelf_a), (hp_b, hp_a)):
        y = []
        x1 = x2 = y1 = y2 = 0.0
        for v in x:  # runs once per meter on _IR_TAPS samples
            out = b[0] * v + b[1] * x1 + b[2] * x2 - a[0] * y1 - a[1] * y2
            x2, x1, y2, y1 = x1, v, y1, out
            y.append(out)
        x = y
    return np.asarray(x)


def _interpolators() -> np.ndarray:
    """Fractional-delay filters for the 3 in-between points of 4x oversampling.
    Row p interpolates the time ``n - _HALF + p/4`` from ``x[n - 2*_HALF + 1 .. n]``."""
    lags = np.arange(2 * _HALF)
    rows = []
    for p in range(1, _OVERSAMPLE):
        d = _HALF - lags - p / _OVERSAMPLE
        w = np.sinc(d) * np.kaiser(2 * _HALF, 6.0)
        rows.append(w / w.sum())
    return np.asarray(rows)


_INTERP = _interpolators()
_INTERP_BOUND = float(np.abs(_INTERP).sum(axis=1).max())  # |interpolated| <= bound * max|x|


def _oversampled(z: np.ndarray) -> np.ndarray:
    """The largest |x| among the 3 in-between points of 4x oversampling; entry i covers the
    points between z[i - _HALF] and z[i - _HALF + 1] (valid from i = 2*_HALF - 1; 0 before).
    Sums of shifted slices: a few vector operations per tap, no Python loop over samples."""
    taps = 2 * _HALF
    n = len(z)
    out = np.zeros(n)
    if n < taps:
        return out
    for row in _INTERP:
        y = row[0] * z[taps - 1:]
        for j in range(1, taps):
            y += row[j] * z[taps - 1 - j:n - j]
        np.maximum(out[taps - 1:], np.abs(y), out=out[taps - 1:])
    return out


def _oversampled_near(z: np.ndarray, level: float) -> np.ndarray:
    """Like ``_oversampled``, but exact only where it can exceed ``level``: columns whose
    12-sample window holds a sample with ``|x| * bound > level``; elsewhere 0 (which is
    then known to be under ``level``). Speech has few such peaks, so this gathers a few
    hundred points instead of filtering the whole block."""
    taps = 2 * _HALF
    hot = np.flatnonzero(np.abs(z) * _INTERP_BOUND > level)
    if len(hot) * taps >= len(z):
        return _oversampled(z)
    out = np.zeros(len(z))
    if not len(hot):
        return out
    mark = np.zeros(len(z) + taps, dtype=bool)
    for j in range(taps):
        mark[hot + j] = True
    mark[: taps - 1] = False
    cols = np.flatnonzero(mark[: len(z)])
    if len(cols):
        windows = z[cols[:, None] - np.arange(taps)]  # windows[k, j] = z[cols[k] - j]
        out[cols] = np.abs(windows @ _INTERP.T).max(axis=1)
    return out


class Meter:
    """Integrated loudness (BS.1770-4 gating) and true peak of a stream of blocks."""

    def __init__(self, rate: int = SAMPLE_RATE):
        self.rate = rate
        self._ir = _k_weighting_ir(rate)
        self._fft_size = 0
        self._ir_fft: np.ndarray | None = None
        self._carry = np.zeros(_IR_TAPS - 1)
        self._carry_silent = True  # the K-weighting tail of earlier blocks is all zero
        self._segment = rate // 10  # 100 ms
        self._partial = 0.0  # sum of squares in the unfinished segment
        self._partial_n = 0
        self._last = np.zeros(3)  # the three previous 100 ms energies
        self._segments = 0
        bins = int((_BIN_HIGH - _BIN_LOW) * _BINS_PER_LU) + 1
        self._hist_count = np.zeros(bins, dtype=np.int64)
        self._hist_energy = np.zeros(bins)
        self._peak = 0.0
        self._tp_hist = np.zeros(2 * _HALF - 1)

    def feed(self, block: np.ndarray) -> None:
        x = np.asarray(block, dtype=np.float64)
        if not len(x):
            return
        peak = float(np.max(np.abs(x)))
        if peak == 0.0:  # digital silence, most of a practice: no peak, only the filter's tail
            self._keep_tp_history(x)
            if self._carry_silent:
                self._energies(x)
                return
        else:
            self._true_peak(x, peak)
        self._energies(self._k_weight(x, peak))

    def _k_weight(self, x: np.ndarray, peak: float) -> np.ndarray:
        n = len(x)
        if peak == 0.0 or peak < self._peak * _QUIET:
            # Silence, or far below the loudest sound so far (an ambience bed): such blocks
            # only count towards the gates, 30 dB under anything that is kept, so their
            # exact K-weighting does not matter (for silence it is exact: only the earlier
            # tail remains). Skip the FFT; keep the earlier tail.
            y = x.copy()
            m = min(n, _IR_TAPS - 1)
            y[:m] += self._carry[:m]
            self._carry = np.concatenate([self._carry[m:], np.zeros(m)])
            self._carry_silent = not self._carry.any()
            return y
        size = 1 << (n + _IR_TAPS - 1 - 1).bit_length()
        if size != self._fft_size or self._ir_fft is None:
            self._fft_size = size
            self._ir_fft = np.fft.rfft(self._ir, size)
        y = np.fft.irfft(np.fft.rfft(x, size) * self._ir_fft, size)[: n + _IR_TAPS - 1]
        y[: _IR_TAPS - 1] += self._carry  # the tail of earlier blocks (overlap-add)
        self._carry = y[n:].copy()
        self._carry_silent = False
        return y[:n]

    def _energies(self, y: np.ndarray) -> None:
        sq = y * y
        pos = 0
        n = len(sq)
        seg = self._segment
        done = []
        if self._partial_n:
            take = min(n, seg - self._partial_n)
            self._partial += float(sq[:take].sum())
            self._partial_n += take
            pos = take
            if self._partial_n == seg:
                done.append(np.array([self._partial / seg]))
                self._partial, self._partial_n = 0.0, 0
        whole = (n - pos) // seg
        if whole:
            done.append(sq[pos:pos + whole * seg].reshape(whole, seg).mean(axis=1))
            pos += whole * seg
        if pos < n:
            self._partial = float(sq[pos:].sum())
            self._partial_n = n - pos
        if done:
            self._segments_done(np.concatenate(done) if len(done) > 1 else done[0])

    def _segments_done(self, energies: np.ndarray) -> None:
        """Add the 400 ms gating blocks that end with each of these 100 ms energies."""
        e = np.concatenate([self._last, energies])
        z = (e[:-3] + e[1:-2] + e[2:-1] + e[3:]) / 4  # z[i]: the block ending at energies[i]
        z = z[max(0, 3 - self._segments):]  # the first three segments end no whole block
        self._segments += len(energies)
        self._last = e[-3:]
        z = z[z > 0]
        if not len(z):
            return
        level = -0.691 + 10 * np.log10(z)
        keep = level > _ABSOLUTE_GATE
        z, level = z[keep], level[keep]
        bins = np.minimum(len(self._hist_count) - 1, ((level - _BIN_LOW) * _BINS_PER_LU).astype(np.int64))
        np.add.at(self._hist_count, bins, 1)
        np.add.at(self._hist_energy, bins, z)

    def _true_peak(self, x: np.ndarray, peak: float) -> None:
        if peak * _INTERP_BOUND > self._peak:  # only blocks that might raise the peak
            z = np.concatenate([self._tp_hist, x])
            self._peak = max(self._peak, peak, float(_oversampled_near(z, self._peak).max()))
        self._keep_tp_history(x)

    def _keep_tp_history(self, x: np.ndarray) -> None:
        """The last samples, for the oversampling windows that straddle the next block."""
        keep = 2 * _HALF - 1
        if len(x) >= keep:
            self._tp_hist = x[-keep:].copy()
        else:
            self._tp_hist = np.concatenate([self._tp_hist, x])[-keep:]

    def result(self) -> Loudness:
        count = self._hist_count
        tp = 20 * math.log10(self._peak) if self._peak > 0 else -math.inf
        if not count.any():
            return Loudness(-math.inf, tp)
        mean = self._hist_energy.sum() / count.sum()
        relative = -0.691 + 10 * math.log10(mean) - 10.0
        start = max(0, int(math.ceil((relative - _BIN_LOW) * _BINS_PER_LU)))
        kept = count[start:].sum()
        if not kept:
            return Loudness(-math.inf, tp)
        integrated = -0.691 + 10 * math.log10(self._hist_energy[start:].sum() / kept)
        return Loudness(integrated, tp)


def measure(blocks: Iterable[np.ndarray], rate: int = SAMPLE_RATE) -> Loudness:
    meter = Meter(rate)
    for block in blocks:
        meter.feed(block)
    return meter.result()


class Limiter:
    """Look-ahead limiter: output = input delayed by ``delay`` samples times a smooth gain
    that keeps the 4x-oversampled peak at or under ``ceiling_db``. Attack and release
    are ``window`` samples long (about 12 ms)."""

    def __init__(self, ceiling_db: float = LIMIT_AT, window: int = 256):
        self.threshold = 10 ** (ceiling_db / 20)
        self.window = window
        self.delay = window + _HALF
        self._hist = np.zeros(2 * window + 2 * _HALF + 4)
        self._hist_silent = True  # the look-ahead history is all zero

    def process(self, x: np.ndarray) -> np.ndarray:
        n = len(x)
        h = len(self._hist)
        silent = not np.any(x)
        if silent and self._hist_silent:  # silence in, silence out (and the history stays zero)
            return np.zeros(n, dtype=np.float32)
        self._hist_silent = silent and n >= h
        z = np.concatenate([self._hist, np.asarray(x, dtype=np.float64)])
        self._hist = z[-h:]
        first = h - self.delay  # output z[first : first + n]
        a = np.abs(z)
        th = self.threshold
        plain = z[first:first + n].astype(np.float32)
        if float(a.max()) * _INTERP_BOUND <= th:
            return plain
        w = self.window
        size = len(z)
        over = _oversampled_near(z, th)[_HALF:]  # entry c: between z[c] and z[c+1]
        # The envelope of z[j] is the largest of |z[j]| and the in-between points on either
        # side; only where it is over the ceiling (``hot``) is less than unity gain needed.
        ov = np.flatnonzero(over > th)
        hot = np.union1d(np.flatnonzero(a > th), np.concatenate([ov, ov + 1]))
        if not len(hot):
            return plain
        env = a[hot]
        left = hot < size - _HALF
        env[left] = np.maximum(env[left], over[hot[left]])
        right = (hot >= 1) & (hot <= size - _HALF)
        env[right] = np.maximum(env[right], over[hot[right] - 1])
        # The gain for z[k] is the mean of lows[k-w+1 .. k], lows[j] = min(need[j : j+w]):
        # below 1 only within w - 1 samples of a hot sample, so only that span is computed.
        lo = max(first, int(hot[0]) - w + 1)
        hi = min(first + n - 1, int(hot[-1]) + w - 1)
        if lo > hi:
            return plain
        base = lo - w + 1
        need = np.ones(hi - lo + 2 * w - 1)
        inside = (hot >= base) & (hot < base + len(need))
        need[hot[inside] - base] = th / env[inside]
        lows = _sliding_min(need, w)
        sums = np.concatenate([[0.0], np.cumsum(lows)])
        gain = (sums[w:] - sums[:-w]) / w  # gain[i] for z[lo + i]
        plain[lo - first:hi - first + 1] = (z[lo:hi + 1] * gain).astype(np.float32)
        return plain


def _sliding_min(a: np.ndarray, w: int) -> np.ndarray:
    """``out[j] = min(a[j : j+w])`` in O(n) (van Herk / Gil-Werman)."""
    n = len(a)
    pad = (-n) % w
    b = np.concatenate([a, np.full(pad, np.inf)]).reshape(-1, w)
    prefix = np.minimum.accumulate(b, axis=1).ravel()
    suffix = np.minimum.accumulate(b[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(suffix[: n - w + 1], prefix[w - 1: n])


def normalised(blocks: Iterable[np.ndarray], gain_db: float, *, limit: bool,
               ceiling_db: float = LIMIT_AT) -> Iterator[np.ndarray]:
    """Blocks times a linear gain, through the limiter (aiming at ``ceiling_db``) if
    ``limit``; same length and timing."""
    gain = np.float32(10 ** (gain_db / 20))
    if not limit:
        for block in blocks:
            yield block * gain
        return
    limiter = Limiter(ceiling_db)
    skip = limiter.delay
    for block in blocks:
        out = limiter.process(block * gain)
        if skip:
            drop = min(skip, len(out))
            out, skip = out[drop:], skip - drop
        if len(out):
            yield out
    out = limiter.process(np.zeros(limiter.delay, dtype=np.float32))  # flush the look-ahead
    out = out[min(skip, len(out)):]
    if len(out):
        yield out
