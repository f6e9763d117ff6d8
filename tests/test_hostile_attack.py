"""Issue 20's classes tried on the newest surfaces (an adversarial round after the
programme reader, `journey add`, `log import -`, the kept lengths and hibari's facts
landed): each case a find, and the test that fails without its fix."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import write


@pytest.mark.parametrize(("front", "where"), [
    ('description: "a\\e]0;pwned\\ab"', "3:14: error: the front matter's 'description': the text "
                                         "contains U+001B (escape)"),
    ('extra: "\\e[2J"', "3:8: error: the front matter's 'extra': the text contains U+001B"),
    ('author: "\\x9b31m"', "3:9: error: the front matter's 'author': the text contains U+009B"),
])
def test_a_yaml_escape_in_a_programme_s_front_matter_is_an_error_at_its_place(cli, tmp_path: Path,
                                                                              front, where):
    """The raw file is checked for control characters, but a YAML escape in the front
    matter made one only once read: `journey check` said "All good" and `journey show`
    had it in its output."""
    path = write(tmp_path, "p.md", f"---\ntitle: T\n{front}\n---\n\n## Day 1: A\n\nHello there.\n")
    result = cli("journey", "check", str(path))
    assert result.returncode == 1
    assert f"p.md:{where}" in result.stdout + result.stderr
    assert "\x1b" not in result.stdout + result.stderr and "\x9b" not in result.stdout + result.stderr


RECORD = {"format": "guided-practice-record", "version": 1, "client": "Sam", "bundle": {"id": "b-1"},
          "sessions": [
    {"id": "s-1", "script": "grounding", "title": "Grounding", "started": "2026-12-01T20:00:00+01:00",
     "listened_seconds": 590.5, "outcome": "completed", "distress_before": 7, "distress_after": 4}]}


@pytest.mark.parametrize("where", ["file", "-"])
def test_a_practice_record_saved_with_a_byte_order_mark_is_read(cli, tmp_path: Path, where):
    """Windows Notepad saves UTF-8 with a byte order mark: the record a client opened
    there to look at, then sent, was "not a practice record (the JSON is damaged:
    Unexpected UTF-8 BOM ...)"."""
    import json

    path = write(tmp_path, "Sam's record.json", b"\xef\xbb\xbf" + json.dumps(RECORD).encode())
    result = (cli("log", "import", str(path)) if where == "file"
              else cli("log", "import", "-", input=path.read_bytes()))
    assert result.returncode == 0, result.stderr
    assert "Filed under Sam: 1 new session." in result.stdout


@pytest.mark.parametrize("where", ["file", "-"])
def test_a_record_holding_a_number_of_5000_digits_is_one_line(cli, tmp_path: Path, where):
    """Past Python's cap of 4,300 digits, ``json.loads`` raises a plain ValueError: it
    ended in "internal error"."""
    import json

    text = json.dumps(RECORD).replace('"version": 1', '"version": ' + "9" * 5000)
    path = write(tmp_path, "record.json", text)
    result = (cli("log", "import", str(path)) if where == "file"
              else cli("log", "import", "-", input=text))
    assert result.returncode == 1
    assert "internal error" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "this is not a practice record (it holds a number of thousands of digits)" in result.stderr


@pytest.mark.parametrize(("name", "text"), [
    ("settings.yaml", "rate: {n}\n"),
    ("s.yaml", "format: 1\ntitle: T\npractice: custom\nrate: {n}\nsteps:\n  - say: Hi.\n"),
    ("j.yaml", "title: T\nweeks:\n  - title: {n}\n    days: [grounding]\n"),
])
def test_a_yaml_number_of_5000_digits_is_one_line_at_its_place(cli, isolated_home, tmp_path: Path,
                                                              name, text):
    """PyYAML reads a whole number with ``int()``, which refuses more than 4,300 digits
    with a plain ValueError: `guided settings`, `check` and `journey check` ended in
    "internal error"."""
    folder = isolated_home if name == "settings.yaml" else tmp_path
    path = write(folder, name, text.format(n="9" * 5000))
    args = {"settings.yaml": ["settings"], "s.yaml": ["check", str(path)],
            "j.yaml": ["journey", "check", str(path)]}[name]
    result = cli(*args)
    said = result.stdout + result.stderr
    assert result.returncode == 1 and "internal error" not in said
    assert f"{name}:" in said and "a number of 5,000 characters is far beyond any value" in said


