"""Faults: interrupted writing commands, and exports with more chapters than one ID3
table of contents can hold.

Signals are sent to real ``guided`` processes; afterwards the folder holds nothing
half-written and none of the process's children is still running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.meters import ffprobe

LONG = ("title: Long\nambience: rain-like\nsteps:\n  - say: Rest.\n  - pause: 45m\n"
        "  - say: Rest.\n")
SECTIONS = 300
MANY_SECTIONS = f"""\
title: Many sections
steps:
  - repeat: {SECTIONS // 3}
    steps:
      - section: Round
      - say: Breathe.
      - section: Rest
      - pause: 0.2s
      - section: Again
      - pause: 0.1s
"""


def _start(args: list[str], tmp: Path | None = None) -> subprocess.Popen:
    env = dict(os.environ)
    if tmp is not None:  # the system's temporary folder, to see what is left in it
        tmp.mkdir(exist_ok=True)
        env["TMPDIR"] = str(tmp)
    return subprocess.Popen([sys.executable, "-m", "guided", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except FileNotFoundError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    children = {int(c) for c in fh.read().split()}
            except FileNotFoundError:
                continue
            stack.extend(children - found)
            found |= children
    return found


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"  # a zombie has already ended
    except (FileNotFoundError, IndexError):
        return False


def _wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _stop_and_check(proc: subprocess.Popen, sig: int, folder: Path) -> None:
    children = _descendants(proc.pid)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "internal error" not in err
    assert sorted(p.name for p in folder.iterdir()) == [], "partial files were left"
    _wait_until(lambda: not any(_running(c) for c in children), timeout=10)


@pytest.mark.subprocess
@pytest.mark.speech
@pytest.mark.tools
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_export_leaves_nothing(tmp_path, sig):
    # The case: SIGHUP during `export` left a .part file beside the output.
    script = tmp_path / "long.yaml"
    script.write_text(LONG)
    out = tmp_path / "out"
    proc = _start(["export", str(script), "-o", str(out / "long.mp3"), "--transcript", "vtt"],
                  tmp_path / "tmp")
    _wait_until(lambda: out.is_dir() and any(out.iterdir()))  # the render spool or the encoder
    time.sleep(0.5)
    _stop_and_check(proc, sig, out)
    assert list((tmp_path / "tmp").iterdir()) == []  # nor in the system's temporary folder


@pytest.mark.subprocess
@pytest.mark.speech
@pytest.mark.tools
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_during_bundle_leaves_nothing(tmp_path, sig):
    # The case: SIGTERM or SIGHUP during `bundle` left a partial .building folder.
    script = tmp_path / "long.yaml"
    script.write_text(LONG)
    out = tmp_path / "out"
    out.mkdir()
    proc = _start(["bundle", str(script), "-o", str(out / "for-sam")], tmp_path / "tmp")
    _wait_until(lambda: any(out.iterdir()))
    time.sleep(1.0)
    _stop_and_check(proc, sig, out)
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.subprocess
@pytest.mark.speech
@pytest.mark.tools
@pytest.mark.parametrize("command, long_out, temp_suffix, short_out", [
    ("export", "long.mp3", ".part", "short.mp3"),
    ("bundle", "long", ".building", "short.zip"),
])
def test_leftovers_of_a_killed_run_are_removed_by_the_next_run(tmp_path, command, long_out,
                                                               temp_suffix, short_out):
    script = tmp_path / "long.yaml"
    script.write_text(LONG)
    short = tmp_path / "short.yaml"
    short.write_text("title: Short\nsteps:\n  - say: Hello.\n")
    out = tmp_path / "out"
    out.mkdir()
    proc = _start([command, str(script), "-o", str(out / long_out)])
    _wait_until(lambda: any(p.name.endswith(temp_suffix) for p in out.iterdir()), timeout=90)
    proc.kill()  # nothing can clean up after SIGKILL ...
    proc.communicate(timeout=30)
    assert [p.name for p in out.iterdir() if p.name.endswith(temp_suffix)]
    result = subprocess.run([sys.executable, "-m", "guided", command, str(short), "-o",
                             str(out / short_out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [short_out]  # ... so the next run does


# --- more than 255 chapters ---------------------------------------------------------------


def _chapters(path: Path) -> list[dict]:
    return ffprobe(path)["chapters"]


def _tables(path: Path) -> tuple[list[str], dict[str, list[str]]]:
    """The chapter ids as the top-level table of contents orders them, and every CTOC."""
    from mutagen.id3 import ID3, CTOCFlags
    from mutagen.wave import WAVE

    tags = ID3(path) if path.suffix == ".mp3" else WAVE(path).tags
    tocs = {f.element_id: f for f in tags.getall("CTOC")}
    (top,) = [f for f in tocs.values() if f.flags & CTOCFlags.TOP_LEVEL]

    def walk(toc) -> list[str]:
        ids: list[str] = []
        for child in toc.child_element_ids:
            ids.extend(walk(tocs[child]) if child in tocs else [child])
        return ids

    return walk(top), {k: list(v.child_element_ids) for k, v in tocs.items()}


@pytest.mark.speech
@pytest.mark.tools
@pytest.mark.parametrize("fmt", ["mp3", "wav"])
def test_more_than_255_sections_export_with_nested_tables(cli, tmp_path, fmt):
    # The case: 256 or more sections ended in "bytes must be in range(0, 256)".
    script = tmp_path / "many.yaml"
    script.write_text(MANY_SECTIONS)
    out = tmp_path / f"many.{fmt}"
    result = cli("export", str(script), "-o", str(out))
    assert result.returncode == 0, result.stderr
    ordered, tables = _tables(out)
    assert ordered == [f"chp{i}" for i in range(SECTIONS)]  # every chapter, in order
    assert all(len(children) <= 255 for children in tables.values())
    assert len(tables) == 3  # the top level and two nested tables (255 + 45)
    if fmt == "mp3":
        chapters = _chapters(out)
        assert len(chapters) == SECTIONS
        assert [c["tags"]["title"] for c in chapters[:4]] == ["Round", "Rest", "Again", "Round"]


@pytest.mark.speech
@pytest.mark.tools
def test_more_than_255_sections_in_a_bundle_and_vorbis(cli, tmp_path):
    script = tmp_path / "many.yaml"
    script.write_text(MANY_SECTIONS)
    out = tmp_path / "bundle"
    result = cli("bundle", str(script), "-o", str(out))
    assert result.returncode == 0, result.stderr
    (mp3,) = (out / "audio").iterdir()
    assert len(_chapters(mp3)) == SECTIONS
    ogg = tmp_path / "many.ogg"
    assert cli("export", str(script), "-o", str(ogg)).returncode == 0
    assert len(_chapters(ogg)) == SECTIONS


def test_chapter_tables_nest_for_any_count():
    from guided.outputs.export import MAX_TOC_CHILDREN, chapter_tables

    for count in (1, 255, 256, 510, 511, 70_000):
        ids = [f"chp{i}" for i in range(count)]
        tables = chapter_tables(ids)
        by_id = {t.id: t for t in tables}
        assert [t.top for t in tables].count(True) == 1 and tables[-1].top
        assert all(len(t.children) <= MAX_TOC_CHILDREN for t in tables)

        def walk(table, by_id=by_id) -> list[str]:
            return [leaf for c in table.children
                    for leaf in (walk(by_id[c]) if c in by_id else [c])]

        assert walk(tables[-1]) == ids


SILENT = {  # practices that last 0:00
    "pause0.yaml": "title: e\nsteps:\n  - pause: 0\n",
    "blank.yaml": 'title: x\nvariables:\n  extra: ""\nsteps:\n  - say: "{extra}"\n',
}


@pytest.mark.parametrize("name", sorted(SILENT))
@pytest.mark.parametrize("command", [  # the test engine: no real voice is started
    ["check"], ["export", "-o", "z.mp3", "--engine", "test"],
    ["export", "-o", "z.flac", "--engine", "test"], ["bundle", "-o", "b", "--engine", "test"],
    ["play", "--no-prompt", "--engine", "test"], ["preview", "--engine", "test"],
])
def test_a_practice_of_0_00_says_there_is_nothing_to_hear(cli, tmp_path, name, command):
    from tests.helpers import one_line_error, write

    folder = tmp_path / "work"
    write(folder, name, SILENT[name])
    result = cli(command[0], name, *command[1:], cwd=folder)
    one_line_error(result, f"{name}:1:1", "nothing to hear", "0:00")
    assert [p.name for p in folder.iterdir()] == [name]  # no file, no folder


@pytest.mark.parametrize("fmt", ["mp3", "ogg", "flac", "wav"])
def test_every_encoder_refuses_no_samples_in_one_line(tmp_path, fmt):
    import numpy as np

    from guided.errors import GuidedError
    from guided.outputs.encode import encode

    for blocks in ([], [np.zeros(0, np.float32)]):
        with pytest.raises(GuidedError, match=f"nothing to write to z.{fmt}: .* 0:00"):
            encode(iter(blocks), tmp_path / f"z.{fmt}", fmt)
        assert not (tmp_path / f"z.{fmt}").exists()
    encode(iter([np.zeros(0, np.float32), np.zeros(2400, np.float32)]), tmp_path / f"z.{fmt}", fmt)
    assert (tmp_path / f"z.{fmt}").stat().st_size > 0  # an empty block first is fine
