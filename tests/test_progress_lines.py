"""Progress and messages never share a line (issue 11, points 6 and 7), under a real pty."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from guided.script.durations import format_clock
from tests.audio_devices import alsa_file_sink, pulse_null_sink  # noqa: F401 - fixtures
from tests.helpers import logged_sessions, wait_for_completed
from tests.practices import THREE_SECTIONS
from tests.pty_terminal import PtyGuided

TINY = "title: Tiny\nsteps:\n  - say: Hello there.\n  - pause: 1s\n"


@pytest.mark.subprocess
def test_export_bar_and_the_engine_note_keep_to_their_own_lines(tmp_path: Path):
    script = tmp_path / "tiny.yaml"
    script.write_text(TINY)
    env = dict(os.environ, GUIDED_ENGINE="auto")  # auto announces which engine it picked
    term = PtyGuided(["export", str(script), "-o", str(tmp_path / "tiny.wav")], env)
    assert term.finish(timeout=120) == 0, term.text[-1500:]
    lines = term.screen_lines()
    notes = [line for line in lines if "Piper" in line or "hibari" in line or "espeak" in line]
    assert len(notes) == 1, lines
    assert "[" not in notes[0] and "Preparing" not in notes[0]
    bars = [line for line in lines if "[" in line and "%" in line]
    assert bars and all(not line.rstrip().endswith("%") or "100%" in line for line in bars), lines
    assert any("Exporting tiny.wav" in line and "100%" in line for line in bars), lines


# --- the player's progress line, under a real pty into a real-time PulseAudio null sink ------


PROGRESS = re.compile(r"^\[[#.]+\] \d+:\d\d · \d+:\d\d left(  paused \(space resumes\))?$")


def _progress_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("[") and "left" in line]


@pytest.mark.audio
def test_progress_line_stands_alone_never_goes_negative_and_ends_full(tmp_path, pulse_null_sink):  # noqa: F811
    script = tmp_path / "short.yaml"
    script.write_text("title: Short\nsteps:\n  - section: Only\n  - say: Hello there.\n  - pause: 2s\n")
    term = PtyGuided(["play", str(script), "--device", "pulse", "--no-prompt"], pulse_null_sink.merged())
    assert term.finish(timeout=60) == 0, term.text[-1500:]
    lines = term.screen_lines()
    bars = _progress_lines(lines)
    assert bars, lines
    for line in bars:  # nothing else on a progress line, and no time below zero
        assert PROGRESS.match(line), line
        assert "-" not in line
    last = bars[-1]
    assert "." not in last.split("]")[0] and last.endswith(" 0:00 left"), last  # full at the end
    assert lines[-1] == "Thank you for taking this time."


@pytest.mark.audio
def test_skipping_to_the_end_is_not_listening_to_the_end(tmp_path, pulse_null_sink):  # noqa: F811
    script = tmp_path / "sections.yaml"
    script.write_text(THREE_SECTIONS)
    with PtyGuided(["play", str(script), "--device", "pulse", "--no-prompt"], pulse_null_sink.merged()) as term:
        at = term.wait_for("── One ──")
        time.sleep(1.0)
        term.send("n")
        at = term.wait_for("── Two ──", after=at)
        time.sleep(0.5)
        term.send("n")
        term.wait_for("── Three ──", after=at)
        time.sleep(0.5)
        term.send("n")  # in the last section: to the end
        assert term.finish(timeout=30) == 0, term.text[-1500:]
    (row,) = logged_sessions()
    assert row.outcome == "skipped"
    assert 1.0 < row.listened_seconds < row.planned_seconds - 3.0
    assert "You skipped to the end after listening" in term.text
    assert "Thank you for taking this time." in term.text


@pytest.mark.audio
def test_loop_reports_the_whole_time_listened(tmp_path, alsa_file_sink):  # noqa: F811
    script = tmp_path / "tiny.yaml"
    script.write_text("title: Tiny\nsteps:\n  - say: Hello.\n  - pause: 1s\n")
    proc = subprocess.Popen([sys.executable, "-m", "guided", "play", str(script), "--no-prompt",
                             "--device", alsa_file_sink.device, "--loop"], env=alsa_file_sink.merged(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_completed(3, proc, timeout=60)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    rows = logged_sessions()
    whole = sum(r.listened_seconds for r in rows)
    assert whole > 3 * rows[-1].planned_seconds - 0.5
    said = re.search(r"Stopped after (\d+):(\d\d) in all, over (\d+) rounds\.", err)
    assert said, err
    minutes, seconds, rounds = map(int, said.groups())
    assert rounds == len(rows)
    assert abs(minutes * 60 + seconds - whole) <= 1.0, (err, format_clock(whole))


def test_a_message_is_written_above_the_live_line_not_after_it(capsys):
    import io

    from guided.outputs import liveline
    from tests.pty_terminal import screen_lines

    screen = io.StringIO()

    def redraw() -> None:
        screen.write("\r\x1b[KExporting the library  [####....]   50%")

    with liveline.live(screen, redraw):
        redraw()
        # what `export --all` prints for each file while its bar is showing
        liveline.echo("library/grounding.mp3", file=screen)
    assert screen_lines(screen.getvalue()) == ["library/grounding.mp3",
                                                "Exporting the library  [####....]   50%"]