@pytest.mark.timeout(30)
@pytest.mark.parametrize("kind", ["fifo", "nested"])
def test_piper_s_remembered_hashes_as_a_pipe_or_nested_are_passed_over(tmp_path: Path, kind):
    """``piper/voice-ids.json`` in the cache was read with ``read_text``: a named pipe
    there made `guided say --voice en_US-joe-medium` wait for ever, and JSON nested
    100,000 deep ended in "internal error"."""
    import hashlib
    import os

    from guided.speech.piper.identity import model_hash
    from guided.speech.piper.voices import PiperVoiceFiles

    model = write(tmp_path, "v.onnx", b"not really a model")
    files = PiperVoiceFiles("v", model, write(tmp_path, "v.onnx.json", "{}"), "test")
    store = tmp_path / "piper" / "voice-ids.json"
    store.parent.mkdir()
    if kind == "fifo":
        os.mkfifo(store)
    else:
        store.write_text("[" * 100_000 + "]" * 100_000)
    assert model_hash(files, store) == hashlib.sha256(b"not really a model").hexdigest()


def test_what_an_engine_says_of_its_voices_is_shown_never_sent(cli, monkeypatch):
    """hibari's kept facts (``hibari/facts.json``) and a Piper voice's own config name
    the voices: an escape in an accent or a gender reached the terminal raw through
    `guided voices`."""
    from guided.speech import choice
    from guided.speech.base import Voice

    odd = Voice("heart", "heart (\x1b]0;pwned\x07 English, hibari)", "en-us", "\x1b[2J", "hibari")
    monkeypatch.setattr(choice, "voices_of", lambda name: [odd] if name == "hibari" else [])
    result = cli("voices", "--engine", "hibari")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "heart (\\x1b]0;pwned\\x07 English, hibari)" in result.stdout and "\\x1b[2J" in result.stdout


def _m4a(tmp_path: Path, seconds: float, name: str = "001.m4a", channels: int = 1) -> Path:
    import subprocess

    out = tmp_path / name
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                    f"sine=f=220:d={seconds}", "-ac", str(channels), "-c:a", "aac", str(out)], check=True)
    return out


@pytest.mark.tools
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
def test_an_m4a_take_far_bigger_than_its_audio_costs_no_more_memory(tmp_path: Path):
    """pydub read the whole file into memory before ffmpeg saw it: a 400 MB M4A (a few
    seconds of sound and a 'free' atom) peaked at 870 MB. Now ffmpeg reads the checked
    file from the disk, and only its bounded output comes in."""
    import struct
    import subprocess
    import sys

    path = _m4a(tmp_path, 2)
    with path.open("r+b") as f:  # 300 MB of 'free' atom, sparse on the disk
        f.seek(0, 2)
        f.write(struct.pack(">I", 300 * 2 ** 20 + 8) + b"free")
        f.seek(300 * 2 ** 20 - 1, 1)
        f.write(b"\0")
    # VmHWM, not ru_maxrss: a forked child's ru_maxrss starts at its parent's (this test
    # process, big after other tests), while VmHWM is this program's own peak
    code = ("import re, sys\nfrom guided.doors.audio import read_take\n"
            "samples, rate = read_take(__import__('pathlib').Path(sys.argv[1]))\n"
            "status = open('/proc/self/status').read()\n"
            "print(len(samples) / rate, re.search(r'VmHWM:\\s+(\\d+)', status).group(1))")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                          check=True)
    seconds, peak_kib = done.stdout.split()
    assert abs(float(seconds) - 2) < 0.1 and path.stat().st_size > 300 * 2 ** 20
    assert int(peak_kib) < 200 * 1024, peak_kib  # was over 300 MB more than the file


