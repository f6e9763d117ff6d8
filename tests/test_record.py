"""The therapist's own voice (`guided record`, `--voice NAME`), with real audio:
espeak-ng speaks the "therapist's" takes, ffmpeg makes them 44.1 kHz stereo files as
another app would, PortAudio records them from a virtual PulseAudio microphone, and
exports are decoded and measured."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from guided.audio.loudness import measure
from guided.samples import SAMPLE_RATE
from guided.speech.recorded import RecordedLines
from guided.speech.recorded.store import VoiceStore
from guided.speech.recorded.takes import prepare, read_audio, resample
from guided.speech.trim import clean, trim
from tests.audio_devices import (  # noqa: F401 - fixtures
    alsa_file_sink,
    no_audio_device,
    pulse_microphone,
    speak_into,
)
from tests.helpers import one_line_error, write
from tests.pty_terminal import PtyGuided

SCRIPT = """\
format: 1
title: A short pause for {name}
practice: custom
variables:
  name: friend
steps:
  - section: Arriving
  - say: Hello {name}. Let your breath settle.
  - pause: 2s
  - say: Notice your feet on the floor.
  - breathe:
      in: 4
      out: 5
  - say: Well done, {name}.
"""
LINES = ["Hello Sam. Let your breath settle.", "Notice your feet on the floor.",
         "Breathing in", "Breathing out", "Well done, Sam."]


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "own.yaml"
    path.write_text(SCRIPT)
    return path


def espeak(text: str, out: Path) -> Path:
    """The 'therapist' saying a line: espeak-ng's own WAV (22.05 kHz mono, padded)."""
    subprocess.run(["espeak-ng", "-v", "en-gb", "-s", "150", "-w", str(out), text], check=True)
    return out


def as_other_app(source: Path, out: Path, lead: float = 0.7, tail: float = 0.9) -> Path:
    """What another recording app would hand over: 44.1 kHz stereo, silence before and
    after the words, and a faint room hiss throughout."""
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(source),
         "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.0015:seed=7",
         "-filter_complex",
         f"[0]adelay={int(lead * 1000)},apad=pad_dur={tail}[v];[v][1]amix=inputs=2:duration=first:normalize=0",
         "-ar", "44100", "-ac", "2", str(out)],
        check=True)
    return out


def make_takes(folder: Path, numbers: list[int], ext: str = "wav") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        raw = espeak(LINES[n - 1], folder / f"raw{n}.wav")
        as_other_app(raw, folder / f"{n:03d}.{ext}")
        raw.unlink()
    return folder


def speech_runs(x: np.ndarray, threshold_db: float = -45.0, gap: float = 1.0) -> list[tuple[int, int]]:
    """(start, end) samples of the sounding stretches, split at silences longer than ``gap``."""
    loud = np.flatnonzero(np.abs(x) > 10 ** (threshold_db / 20))
    splits = np.flatnonzero(np.diff(loud) > gap * SAMPLE_RATE)
    return [(int(r[0]), int(r[-1]) + 1) for r in np.split(loud, splits + 1)]


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        assert w.getframerate() == SAMPLE_RATE and w.getnchannels() == 1
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768


def test_list_prints_each_line_once_with_values_and_breath_cues(cli, script):
    result = cli("record", str(script), "--list", "--var", "name=Sam")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"{n:03d}\t{t}" for n, t in enumerate(LINES, 1)]


