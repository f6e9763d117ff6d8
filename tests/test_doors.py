"""The doors (``guided.doors``): files guided keeps for itself are read through one
reader, audio from outside through one bounded decoder. Each case is a hostile file
where guided expects its own: a named pipe, a link out, a folder, a huge or deeply
nested file, bad bytes, a header that lies."""

from __future__ import annotations

import json
import os
import struct
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from guided.doors.audio import NotAudio, read_take
from guided.doors.keptfile import Damaged, parse_json, read_kept, read_kept_json
from guided.speech.recorded.store import VoiceStore
from tests.helpers import one_line_error, write

SCRIPT = """\
format: 1
title: Two lines
practice: custom
steps:
  - say: Hello there. Let your breath settle.
  - say: Notice your feet on the floor.
"""
LINES = ["Hello there. Let your breath settle.", "Notice your feet on the floor."]
ADVICE = "do something kind"


def speechlike(path: Path, seed: int, rate: int = 22050, fmt: str | None = None) -> Path:
    """A buzzing vowel with a syllable rhythm: something prepare() hears as speech."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(rate * 0.8)) / rate
    voice = sum(np.sin(2 * np.pi * (120 + 40 * seed) * k * t) / k for k in range(1, 6))
    voice = voice * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t)) ** 2 * 0.2 + rng.normal(0, 0.01, len(t))
    pad = np.zeros(int(rate * 0.3))
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), np.concatenate([pad, voice, pad]), rate, format=fmt)
    return path


def wav_header(rate: int, channels: int = 1, bits: int = 16, data: bytes = b"",
               claimed: int | None = None) -> bytes:
    """A PCM WAV file's bytes with the header saying what we like."""
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 1, channels, rate, (rate * block) & 0xFFFFFFFF, block & 0xFFFF, bits)
    size = len(data) if claimed is None else claimed
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", size) + data
    return b"RIFF" + struct.pack("<I", min(len(body), 0xFFFFFFFF)) + body


@pytest.fixture
def script(tmp_path: Path) -> Path:
    return write(tmp_path, "two.yaml", SCRIPT)


# -- the kept-file reader ------------------------------------------------------------


def test_a_kept_file_is_read_and_a_missing_one_is_none(tmp_path):
    write(tmp_path, "state.json", '{"a": [1, {"b": 2}]}')
    assert read_kept_json(tmp_path / "state.json", advice=ADVICE) == {"a": [1, {"b": 2}]}
    assert read_kept(tmp_path / "none.json", advice=ADVICE) is None


@pytest.mark.timeout(20)
def test_a_named_pipe_is_damaged_at_once_never_waited_on(tmp_path):
    os.mkfifo(tmp_path / "state.json")
    started = time.monotonic()
    with pytest.raises(Damaged, match="looks damaged .it is a named pipe, not a file guided wrote.; do"):
        read_kept(tmp_path / "state.json", advice=ADVICE)
    assert time.monotonic() - started < 1


def test_a_link_out_a_folder_a_big_file_and_bad_bytes_are_damaged(tmp_path):
    outside = write(tmp_path, "outside.json", "{}")
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "link.json").symlink_to(outside)
    (tmp_path / "kept" / "folder.json").mkdir()
    write(tmp_path / "kept", "big.json", "[" + " " * 2048 + "]")
    write(tmp_path / "kept", "bytes.json", b'{"a":\n"\xff"}')
    cases = {"link.json": f"it is a link to {outside}", "folder.json": "it is a folder",
             "big.json": "it is 2 KiB, and a file guided wrote may be at most 1 KiB",
             "bytes.json": "line 2 is not UTF-8 text"}
    for name, why in cases.items():
        with pytest.raises(Damaged) as caught:
            read_kept_json(tmp_path / "kept" / name, advice=ADVICE, max_bytes=1024)
        assert str(caught.value) == f"{tmp_path / 'kept' / name} looks damaged ({why}); {ADVICE}" \
            or why in str(caught.value)
        assert "\n" not in str(caught.value)
    assert outside.read_text() == "{}"


def test_json_nested_100000_deep_costs_one_scan(tmp_path):
    write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    started = time.monotonic()
    with pytest.raises(Damaged, match="it nests more than 32 levels deep"):
        read_kept_json(tmp_path / "deep.json", advice=ADVICE)
    assert time.monotonic() - started < 1
    assert parse_json('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}') == {"a": "[" * 40}


# -- voice.json ----------------------------------------------------------------------