@pytest.mark.tools
def test_m4a_takes_too_long_or_not_audio_are_one_line(tmp_path: Path):
    from guided.doors.audio import NotAudio, read_take

    with pytest.raises(NotAudio, match="001.m4a holds more than 5 minutes of audio"):
        read_take(_m4a(tmp_path, 400))
    junk = write(tmp_path, "002.m4a", "not audio at all\n")
    with pytest.raises(NotAudio, match=r"cannot read 002.m4a as audio \(002.m4a: ") as caught:
        read_take(junk)
    assert "/proc/" not in str(caught.value)
    stereo, rate = read_take(_m4a(tmp_path, 1, "003.m4a", channels=2))
    assert stereo.shape[1] == 2 and abs(len(stereo) / rate - 1) < 0.1


def test_an_import_takes_the_write_lock_before_it_looks_for_sessions_already_here(isolated_home):
    """Two imports of one record at once (two terminals, a double click) each found the
    sessions missing and both inserted them: one ended in "internal error:
    IntegrityError: UNIQUE constraint failed". The lock is now taken first, so the
    second finds them all "already here"."""
    from guided.practice.records import import_record, parse_record
    from guided.practice.sessionlog import SessionLog

    record = parse_record(RECORD, "record.json")
    with SessionLog() as log:
        said: list[str] = []
        log.db.set_trace_callback(said.append)
        assert import_record(log.db, record, "Sam").added == 1
        log.db.set_trace_callback(None)
    first_select = next(i for i, s in enumerate(said) if s.lstrip().upper().startswith("SELECT"))
    assert "BEGIN IMMEDIATE" in said[:first_select], said[:first_select + 1]


def test_an_import_while_the_log_stays_busy_is_one_line_and_files_nothing(cli, isolated_home,
                                                                        tmp_path: Path, monkeypatch):
    import json
    import sqlite3

    from guided.practice import records, sessionlog

    assert cli("log").returncode == 0  # the log is made
    monkeypatch.setattr(sessionlog.SessionLog.__init__, "__defaults__", (None, 0.2))
    holder = sqlite3.connect(isolated_home / "sessions.db")
    real_whose = records.whose

    def whose_then_busy(*args, **kwargs):  # another guided starts writing once the log is open
        holder.execute("BEGIN IMMEDIATE")
        return real_whose(*args, **kwargs)

    monkeypatch.setattr(records, "whose", whose_then_busy)
    try:
        result = cli("log", "import", str(write(tmp_path, "r.json", json.dumps(RECORD))))
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert "the session log is busy (another guided is writing to it); nothing was filed" in result.stderr
    monkeypatch.setattr(records, "whose", real_whose)
    assert "Filed under Sam: 1 new session." in cli("log", "import", str(tmp_path / "r.json")).stdout


@pytest.mark.timeout(30)
@pytest.mark.parametrize("kind", ["fifo", "folder", "dangling"])
def test_a_pipe_or_folder_named_like_a_journey_is_named_as_such(cli, isolated_home, kind):
    """A named pipe at journeys/NAME.md read as "no journey called 'NAME' (journeys:
    NAME, six-weeks; ...)": the list named the very journey it said was not there."""
    import os

    folder = isolated_home / "journeys"
    folder.mkdir()
    place = folder / "mine.md"
    if kind == "fifo":
        os.mkfifo(place)
    elif kind == "folder":
        place.mkdir()
    else:
        place.symlink_to(folder / "gone.md")
    for args in (["journey", "start", "mine"], ["journey", "show", "mine"]):
        result = cli(*args)
        assert result.returncode == 1 and "internal error" not in result.stderr
        assert f"{place} is not a regular file" in result.stderr and "no journey called" not in result.stderr


def test_a_side_file_named_with_a_pid_no_process_can_have_is_no_internal_error(cli, isolated_home):
    """``sessions-pending.jsonl.<pid>`` (left by a killed merge) named with a number too
    large for the system: ``os.kill`` raised OverflowError, and every `guided log`
    ended in "internal error". A pid no process can have is a process that has gone."""
    import json

    from guided.portable import pid_alive

    assert not pid_alive(10 ** 23) and not pid_alive(0) and not pid_alive(2 ** 31)
    row = {"key": "k-1", "script": "grounding", "title": "Grounding",
           "started": "2026-01-02T10:00:00+00:00", "outcome": "completed", "listened_seconds": 60.0}
    write(isolated_home, "sessions-pending.jsonl." + "9" * 23, json.dumps(row) + "\n")
    for args in (["log"], ["log", "stats"], ["log", "export"]):
        result = cli(*args)
        assert result.returncode == 0 and "internal error" not in result.stderr, result.stderr
    assert [r["script"] for r in json.loads(cli("log", "--json").stdout)] == ["grounding"]


