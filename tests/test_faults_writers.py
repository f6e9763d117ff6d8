"""Faults: every file a user names goes through one writer (guided/outputs/writer.py).

Each case runs the real command and then looks at the file system: what was there
before is still there, byte for byte, and nothing half-written is left beside it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from guided.practice.sessionlog import SessionStart
from tests.helpers import one_line_error

PRACTICE = "title: Tiny\nsteps:\n  - section: One\n  - say: Hello there.\n  - pause: 1s\n"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(PRACTICE)
    return path


def ffprobe_format(path: Path) -> str:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["format"]["format_name"]


def hidden_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --- 1. only regular files: devices, FIFOs and links ----------------------------------


def test_a_device_node_is_refused_and_stays_a_device(cli, tiny):
    # The case: run as root, this replaced the system's /dev/null with a file.
    result = cli("export", str(tiny), "-o", "/dev/null", "--format", "mp3", "--force")
    one_line_error(result, "/dev/null", "not a regular file")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_fifo_is_refused_without_hanging(cli, tiny, tmp_path):
    fifo = tmp_path / "pipe.mp3"
    os.mkfifo(fifo)
    result = cli("export", str(tiny), "-o", str(fifo), "--force", timeout=30)
    one_line_error(result, "not a regular file")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    said = cli("say", "Hello.", "-o", str(fifo), "--force", timeout=30)
    one_line_error(said)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.speech
@pytest.mark.tools
def test_a_symlink_is_followed_and_its_target_replaced(cli, tiny, tmp_path):
    real = tmp_path / "kept" / "real.mp3"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "link.mp3"
    link.symlink_to(real)
    result = cli("export", str(tiny), "-o", str(link), "--force")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert ffprobe_format(real) == "mp3"
    assert hidden_leftovers(tmp_path) == [] and hidden_leftovers(real.parent) == []


# --- 2. the user's own files ----------------------------------------------------------


@pytest.mark.speech
@pytest.mark.tools
def test_an_existing_file_is_kept_unless_force(cli, tiny, tmp_path):
    out = tmp_path / "out.mp3"
    out.write_bytes(b"my own recording")
    result = cli("export", str(tiny), "-o", str(out))
    one_line_error(result, "already exists", "--force")
    assert out.read_bytes() == b"my own recording"
    forced = cli("export", str(tiny), "-o", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert ffprobe_format(out) == "mp3"


def test_the_script_itself_is_never_the_output(cli, tiny):
    # The case: `export same.yaml -o same.yaml --format mp3` turned the script into an MP3.
    before = tiny.read_bytes()
    result = cli("export", str(tiny), "-o", str(tiny), "--format", "mp3", "--force")
    one_line_error(result, "the practice script")
    assert tiny.read_bytes() == before


@pytest.mark.speech
def test_an_included_script_and_the_vars_file_are_never_outputs(cli, tmp_path):
    part = tmp_path / "part.yaml"
    part.write_text("title: Part\nsteps:\n  - say: A part.\n")
    main = tmp_path / "main.yaml"
    main.write_text("title: Main\nsteps:\n  - include: part.yaml\n  - say: Hello, {name}.\n")
    vars_file = tmp_path / "sam.yaml"
    vars_file.write_text("name: Sam\n")
    kept = {p: p.read_bytes() for p in (part, main, vars_file)}
    included = cli("export", str(main), "--vars-file", str(vars_file), "-o", str(part),
                      "--format", "ogg", "--force")
    one_line_error(included, "a script it includes")
    as_vars = cli("export", str(main), "--vars-file", str(vars_file), "-o", str(vars_file),
                     "--format", "wav", "--force")
    one_line_error(as_vars, "the vars file")
    said = cli("say", "Hi {name}", "--vars-file", str(vars_file), "-o",
                  str(tmp_path / "sam.yaml.wav"), "--force")
    assert said.returncode == 0, said.stderr  # a different name is fine
    assert {p: p.read_bytes() for p in kept} == kept


def test_the_session_log_is_never_an_output(cli, isolated_home, tmp_path):
    from guided.practice.sessionlog import SessionLog

    with SessionLog() as log:
        log.start(SessionStart(script="grounding", title="Grounding"))
    db = isolated_home / "sessions.db"
    # The case: this replaced the session log ("file is not a database" afterwards).
    result = cli("log", "export", "-o", str(db), "--format", "csv", "--force")
    one_line_error(result, "the session log")
    with SessionLog() as log:
        assert [s.script for s in log.all()] == ["grounding"]
    # a variant: the log reached through a symlink, and the settings file
    link = tmp_path / "log.csv"
    link.symlink_to(db)
    one_line_error(cli("log", "export", "-o", str(link), "--force"), "the session log")
    assert sqlite3.connect(db).execute("SELECT count(*) FROM sessions").fetchone() == (1,)
    one_line_error(cli("schema", "-o", str(isolated_home / "settings.yaml"), "--force"),
                   "your settings")


def test_two_outputs_of_one_command_never_share_a_path(cli, tiny, tmp_path):
    # The case: `export -o x.vtt --transcript vtt` wrote the transcript over the audio.
    out = tmp_path / "x.vtt"
    result = cli("export", str(tiny), "-o", str(out), "--format", "mp3", "--transcript", "vtt")
    # now refused sooner, by the name: a file called .vtt does not hold MP3 audio
    one_line_error(result, "ends in .vtt but --format is mp3")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "tiny.yaml"]


def test_two_outputs_claiming_one_path_are_refused(tmp_path):
    """The writer's own rule, which the name check above now reaches first from the CLI."""
    from guided.errors import GuidedError
    from guided.outputs.writer import Guard

    guard = Guard()
    guard.check(tmp_path / "x.vtt", "the audio")
    with pytest.raises(GuidedError, match="the transcript and the audio would both be"):
        guard.check(tmp_path / "sub" / ".." / "x.vtt", "the transcript")