@pytest.mark.speech
@pytest.mark.tools
def test_import_of_padded_44k_stereo_takes_keeps_pauses_exact(cli, script, tmp_path):
    takes = make_takes(tmp_path / "takes", [1, 2, 3, 4, 5])
    result = cli("record", str(script), "--var", "name=Sam", "--as", "Anna", "--import", str(takes))
    assert result.returncode == 0, result.stderr
    assert "Imported 5 takes into anna's voice." in result.stdout
    store = VoiceStore("anna")
    assert all(store.has(t) for t in LINES)

    out = tmp_path / "anna.wav"
    result = cli("export", str(script), "--var", "name=Sam", "--voice", "anna", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "no recording" not in result.stderr
    audio = read_wav(out)
    runs = speech_runs(audio)
    first_line = clean(read_audio(espeak(LINES[0], tmp_path / "ref.wav"))[0][:, 0], 22050)
    # the first sound is the first recorded line, as long as the words themselves
    assert runs[0][0] < 0.01 * SAMPLE_RATE  # only the 5 ms fade-in is under -45 dB
    assert abs((runs[0][1] - runs[0][0]) - len(first_line)) / SAMPLE_RATE < 0.03
    # `pause: 2s` after it: from the end of the words to the next line, within 20 ms
    gap = (runs[1][0] - runs[0][1]) / SAMPLE_RATE
    print(f"words {(runs[0][1] - runs[0][0]) / SAMPLE_RATE:.3f}s (espeak {len(first_line) / SAMPLE_RATE:.3f}s), pause {gap:.4f}s")
    assert gap == pytest.approx(2.0, abs=0.02)


def test_recordings_survive_cache_clear_and_exports_are_byte_identical(guided, script, tmp_path):
    takes = make_takes(tmp_path / "takes", [1, 2, 3, 4, 5])
    cache = tmp_path / "cache"
    args = ["--var", "name=Sam", "--cache-dir", str(cache)]
    assert guided("record", str(script), "--var", "name=Sam", "--as", "anna", "--import",
                  str(takes)).returncode == 0
    first, second = tmp_path / "one.mp3", tmp_path / "two.mp3"
    result = guided("export", str(script), *args, "--voice", "anna", "-o", str(first))
    assert result.returncode == 0, result.stderr
    cleared = guided("cache", "clear", "--yes", "--cache-dir", str(cache))
    assert cleared.returncode == 0 and "Deleted 0 clips" not in cleared.stdout
    assert len(VoiceStore("anna").lines()) == 5  # the takes live in GUIDED_HOME, not the cache
    result = guided("export", str(script), *args, "--voice", "anna", "-o", str(second))
    assert result.returncode == 0, result.stderr
    assert first.read_bytes() == second.read_bytes()
    listing = guided("voices")
    assert "anna  5 lines" in listing.stdout

    bundle = guided("bundle", str(script), "--var", "name=Sam", "--voice", "anna", "-o",
                    str(tmp_path / "sam"), env={"GUIDED_CACHE_DIR": str(cache)})
    assert bundle.returncode == 0, bundle.stderr
    assert "no recording" not in bundle.stderr
    (mp3,) = (tmp_path / "sam" / "audio").glob("*.mp3")
    assert mp3.stat().st_size > 20_000


@pytest.mark.speech  # the lines not recorded are spoken by the default voice
def test_missing_lines_are_named_by_check_and_spoken_by_the_default_voice(cli, script, tmp_path):
    takes = make_takes(tmp_path / "takes", [1, 2, 5])
    assert cli("record", str(script), "--var", "name=Sam", "--as", "anna", "--import",
               str(takes)).returncode == 0
    result = cli("check", str(script), "--var", "name=Sam", "--voice", "anna")
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "no recording" in line]
    assert len(warnings) == 2
    assert warnings[0].startswith(f"{script}:11:5: warning: no recording of \u201cBreathing in\u201d")
    assert "Breathing out" in warnings[1]
    strict = cli("check", str(script), "--var", "name=Sam", "--voice", "anna", "--strict")
    assert strict.returncode == 1
    assert f"{script}:11:5: error: no recording" in strict.stderr

    out = tmp_path / "mixed.wav"
    result = cli("export", str(script), "--var", "name=Sam", "--voice", "anna", "-o", str(out))
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "no recording" in line]
    assert notes == ["2 lines have no recording in anna's voice yet, so the default voice speaks "
                     "them (`guided check SCRIPT --voice anna` names them)."]
    # a script that names the recorded voice itself (`voice: anna`) is checked and spoken the same way
    own = script.with_name("own-voice.yaml")
    own.write_text(SCRIPT.replace("practice: custom\n", "practice: custom\nvoice: anna\n"))
    named = cli("check", str(own), "--var", "name=Sam")
    assert named.returncode == 0 and named.stderr.count("no recording") == 2, named.stderr
    same = tmp_path / "named.wav"
    result = cli("export", str(own), "--var", "name=Sam", "-o", str(same))
    assert result.returncode == 0, result.stderr
    assert same.read_bytes() == out.read_bytes()
    unknown = cli("check", str(script), "--voice", "nobody")
    assert unknown.returncode == 1 and len(unknown.stderr.strip().splitlines()) == 1