def _voice(tmp_path: Path) -> VoiceStore:
    store = VoiceStore("anna")
    store.keep(LINES[0], *read_take(speechlike(tmp_path / "in" / "a.wav", 1)))
    return store


@pytest.mark.parametrize("damage", ["[" * 100_000, "FIFO", "LINK"])
def test_a_damaged_voice_json_is_listed_as_damaged_and_the_others_still_list(cli, tmp_path, damage):
    _voice(tmp_path)
    bob = VoiceStore("bob").folder
    bob.mkdir(parents=True)
    if damage == "FIFO":
        os.mkfifo(bob / "voice.json")
    elif damage == "LINK":
        (bob / "voice.json").symlink_to(VoiceStore("anna").folder / "voice.json")
    else:
        (bob / "voice.json").write_text(damage)
    listing = cli("voices", "--engine", "recorded")
    assert listing.returncode == 0, listing
    rows = [line.split()[:2] for line in listing.stdout.splitlines()[1:]]
    assert rows == [["anna", "1"], ["bob", "damaged:"]]
    shown = json.loads(cli("voices", "--engine", "recorded", "--json").stdout)
    assert [v["lines"] for v in shown] == [1, None]


def test_a_voice_json_from_a_newer_guided_is_refused_and_never_rewritten(cli, script, tmp_path):
    store = _voice(tmp_path)
    manifest = store.folder / "voice.json"
    data = json.loads(manifest.read_text())
    data["format"] = 2
    manifest.write_text(json.dumps(data))
    before = manifest.read_bytes()
    speechlike(tmp_path / "takes" / "002.wav", 2)
    result = cli("record", str(script), "--as", "anna", "--import", str(tmp_path / "takes"))
    one_line_error(result, "written by a newer version of guided (format 2)")
    assert manifest.read_bytes() == before
    listed = cli("voices", "--engine", "recorded")  # not "damaged": a backup would lose newer takes
    assert listed.returncode == 0, listed.stderr
    assert "anna  written by a newer guided" in listed.stdout and "backup" not in listed.stdout


@pytest.mark.parametrize("named", ["OUTSIDE", "voice.json", "takes/../voice.json", "DEVICE"])
def test_redo_removes_only_a_take_guided_made(cli, script, tmp_path, named):
    """voice.json naming a file outside the voice, the manifest itself or a device as the
    take of a line: --redo replaced the line and deleted that file."""
    store = _voice(tmp_path)
    outside = write(tmp_path, "precious.txt", "mine")
    device = tmp_path / "fifo"
    os.mkfifo(device)
    target = {"OUTSIDE": str(outside), "DEVICE": str(device)}.get(named, named)
    manifest = store.folder / "voice.json"
    data = json.loads(manifest.read_text())
    (entry,) = data["lines"].values()
    entry["file"] = target
    manifest.write_text(json.dumps(data))
    assert not VoiceStore("anna").has(LINES[0])  # a take guided did not name is not a take
    speechlike(tmp_path / "takes" / "001.wav", 3)
    result = cli("record", str(script), "--as", "anna", "--import", str(tmp_path / "takes"),
                 "--redo")
    assert result.returncode == 0, result.stderr
    assert outside.read_text() == "mine" and device.is_fifo() and manifest.is_file()
    assert VoiceStore("anna").has(LINES[0])


# -- sessions-pending.jsonl --------------------------------------------------------------

GOOD = {"key": "k-1", "script": "grounding", "title": "Grounding", "started":
        "2026-01-02T10:00:00+00:00", "outcome": "completed", "listened_seconds": 60.0}


def test_bad_pending_lines_are_named_and_kept_and_the_good_ones_added(cli, isolated_home):
    huge_id = dict(GOOD, key="k-2", id=2 ** 70)
    deep = "[" * 100_000 + "]" * 100_000
    side = write(isolated_home, "sessions-pending.jsonl",
                 json.dumps(GOOD) + "\n" + deep + "\n" + json.dumps(huge_id) + "\n")
    shown = cli("log", "--json")
    assert shown.returncode == 0, shown.stderr
    assert "internal error" not in shown.stderr and "Traceback" not in shown.stderr
    assert [r["script"] for r in json.loads(shown.stdout)] == ["grounding"]
    assert "sessions-pending.jsonl has" in shown.stderr and "kept there as it is" in shown.stderr
    kept = side.read_text().splitlines()
    assert deep in kept and any(json.loads(x).get("key") == "k-2" for x in kept if x != deep)
    assert sorted(p.name for p in isolated_home.iterdir()) == ["sessions-pending.jsonl",
                                                               "sessions.db"]
    again = cli("log", "--json")  # nothing added twice, the bad lines still kept
    assert [r["script"] for r in json.loads(again.stdout)] == ["grounding"]
    assert deep in side.read_text().splitlines()