def test_log_stats_shows_a_practice_named_with_escapes_escaped(cli, isolated_home, monkeypatch):
    """A session's practice name (from the side file, or a log edited by hand) reached
    the terminal raw in `log stats`' "Average change in distress" (click strips escapes
    only when the output is not a terminal, so this checks the text before it)."""
    import json

    import click

    row = {"key": "k-1", "script": "\x1b[2Jx", "title": "T", "started": "2026-12-01T10:00:00+00:00",
           "outcome": "completed", "listened_seconds": 60.0, "distress_before": 8, "distress_after": 2}
    write(isolated_home, "sessions-pending.jsonl", json.dumps(row) + "\n")
    said: list[str] = []
    real_echo = click.echo
    monkeypatch.setattr(click, "echo", lambda message=None, *a, **k: (said.append(str(message)),
                                                                       real_echo(message, *a, **k)))
    assert cli("log", "stats").returncode == 0
    assert any("\\x1b[2Jx: -6.0 over 1 rated session" in line for line in said), said
    assert not any("\x1b" in line for line in said)


def test_a_recorded_voice_cannot_take_over_an_espeak_language_code(cli, tmp_path: Path):
    """The language table knows 27 languages, so `--as kk` (Kazakh, which espeak-ng
    speaks) was accepted, and then `--voice kk` spoke the recordings instead of Kazakh,
    as `en-us` did in issue 20 (point 14). Read from espeak-ng's data folder: no speech
    worker is started for the check."""
    from guided.speech.recorded.store import VoiceStore

    takes = tmp_path / "takes"
    takes.mkdir()
    script = write(tmp_path, "two.yaml", "format: 1\ntitle: Two\npractice: custom\nsteps:\n"
                   "  - say: Hello there.\n")
    for name, voice in [("kk", "trk/kk"), ("sw", "bnt/sw"), ("hak", "sit/hak")]:
        result = cli("record", str(script), "--as", name, "--import", str(takes))
        assert result.returncode == 1 and f"espeak-ng's voice {voice}, so" in result.stderr
        assert not VoiceStore.find(name)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_lines_txt_that_is_not_a_file_stops_the_import(cli, isolated_home, tmp_path: Path, kind,
                                                         monkeypatch):
    """A named pipe or a link to a device as DIR/lines.txt was passed over without a word,
    and the numbers read as today's --list: the very mix-up lines.txt is there to stop."""
    import os

    monkeypatch.setenv("GUIDED_ENGINE", "test")  # the test engine's voices: no speech worker
    takes = tmp_path / "takes"
    takes.mkdir()
    write(takes, "001.wav", b"RIFF")  # never reached
    listing = takes / "lines.txt"
    if kind == "fifo":
        os.mkfifo(listing)
    elif kind == "device":
        listing.symlink_to("/dev/zero")
    else:
        listing.mkdir()
    script = write(tmp_path, "two.yaml", "format: 1\ntitle: Two\npractice: custom\nsteps:\n"
                   "  - say: Hello there.\n")
    result = cli("record", str(script), "--as", "anna", "--import", str(takes))
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert f"{listing} is not a regular file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.speech  # onnxruntime optimizes a real Piper voice
def test_a_damaged_piper_copy_that_still_loads_is_made_again(tmp_path: Path):
    """Piper's optimized copy in the cache was used when it merely loaded: with a few
    bytes flipped, `guided say --voice en_US-joe-medium` made only silence (NaN samples,
    with NumPy's warning), for good. It now carries its SHA-256, checked before use."""
    import onnxruntime

    from guided.speech.piper import models
    from guided.speech.piper.voices import find_voices

    joe = next(v for v in find_voices() if v.id == "en_US-joe-medium")
    folder = tmp_path / "piper"
    folder.mkdir()
    made = models._optimized_graph(joe, 1, folder, onnxruntime)
    assert isinstance(made, bytes) and made
    (kept,) = folder.glob("*.onnx")
    damaged = bytearray(kept.read_bytes())
    for k in range(1, 50):
        damaged[len(damaged) * k // 50] ^= 0x55
    kept.write_bytes(bytes(damaged))
    models._CHECKED.clear()
    again = models._optimized_graph(joe, 1, folder, onnxruntime)
    assert again is not None and models._unseal(kept.read_bytes()) == again
    assert kept.read_bytes() != bytes(damaged)


def test_a_folder_of_many_other_files_names_a_screenful_of_them(cli, isolated_home, tmp_path: Path,
                                                              monkeypatch):
    """`--import ~/Downloads` (the wrong folder) printed one line for each file in it: a
    folder of 20,000 files gave 20,000 lines. Twenty are named, then how many more."""
    monkeypatch.setenv("GUIDED_ENGINE", "test")
    folder = tmp_path / "Downloads"
    folder.mkdir()
    for n in range(50):
        write(folder, f"invoice-{n:02d}.pdf", "not audio")
    script = write(tmp_path, "two.yaml", "format: 1\ntitle: Two\npractice: custom\nsteps:\n"
                   "  - say: Hello there.\n")
    result = cli("record", str(script), "--as", "anna", "--import", str(folder))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 22, lines
    assert lines[0].startswith("invoice-00.pdf: left out:") and lines[19].startswith("invoice-19.pdf")
    assert lines[20] == "… and 30 more files that are not takes, left out"
    assert lines[21].startswith("guided: no takes in")


def test_log_json_of_a_hand_edited_infinite_length_is_still_json(cli, isolated_home):
    """A log edited by hand (or by another program) may hold an infinite or NaN length;
    `guided log --json` wrote `Infinity`, which no JSON reader accepts."""
    import json
    import sqlite3

    row = {"key": "k-1", "script": "grounding", "title": "Grounding",
           "started": "2026-01-02T10:00:00+00:00", "outcome": "completed", "listened_seconds": 60.0}
    write(isolated_home, "sessions-pending.jsonl", json.dumps(row) + "\n")
    assert cli("log").returncode == 0  # the side file is merged into the log
    [db_path] = list(isolated_home.rglob("*.db"))
    with sqlite3.connect(db_path) as db:
        db.execute("UPDATE sessions SET listened_seconds = 9e999, planned_seconds = 9e999")
    result = cli("log", "--json")
    assert result.returncode == 0, result.stderr
    [session] = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"{name} in the JSON"))
    assert session["listened_seconds"] is None and session["script"] == "grounding"


