"""The listener's say over the sounds (issue 24): --ambience, --ambience-volume, --bells,
--breath-tones and their settings, measured in exported audio. The test engine's tones
stand in for speech: what is measured here is the bed, the bells and the silences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from guided.samples import SAMPLE_RATE
from tests.helpers import write

SR = SAMPLE_RATE

BEDDED = """\
format: 1
title: Bed and bells
ambience: rain-like
steps:
  - bell
  - say: Notice the room.
  - pause: 5s
  - breathe: {in: 2, out: 3, cycles: 1, cue: tone}
  - say: That is all.
  - bell: {sound: chime}
"""


def export(cli, tmp_path: Path, name: str, *options: str) -> np.ndarray:
    script = tmp_path / "bedded.yaml"
    if not script.exists():
        write(tmp_path, "bedded.yaml", BEDDED)
    out = tmp_path / f"{name}.wav"
    result = cli("export", str(script), "-o", str(out), "--engine", "test", *options)
    assert result.returncode == 0, result.stderr
    samples, rate = soundfile.read(out, dtype="float32")
    assert rate == SR
    return samples


def longest_zero_run(x: np.ndarray) -> int:
    """The longest stretch of exact digital silence, in samples."""
    zero = np.concatenate([[0], (x == 0).astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(zero))
    return int(np.max(edges[1::2] - edges[::2])) if len(edges) else 0


def test_ambience_off_leaves_digital_silence_and_the_bed_does_not(cli, tmp_path):
    bed = export(cli, tmp_path, "bed")
    off = export(cli, tmp_path, "off", "--ambience", "off")
    assert longest_zero_run(off) >= 5 * SR  # the 5 s pause is exact silence
    assert longest_zero_run(bed[SR:-SR]) < SR // 100  # the bed fills every pause (fades aside)
    assert len(bed) - len(off) == 4 * SR  # only the bed's closing fade goes


def test_an_ambience_chosen_over_a_script_without_one(cli, tmp_path):
    write(tmp_path, "plain.yaml", BEDDED.replace("ambience: rain-like\n", ""))
    out = tmp_path / "plain.wav"
    result = cli("export", str(tmp_path / "plain.yaml"), "-o", str(out), "--engine", "test",
                 "--ambience", "brown-noise")
    assert result.returncode == 0, result.stderr
    samples, _ = soundfile.read(out, dtype="float32")
    assert longest_zero_run(samples[SR:-SR]) < SR // 100


def test_bells_off_keeps_each_bell_as_silence_of_its_length(cli, tmp_path):
    bells = export(cli, tmp_path, "bells", "--ambience", "off")
    quiet = export(cli, tmp_path, "quiet", "--ambience", "off", "--bells", "off")
    assert len(quiet) == len(bells)  # nothing moved
    assert np.max(np.abs(bells[:4 * SR])) > 0.05  # the first bell rings for 4 s
    assert not np.any(quiet[:4 * SR])  # and its time is silence
    chime = slice(len(bells) - int(2.5 * SR), len(bells))
    assert np.max(np.abs(bells[chime])) > 0.05 and not np.any(quiet[chime])
    def onset(x: np.ndarray) -> int:
        return 4 * SR + int(np.flatnonzero(np.abs(x[4 * SR:]) > 1e-3)[0])

    assert abs(onset(bells) - onset(quiet)) <= 2  # the voice starts where it did (loudness aside)


def test_breath_tones_off_only_with_its_own_option(cli, tmp_path):
    tones = export(cli, tmp_path, "tones", "--ambience", "off", "--bells", "off")
    none = export(cli, tmp_path, "none", "--ambience", "off", "--bells", "off",
                  "--breath-tones", "off")
    assert len(tones) == len(none)
    assert longest_zero_run(none) >= longest_zero_run(tones) + 4 * SR  # the 5 s breath went quiet


def test_ambience_volume_scales_the_bed(cli, tmp_path):
    full = export(cli, tmp_path, "full", "--bells", "off")
    low = export(cli, tmp_path, "low", "--bells", "off", "--ambience-volume", "0.25")
    zero = export(cli, tmp_path, "zero", "--bells", "off", "--ambience-volume", "0")
    assert len(zero) == len(full) == len(low)
    assert longest_zero_run(zero) >= 5 * SR  # a bed at 0 is no bed: the pause is silence
    silent = np.concatenate([[1.0], zero, [1.0]]) == 0  # where the pause is, found in `zero`
    edges = np.flatnonzero(np.diff(silent.astype(np.int8)))
    longest = int(np.argmax(edges[1::2] - edges[::2]))
    pause = slice(edges[2 * longest] + SR, edges[2 * longest + 1] - SR)
    ratio = np.sqrt(np.mean(low[pause] ** 2) / np.mean(full[pause] ** 2))
    assert 0.15 < ratio < 0.4, ratio  # a quarter of the level (loudness evening aside)


def test_settings_choose_the_sounds_and_an_option_wins(cli, tmp_path):
    assert cli("settings", "set", "bells", "off").returncode == 0
    assert cli("settings", "set", "ambience", "off").returncode == 0
    quiet = export(cli, tmp_path, "quiet")
    assert not np.any(quiet[:4 * SR])
    rung = export(cli, tmp_path, "rung", "--bells", "on")
    assert np.max(np.abs(rung[:4 * SR])) > 0.05 and len(rung) == len(quiet)
    shown = cli("settings")
    assert "bells" in shown.stdout and "off" in shown.stdout


@pytest.mark.parametrize(("key", "value"), [("ambience", "ocean"), ("ambience-volume", "2"),
                                            ("ambience-volume", "nan"), ("bells", "maybe"),
                                            ("support", "a\x1b[2Jb")])
def test_a_wrong_sound_setting_is_one_line(cli, key, value):
    result = cli("settings", "set", key, value)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("option", [("--ambience", "ocean"), ("--ambience-volume", "1.5"),
                                    ("--ambience-volume", "nan"), ("--bells", "quiet")])
def test_a_wrong_sound_option_is_one_line(cli, tmp_path, option):
    write(tmp_path, "bedded.yaml", BEDDED)
    result = cli("export", str(tmp_path / "bedded.yaml"), "-o", str(tmp_path / "x.wav"),
                 "--engine", "test", *option)
    assert result.returncode == 2
    assert not (tmp_path / "x.wav").exists()
    assert len(result.stderr.strip().splitlines()) == 1 and "invalid value" in result.stderr
