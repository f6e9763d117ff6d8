"""`guided timer` (issue 24): a silent timer with a soft bell to begin, interval bells,
and a last bell that ends as the time is up; measured in the audio it writes and plays."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from guided.audio.device import to_pcm16
from guided.audio.render import render
from guided.samples import SAMPLE_RATE
from guided.timeline.plan import plan
from guided.timeline.timer import timer_script
from tests.audio_devices import alsa_file_sink  # noqa: F401 - fixture
from tests.helpers import logged_sessions

SR = SAMPLE_RATE


def onsets(x: np.ndarray) -> list[float]:
    """Seconds where a sound begins after at least a second of quiet."""
    loud = np.flatnonzero(np.abs(x) > 1e-3)
    starts = [loud[0]] + [b for a, b in zip(loud, loud[1:], strict=False) if b - a > SR]
    return [round(s / SR, 2) for s in starts]


def test_one_minute_with_a_bell_every_20s_is_60s_with_four_bells(cli, tmp_path):
    out = tmp_path / "timer.wav"
    result = cli("timer", "1m", "--bell-every", "20s", "-o", str(out))
    assert result.returncode == 0, result.stderr
    x, rate = soundfile.read(out, dtype="float32")
    assert rate == SR and len(x) == 60 * SR  # 60.0 s, to the sample
    assert onsets(x) == [0.0, 20.0, 40.0, 57.0]  # the last bell rings out as the time is up
    assert np.max(np.abs(x[57 * SR:])) > 0.05 and not np.any(x[4 * SR:19 * SR])


def test_a_bare_number_is_minutes_and_a_bed_fills_the_quiet(cli, tmp_path):
    out = tmp_path / "bed.wav"
    result = cli("timer", "1", "--ambience", "pink-noise", "-o", str(out))
    assert result.returncode == 0, result.stderr
    x, _ = soundfile.read(out, dtype="float32")
    assert len(x) == 64 * SR  # a minute, and the bed's 4-second fade after the last bell
    quiet = x[10 * SR:50 * SR]  # between the bells: the bed, never digital silence
    assert np.sqrt(np.mean(quiet ** 2)) > 1e-3
    assert min(np.sqrt(np.mean(quiet[i:i + SR // 10] ** 2)) for i in range(0, len(quiet), SR // 10)) > 1e-4


def test_bells_off_leaves_a_timer_of_silence_as_long(cli, tmp_path):
    out = tmp_path / "quiet.wav"
    result = cli("timer", "30s", "--bells", "off", "-o", str(out))
    assert result.returncode == 0, result.stderr
    x, _ = soundfile.read(out, dtype="float32")
    assert len(x) == 30 * SR and not np.any(x)


@pytest.mark.parametrize(("args", "words"), [
    (("0",), "more than 0"),
    (("0m",), "more than 0"),
    (("-5m",), "no option"),
    (("5h",), "4 hours"),
    (("4h1s",), "4 hours"),
    (("later",), "bad duration"),
    (("5s",), "at least 10 seconds"),
    (("1m", "--bell-every", "2m"), "longer than the timer"),
    (("1m", "--bell-every", "2s"), "at least 10 seconds"),
    (("1m", "--bell-every", "0"), "more than 0"),
])
def test_bad_lengths_are_one_line(cli, tmp_path, args, words):
    result = cli("timer", *args, "-o", str(tmp_path / "t.wav"))
    assert result.returncode in (1, 2)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "t.wav").exists()


def test_hostile_outputs_are_refused_and_nothing_is_harmed(cli, tmp_path):
    fifo = tmp_path / "pipe.wav"
    os.mkfifo(fifo)
    kept = tmp_path / "mine.txt"
    kept.write_text("mine")
    link = tmp_path / "link.wav"
    link.symlink_to(kept)
    folder = tmp_path / "folder.wav"
    folder.mkdir()
    for target in (fifo, link, folder, Path("/dev/null"), kept):
        result = cli("timer", "1m", "-o", str(target))
        assert result.returncode != 0, target
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert kept.read_text() == "mine" and link.is_symlink() and fifo.is_fifo()


@pytest.mark.subprocess
def test_closed_stdin_and_stdout_still_write_the_file(tmp_path):
    out = tmp_path / "t.wav"
    proc = subprocess.run([sys.executable, "-m", "guided", "timer", "20s", "-o", str(out)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
                          close_fds=True, pass_fds=(), preexec_fn=lambda: os.close(1))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert soundfile.info(str(out)).frames == 20 * SR


@pytest.mark.audio
def test_played_timer_reaches_the_device_whole_and_is_logged_as_a_timer(guided, alsa_file_sink):  # noqa: F811
    result = guided("timer", "12s", "--no-prompt", "--before", "6", "--after", "3",
                    "--device", alsa_file_sink.device, env=alsa_file_sink.env)
    assert result.returncode == 0, result.stderr
    expected = b"".join(to_pcm16(b).tobytes() for b in render(plan(timer_script(12)).events, None))
    assert alsa_file_sink.output.read_bytes() == expected
    (row,) = logged_sessions()
    assert (row.origin, row.outcome, row.distress_before, row.distress_after) == (
        "timer", "completed", 6, 3)
    assert row.planned_seconds == pytest.approx(12.0)