@pytest.mark.parametrize("bad", [
    {"listened_seconds": 1e400}, {"planned_seconds": -1}, {"started": "9999-12-31T23:59:59-23:59"},
    {"started": "0001-01-01T00:00:00+23:59"}, {"ended": "not a time"}, {"started": 12345},
    {"reflection": "[" * 100_000 + "]" * 100_000}])
def test_a_pending_row_no_log_command_could_show_is_kept_out_of_the_log(cli, isolated_home, bad):
    """An infinite length, a moment at the calendar's edge or a reflection nested 100,000
    deep, once in the log, stopped every later ``guided log`` command with "internal
    error"."""
    odd = json.dumps(dict(GOOD, key="k-2", **bad)).replace("Infinity", "1e400")
    side = write(isolated_home, "sessions-pending.jsonl", odd + "\n" + json.dumps(GOOD) + "\n")
    for args in (["log"], ["log", "stats"], ["log", "export"], ["log", "show", "1"]):
        shown = cli(*args)
        assert shown.returncode == 0, shown.stderr
        assert "internal error" not in shown.stderr and "Traceback" not in shown.stderr
    assert [r["script"] for r in json.loads(cli("log", "--json").stdout)] == ["grounding"]
    assert side.read_text().splitlines() == [odd]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("args", [["log"], ["log", "stats"], ["log", "export"]])
def test_a_named_pipe_as_the_pending_file_never_hangs_reading(cli, isolated_home, args):
    os.mkfifo(isolated_home / "sessions-pending.jsonl")
    started = time.monotonic()
    result = cli(*args)
    assert time.monotonic() - started < 10
    assert result.returncode == 0, result.stderr
    assert "sessions-pending.jsonl looks damaged (it is a named pipe" in result.stderr
    assert result.stderr.count("\n") == 1
    assert (isolated_home / "sessions-pending.jsonl").is_fifo()


# -- journey progress, settings --------------------------------------------------------


def test_deeply_nested_journey_progress_is_one_line(cli, isolated_home):
    write(isolated_home, "journey-progress.json", "{" + '"a":{' * 50_000 + "}" * 50_001)
    result = cli("journey", "status")
    one_line_error(result, "journey-progress.json: it may be damaged (it nests more than",
                   "guided journey start")


def test_settings_as_a_link_out_or_a_pipe_is_one_line(cli, isolated_home, tmp_path):
    outside = write(tmp_path, "elsewhere.yaml", "engine: auto\n")
    (isolated_home / "settings.yaml").symlink_to(outside)
    one_line_error(cli("settings"), "settings.yaml: error: is a link to")
    (isolated_home / "settings.yaml").unlink()
    os.mkfifo(isolated_home / "settings.yaml")
    one_line_error(cli("settings"), "settings.yaml: error: is a named pipe, not a settings file")


# -- the audio door --------------------------------------------------------------------


@pytest.mark.parametrize(("header", "said"), [
    (wav_header(1, data=b"\0" * 10_000), "says its sample rate is 1 Hz"),
    (wav_header(0, data=b"\0" * 100), "cannot read bad.wav as audio"),
    (wav_header(2 ** 32 - 1, data=b"\0" * 100), "bad.wav"),
    (wav_header(44100, channels=65535, data=b"\0" * 100), "bad.wav"),
    (wav_header(44100, bits=40, data=b"\0" * 100), "cannot read bad.wav as audio"),
    (wav_header(44100, channels=3, data=b"\0" * 1001), (44100, 166)),  # cut mid-frame
    (wav_header(8000, data=b"\0" * 64, claimed=0xFFFFFFF0), (8000, 32)),  # claims 74 hours
    (b"RIFF\x10\0\0\0WAVEfmt ", "cannot read bad.wav as audio"),
])
def test_a_malformed_or_lying_header_is_one_line_and_costs_nothing(tmp_path, header, said):
    path = write(tmp_path, "bad.wav", header)
    started = time.monotonic()
    if isinstance(said, tuple):  # read as far as it goes
        samples, rate = read_take(path)
        assert (rate, len(samples)) == said
    else:
        with pytest.raises(NotAudio) as caught:
            read_take(path)
        assert said in str(caught.value) and "\n" not in str(caught.value)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("header", [wav_header(0, data=b"\0" * 100),
                                    wav_header(2 ** 32 - 1, data=b"\0" * 100)])