@pytest.mark.audio
def test_play_speaks_the_recorded_takes(guided, script, tmp_path, alsa_file_sink):  # noqa: F811
    from guided.audio.device import to_pcm16
    from guided.audio.render import render
    from guided.paths import cache_dir
    from guided.practice.chosen import Chosen
    from guided.practice.prepare import prepare as prepare_practice
    from guided.speech.choice import VoiceChoice

    takes = make_takes(tmp_path / "takes", [1, 2, 3, 4, 5])
    assert guided("record", str(script), "--as", "anna", "--var", "name=Sam", "--import",
                  str(takes)).returncode == 0
    env = alsa_file_sink.merged()
    env["GUIDED_HOME"] = os.environ["GUIDED_HOME"]
    result = guided("play", str(script), "--var", "name=Sam", "--voice", "anna", "--device",
                    alsa_file_sink.device, "--no-prompt", env=env)
    assert result.returncode == 0, result.stderr
    with prepare_practice(script, Chosen(cache_dir(), variables={"name": "Sam"},
                                                  voice=VoiceChoice(voice="anna"))) as prep:
        assert prep.speaker.recorded is not None
        expected = b"".join(to_pcm16(b).tobytes() for b in render(
            prep.timeline.events, prep.speaker, ambience=prep.script.ambience))
    played = alsa_file_sink.output.read_bytes()
    assert played[: len(expected)] == expected


@pytest.mark.audio
def test_a_journey_day_plays_in_the_recorded_voice(guided, script, tmp_path,
                                                    alsa_file_sink):  # noqa: F811
    takes = make_takes(tmp_path / "takes", [1, 2, 3, 4, 5])
    assert guided("record", str(script), "--as", "anna", "--var", "name=Sam", "--import",
                  str(takes)).returncode == 0
    journeys = Path(os.environ["GUIDED_HOME"]) / "journeys"
    journeys.mkdir()
    (journeys / "own.yaml").write_text(SCRIPT)
    (journeys / "mine.yaml").write_text("title: A week in Anna's voice\nweeks:\n  - title: One\n"
                                        "    days:\n      - practice: own.yaml\n")
    assert guided("journey", "start", "mine").returncode == 0
    env = alsa_file_sink.merged()
    env["GUIDED_HOME"] = os.environ["GUIDED_HOME"]
    result = guided("journey", "today", "--play", "--no-prompt", "--voice", "anna", "--var",
                    "name=Sam", "--device", alsa_file_sink.device, env=env)
    assert result.returncode == 0, result.stderr
    assert "no recording" not in result.stderr
    from guided.audio.device import to_pcm16
    from guided.audio.render import render
    from guided.paths import cache_dir
    from guided.practice.chosen import Chosen
    from guided.practice.prepare import prepare as prepare_practice
    from guided.speech.choice import VoiceChoice

    with prepare_practice(script, Chosen(cache_dir(), variables={"name": "Sam"},
                                                  voice=VoiceChoice(voice="anna"))) as prep:
        expected = b"".join(to_pcm16(b).tobytes() for b in render(
            prep.timeline.events, prep.speaker, ambience=prep.script.ambience))
    assert alsa_file_sink.output.read_bytes()[: len(expected)] == expected


@pytest.mark.speech
def test_take_preparation_cuts_a_breath_and_a_click_and_resamples_without_aliasing(tmp_path):
    words = read_audio(espeak(LINES[1], tmp_path / "line.wav"))[0][:, 0].astype(np.float64)
    words = resample(words, 22050, 48000)
    rng = np.random.default_rng(3)
    breath = rng.normal(0, 0.012, int(0.35 * 48000)) * np.hanning(int(0.35 * 48000))
    room = np.zeros(24000)
    click = np.zeros(9600)
    click[4800:4900] = 0.6 * np.sin(np.arange(100))  # a key press after the words
    take = np.concatenate([room, breath, np.zeros(9600), words, click, room])
    take += rng.normal(0, 0.0004, len(take))
    prepared = trim(prepare(take * 0.1, 48000).samples)  # a quiet microphone, 20 dB down
    reference = clean(words, 48000)
    assert abs(len(prepared) - len(reference)) / SAMPLE_RATE < 0.02
    # its loudness matches the synthesized voice's clip of the same line (within 1 LU)
    from guided.speech.base import SpeechSettings
    from guided.speech.speaker import Speaker

    with Speaker(SpeechSettings(engine="pyttsx3"), tmp_path / "cache") as speaker:
        synthesized = measure([speaker.clip(LINES[1])]).integrated
    assert measure([prepared]).integrated == pytest.approx(synthesized, abs=1.0)
    # a 15 kHz tone (above the session's Nyquist) must vanish, a 1 kHz tone stay whole
    t = np.arange(48000) / 48000
    high = resample(0.5 * np.sin(2 * np.pi * 15000 * t), 48000, SAMPLE_RATE)
    low = resample(0.5 * np.sin(2 * np.pi * 1000 * t), 48000, SAMPLE_RATE)
    assert np.abs(high[500:-500]).max() < 0.005
    assert np.abs(low[500:-500]).max() == pytest.approx(0.5, abs=0.01)


