"""`guided play` for real, through PortAudio into virtual output devices.

- ALSA file sink: the bytes that reached the device equal the rendered session.
- PulseAudio null sink (real-time): pause, skip and quit through a real pseudo-terminal,
  and Ctrl-C / SIGKILL mid-session leave a correct `interrupted` row.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from guided.audio.device import to_pcm16
from guided.audio.render import render
from guided.paths import cache_dir
from guided.practice.chosen import Chosen
from guided.practice.prepare import prepare
from tests.audio_devices import (  # noqa: F401 - fixtures
    alsa_file_sink,
    no_audio_device,
    pulse_null_sink,
)
from tests.helpers import logged_sessions, wait_for_completed
from tests.practices import THREE_SECTIONS
from tests.pty_terminal import PtyGuided

pytestmark = pytest.mark.audio


@pytest.fixture(autouse=True)
def espeak_voice(monkeypatch):
    """The espeak-ng voice (always installed, quick), here and in every subprocess."""
    monkeypatch.setenv("GUIDED_ENGINE", "pyttsx3")

SHORT = """\
title: Three short sections
ambience: brown-noise
steps:
  - section: Arriving
  - say: Hello, {name}.
  - pause: 1s
  - section: Feet
  - say: Feel your feet.
  - bell: {sound: chime}
  - section: Leaving
  - say: Thank you.
variables:
  name: friend
"""


def _script(tmp_path: Path, text: str, name: str = "practice.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _rendered_pcm(path: Path, **kw) -> tuple[bytes, object]:
    from guided.speech.choice import VoiceChoice

    kw.setdefault("voice", VoiceChoice(engine="pyttsx3"))  # what `play` speaks with here
    with prepare(str(path), Chosen(cache_dir(), **kw)) as prep:
        blocks = render(prep.timeline.events, prep.speaker, ambience=prep.script.ambience)
        pcm = b"".join(to_pcm16(b).tobytes() for b in blocks)
        return pcm, prep.timeline


def _wait_for_row(timeout: float = 30) -> float:
    """When the session row appears (playback has started): a monotonic timestamp."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if logged_sessions():
            return time.monotonic()
        time.sleep(0.02)
    raise AssertionError("playback never started")


def _run(args, env, **kw):
    return subprocess.Popen([sys.executable, "-m", "guided", *args], env=env, **kw)


# --- byte-exact: ALSA file sink -------------------------------------------------------------