def test_the_decoder_s_own_words_never_say_internal_error(tmp_path, header):
    with pytest.raises(NotAudio) as caught:
        read_take(write(tmp_path, "bad.wav", header))
    said = str(caught.value)
    assert "internal error" not in said.lower() and "BufferedReader" not in said
    assert "its header is damaged" in said


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_a_float_take_holding_nan_or_infinity_is_refused(tmp_path, value):
    samples = np.sin(np.arange(16000) / 10.0)
    samples[::97] = value
    path = tmp_path / "odd.wav"
    soundfile.write(str(path), samples, 16000, subtype="FLOAT")
    with pytest.raises(NotAudio, match="odd.wav holds samples that are not numbers"):
        read_take(path)


def test_float_samples_far_beyond_full_scale_are_clipped_at_the_door(tmp_path):
    path = tmp_path / "loud.wav"
    soundfile.write(str(path), np.sin(np.arange(16000) / 10.0) * 1e30, 16000, subtype="FLOAT")
    samples, _ = read_take(path)
    assert np.abs(samples).max() == 1.0


def test_a_take_longer_than_the_cap_is_refused_from_its_header(tmp_path):
    path = tmp_path / "hour.wav"
    with soundfile.SoundFile(str(path), "w", 8000, 1, "PCM_16") as out:
        block = np.zeros(8000 * 60, np.int16)
        for _ in range(60):  # one hour at 8 kHz: 58 MB
            out.write(block)
    started = time.monotonic()
    with pytest.raises(NotAudio, match="hour.wav holds 60 minutes of audio; a take is one line, at most 5"):
        read_take(path)
    assert time.monotonic() - started < 1


@pytest.mark.timeout(20)
def test_a_pipe_or_a_link_out_is_never_read_as_a_kept_take(tmp_path):
    os.mkfifo(tmp_path / "pipe.wav")
    with pytest.raises(NotAudio, match="pipe.wav is a named pipe, not an audio file"):
        read_take(tmp_path / "pipe.wav")
    takes = tmp_path / "voice" / "takes"
    takes.mkdir(parents=True)
    (takes / "a.wav").symlink_to(speechlike(tmp_path / "real.wav", 1))
    with pytest.raises(NotAudio, match="is a link, not a take guided kept"):
        read_take(takes / "a.wav", inside=takes)
    with pytest.raises(NotAudio, match="is not inside"):
        read_take(tmp_path / "real.wav", inside=takes)


def test_ogg_and_0001_takes_are_imported_and_a_skipped_file_says_why(cli, script, tmp_path):
    folder = tmp_path / "takes"
    speechlike(folder / "0001.ogg", 1, fmt="OGG")
    speechlike(folder / "2.flac", 2)
    write(folder, "notes.txt", "for me")
    write(folder, "003.aiff", b"FORM")
    result = cli("record", str(script), "--as", "anna", "--import", str(folder))
    assert result.returncode == 0, result.stderr
    assert "Imported 2 takes into anna's voice." in result.stdout
    assert "notes.txt: left out: not named by a line number" in result.stderr
    assert "003.aiff: left out: .aiff is not a kind of audio guided reads" in result.stderr
    assert all(VoiceStore("anna").has(line) for line in LINES)


def test_recorded_voices_cannot_be_named_like_a_language_or_a_windows_device(cli, script, tmp_path):
    speechlike(tmp_path / "takes" / "001.wav", 1)
    for name, said in [("en-us", "the language code of English"), ("eng", "the language code of English"),
                       ("en-gb", "the language code of English"), ("con", "a device on Windows"),
                       ("nul", "a device on Windows"), ("lpt1", "a device on Windows")]:
        one_line_error(cli("record", str(script), "--as", name, "--import", str(tmp_path / "takes")),
                       said)
    assert not VoiceStore.find("en-us") and not VoiceStore.find("con")


# -- bundle --force ---------------------------------------------------------------------