def test_takes_that_clip_are_too_quiet_or_noisy_are_noted(tmp_path):
    words = read_audio(espeak(LINES[1], tmp_path / "line.wav"))[0][:, 0].astype(np.float64)
    words /= np.abs(words).max()
    rng = np.random.default_rng(5)
    room = np.zeros(11025)

    def notes(take: np.ndarray) -> str:
        return " ".join(prepare(take, 22050).warnings)

    assert notes(np.concatenate([room, 0.5 * words, room])) == ""
    assert "clipped" in notes(np.clip(np.concatenate([room, 3 * words, room]), -1, 1))
    assert "very quiet" in notes(np.concatenate([room, 0.004 * words, room]))
    noisy = np.concatenate([room, 0.3 * words, room])
    assert "room is loud" in notes(noisy + rng.normal(0, 0.01, len(noisy)))


@pytest.mark.tools
def test_import_reads_mp3_and_reports_unusable_takes(cli, script, tmp_path):
    takes = make_takes(tmp_path / "takes", [1], ext="mp3")
    silent = takes / "002.wav"
    with wave.open(str(silent), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(b"\0\0" * 44100)
    (takes / "009.wav").write_bytes(silent.read_bytes())
    (takes / "003 breathing in.wav").write_text("not audio at all")
    result = cli("record", str(script), "--var", "name=Sam", "--as", "anna", "--import", str(takes))
    assert result.returncode == 0, result.stderr
    assert "002.wav: left out: no speech was heard in this take" in result.stderr
    assert "009.wav: left out: the practice has 5 lines" in result.stderr
    assert "003 breathing in.wav: left out: cannot read" in result.stderr
    assert "Imported 1 take into anna's voice." in result.stdout
    assert "4 lines still to record (002, 003, 004, 005)" in result.stdout
    assert VoiceStore("anna").has(LINES[0])


def test_bad_names_and_no_terminal_are_one_line_errors(cli, script, tmp_path):
    for args in (["--as", "../x"], ["--as", "anna"], []):
        result = cli("record", str(script), *args)
        assert result.returncode == 1
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_voices_remove_asks_first(guided, script, tmp_path):
    takes = make_takes(tmp_path / "takes", [2])
    assert guided("record", str(script), "--as", "anna", "--import", str(takes)).returncode == 0
    refused = guided("voices", "remove", "anna")  # no terminal to ask on
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert VoiceStore.find("anna") is not None
    term = _Pty(["voices", "remove", "anna"], dict(os.environ))
    term.wait_for("Delete anna's voice and its 1 recorded line")
    term.send("n\r")
    assert term.proc.wait(timeout=30) == 0
    assert "Nothing was deleted." in term.text and VoiceStore.find("anna") is not None
    term = _Pty(["voices", "remove", "anna"], dict(os.environ))
    term.wait_for("They cannot be made again")
    term.send("y\r")
    assert term.proc.wait(timeout=30) == 0
    assert "Removed anna's voice." in term.text and VoiceStore.find("anna") is None


@pytest.mark.audio
def test_no_microphone_is_one_line(guided, script, no_audio_device):  # noqa: F811
    term = _Pty(["record", str(script), "--as", "anna"], no_audio_device.merged())
    code = term.proc.wait(timeout=60)
    assert code == 3
    assert "no microphone found" in term.text and "Traceback" not in term.text


# -- real recording through PortAudio, in a real pseudo-terminal -------------------------


def _Pty(args: list[str], env: dict[str, str]) -> PtyGuided:
    """`guided …` under a pseudo-terminal: keys in, screen text out."""
    return PtyGuided(args, dict(env, TERM="xterm", GUIDED_HOME=os.environ["GUIDED_HOME"]))


@pytest.mark.audio
def test_recording_from_a_microphone_and_ctrl_c_keeps_earlier_takes(script, tmp_path,
                                                                    pulse_microphone):  # noqa: F811
    said = [espeak(LINES[0], tmp_path / "one.wav"), espeak(LINES[1], tmp_path / "two.wav")]
    term = _Pty(["record", str(script), "--var", "name=Sam", "--as", "anna", "--device", "pulse"],
                pulse_microphone.merged())
    try:
        term.wait_for("001/005")
        term.wait_for("Enter: start recording")
        time.sleep(1.0)  # the microphone is open and listening
        speaking = speak_into(pulse_microphone, said[0])
        time.sleep(0.25)  # the first word is already under way when Enter is pressed ...
        term.send("\r")
        term.wait_for("recording")
        speaking.wait(timeout=30)  # ... and is kept whole (the take starts a moment earlier)
        time.sleep(0.4)
        term.send("\r")
        first = term.wait_for("Enter or k: keep")
        term.send("l")  # listen back (into the virtual speakers), then keep
        term.wait_for("Enter or k: keep", after=first + 1)
        term.send("k")
        term.wait_for("Kept.")
        second = term.wait_for("002/005")
        term.wait_for("Enter: start recording", after=second)
        term.send("\r")
        term.wait_for("recording", after=second)
        speaking = speak_into(pulse_microphone, said[1])
        time.sleep(1.0)
        term.send("\x03")  # Ctrl-C in the middle of the second take
        code = term.proc.wait(timeout=30)
        speaking.wait(timeout=30)
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
    assert code == 130, term.text[-800:]
    assert "1 take kept in anna's voice" in term.text and "Traceback" not in term.text
    store = VoiceStore("anna")
    assert store.has(LINES[0]) and not store.has(LINES[1])
    # what the microphone heard is the line, as long as espeak-ng said it
    line = store.line(LINES[0])
    samples, rate = store.read_take(line)
    heard = trim(prepare(samples, rate).samples)
    spoken = clean(read_audio(said[0])[0][:, 0], 22050)
    assert abs(len(heard) - len(spoken)) / SAMPLE_RATE < 0.05
    manifest = json.loads((store.folder / "voice.json").read_text())
    assert [v["text"] for v in manifest["lines"].values()] == [LINES[0]]

    # the next sitting carries on at the first line not yet kept
    again = _Pty(["record", str(script), "--var", "name=Sam", "--as", "anna", "--device", "pulse"],
                 pulse_microphone.merged())
    try:
        again.wait_for("Recording 4 of 5 lines into anna's voice")
        again.wait_for("Enter: start recording")
        again.send("q")
        assert again.proc.wait(timeout=30) == 0
    finally:
        if again.proc.poll() is None:
            again.proc.kill()
    assert "001/005" not in again.text and "002/005" in again.text
    assert "4 lines still to record (002, 003, 004, 005)" in again.text


# -- takes belong to the line they were recorded for (quick: synthetic takes, in process) --


def fake_take(path: Path, seed: int, rate: int = 22050) -> Path:
    """A speech-like take (a buzzing vowel with a syllable rhythm), different per seed."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(rate * 0.8)) / rate
    voice = sum(np.sin(2 * np.pi * (120 + 40 * seed) * k * t) / k for k in range(1, 6))
    voice = voice * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t)) ** 2 * 0.2 + rng.normal(0, 0.01, len(t))
    pad = np.zeros(int(rate * 0.3))
    samples = np.concatenate([pad, voice, pad])
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


NEW_LINE = "  - say: A new line, just for you.\n"


def with_new_second_line(script: Path) -> None:
    text = script.read_text()
    script.write_text(text.replace("  - pause: 2s\n", NEW_LINE + "  - pause: 2s\n", 1))


def test_reimport_after_a_new_line_never_gives_a_line_another_lines_take(cli, script, tmp_path):
    takes = tmp_path / "takes"
    for n in range(1, 6):
        fake_take(takes / f"{n:03d}.wav", n)
    sam = ("--var", "name=Sam")
    assert cli("record", str(script), *sam, "--as", "anna", "--import", str(takes)).returncode == 0
    with_new_second_line(script)
    for extra in ((), ("--redo",)):
        result = cli("record", str(script), *sam, "--as", "anna", "--import", str(takes), *extra)
        assert result.returncode == 1, result
        assert (f"002.wav: left out: it is already the take of \u201c{LINES[1]}\u201d, so it "
                "cannot be line 002, \u201cA new line, just for you.\u201d") in result.stderr
        assert result.stderr.splitlines()[-1].startswith(
            "guided: 4 takes were left out because the practice's lines have changed")
        hint = result.stderr.splitlines()[-1].split("`")[1]  # lists the lines as imported
        assert hint == f"guided record {shlex.quote(str(script))} --var name=Sam --list"
        assert "1 line still to record (002)" in result.stdout
    store = VoiceStore("anna")
    assert not store.has("A new line, just for you.")
    assert len({line.sha256 for line in store.lines().values()}) == 5
    check = cli("check", str(script), *sam, "--voice", "anna", "--strict")
    assert check.returncode == 1 and "A new line, just for you." in check.stderr


def test_the_list_hint_keeps_the_values_given_quoted_for_the_shell():
    from guided.commands.record import list_command

    hint = list_command("Box breathing", ("name=Sam O'Neil", "place=the room"), "sam's vars.yaml")
    assert shlex.split(hint) == ["guided", "record", "Box breathing", "--vars-file",
                                 "sam's vars.yaml", "--var", "name=Sam O'Neil", "--var",
                                 "place=the room", "--list"]


def test_a_saved_listing_maps_numbers_to_the_lines_they_were_listed_for(cli, script, tmp_path):
    sam = ("--var", "name=Sam")
    takes = tmp_path / "takes"
    (tmp_path / "takes").mkdir()
    (takes / "lines.txt").write_text(cli("record", str(script), "--list", *sam).stdout)
    for n in range(1, 6):
        fake_take(takes / f"{n:03d}.wav", n)
    with_new_second_line(script)  # edited after the files were numbered, before the import
    script.write_text(script.read_text().replace("Well done, {name}.", "Thank you, {name}."))
    result = cli("record", str(script), *sam, "--as", "anna", "--import", str(takes))
    assert result.returncode == 1
    assert f"005.wav: left out: it was listed as \u201c{LINES[4]}\u201d, which this practice no " \
           "longer says" in result.stderr
    assert "Imported 4 takes" in result.stdout
    store = VoiceStore("anna")
    for n, text in enumerate(LINES[:4], 1):  # each file on the line it speaks, wherever it is now
        assert store.line(text).sha256 == store.speaking(*read_audio(takes / f"{n:03d}.wav")).sha256
    assert not store.has("A new line, just for you.")


def test_check_names_a_take_shared_by_two_lines_and_a_lost_take_file(cli, script, tmp_path):
    sam = ("--var", "name=Sam")
    store = VoiceStore("anna")
    for n, text in enumerate(LINES, 1):
        store.keep(text, *read_audio(fake_take(tmp_path / f"{n}.wav", n)))
    assert cli("check", str(script), *sam, "--voice", "anna", "--strict").returncode == 0
    store.keep(LINES[4], *read_audio(tmp_path / "1.wav"))  # the first line's audio, again
    store.take_path(store.line(LINES[1])).unlink()
    result = cli("check", str(script), *sam, "--voice", "anna")
    assert result.returncode == 0
    assert (f"warning: the recording of \u201c{LINES[4]}\u201d in anna's voice is the same audio "
            f"as the one of \u201c{LINES[0]}\u201d") in result.stderr
    assert f"warning: the recording of \u201c{LINES[1]}\u201d in anna's voice is missing" in result.stderr
    strict = cli("check", str(script), *sam, "--voice", "anna", "--strict")
    assert strict.returncode == 1 and strict.stderr.count("error:") == 3, strict.stderr
    assert not store.has(LINES[1])  # the default voice speaks it, and record offers it again


def test_record_refuses_a_mistyped_variable_as_export_does(cli, script, tmp_path):
    takes = tmp_path / "takes"
    fake_take(takes / "001.wav", 1)
    for args in (["--list"], ["--as", "anna", "--import", str(takes)]):
        result = cli("record", str(script), "--var", "nmae=Sam", *args)
        one_line_error(result, "--var nmae=Sam: error:", "has no variable 'nmae'",
                       "did you mean 'name'?")
        assert result.stdout == ""
    assert VoiceStore.find("anna") is None


@pytest.mark.parametrize("name, owner", [("heart", "a hibari voice"), ("Joe", "a Piper voice"),
                                         ("kore", "a hibari voice"), ("en", "the language code of English")])
def test_a_recorded_voice_cannot_take_a_synthesized_voices_name(cli, script, tmp_path, name, owner):
    from guided.speech.choice import voices_of

    if owner == "a Piper voice" and not voices_of("piper"):
        pytest.fail("needs the Piper voice en_US-joe-medium (make setup)")
    if name == "kore":
        from guided.speech.hibari_engine import missing_voices

        assert "kore" in missing_voices()  # known to hibari, not added here
    result = cli("record", str(script), "--as", name, "--import", str(fake_take(tmp_path / "t" / "001.wav", 1).parent))
    one_line_error(result, f"{name.lower()!r} is {owner}", "choose a name of your own")
    assert VoiceStore.find(name) is None


def test_a_chosen_engine_speaks_its_own_voice_beside_a_recorded_one_of_that_name(tmp_path):
    from guided.speech.choice import VoiceChoice, settle

    VoiceStore("heart").keep("Hello.", *read_audio(fake_take(tmp_path / "1.wav", 1)))  # made before
    assert settle(VoiceChoice(engine="hibari", voice="heart")).engine == "hibari"
    assert settle(VoiceChoice(engine="hibari", voice="heart")).voice == "heart"


@pytest.mark.parametrize("damage", ["[1, 2]", "{bad", '{"lines": "none"}'])
def test_a_damaged_recorded_voice_is_listed_as_damaged_and_others_still_list(cli, script, tmp_path,
                                                                             damage):
    from guided.paths import guided_home

    for name in ("anna", "zed"):
        VoiceStore(name).keep(LINES[0], *read_audio(fake_take(tmp_path / "1.wav", 1)))
    (guided_home() / "voices" / "bob").mkdir()
    (guided_home() / "voices" / "bob" / "voice.json").write_text(damage)
    listing = cli("voices", "--engine", "recorded")
    assert listing.returncode == 0, listing
    assert [line.split()[:2] for line in listing.stdout.splitlines()[1:]] == [
        ["anna", "1"], ["bob", "damaged:"], ["zed", "1"]]
    assert json.loads(cli("voices", "--engine", "recorded", "--json").stdout)[1]["lines"] is None
    for args in (["export", str(script), "--engine", "test", "--voice", "bob", "-o", str(tmp_path / "x.mp3")],
                 ["check", str(script), "--voice", "bob"],
                 ["record", str(script), "--as", "bob", "--list"]):
        result = cli(*args)
        if "--list" in args:
            assert result.returncode == 0  # the list needs no voice
        else:
            one_line_error(result, "cannot read the recorded voice 'bob'")
    removed = cli("voices", "remove", "bob", "--yes")
    assert removed.returncode == 0 and not (guided_home() / "voices" / "bob").exists()


def test_voices_remove_never_deletes_through_a_link(cli, tmp_path):
    from guided.paths import guided_home

    real = tmp_path / "elsewhere"
    VoiceStore("anna", tmp_path / "elsewhere-root").keep(LINES[0], *read_audio(fake_take(tmp_path / "1.wav", 1)))
    (tmp_path / "elsewhere-root" / "anna").rename(real)
    (guided_home() / "voices").mkdir()
    (guided_home() / "voices" / "anna").symlink_to(real)
    result = cli("voices", "remove", "anna", "--yes")
    one_line_error(result, "is a link to", "nothing was deleted")
    assert "rmtree" not in result.stderr
    assert (real / "voice.json").is_file() and (guided_home() / "voices" / "anna").is_symlink()


# -- the voice's folder under faults: two runs at once, a voice.json that cannot be written --


def many_lines_script(folder: Path, count: int) -> Path:
    steps = "".join(f"  - say: Line number {n} of the practice.\n" for n in range(1, count + 1))
    return write(folder, "many.yaml", f"format: 1\ntitle: Many lines\npractice: custom\n"
                                      f"steps:\n{steps}")


@pytest.mark.subprocess
def test_two_imports_at_once_into_one_voice_keep_every_take(tmp_path):
    practice = many_lines_script(tmp_path, 16)
    runs = []
    for half in (range(1, 9), range(9, 17)):
        takes = tmp_path / f"takes{half[0]}"
        for n in half:
            fake_take(takes / f"{n:03d}.wav", n)
        runs.append(subprocess.Popen(
            [sys.executable, "-m", "guided", "record", str(practice), "--as", "anna", "--import",
             str(takes)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        assert "Imported 8 takes" in out
    store = VoiceStore("anna")
    lines = store.lines()
    assert len(lines) == 16
    assert store.take_files() == 16
    for line in lines.values():
        assert hashlib.sha256(store.take_path(line).read_bytes()).hexdigest() == line.sha256


def test_a_take_waits_for_the_voices_lock_then_says_so_in_one_line(cli, script, tmp_path,
                                                                   monkeypatch):
    from guided.portable import locked
    from guided.speech.recorded import store as voice_store

    takes = tmp_path / "takes"
    fake_take(takes / "001.wav", 1)
    monkeypatch.setattr(voice_store, "LOCK_SECONDS", 0.3)
    with locked(VoiceStore("anna").folder / voice_store.LOCK):  # another guided changing anna
        result = cli("record", str(script), "--var", "name=Sam", "--as", "anna", "--import",
                     str(takes))
    one_line_error(result, "anna's voice is being changed by another guided")
    assert not VoiceStore("anna").exists()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != ".lock"}


def test_a_redo_whose_voice_json_cannot_be_written_leaves_the_voice_as_it_was(cli, script,
                                                                             tmp_path, monkeypatch):
    import errno

    from guided.speech.recorded import store as voice_store

    sam = ("--var", "name=Sam")
    first, second = tmp_path / "first", tmp_path / "second"
    for n in range(1, 6):
        fake_take(first / f"{n:03d}.wav", n)
        fake_take(second / f"{n:03d}.wav", n + 10)
    assert cli("record", str(script), *sam, "--as", "anna", "--import", str(first)).returncode == 0
    folder = VoiceStore("anna").folder
    before = snapshot(folder)
    old_keys = {line.key: RecordedLines(VoiceStore("anna"), None, None).key(line.text)  # type: ignore[arg-type]
                for line in VoiceStore("anna").lines().values()}

    def refuse(target: Path, data: object) -> None:
        raise OSError(errno.EACCES, "Permission denied", str(target.parent / ".voice.json.1.x.part"))

    with monkeypatch.context() as m:
        m.setattr(voice_store, "write_atomic", refuse)
        result = cli("record", str(script), *sam, "--as", "anna", "--import", str(second),
                     "--redo")
    one_line_error(result, f"cannot change {folder / 'voice.json'}", "the voice is as it was",
                   "permission denied")
    assert ".part" not in result.stderr
    assert snapshot(folder) == before  # the old takes, voice.json, nothing new left behind
    store = VoiceStore("anna")
    for line in store.lines().values():
        assert hashlib.sha256(store.take_path(line).read_bytes()).hexdigest() == line.sha256

    assert cli("record", str(script), *sam, "--as", "anna", "--import", str(second),
               "--redo").returncode == 0
    store = VoiceStore("anna")
    assert store.take_files() == 5  # the replaced takes are gone, the new ones listed
    for line in store.lines().values():
        assert hashlib.sha256(store.take_path(line).read_bytes()).hexdigest() == line.sha256
        # a new take is a new prepared clip: never the old one played from the cache
        assert RecordedLines(store, None, None).key(line.text) != old_keys[line.key]  # type: ignore[arg-type]


@pytest.mark.parametrize(("words", "speech", "allow"), [
    ([4, 5], "under a minute", "about 1 minute"),  # two short lines (a tester saw "about 8 minutes")
    ([12] * 20, "about 2 minutes", "about 11 minutes"),  # 240 words: 111 s of speech, x3 + 20 x 15 s
])
def test_the_recording_time_fits_the_lines(words, speech, allow):
    from guided.commands.record import recording_estimate

    said = recording_estimate([" ".join(["word"] * n) for n in words])
    assert said.startswith(f"That is {speech} of speech; allow {allow},"), said