def test_bytes_played_equal_the_rendered_session(guided, tmp_path, alsa_file_sink):  # noqa: F811
    path = _script(tmp_path, SHORT)
    result = guided("play", str(path), "--no-prompt", "--device", alsa_file_sink.device,
                    "--var", "name=Sam", env=alsa_file_sink.env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # piped: quiet
    played = alsa_file_sink.output.read_bytes()
    expected, timeline = _rendered_pcm(path, variables={"name": "Sam"})
    assert len(played) == len(expected) == 2 * timeline.length
    assert played == expected
    (row,) = logged_sessions()
    assert row.outcome == "completed" and row.script == "practice"
    assert row.listened_seconds == pytest.approx(timeline.seconds, abs=0.01)
    assert row.planned_seconds == pytest.approx(timeline.seconds, abs=0.01)


def test_from_section_plays_exactly_the_rest(guided, tmp_path, alsa_file_sink):  # noqa: F811
    path = _script(tmp_path, THREE_SECTIONS)
    result = guided("play", str(path), "--no-prompt", "--device", alsa_file_sink.device,
                    "--from", "two", env=alsa_file_sink.env)
    assert result.returncode == 0, result.stderr
    expected, timeline = _rendered_pcm(path)
    two = timeline.chapters()[1].start
    assert alsa_file_sink.output.read_bytes() == expected[2 * two:]
    bad = guided("play", str(path), "--no-prompt", "--device", alsa_file_sink.device,
                 "--from", "seven", env=alsa_file_sink.env)
    assert bad.returncode == 1 and "1 One, 2 Two, 3 Three" in bad.stderr


def test_preview_play_from_auditions_a_section_without_logging(guided, tmp_path, alsa_file_sink):  # noqa: F811
    path = _script(tmp_path, THREE_SECTIONS)
    result = guided("preview", str(path), "--play-from", "3", "--device", alsa_file_sink.device,
                    env=alsa_file_sink.env)
    assert result.returncode == 0, result.stderr
    assert "§ Three" in result.stdout
    expected, timeline = _rendered_pcm(path)
    three = timeline.chapters()[2].start
    assert alsa_file_sink.output.read_bytes() == expected[2 * three:]
    assert logged_sessions() == []


def test_no_device_fails_before_any_question(guided, tmp_path, no_audio_device):  # noqa: F811
    path = _script(tmp_path, THREE_SECTIONS)
    result = guided("play", str(path), env=no_audio_device.env)
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1 and "guided export" in result.stderr
    assert "Traceback" not in result.stderr and logged_sessions() == []


# --- real time: PulseAudio null sink ---------------------------------------------------------


def test_plays_in_real_time(tmp_path, pulse_null_sink):  # noqa: F811
    path = _script(tmp_path, "title: Three seconds\nsteps:\n  - say: Hello.\n  - pause: 3s\n")
    proc = _run(["play", str(path), "--no-prompt", "--device", "pulse"], pulse_null_sink.merged(),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    started = _wait_for_row()
    _, err = proc.communicate(timeout=60)
    wall = time.monotonic() - started
    assert proc.returncode == 0, err
    (row,) = logged_sessions()
    assert row.planned_seconds > 3.0
    # from the moment playback began: the whole length, less what the sink still buffers
    assert wall >= row.planned_seconds - 0.5
    assert row.outcome == "completed"
    assert row.listened_seconds == pytest.approx(row.planned_seconds, abs=0.05)


def test_keys_pause_skip_quit_and_ratings(tmp_path, pulse_null_sink):  # noqa: F811
    path = _script(tmp_path, THREE_SECTIONS)
    env = pulse_null_sink.merged()
    env["TERM"] = "xterm"
    with PtyGuided(["play", str(path), "--device", "pulse"], env) as term:
        term.wait_for("0 means completely calm")  # the scale is explained the first time
        term.wait_for("(0-10, Enter to skip)")
        term.send("eleven\n")
        term.wait_for("A whole number from 0 to 10")
        term.send("7\n")
        term.wait_for("── One ──")
        shown = time.monotonic()
        term.wait_for("One.")
        term.send("n")  # skip to section two long before One's 3 s pause ends
        term.wait_for("── Two ──", timeout=3)
        skipped = time.monotonic()
        assert skipped - shown < 3.0
        time.sleep(0.5)
        term.send(" ")
        term.wait_for("paused")
        time.sleep(0.3)
        (row,) = logged_sessions()
        time.sleep(2.5)  # paused: listened time must not grow
        (during,) = logged_sessions()
        assert during.listened_seconds - row.listened_seconds < 0.3
        paused_at = during.listened_seconds
        term.send(" ")
        time.sleep(0.5)
        term.send("bb")  # twice quickly: back to the section before
        deadline = time.monotonic() + 3
        while term.text.count("── One ──") < 2:
            assert time.monotonic() < deadline, term.text[-800:]
            time.sleep(0.02)
        time.sleep(0.5)
        term.send("q")
        term.wait_for("And now, how much distress")
        term.send("3\n")
        term.wait_for("Anything you noticed")
        term.send("feet felt warm\n")
        term.proc.wait(timeout=20)
    assert "── Three ──" not in term.text
    (row,) = logged_sessions()
    assert row.outcome == "stopped"
    assert (row.distress_before, row.distress_after, row.note) == (7, 3, "feet felt warm")
    # heard: a little of One, then Two for about a second; never the whole 9+ s practice
    assert paused_at <= row.listened_seconds < row.planned_seconds - 3
    assert row.listened_seconds > 0.5


def test_the_first_clip_is_made_while_the_first_question_waits(tmp_path, alsa_file_sink):  # noqa: F811
    """The practice's speech starts as soon as the script is loaded: a listener who takes
    a moment over the distress question hears the voice at once after answering
    (issue 13: first sound). Nothing is said about the voice before the question."""
    path = _script(tmp_path, "title: One line\nsteps:\n  - say: Let your breath settle.\n")
    cache = tmp_path / "cold-cache"
    env = alsa_file_sink.merged()
    env.update(TERM="xterm", GUIDED_CACHE_DIR=str(cache))
    with PtyGuided(["play", str(path), "--device", alsa_file_sink.device], env) as term:
        term.wait_for("(0-10, Enter to skip)")
        deadline = time.monotonic() + 20
        while not list(cache.glob("*/*.clip")):  # made while nobody has answered yet
            assert time.monotonic() < deadline, term.text[-800:]
            time.sleep(0.02)
        assert "Let your breath" not in term.text  # nothing played before the answer
        assert "Speaking with" not in term.text  # and the voice is named only once it plays
        term.send("4\n")
        term.wait_for("Speaking with")
        term.wait_for("Let your breath")
        term.wait_for("And now, how much distress")
        term.send("\n")
        term.wait_for("Anything you noticed")
        term.send("\n")
        assert term.proc.wait(timeout=20) == 0
    (row,) = logged_sessions()
    assert row.outcome == "completed" and row.distress_before == 4
    assert len(list(cache.glob("*/*.clip"))) == 1  # made once, not again for playing


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_interrupted_session_is_logged(tmp_path, pulse_null_sink, sig):  # noqa: F811
    path = _script(tmp_path, THREE_SECTIONS)
    proc = _run(["play", str(path), "--no-prompt", "--device", "pulse"], pulse_null_sink.merged(),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    started = _wait_for_row()
    time.sleep(4.5)
    proc.send_signal(sig)
    elapsed = time.monotonic() - started
    _, err = proc.communicate(timeout=20)
    (row,) = logged_sessions()
    assert row.outcome == "interrupted"
    if sig in (signal.SIGINT, signal.SIGTERM):
        assert proc.returncode == 130 and "Traceback" not in err.decode()
        assert row.listened_seconds == pytest.approx(elapsed, abs=1.0)
    else:  # killed: the last periodic refresh (every 2 s) holds the time listened
        assert elapsed - 3.0 <= row.listened_seconds <= elapsed + 0.5


def test_delay_then_loop_until_ctrl_c(tmp_path, alsa_file_sink):  # noqa: F811
    path = _script(tmp_path, "title: Tiny\nsteps:\n  - say: Hello.\n  - pause: 1s\n")
    env = alsa_file_sink.merged()
    started = time.monotonic()
    proc = _run(["play", str(path), "--no-prompt", "--device", alsa_file_sink.device,
                 "--delay", "1s", "--loop"], env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = _wait_for_row()
    assert first - started >= 1.0  # the countdown came first
    wait_for_completed(2, proc, timeout=30)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 130 and "Traceback" not in err.decode()
    rows = logged_sessions()  # newest first: each round is its own session
    assert len(rows) >= 2 and all(r.outcome == "completed" for r in rows[1:])
    assert rows[0].outcome in ("interrupted", "completed")


def test_ctrl_c_at_the_terminal_restores_it(tmp_path, pulse_null_sink):  # noqa: F811
    import termios

    path = _script(tmp_path, THREE_SECTIONS)
    env = pulse_null_sink.merged()
    env["TERM"] = "xterm"
    term = PtyGuided(["play", str(path), "--device", "pulse", "--no-prompt"], env)
    before = termios.tcgetattr(term.master)
    try:
        term.wait_for("One.")
        assert termios.tcgetattr(term.master)[3] & termios.ICANON == 0  # keys mode while playing
        # The caption appears as the words are queued; the sink may take a moment to start
        # on a busy machine, so play for 2 s before asking for more than 0.5 s listened.
        time.sleep(2.0)
        term.send("\x03")  # Ctrl-C, through the terminal's own line discipline
        term.proc.wait(timeout=20)
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
    assert term.proc.returncode == 130
    assert termios.tcgetattr(term.master) == before  # echo and line mode are back
    assert "Traceback" not in term.text
    (row,) = logged_sessions()
    assert row.outcome == "interrupted" and row.listened_seconds > 0.5


def test_logging_off_plays_without_a_row(guided, tmp_path, alsa_file_sink):  # noqa: F811
    path = _script(tmp_path, "title: Tiny\nsteps:\n  - say: Hello.\n")
    assert guided("log", "off").returncode == 0
    result = guided("play", str(path), "--no-prompt", "--device", alsa_file_sink.device,
                    env=alsa_file_sink.env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("logging is off") == 1
    assert alsa_file_sink.output.stat().st_size > 0 and logged_sessions() == []
