"""Reading takes and preparing them the way a sound engineer would.

``prepare(samples, rate)`` turns a take from any microphone or file into a clip that
sits beside synthesized speech:

1. to mono (channels averaged);
2. resampled to the session rate with the band-limited windowed-sinc filter the
   engines use (``guided.speech.resample``), so nothing folds back as aliasing;
3. DC offset removed and a gentle linear-phase high-pass at 70 Hz (desk thumps,
   traffic rumble and breath pops on the microphone go; the voice stays);
4. cut to the speech: leading and trailing room noise, and a breath or click (a key
   press, a lip) before the first word or after the last, go, so a ``pause`` after the
   line is exact;
5. its loudness matched to the synthesized voices (``TARGET_LUFS``), never letting a
   peak past -1 dBFS.

The caller then applies ``guided.speech.trim.trim``, the same trim every synthesized
clip gets. Everything is plain numpy arithmetic, so the same take always gives the
same samples.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from guided.doors.audio import DECODED as DECODED
from guided.errors import GuidedError
from guided.samples import SAMPLE_RATE

PREP_VERSION = 1  # part of a prepared clip's cache key: change it when preparing changes
TARGET_LUFS = -19.5  # measured: espeak-ng clips sit at -19.2..-20.2 LUFS, Piper's at -17.8..-20.7
PEAK_CEILING = 10 ** (-1.0 / 20)
HIGH_PASS_HZ = 70.0
FRAME_SECONDS = 0.01
SPEECH_BELOW_PEAK_DB = 32.0  # frames this far under the loudest frame are not speech
ABOVE_NOISE_DB = 10.0  # ... nor frames this close to the room's noise floor
BRIDGE_SECONDS = 0.25  # quieter gaps shorter than this are inside the speech
BREATH_MAX_SECONDS = 0.7  # a short, quiet sound apart from the words (breath, click) ...
BREATH_BELOW_DB = 12.0  # ... this far under the speech is not a word
CLICK_MAX_SECONDS = 0.06  # a sound this short, apart from the words, is a click (a key, a lip)
HANG_SECONDS = 0.03  # kept around the speech so soft onsets and endings are not clipped
TOO_QUIET_DBFS = -42.0  # speech level (RMS of speech frames) below this: move closer
NOISY_SNR_DB = 25.0  # speech less than this far above the room: a noisy take


@dataclass
class Take:
    """A prepared take: the clip (float32 at ``SAMPLE_RATE``, before the final trim)
    and what a listener should know about it."""

    samples: np.ndarray
    warnings: list[str] = field(default_factory=list)


# -- reading -------------------------------------------------------------------------


def read_audio(path: Path) -> tuple[np.ndarray, int]:
    """A file's samples as float32 (frames, channels) and its rate, through the one
    bounded decoder for audio from outside (``guided.doors.audio``)."""
    from guided.doors.audio import read_take

    return read_take(path)


# -- preparing -----------------------------------------------------------------------


def to_mono(samples: np.ndarray) -> np.ndarray:
    data = np.asarray(samples)
    if data.ndim == 1:
        return data.astype(np.float64)
    mono = data[:, 0].astype(np.float64)  # channel by channel: no float64 copy of them all
    for channel in range(1, data.shape[1]):
        mono += data[:, channel]
    mono /= data.shape[1]
    return mono


def resample(x: np.ndarray, rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """Band-limited resampling (``guided.speech.resample``, the engines' own)."""
    from guided.speech.resample import resample as band_limited

    return band_limited(np.asarray(x, dtype=np.float32), int(rate), int(target)).astype(np.float64)


def high_pass(x: np.ndarray, rate: int = SAMPLE_RATE, cutoff: float = HIGH_PASS_HZ) -> np.ndarray:
    """DC removed, then a linear-phase FIR high-pass (no delay: speech stays where it was)."""
    x = np.asarray(x, dtype=np.float64) - float(np.mean(x)) if len(x) else np.zeros(0)
    taps = int(rate * 0.04) | 1  # about 40 ms: a gentle slope, nothing ringing
    m = np.arange(taps) - taps // 2
    low = 2 * cutoff / rate * np.sinc(2 * cutoff / rate * m) * np.blackman(taps)
    low /= low.sum()
    kernel = -low
    kernel[taps // 2] += 1.0
    return _convolve_same(x, kernel)


def _convolve_same(x: np.ndarray, kernel: np.ndarray, block: int = 1 << 16) -> np.ndarray:
    """``x`` convolved with an odd-length ``kernel``, centred (the output lines up with
    ``x``), by overlap-add in blocks: memory stays a few blocks whatever the take's length."""
    taps = len(kernel)
    nfft = 1 << (block + taps - 2).bit_length()
    spectrum = np.fft.rfft(kernel, nfft)
    full = np.zeros(len(x) + taps - 1)
    for start in range(0, len(x), block):
        piece = x[start:start + block]
        out = np.fft.irfft(np.fft.rfft(piece, nfft) * spectrum, nfft)[:len(piece) + taps - 1]
        full[start:start + len(out)] += out
    return full[taps // 2: taps // 2 + len(x)]


def _frame_db(x: np.ndarray, frame: int) -> np.ndarray:
    n = len(x) // frame
    if n == 0:
        return np.full(1, -200.0)
    power = np.mean(x[: n * frame].reshape(n, frame) ** 2, axis=1)
    return 10 * np.log10(power + 1e-20)


def speech_bounds(x: np.ndarray, rate: int = SAMPLE_RATE) -> tuple[int, int, float, float] | None:
    """(start, end) sample of the speech in ``x`` plus its level and the noise floor in
    dB, or None when nothing stands out from the room."""
    frame = int(rate * FRAME_SECONDS)
    db = _frame_db(x, frame)
    loudest = float(db.max())
    noise = float(np.percentile(db, 10))
    threshold = max(loudest - SPEECH_BELOW_PEAK_DB, noise + ABOVE_NOISE_DB)
    active = db > threshold
    if loudest < -75 or not active.any():
        return None
    # runs of active frames, joined across short gaps
    idx = np.flatnonzero(active)
    bridge = int(BRIDGE_SECONDS / FRAME_SECONDS)
    splits = np.flatnonzero(np.diff(idx) > bridge)
    runs = [(int(r[0]), int(r[-1]) + 1) for r in np.split(idx, splits + 1)]
    peak_of = [float(db[a:b].max()) for a, b in runs]
    speech_peak = max(peak_of)

    def is_breath(i: int) -> bool:
        a, b = runs[i]
        seconds = (b - a) * FRAME_SECONDS
        return seconds <= CLICK_MAX_SECONDS or (
            seconds <= BREATH_MAX_SECONDS and peak_of[i] < speech_peak - BREATH_BELOW_DB)

    while len(runs) > 1 and is_breath(0):
        runs.pop(0)
        peak_of.pop(0)
    while len(runs) > 1 and is_breath(len(runs) - 1):
        runs.pop()
        peak_of.pop()
    hang = int(HANG_SECONDS * rate)
    start = max(0, runs[0][0] * frame - hang)
    end = min(len(x), runs[-1][1] * frame + hang)
    voiced = db[runs[0][0]:runs[-1][1]]
    level = 10 * math.log10(float(np.mean(10 ** (voiced[voiced > threshold] / 10))))
    return start, end, level, noise


def prepare(samples: np.ndarray, rate: int) -> Take:
    """A take (any rate, mono or (frames, channels)) as a clip for the session; see the
    module docstring. Raises ``GuidedError`` when no speech can be found in it."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):  # odd takes: no NumPy notes
        warnings.simplefilter("ignore")
        return _prepare(samples, rate)


def _prepare(samples: np.ndarray, rate: int) -> Take:
    from guided.audio.loudness import measure

    raw = to_mono(samples)
    warnings = []
    clipped = int(np.count_nonzero(np.abs(raw) >= 0.999))
    if clipped >= 3:
        warnings.append("it clipped (too loud for the microphone): move back a little, or "
                        "turn the input level down, and redo it")
    x = high_pass(resample(raw, rate))
    found = speech_bounds(x)
    if found is None:
        raise GuidedError("no speech was heard in this take")
    start, end, level, noise = found
    if level < TOO_QUIET_DBFS:
        warnings.append(f"it is very quiet ({level:.0f} dBFS): come a little closer to the "
                        "microphone, or turn the input level up")
    elif level - noise < NOISY_SNR_DB:
        warnings.append(f"the room is loud behind the voice (only {level - noise:.0f} dB under "
                        "it): a quieter room or a closer microphone helps")
    speech = x[start:end]
    loud = measure(speech[i:i + (1 << 16)].astype(np.float32)
                   for i in range(0, len(speech), 1 << 16)).integrated
    gain = 10 ** ((TARGET_LUFS - loud) / 20) if math.isfinite(loud) else 1.0
    peak = float(np.abs(speech).max())
    if peak * gain > PEAK_CEILING:
        gain = PEAK_CEILING / peak
    return Take((speech * gain).astype(np.float32), warnings)