@pytest.mark.speech  # onnxruntime optimizes a real Piper voice
def test_a_piper_copy_half_made_by_a_killed_run_is_swept_by_the_next(tmp_path: Path):
    """The copy is written under a temporary name first. It was '.NAME.PID.THREAD.tmp',
    which nothing removed when the run was killed while onnxruntime wrote it (tens of MB
    each time); it is now named as guided names its temporary files, so the next run that
    writes in the folder removes it once its process is gone."""
    import onnxruntime

    from guided.atomic import _TEMP_NAME, sweep_stale
    from guided.speech.piper import models
    from guided.speech.piper.voices import find_voices

    joe = next(v for v in find_voices() if v.id == "en_US-joe-medium")
    folder = tmp_path / "piper"
    folder.mkdir()
    written: list[str] = []

    class Recording:
        def __init__(self, model, sess_options, providers):
            written.append(sess_options.optimized_model_filepath)
            raise KeyboardInterrupt  # as far as a kill lets the run go

    class Ort:
        __version__ = onnxruntime.__version__
        SessionOptions = onnxruntime.SessionOptions
        GraphOptimizationLevel = onnxruntime.GraphOptimizationLevel
        ExecutionMode = onnxruntime.ExecutionMode
        InferenceSession = Recording

    with pytest.raises(KeyboardInterrupt):
        models._optimized_graph(joe, 1, folder, Ort)
    (name,) = (Path(w).name for w in written)
    match = _TEMP_NAME.match(name)
    assert match and int(match.group(1)) == os.getpid()
    # what a kill leaves: the file, from a process that is gone
    dead = name.replace(f".{os.getpid()}.", ".999999999.")
    (folder / dead).write_bytes(b"\0" * 1000)
    assert sweep_stale(folder) == 1 and not (folder / dead).exists()
