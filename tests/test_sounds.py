"""The synthesized sounds: bells, breath-cue tones and ambience beds."""

from __future__ import annotations

import numpy as np
import pytest

from guided.audio.sounds import AMBIENCE_RMS, Ambience, bell, tone
from guided.samples import SAMPLE_RATE
from guided.script.lengths import BELL_SECONDS


def db(x: float) -> float:
    return 20 * np.log10(max(x, 1e-12))


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def dominant_hz(x: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE)[np.argmax(spectrum)])


def centroid_hz(x: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    freqs = np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE)
    return float((spectrum * freqs).sum() / spectrum.sum())


@pytest.mark.parametrize("sound", sorted(BELL_SECONDS))
def test_bell_length_level_attack_and_decay(sound):
    x = bell(sound)
    assert x.dtype == np.float32
    assert len(x) == round(BELL_SECONDS[sound] * SAMPLE_RATE)
    peak = float(np.max(np.abs(x)))
    assert -6.5 < db(peak) < -5.5
    assert abs(x[0]) < 0.01 * peak  # a soft attack, no click
    assert db(rms(x[-int(0.1 * SAMPLE_RATE):])) - db(peak) < -60  # rung out at the end
    assert db(rms(x[: SAMPLE_RATE // 2])) - db(peak) > -20  # but clearly audible at first


def test_bells_sound_different():
    pitches = {sound: dominant_hz(bell(sound)[: SAMPLE_RATE // 2]) for sound in BELL_SECONDS}
    assert len({round(p, -1) for p in pitches.values()}) == len(pitches), pitches


def test_inhale_rises_and_is_brighter_exhale_falls():
    n = 4 * SAMPLE_RATE
    inhale, exhale = tone("inhale", n), tone("exhale", n)
    assert len(inhale) == len(exhale) == n
    first, last = slice(SAMPLE_RATE // 2, SAMPLE_RATE), slice(n - 2 * SAMPLE_RATE, n - SAMPLE_RATE)
    assert dominant_hz(inhale[last]) > dominant_hz(inhale[first]) * 1.15
    assert dominant_hz(exhale[last]) < dominant_hz(exhale[first]) / 1.15
    assert centroid_hz(inhale[first]) > centroid_hz(exhale[first]) * 1.2
    for x in (inhale, exhale):  # gentle fades at both ends, well under a voice
        assert abs(x[0]) < 1e-3 and abs(x[-1]) < 1e-3
        assert 0.02 < np.max(np.abs(x)) < 0.2


def test_hold_is_a_soft_short_marker():
    n = 3 * SAMPLE_RATE
    for phase in ("hold", "hold-out"):
        x = tone(phase, n)
        assert 0.005 < np.max(np.abs(x)) <= 0.05
        assert not np.any(x[SAMPLE_RATE // 2:])  # silence after the marker


@pytest.mark.parametrize("phase", ["inhale", "exhale", "hold"])
def test_tone_slices_equal_the_whole(phase):
    n = 5 * SAMPLE_RATE + 123
    whole = tone(phase, n)
    for offset, count in [(0, 1000), (7777, 2048), (n - 500, 500)]:
        np.testing.assert_array_equal(tone(phase, n, offset, count), whole[offset:offset + count])


@pytest.mark.parametrize("kind", ["brown-noise", "pink-noise", "rain-like"])
def test_ambience_level_seams_and_slices(kind):
    n = 20 * SAMPLE_RATE
    x = Ambience(kind).samples(0, n)
    assert x.dtype == np.float32 and len(x) == n
    level = db(rms(x))
    assert db(AMBIENCE_RMS) - 4 < level < db(AMBIENCE_RMS) + 1
    # No clicks at chunk seams: no sample step is anywhere near a jump.
    assert np.max(np.abs(np.diff(x))) < 30 * rms(np.diff(x))
    # Any slice, made by a fresh bed, is the same samples (seek gives the same sound).
    for start, count in [(16384 - 100, 300), (123_456, 8192), (n - 1000, 1000)]:
        np.testing.assert_array_equal(Ambience(kind).samples(start, count), x[start:start + count])
    # Deterministic with a fixed seed; another seed is another sound.
    np.testing.assert_array_equal(Ambience(kind).samples(0, 5000), x[:5000])
    assert not np.array_equal(Ambience(kind, seed=1).samples(0, 5000), x[:5000])


def test_rain_has_droplets_and_brown_is_darker_than_pink():
    n = 10 * SAMPLE_RATE
    rain, pink, brown = (Ambience(k).samples(0, n) for k in ("rain-like", "pink-noise", "brown-noise"))
    crest = {name: np.max(np.abs(x)) / rms(x) for name, x in (("rain", rain), ("pink", pink))}
    assert crest["rain"] > crest["pink"] * 1.3  # droplets stand out of the hiss
    assert centroid_hz(brown) < centroid_hz(pink) < centroid_hz(rain)
