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
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

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
DECODED = (".wav", ".flac", ".mp3", ".m4a")


@dataclass
class Take:
    """A prepared take: the clip (float32 at ``SAMPLE_RATE``, before the final trim)
    and what a listener should know about it."""

    samples: np.ndarray
    warnings: list[str] = field(default_factory=list)


# -- reading -------------------------------------------------------------------------


def read_audio(path: Path) -> tuple[np.ndarray, int]:
    """A file's samples as float32 (frames, channels) and its rate. WAV (PCM) with the
    standard library; FLAC, MP3, Ogg (and other WAV) with soundfile, whose wheels carry
    their codecs; anything else (M4A) through pydub when ffmpeg is there."""
    try:
        return _read_wav(path)
    except (wave.Error, EOFError):
        pass
    except OSError as exc:
        raise GuidedError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        return _read_with_soundfile(path)
    except (RuntimeError, TypeError, ValueError):  # soundfile's errors derive from these
        pass
    return _read_with_pydub(path)


def _read_with_soundfile(path: Path) -> tuple[np.ndarray, int]:
    import soundfile

    data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    return data, int(rate)


def _read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
        raw = w.readframes(w.getnframes())
    if width == 1:
        data = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128) / 128
    elif width == 2:
        data = np.frombuffer(raw, "<i2").astype(np.float32) / 32768
    elif width == 3:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        data = (np.where(v >= 1 << 23, v - (1 << 24), v) / float(1 << 23)).astype(np.float32)
    elif width == 4:
        data = (np.frombuffer(raw, "<i4") / 2147483648.0).astype(np.float32)
    else:
        raise wave.Error(f"{width}-byte samples")
    return data.reshape(-1, channels), rate


def _read_with_pydub(path: Path) -> tuple[np.ndarray, int]:
    import shutil

    if shutil.which("ffmpeg") is None:
        raise GuidedError(
            f"cannot read {path.name}: reading {path.suffix or 'this'} files needs ffmpeg; "
            "save the take as a WAV file instead (16- or 24-bit PCM)")
    from pydub import AudioSegment

    try:
        seg = AudioSegment.from_file(str(path))
    except Exception as exc:  # noqa: BLE001 - ffmpeg's many ways to fail become one line
        detail = str(exc).strip().splitlines()[-1:] or ["not an audio file"]
        raise GuidedError(f"cannot read {path.name} as audio ({detail[0][:120]})") from None
    full = float(1 << (8 * seg.sample_width - 1))
    data = np.array(seg.get_array_of_samples(), dtype=np.float64) / full
    return data.astype(np.float32).reshape(-1, seg.channels), seg.frame_rate


# -- preparing -----------------------------------------------------------------------


def to_mono(samples: np.ndarray) -> np.ndarray:
    data = np.asarray(samples, dtype=np.float64)
    return data.mean(axis=1) if data.ndim > 1 else data


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
    size = len(x) + taps - 1
    nfft = 1 << (size - 1).bit_length()
    y = np.fft.irfft(np.fft.rfft(x, nfft) * np.fft.rfft(kernel, nfft), nfft)[:size]
    return y[taps // 2: taps // 2 + len(x)]


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
    loud = measure([speech.astype(np.float32)]).integrated
    gain = 10 ** ((TARGET_LUFS - loud) / 20) if math.isfinite(loud) else 1.0
    peak = float(np.abs(speech).max())
    if peak * gain > PEAK_CEILING:
        gain = PEAK_CEILING / peak
    return Take((speech * gain).astype(np.float32), warnings)