@pytest.mark.speech
@pytest.mark.tools
def test_output_folders_are_made_like_dash_d(cli, tiny, tmp_path):
    out = tmp_path / "new" / "folder" / "tiny.mp3"
    result = cli("export", str(tiny), "-o", str(out), "--transcript", "srt")
    assert result.returncode == 0, result.stderr
    assert ffprobe_format(out) == "mp3" and out.with_suffix(".srt").is_file()
    onto_a_file = cli("export", str(tiny), "-o", str(tiny / "x.mp3"))
    one_line_error(onto_a_file, "is a file, not a folder")


# --- bundle --force -----------------------------------------------------------------------


@pytest.mark.speech
def test_bundle_force_replaces_only_a_bundle(cli, tiny, tmp_path):
    mine = tmp_path / "Documents"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work")
    # The case: `bundle -o FOLDER --force` deleted any folder.
    result = cli("bundle", str(tiny), "-o", str(mine), "--force")
    one_line_error(result, "a bundle did not make")
    assert (mine / "thesis.txt").read_text() == "years of work"
    # a variant: the folder you are in
    here = cli("bundle", str(tiny), "-o", ".", "--force", cwd=mine)
    one_line_error(here, "the folder you are in")
    assert sorted(p.name for p in mine.iterdir()) == ["thesis.txt"]
    # a folder a bundle made is replaced with --force, and only then
    made = tmp_path / "for-sam"
    assert cli("bundle", str(tiny), "-o", str(made)).returncode == 0
    one_line_error(cli("bundle", str(tiny), "-o", str(made)), "--force")
    again = cli("bundle", str(tiny), "-o", str(made), "--force")
    assert again.returncode == 0, again.stderr
    assert (made / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.speech
def test_a_zip_named_with_dots_has_no_parent_entries(cli, tiny, tmp_path):
    import zipfile

    out = tmp_path / "...zip"
    result = cli("bundle", str(tiny), "-o", str(out))
    assert result.returncode == 0, result.stderr
    names = zipfile.ZipFile(out).namelist()
    assert names and not any(".." in Path(n).parts or n.startswith("/") for n in names), names


# --- files are what their names say -------------------------------------------------------


@pytest.mark.speech
@pytest.mark.tools
@pytest.mark.parametrize("ext,format_name", [("mp3", "mp3"), ("ogg", "ogg"), ("flac", "flac"),
                                             ("wav", "wav")])
def test_say_writes_the_format_its_name_says(cli, tmp_path, ext, format_name):
    out = tmp_path / f"x.{ext}"
    result = cli("say", "Hello there.", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert ffprobe_format(out) == format_name


def test_say_refuses_a_name_it_cannot_honour(cli, tmp_path):
    one_line_error(cli("say", "Hello.", "-o", str(tmp_path / "x.txt")), ".mp3")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]


def test_log_export_writes_what_its_name_says(cli, isolated_home, tmp_path):
    from guided.practice.sessionlog import SessionLog

    with SessionLog() as log:
        log.start(SessionStart(script="grounding", title="Grounding"))
    as_json = tmp_path / "s.json"
    assert cli("log", "export", "-o", str(as_json)).returncode == 0
    assert json.loads(as_json.read_text())[0]["script"] == "grounding"
    as_csv = tmp_path / "s.csv"
    assert cli("log", "export", "-o", str(as_csv)).returncode == 0
    assert next(csv.DictReader(io.StringIO(as_csv.read_text())))["script"] == "grounding"
    one_line_error(cli("log", "export", "-o", str(tmp_path / "t.csv"), "--format", "json"),
                   ".csv", "--format")
    one_line_error(cli("log", "export", "-o", str(tmp_path / "t.txt")), ".csv or .json")
    unknown = tmp_path / "s.data"
    assert cli("log", "export", "-o", str(unknown), "--format", "json").returncode == 0
    assert json.loads(unknown.read_text())[0]["script"] == "grounding"  # --format wins
    printed = cli("log", "export", "-o", "-", "--format", "json")
    assert json.loads(printed.stdout)[0]["script"] == "grounding"


@pytest.mark.parametrize("note", ['=HYPERLINK("http://example.invalid","x")',
                                  "+1+1", "-2+3", "@SUM(A1:A2)", "\tcmd", "\r=1+1"])
def test_csv_cells_are_safe_in_a_spreadsheet(cli, isolated_home, tmp_path, note):
    from guided.practice.sessionlog import SessionLog

    with SessionLog() as log:
        sid = log.start(SessionStart(script="grounding", title=note))
        log.rate_after(sid, note=note)
    out = tmp_path / "s.csv"
    assert cli("log", "export", "-o", str(out)).returncode == 0
    row = next(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8"), newline="")))
    assert row["note"] == "'" + note and row["title"] == "'" + note
    assert row["script"] == "grounding"  # ordinary text is untouched
    # JSON is data, not a spreadsheet: kept exactly
    printed = cli("log", "export", "--format", "json")
    assert json.loads(printed.stdout)[0]["note"] == note


def test_a_hard_link_to_the_script_is_still_the_script(cli, tiny, tmp_path):
    other_name = tmp_path / "other.mp3"
    os.link(tiny, other_name)
    before = tiny.read_bytes()
    one_line_error(cli("export", str(tiny), "-o", str(other_name), "--force"),
                   "the practice script")
    assert tiny.read_bytes() == before


def test_stale_temporary_files_go_and_live_ones_stay(tmp_path):
    from guided.atomic import sweep_stale

    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        (tmp_path / f".a.mp3.{live.pid}.x1y2z3w4.part").write_bytes(b"being written")
        (tmp_path / f".b.mp3.{dead.pid}.x1y2z3w4.part").write_bytes(b"left by a killed run")
        (tmp_path / f".c.{dead.pid}.x1y2z3w4.building").mkdir()
        (tmp_path / f".c.{dead.pid}.x1y2z3w4.building" / "index.html").write_text("half")
        (tmp_path / ".notes.part").write_text("not ours: no process number")
        # not ours either: a word where guided's eight random characters would be
        (tmp_path / f".thesis.{dead.pid}.final.part").write_text("a user's own draft")
        (tmp_path / f".photos.{dead.pid}.summer.building").mkdir()
        (tmp_path / f".photos.{dead.pid}.summer.building" / "a.jpg").write_text("a photo")
        assert sweep_stale(tmp_path) == 2
        assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == sorted(
            [f".a.mp3.{live.pid}.x1y2z3w4.part", ".notes.part", f".thesis.{dead.pid}.final.part",
             f".photos.{dead.pid}.summer.building"])
    finally:
        live.kill()
        live.wait()


def test_audio_to_standard_output_says_so_with_or_without_a_format(cli, tiny):
    for args in (("-o", "-"), ("-o", "/dev/stdout"), ("-o", "-", "--format", "wav")):
        result = cli("export", str(tiny), *args)
        assert result.returncode == 1 and result.stdout == ""
        assert result.stderr == "guided: the audio cannot go to standard output; give a file name\n"
    said = cli("say", "Hello.", "-o", "-")
    assert said.returncode == 1
    assert said.stderr == "guided: the phrase cannot go to standard output; give a file name\n"
