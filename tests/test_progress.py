"""The progress line of `guided bundle` and `guided export --all`: a bar with the time
left, and never glued to another message."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import click
import pytest

from guided.outputs import progress as progress_module
from guided.outputs.progress import Progress
from tests.pty_terminal import run_on_terminal as run_guided_on_terminal

ANSI = re.compile(r"\x1b\[K")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def screen_lines(raw: str) -> list[str]:
    """What a terminal shows: each line as left after its last carriage return."""
    shown = []
    for line in ANSI.sub("", raw.replace("\r\n", "\n")).split("\n"):
        shown.append(line.split("\r")[-1])
    return shown


def test_time_left_follows_the_pace_so_far(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: clock[0])
    bar = Progress(200, "Exporting", stream=FakeTerminal(), enabled=True)
    bar.set("a", 50)
    assert bar.time_left() is None  # too early to say
    clock[0] += 10.0
    assert bar.time_left() == 30.0  # 50 units in 10 s, 150 to go
    assert "[#####---------------]  25%  about 0:30 left" in bar.line()
    bar.set("b", 150)
    assert bar.time_left() == 0.0 and bar.line().endswith("100%")


def test_messages_never_share_the_bar_line(monkeypatch):
    terminal = FakeTerminal()
    out = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", terminal)
    with Progress(10, "Exporting [1/2] Grounding", stream=terminal) as bar:
        bar.set(1, 3)
        click.echo("a note from the speech engine", err=True)
        bar.set(1, 6)
        bar.echo("practices/grounding.mp3")
        print("Using Piper's natural voice.", file=sys.stderr)
        bar.set(1, 10)
    assert sys.stderr is terminal and sys.stdout is out  # the guards are gone afterwards
    shown = screen_lines(terminal.getvalue())
    notes = [line for line in shown if "note" in line or "Piper" in line]
    assert notes == ["a note from the speech engine", "Using Piper's natural voice."]
    assert shown[-2].startswith("Exporting [1/2] Grounding  [####################] 100%")
    assert out.getvalue() == "practices/grounding.mp3\n"


def test_no_bar_when_not_on_a_terminal(monkeypatch):
    stream = io.StringIO()
    with Progress(10, "Exporting", stream=stream) as bar:
        bar.set(1, 5)
    assert stream.getvalue() == "" and not bar.enabled


def run_on_terminal(args: list[str], cwd: Path, timeout: float = 300) -> tuple[int, str]:
    return run_guided_on_terminal(args, timeout=timeout, cwd=cwd)


@pytest.mark.subprocess
@pytest.mark.speech
def test_bundle_shows_a_bar_with_time_left_on_a_terminal(tmp_path):
    script = tmp_path / "sam.yaml"
    script.write_text("title: Evening\nsteps:\n" + "".join(
        f"  - say: This is sentence number {n}, spoken slowly and calmly.\n  - pause: 1s\n"
        for n in range(40)))
    code, raw = run_on_terminal(["bundle", "sam.yaml", "-o", "out", "--engine", "pyttsx3"], tmp_path)
    assert code == 0, raw
    assert "[####################] 100%" in raw
    assert re.search(r"Exporting \[1/1\] Evening  \[[#-]{20}\] +\d+%", raw)
    shown = screen_lines(raw)
    made = [line for line in shown if "Made out" in line]
    assert made == ["Made out: 1 practice."]  # on its own line, not glued to the bar
    assert (tmp_path / "out" / "index.html").is_file()


@pytest.mark.slow
@pytest.mark.timeout(900)  # a guard against a hang: about 12 s of CPU, much longer under load
def test_export_all_shows_time_left_and_lists_files_on_their_own_lines(tmp_path):
    """`guided export --all` on a terminal: a bar with the time left, and each practice of
    the library exported once, under its own name, whole and with its chapters, its path
    on a line of its own. (test_export.py had the same export without a terminal; the two
    were merged, as the export is the same.)"""
    from guided.script.library import iter_library
    from tests.meters import ffprobe

    names = [entry.name for entry in iter_library() if entry.ok]
    assert len(names) >= 35  # the translations too
    # FLAC at a quarter of each pause, in the test engine's tones: the bar, the lines and the
    # files are the same as in speech (each export of a voice is tested elsewhere), for a
    # tenth of the CPU of full-length MP3s of all 35 practices spoken by espeak-ng.
    code, raw = run_on_terminal(["export", "--all", "-d", "lib", "--engine", "test",
                                 "--format", "flac", "--pace", "0.25"], tmp_path, timeout=840)
    assert code == 0, raw[-2000:]
    assert re.search(r"Exporting the library  \[[#-]{20}\] +\d+%  about \d+:\d\d left", raw)
    shown = screen_lines(raw)
    files = [line for line in shown if line.endswith(".flac")]
    assert files == [f"lib/{name}.flac" for name in names]
    assert shown[-2].startswith("Exporting the library  [####################] 100%")
    out = tmp_path / "lib"
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.flac" for name in names)
    for name in names[:3]:
        info = ffprobe(out / f"{name}.flac")
        assert float(info["format"]["duration"]) > 30
        assert info["chapters"]
