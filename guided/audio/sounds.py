"""Every non-speech sound, synthesized in code: bells, breath-cue tones, ambience beds.

All functions are deterministic (fixed seeds), return float32 mono at ``SAMPLE_RATE``
and can produce any slice of a sound on its own, so the renderer can start anywhere
(seek, skip to a section) and still produce exactly the same samples.

Levels: bells peak at -6 dBFS; breath tones sit a little under the voice; ambience
beds are about 27 dB under espeak-ng's speech (RMS -48 dBFS against about -21 dBFS).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from guided.samples import SAMPLE_RATE, seconds_to_samples
from guided.script.lengths import BELL_SECONDS
from guided.script.model import AMBIENCES as SCRIPT_AMBIENCES

BELL_PEAK = 0.5  # -6 dBFS
TONE_LEVEL = 0.08  # peak of a breath tone, about -22 dBFS
HOLD_LEVEL = 0.03  # the soft marker at the start of a hold
TONE_GAP_SECONDS = 0.03  # silence at the end of each breath tone
AMBIENCE_RMS = 10 ** (-48 / 20)  # about -48 dBFS, roughly 27 dB under espeak-ng's voice
AMBIENCE_SEED = 20240611
AMBIENCES = tuple(a for a in SCRIPT_AMBIENCES if a != "none")  # the beds; "none" has none

# (frequency ratio, relative amplitude, decay time constant in seconds) per partial.
_BELL_PARTIALS: dict[str, tuple[float, float, tuple[tuple[float, float, float], ...]]] = {
    # name: (fundamental Hz, attack seconds, partials)
    "bell": (440.0, 0.006, ((0.5, 0.35, 1.4), (1.0, 1.0, 1.0), (1.19, 0.45, 0.7),
                            (1.5, 0.35, 0.55), (2.0, 0.3, 0.45), (2.74, 0.22, 0.3),
                            (3.76, 0.12, 0.2))),
    "soft-bell": (330.0, 0.03, ((0.5, 0.25, 1.1), (1.0, 1.0, 0.8), (1.19, 0.25, 0.5),
                                (2.0, 0.15, 0.35), (2.74, 0.06, 0.2))),
    "chime": (880.0, 0.003, ((1.0, 1.0, 0.6), (2.76, 0.4, 0.25), (5.40, 0.15, 0.12),
                             (8.93, 0.06, 0.07))),
}


def bell(sound: str) -> np.ndarray:
    """A bell of exactly ``BELL_SECONDS[sound]`` seconds: decaying inharmonic partials,
    a soft attack, peak -6 dBFS, ending below -60 dB."""
    fundamental, attack, partials = _BELL_PARTIALS[sound]
    n = seconds_to_samples(BELL_SECONDS[sound])
    t = np.arange(n) / SAMPLE_RATE
    out = np.zeros(n)
    for i, (ratio, amp, tau) in enumerate(partials):
        # A small fixed detune per partial gives the gentle beating of a real bell.
        freq = fundamental * ratio * (1.0 + 0.0007 * (i % 3 - 1))
        out += amp * np.exp(-t / tau) * np.sin(2 * np.pi * freq * t + 0.3 * i)
    na = max(1, seconds_to_samples(attack))
    out[:na] *= 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, na))
    # Close the last half second with a cosine so the tail is truly below -60 dB.
    nf = min(n, seconds_to_samples(0.5))
    out[n - nf:] *= 0.5 + 0.5 * np.cos(np.linspace(0.0, np.pi, nf))
    out *= BELL_PEAK / np.max(np.abs(out))
    return out.astype(np.float32)


_MADE_BELLS: dict[str, np.ndarray] = {}
_MADE_BELLS_LOCK = threading.Lock()


def made_bell(sound: str) -> np.ndarray:
    """``bell(sound)``, made once per process and kept (read-only): the player makes the
    opening bell in the background while the device opens (first sound, issue 19)."""
    with _MADE_BELLS_LOCK:  # a second caller waits for the first one's bell
        made = _MADE_BELLS.get(sound)
        if made is None:
            made = bell(sound)
            made.flags.writeable = False
            _MADE_BELLS[sound] = made
    return made


# Breath tones: inhale rises and is brighter (harmonics); exhale falls and is a pure,
# lower sine; holds are a single soft, short marker followed by silence.
_TONE_SHAPES = {
    # phase: (start Hz, end Hz, harmonic amplitudes for 1x, 2x, 3x)
    "inhale": (330.0, 494.0, (1.0, 0.35, 0.15)),
    "exhale": (330.0, 196.0, (1.0, 0.0, 0.0)),
}
_HOLD_MARK = {"hold": (659.0, 0.35), "hold-out": (523.0, 0.35)}  # Hz, seconds


def tone(phase: str, length: int, offset: int = 0, count: int | None = None) -> np.ndarray:
    """Samples ``offset .. offset+count`` of the breath-cue tone for a phase lasting
    ``length`` samples (the whole phase, onset to onset)."""
    count = length - offset if count is None else count
    n = np.arange(offset, offset + count, dtype=np.float64)
    t = n / SAMPLE_RATE
    total = length / SAMPLE_RATE
    if phase in _HOLD_MARK:
        freq, dur = _HOLD_MARK[phase]
        dur = min(dur, total)
        close = 0.5 + 0.5 * np.cos(np.pi * np.clip(t / dur, 0.0, 1.0))  # ends at exactly 0
        env = np.where(t < dur, np.exp(-t / (dur / 4)) * np.minimum(1.0, t / 0.01) * close, 0.0)
        return (HOLD_LEVEL * env * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    f0, f1, harmonics = _TONE_SHAPES[phase]
    # Instantaneous frequency glides linearly from f0 to f1 over the phase.
    cycles = f0 * t + (f1 - f0) * t * t / (2 * total)
    wave = np.asarray(sum(a * np.sin(2 * np.pi * (k + 1) * cycles)
                          for k, a in enumerate(harmonics) if a)) / sum(harmonics)
    fade_in = min(0.4, total / 4)
    fade_out = min(0.8, total / 3)
    # A quarter-sine fade in (it starts at once, so the onset is exactly the phase's start,
    # yet softly) and a raised-cosine fade out to silence a breath (30 ms) before the next
    # phase, so each phase is heard as its own tone.
    ends = total - min(TONE_GAP_SECONDS, total / 10)
    rise = np.sin(0.5 * np.pi * np.clip(t / fade_in, 0.0, 1.0))
    fall = 0.5 - 0.5 * np.cos(np.pi * np.clip((ends - t) / fade_out, 0.0, 1.0))
    env = rise * fall
    return (TONE_LEVEL * env * wave).astype(np.float32)


_CHUNK = 16384  # ambience is built from overlapping chunks of 2 * _CHUNK samples
_VARIANTS = 64  # distinct chunks per bed, picked in a seeded random order
_DROP_SECONDS = 0.04


@dataclass
class Ambience:
    """A quiet, endless bed that can produce any slice ``samples(start, count)``.

    Position ``k`` holds one of ``_VARIANTS`` chunks of shaped noise (chosen by a seeded
    hash of ``k``), windowed by a sqrt-Hann window of 2 * _CHUNK samples centred on
    ``k * _CHUNK``; overlapping chunks add up to a steady level with no seams, and the
    random order never repeats in a way the ear can follow. Rain adds droplets whose
    onsets are seeded per position. Memory is bounded by the variants (about 8 MB).
    """

    kind: str
    seed: int = AMBIENCE_SEED
    _variants: dict[int, np.ndarray] = field(default_factory=dict, repr=False)
    _drops: dict[int, list[tuple[int, int, float]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in AMBIENCES:
            raise ValueError(f"unknown ambience {self.kind!r}")
        size = 2 * _CHUNK
        freqs = np.fft.rfftfreq(size, 1.0 / SAMPLE_RATE)
        f = np.maximum(freqs, 1.0)
        if self.kind == "brown-noise":
            shape = 1.0 / np.maximum(f, 30.0)
            shape *= 1.0 / (1.0 + (f / 2500.0) ** 2)
        elif self.kind == "pink-noise":
            shape = 1.0 / np.sqrt(np.maximum(f, 40.0))
            shape *= 1.0 / (1.0 + (f / 6000.0) ** 2)
        else:  # rain-like: a soft hiss between about 400 Hz and 7 kHz
            shape = 1.0 / np.sqrt(np.maximum(f, 400.0))
            shape *= (f / 400.0) ** 2 / (1.0 + (f / 400.0) ** 2)
            shape *= 1.0 / (1.0 + (f / 7000.0) ** 4)
        shape[0] = 0.0
        level = AMBIENCE_RMS * (0.8 if self.kind == "rain-like" else 1.0)
        # Scaled so the time signal has RMS `level` (irfft divides by the size; each
        # complex bin carries two unit-variance parts).
        self._shape = shape * level * np.sqrt(size / 2) / np.sqrt(np.mean(shape**2))
        self._window = np.sqrt(0.5 - 0.5 * np.cos(2 * np.pi * np.arange(size) / size))

    def _chunk(self, k: int) -> np.ndarray:
        v = _mix(self.seed, k) % _VARIANTS
        chunk = self._variants.get(v)
        if chunk is None:
            # The spectrum of white noise is itself white, complex Gaussian noise: draw it
            # directly (no forward FFT), shape it, and go back to time once.
            rng = np.random.default_rng([self.seed, v])
            parts = rng.standard_normal((2, _CHUNK + 1))
            spectrum = (parts[0] + 1j * parts[1]) * self._shape
            chunk = (np.fft.irfft(spectrum, 2 * _CHUNK) * self._window).astype(np.float32)
            self._variants[v] = chunk
        return chunk

    def _drops_in(self, k: int) -> list[tuple[int, int, float]]:
        drops = self._drops.get(k)
        if drops is None:
            rng = np.random.default_rng([self.seed, k, 1])
            count = rng.poisson(6.0 * _CHUNK / SAMPLE_RATE)
            onsets = np.sort(rng.integers(0, _CHUNK, count)) + k * _CHUNK
            freqs = rng.integers(0, len(_DROPLETS), count)
            amps = AMBIENCE_RMS * rng.uniform(2.0, 6.0, count)
            drops = list(zip(onsets.tolist(), freqs.tolist(), amps.tolist(), strict=True))
            if len(self._drops) >= 4:
                self._drops.pop(min(self._drops))
            self._drops[k] = drops
        return drops

    def samples(self, start: int, count: int) -> np.ndarray:
        out = np.zeros(count, dtype=np.float32)
        end = start + count
        # Chunk k covers [(k - 1) * _CHUNK, (k + 1) * _CHUNK).
        for k in range(start // _CHUNK, (end - 1) // _CHUNK + 2):
            lo = max(start, (k - 1) * _CHUNK)
            hi = min(end, (k + 1) * _CHUNK)
            if lo < hi:
                base = (k - 1) * _CHUNK
                out[lo - start:hi - start] += self._chunk(k)[lo - base:hi - base]
        if self.kind == "rain-like":
            self._add_drops(out, start, end)
        return out

    def _add_drops(self, out: np.ndarray, start: int, end: int) -> None:
        span = seconds_to_samples(_DROP_SECONDS)
        for k in range(max(0, (start - span) // _CHUNK), (end - 1) // _CHUNK + 1):
            for onset, shape, amp in self._drops_in(k):
                lo, hi = max(start, onset), min(end, onset + span)
                if lo < hi:
                    drop = _DROPLETS[int(shape)]
                    out[lo - start:hi - start] += amp * drop[lo - onset:hi - onset]


def _droplets(count: int = 16) -> list[np.ndarray]:
    """A few droplet sounds: quick, slightly falling pings that die away in ~40 ms."""
    t = np.arange(seconds_to_samples(_DROP_SECONDS)) / SAMPLE_RATE
    env = np.exp(-t / 0.006) * np.minimum(1.0, t / 0.0005)
    return [(env * np.sin(2 * np.pi * freq * (t - 6.0 * t * t))).astype(np.float32)
            for freq in np.geomspace(1800.0, 4500.0, count)]


_DROPLETS = _droplets()


def _mix(seed: int, k: int) -> int:
    """A small, fixed integer hash (splitmix64) so each position picks its variant."""
    z = (seed * 0x9E3779B97F4A7C15 + k + 1) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)