@pytest.mark.parametrize("marker", [None, "LINK", "OTHER"])
def test_bundle_force_never_replaces_a_folder_that_only_looks_like_a_bundle(cli, tmp_path, marker):
    """A user's folder with index.html, README.txt, audio/ and captions/: --force deleted
    audio/wedding-vows.wav. Only a folder whose marker says guided made it is replaced."""
    from guided.outputs.bundle import MARKER, MARKER_TEXT

    mine = tmp_path / "site"
    write(mine, "index.html", "<p>our day</p>")
    write(mine, "README.txt", "notes")
    write(mine, "audio/wedding-vows.wav", b"RIFF precious")
    (mine / "captions").mkdir()
    if marker == "LINK":
        (mine / MARKER).symlink_to(write(tmp_path, "elsewhere", MARKER_TEXT))
    elif marker == "OTHER":
        write(mine, MARKER, "something else")
    result = cli("bundle", "grounding", "-o", str(mine), "--force", "--engine", "test")
    one_line_error(result, "is a folder that a bundle did not make; it is left as it is")
    assert (mine / "audio" / "wedding-vows.wav").read_bytes() == b"RIFF precious"
    assert sorted(p.name for p in mine.iterdir()) == sorted(
        ["index.html", "README.txt", "audio", "captions"] + ([MARKER] if marker else []))


# -- names and standard streams ----------------------------------------------------------


@pytest.mark.parametrize("args", [["export", "grounding", "-o"], ["bundle", "grounding", "-o"],
                                  ["say", "Hello", "-o"]])
def test_an_output_name_that_is_not_utf8_is_one_line(cli, tmp_path, args):
    suffix = {"export": ".mp3", "say": ".wav"}.get(args[0], "")
    name = os.fsdecode(bytes(tmp_path) + b"/out\xff" + suffix.encode())
    one_line_error(cli(*args, name, "--engine", "test"), "holds bytes that are not UTF-8 text")
    assert os.listdir(tmp_path) == ["home"]  # nothing written beside it


@pytest.mark.subprocess
@pytest.mark.parametrize("command", ["check grounding", "list", "export grounding -o {out}",
                                     "voices remove anna <&-"])
def test_closed_standard_streams_are_no_traceback(tmp_path, isolated_home, command):
    import subprocess
    import sys

    if "remove" in command:
        _voice(tmp_path)
    line = command.format(out=tmp_path / "out.mp3")
    closing = "" if "<&-" in line else " >&-"
    done = subprocess.run(["sh", "-c", f"{sys.executable} -m guided {line}{closing}"],
                          capture_output="<&-" in line, stderr=subprocess.PIPE if "<&-" not in line else None,
                          env={**os.environ, "GUIDED_ENGINE": "test"}, timeout=120, text=True)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    if "remove" in command:
        assert done.returncode == 1 and "add --yes to go ahead" in done.stderr
        assert VoiceStore.find("anna") is not None
    else:
        assert done.returncode == 0, done.stderr
    if "export" in command:
        assert soundfile.info(str(tmp_path / "out.mp3")).duration > 60


@pytest.mark.subprocess
def test_an_import_shows_no_decoder_notes_or_numpy_warnings(guided, script, tmp_path):
    """An MP3 with junk in the middle made libmpg123 print "Note: Illegal Audio-MPEG-Header"
    and "Trying to resync" on the terminal, between guided's own lines."""
    folder = tmp_path / "takes"
    mp3 = speechlike(folder / "001.mp3", 1, fmt="MP3")
    data = mp3.read_bytes()
    mp3.write_bytes(data[:2000] + b"\0garbage-in-the-middle" * 20 + data[2000:])
    soundfile.write(str(folder / "002.wav"), np.zeros(0), 22050)  # empty: no speech
    done = guided("record", str(script), "--as", "anna", "--import", str(folder))
    assert done.returncode == 0, done.stderr
    assert "Imported 1 take" in done.stdout
    assert done.stderr == "002.wav: left out: no speech was heard in this take\n"


def test_a_side_file_left_by_a_killed_merge_is_merged_once(cli, isolated_home):
    """A merge killed after it took the side file left ``sessions-pending.jsonl.<pid>``,
    which nothing read again: its sessions left the history without a word."""
    import subprocess
    import sys

    from guided.practice.sessionlog import SessionLog

    with SessionLog() as db:  # the first row went in before the kill
        db.insert_row(dict(GOOD))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    second = dict(GOOD, key="k-2", script="body", started="2026-01-03T10:00:00+00:00")
    orphan = write(isolated_home, f"sessions-pending.jsonl.{gone.pid}",
                   json.dumps(GOOD) + "\n" + json.dumps(second) + "\n")
    alive = write(isolated_home, f"sessions-pending.jsonl.{os.getppid()}", json.dumps(second) + "\n")
    shown = cli("log", "--json")
    assert shown.returncode == 0, shown.stderr
    assert sorted(r["script"] for r in json.loads(shown.stdout)) == ["body", "grounding"]
    assert not orphan.exists() and alive.exists()  # a running merge's file is its own
