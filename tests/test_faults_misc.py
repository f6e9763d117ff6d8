"""Faults, part B: the "internal error" exits of issue 10, point 13, each now one line.

Real faults where they can be made: a full disk is a small tmpfs mounted for the test
(as root) or, elsewhere, a file-size limit (RLIMIT_FSIZE) on the real process, which
fails writes the same way; a closed pipe is a real pipe whose reader has gone.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers import write

T = "title: T\nsteps:\n"
SHORT = "title: Short\nsteps:\n  - say: Hello, and welcome.\n  - pause: 2s\n  - bell\n"


def one_line(result, start: str, *parts: str) -> str:
    assert result.returncode != 0, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(start), lines[0]
    for part in parts:
        assert part in lines[0], lines[0]
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    return lines[0]


# --- include paths the system refuses ------------------------------------------------------


def test_include_path_with_nul(cli, tmp_path):
    write(tmp_path, "s.yaml", T + '  - include: "part\\0.yaml"\n')
    one_line(cli("check", "s.yaml", cwd=tmp_path), "s.yaml:3:14: error: ", "U+0000 (NUL)")


@pytest.mark.parametrize("ref", ["a" * 300 + ".yaml", "parts/" + "b" * 256 + "/x.yaml",
                                 "/".join(["c" * 200] * 25) + "/x.yaml"],
                         ids=["name over the limit", "folder name over the limit",
                              "path over the limit"])
def test_include_path_too_long(cli, tmp_path, ref):
    (tmp_path / "parts").mkdir()  # so the long name itself is reached
    write(tmp_path, "s.yaml", T + f"  - include: {ref}\n")
    line = one_line(cli("check", "s.yaml", cwd=tmp_path), "s.yaml:3:14: error: cannot include '")
    assert line.endswith("too long"), line


# --- a full disk -----------------------------------------------------------------------------


@pytest.fixture(params=["tmpfs", "file-size-limit"])
def small_disk(request, tmp_path):
    """(folder, preexec): a 192 KiB tmpfs when we may mount one (preexec None), else (and
    as the second variant) a plain folder and a preexec that limits the size of any file
    the process writes to 192 KiB."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = False
    if request.param == "tmpfs" and os.geteuid() == 0 and shutil.which("mount"):
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=192k", "tmpfs", str(folder)],
                                 capture_output=True).returncode == 0
    yield folder, None if mounted else _file_size_limit(192 * 1024)
    if mounted:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _file_size_limit(limit: int):
    def preexec() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def run(args: list[str], cwd: Path, preexec=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guided", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, preexec_fn=preexec, env=dict(os.environ))


@pytest.mark.parametrize("fmt", ["mp3", "wav"])
def test_disk_full_while_writing_the_render_spool(tmp_path, small_disk, fmt):
    folder, preexec = small_disk
    write(tmp_path, "long.yaml", "title: Long\nsteps:\n  - repeat: 20\n    steps:\n"
                                 "      - say: Feel your feet on the floor.\n      - bell\n")
    assert run(["export", "long.yaml", "-o", "warm.wav"], tmp_path).returncode == 0  # clips cached
    result = run(["export", "long.yaml", "-o", str(folder / f"long.{fmt}")], tmp_path, preexec)
    one_line(result, "guided: cannot write the audio in ", str(folder))
    assert "the disk is full" in result.stderr or "larger than this system allows" in result.stderr
    assert os.listdir(folder) == []  # nothing half-written is left


@pytest.mark.subprocess
@pytest.mark.speech
@pytest.mark.tools
def test_file_size_limit_while_exporting(tmp_path):
    """A variant: the system's limit on one file's size (EFBIG), not a full disk."""
    folder = tmp_path / "work"
    write(folder, "long.yaml", "title: Long\nsteps:\n  - repeat: 20\n    steps:\n"
                               "      - say: Feel your feet on the floor.\n      - bell\n")
    assert run(["export", "long.yaml", "-o", "first.wav"], folder).returncode == 0  # clips cached
    (folder / "first.wav").unlink()
    result = run(["export", "long.yaml", "-o", "long.flac"], folder, _file_size_limit(1024 * 1024))
    one_line(result, "guided: cannot write the audio in ", "larger than this system allows")
    assert sorted(os.listdir(folder)) == ["long.yaml"]


@pytest.mark.parametrize("name", ["b.zip", "b"])
def test_disk_full_while_making_a_bundle(tmp_path, small_disk, name):
    """The message names the bundle asked for, not the hidden folder it is built in."""
    folder, preexec = small_disk
    write(tmp_path, "long.yaml", "title: Long\nsteps:\n  - say: Feel your feet on the floor.\n"
                                 "  - pause: 10m\n")
    result = run(["bundle", "long.yaml", "--engine", "test", "-o", str(folder / name)], tmp_path,
                 preexec)
    one_line(result, f"guided: cannot make the bundle {folder / name}: ")
    assert "the disk is full" in result.stderr or "larger than this system allows" in result.stderr
    assert ".building" not in result.stderr
    assert os.listdir(folder) == []  # nothing half-written is left


TAGS_PROGRAM = textwrap.dedent("""
    import resource, shutil, sys
    from pathlib import Path
    from guided.errors import GuidedError
    from guided.outputs.export import write_tags
    from guided.script.loader import load_script
    from guided.timeline.plan import plan

    script, audio, fmt, limit = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    if limit:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    else:  # a tmpfs: fill what is left, so the tags have no room
        with open(audio.parent / "filler", "wb", buffering=0) as fh:
            try:
                while True:
                    fh.write(b"x" * 4096)
            except OSError:
                pass
    try:
        write_tags(audio, fmt, plan(load_script(script)))
    except GuidedError as exc:
        print(exc)
        sys.exit(1)
""")


@pytest.mark.parametrize("fmt", ["mp3", "ogg"])
def test_disk_full_while_writing_tags(tmp_path, small_disk, fmt):
    """The encoded file fits, the titles and chapters do not: one line, no traceback."""
    folder, preexec = small_disk
    sections = "".join(f"  - section: Part {i} of a long practice\n  - say: Rest.\n" for i in range(80))
    script = write(tmp_path, "s.yaml", "title: Many parts\ndescription: " + "calm " * 400
                   + "\nsteps:\n" + sections)
    untagged = tmp_path / f"plain.{fmt}"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=d=1", "-ar", "22050",
                    str(untagged)], check=True)
    audio = folder / untagged.name
    shutil.copyfile(untagged, audio)
    limit = 0 if preexec is None else audio.stat().st_size
    result = subprocess.run([sys.executable, "-c", TAGS_PROGRAM, str(script), str(audio), fmt,
                             str(limit)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith(f"cannot write the chapters and titles into {folder}: ")
    assert "the disk is full" in result.stdout or "larger than this system allows" in result.stdout


# --- settings, GUIDED_HOME, --delay, journey progress ----------------------------------------


@pytest.mark.parametrize("text, where", [("? [a, b]\n: 1\n", "1:3"),
                                         ("engine: auto\n{voice: x}: 1\n", "2:1"),
                                         ("? {engine: piper}\n: yes\n", "1:3")],
                         ids=["list key", "mapping key", "explicit mapping key"])
def test_settings_file_with_a_complex_key(cli, tmp_path, isolated_home, text, where):
    write(isolated_home, "settings.yaml", text)
    write(tmp_path, "s.yaml", SHORT)
    result = cli("export", "s.yaml", "-o", "s.wav", cwd=tmp_path)
    one_line(result, f"{isolated_home / 'settings.yaml'}:{where}: error: a setting's name is a plain word")
    assert not (tmp_path / "s.wav").exists()


@pytest.mark.parametrize("command", [["list"], ["play", "s.yaml"], ["new", "mine"],
                                     ["journey", "status"], ["log"]])
def test_guided_home_pointing_at_a_file(cli, tmp_path, command):
    home = write(tmp_path, "home-file", "not a folder\n")
    write(tmp_path, "s.yaml", SHORT)
    result = cli(*command, cwd=tmp_path, env={"GUIDED_HOME": str(home)})
    one_line(result, f"guided: GUIDED_HOME points at {home}, which is not a folder")
    assert home.read_text() == "not a folder\n"


def test_guided_home_that_is_a_fifo(cli, tmp_path):
    home = tmp_path / "pipe"
    os.mkfifo(home)
    result = cli("list", cwd=tmp_path, env={"GUIDED_HOME": str(home)}, timeout=30)
    one_line(result, f"guided: GUIDED_HOME points at {home}, which is not a folder")


@pytest.mark.parametrize("delay, message", [("1e20", "bad duration '1e20'"),  # one grammar: no exponents
                                            ("2h", "at most 60 minutes"),
                                            ("1e400", "bad duration '1e400'")])
def test_delay_out_of_range(cli, tmp_path, delay, message):
    write(tmp_path, "s.yaml", SHORT)
    one_line(cli("play", "s.yaml", "--delay", delay, cwd=tmp_path), "guided: --delay: ", message)


@pytest.mark.parametrize("state", ['{"current": "six-weeks", "started": []}',
                                   '{"current": ["x"], "started": {}}',
                                   '{"current": "six-weeks", "started": {"six-weeks": 20260101}}',
                                   '[1, 2]', '"just text"'])
def test_journey_progress_with_wrong_types(cli, isolated_home, state):
    progress = write(isolated_home, "journey-progress.json", state)
    for command in (["status"], ["today"]):
        one_line(cli("journey", *command), f"guided: cannot read {progress}: it may be damaged")
    assert progress.read_text() == state  # reading never rewrites it
    result = cli("journey", "start", "six-weeks")  # starting again writes it anew
    assert result.returncode == 0, result.stderr
    assert cli("journey", "status").returncode == 0


# --- a reader that stops reading ---------------------------------------------------------------


@pytest.mark.subprocess
@pytest.mark.parametrize("args", [["list"], ["list", "--json"], ["preview", "grounding"]])
def test_output_closed_by_its_reader_exits_quietly(tmp_path, args):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before we write
    try:
        result = subprocess.run([sys.executable, "-m", "guided", *args], stdout=write_end,
                                stderr=subprocess.PIPE, text=True, timeout=60, cwd=tmp_path)
    finally:
        os.close(write_end)
    assert result.returncode == 0
    assert result.stderr == ""


@pytest.mark.subprocess
def test_list_piped_into_head(tmp_path, isolated_home):
    """The issue's case as typed, with pipefail so guided's own status counts."""
    for i in range(300):  # more than a pipe holds, so the writer meets the closed end
        write(isolated_home / "scripts", f"p{i:03}.yaml", f"title: Practice {i}\nsteps: [bell]\n")
    result = subprocess.run(["bash", "-o", "pipefail", "-c",
                             f"{sys.executable} -m guided list | head -1"],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["name", "title", "practice", "length", "source"]
    assert result.stderr == ""
