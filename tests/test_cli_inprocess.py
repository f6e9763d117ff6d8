"""The command line in this process (the ``cli`` fixture): every command's help, and the
mistakes a user can type, each as one line and an exit code. Speech here comes from the
deterministic test engine (``--engine test``), which these tests also check."""

from __future__ import annotations

import wave
from pathlib import Path

import click
import numpy as np
import pytest

from guided.cli import cli as root
from guided.paths import cache_dir
from guided.samples import SAMPLE_RATE
from guided.speech import choice, engines, tone_engine
from guided.speech.base import SpeechSettings
from guided.speech.speaker import Speaker
from tests.helpers import write


def command_paths() -> list[tuple[str, ...]]:
    """Every command and subcommand, as the words a user types after ``guided``."""
    found: list[tuple[str, ...]] = []

    def walk(command: click.Command, path: tuple[str, ...]) -> None:
        found.append(path)
        if isinstance(command, click.Group):
            ctx = click.Context(command, info_name=path[-1] if path else "guided")
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, name
                walk(sub, (*path, name))

    walk(root, ())
    return found


def one_line(result) -> str:
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """An empty folder to run in (GUIDED_HOME is beside it), so anything written shows."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


# --- help ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "guided")
def test_every_command_has_help(cli, path):
    result = cli(*path, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Usage: {' '.join(('guided', *path))} ")
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) > 3  # a description, not just the usage line


def test_there_are_commands_to_walk():
    assert {("play",), ("export",), ("journey", "today"), ("cache", "prune")} <= set(command_paths())


# --- mistakes on the command line: one line, exit 2, a suggestion where one is close ------


@pytest.mark.parametrize("args, expected", [
    (["plya"], "guided: there is no command 'plya' (did you mean 'play'?)"),
    (["journey", "tody"], "guided journey: there is no command 'tody' (did you mean 'today'?)"),
    (["log", "stat"], "guided log: there is no command 'stat' (did you mean 'stats'?)"),
    (["cache", "cler"], "guided cache: there is no command 'cler' (did you mean 'clear'?)"),
    (["export", "grounding", "--fromat", "mp3"],
     "guided export: there is no option '--fromat' (did you mean '--format'?)"),
    (["say", "Hello.", "--rat", "120"], "guided say: there is no option '--rat' (did you mean '--rate'?)"),
    (["--nope"], "guided: there is no option '--nope';"),
    (["export", "grounding", "--format", "mp4"],
     "guided export: invalid value for '--format': 'mp4' is not one of"),
    (["say", "Hello.", "--rate", "20"], "guided say: invalid value for '--rate'"),
    (["preview", "grounding", "--pace", "9"], "guided preview: invalid value for '--pace'"),
    (["preview", "grounding", "--pace", "nan"], "guided preview: invalid value for '--pace'"),
    (["export", "grounding", "--pace", "NaN", "-o", "x.mp3"], "guided export: invalid value for '--pace'"),
    (["play", "grounding", "--pace", "nan"], "guided play: invalid value for '--pace'"),
    (["bundle", "grounding", "--pace", "nan", "-o", "b"], "guided bundle: invalid value for '--pace'"),
    (["journey", "today", "--pace", "nan"], "guided journey today: invalid value for '--pace'"),
    (["export", "grounding", "--rate", "nan", "-o", "x.mp3"], "guided export: invalid value for '--rate'"),
    (["log", "export", "--format", "xml"], "guided log export: invalid value for '--format'"),
    (["preview"], "guided preview: missing argument 'SCRIPT'"),
    (["cache", "prune"], "guided cache prune: missing option '--older-than'"),
])
def test_usage_mistakes_are_one_line_with_the_way_to_help(cli, args, expected):
    result = cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    line = one_line(result)
    assert line.startswith(expected), line
    command = expected.split(":")[0]
    assert line.endswith(f"`{command} --help` shows how to use it")


@pytest.mark.parametrize("args", [["export", "grounding", "-o", "x.mp3"], ["play", "grounding"],
                                  ["say", "Hello."], ["preview", "grounding"],
                                  ["bundle", "grounding", "-o", "b"], ["journey", "today"]])
def test_an_unknown_guided_engine_is_named_with_the_choices(cli, tmp_path, args):
    (tmp_path / "out").mkdir()
    result = cli(*args, env={"GUIDED_ENGINE": "bogus"}, cwd=tmp_path / "out")
    assert result.returncode == 1 and result.stdout == ""
    assert one_line(result) == ("guided: GUIDED_ENGINE is 'bogus', which is not a speech engine: "
                                "set it to one of auto, hibari, piper, pico, pyttsx3, or unset it")
    assert list((tmp_path / "out").iterdir()) == []
    # --engine still wins over it, as an environment variable's default should
    spoken = cli("say", "Hello.", "--engine", "test", "-o", "hi.wav",
                 env={"GUIDED_ENGINE": "bogus"}, cwd=tmp_path / "out")
    assert spoken.returncode == 0, spoken.stderr


def test_every_command_that_speaks_takes_cache_dir():
    """A cache error says "choose another folder with --cache-dir": every command that
    can speak (it takes --engine) has that option."""
    speaking = []
    for path in command_paths():
        command = root
        for name in path:
            command = command.get_command(click.Context(command), name)  # type: ignore[attr-defined]
        options = {o for p in command.params for o in p.opts}
        if "--engine" in options and "--voice" in options:
            speaking.append((path, "--cache-dir" in options))
    assert {" ".join(p) for p, _ in speaking} >= {"play", "export", "say", "bundle", "preview",
                                                  "journey today"}
    assert [p for p, has in speaking if not has] == []


def test_guided_alone_shows_the_help(cli):
    result = cli()
    assert "Usage: guided [OPTIONS] COMMAND" in result.stdout + result.stderr
    assert "guided play grounding" in result.stdout + result.stderr


# --- names and files that are not there ---------------------------------------------------


@pytest.mark.parametrize("args, expected", [
    (["preview", "groundin"], "guided: there is no practice called 'groundin' (did you mean 'grounding'?)"),
    (["export", "groundin", "-o", "x.wav"], "guided: there is no practice called 'groundin' (did you mean"),
    (["say", "Hi.", "--vars-file", "missing.yaml", "--engine", "test", "-o", "x.wav"],
     "missing.yaml: error: no such file"),
    (["check", "--vars-file", "missing.yaml", "grounding"], "missing.yaml: error: no such file"),
    (["bundle", "no-such-thing", "-o", "b"], "guided: there is no practice or journey called 'no-such-thing'"),
    (["journey", "start", "six-weks"], "guided: no journey called 'six-weks'"),
    (["journey", "check", "missing.yaml"], "guided: no journey file at missing.yaml"),
    (["edit", "nobody"], "guided: you have no script called 'nobody' yet"),
])
def test_missing_names_and_files_are_one_line(cli, work, args, expected):
    result = cli(*args, cwd=work)
    assert result.returncode == 1
    assert one_line(result).startswith(expected), result.stderr
    assert list(work.iterdir()) == []  # nothing was written


@pytest.mark.parametrize("command", [["play"], ["preview"], ["export", "-o", "out.wav"]])
def test_a_pipe_or_a_folder_given_as_the_script_is_named_as_such(cli, work, command):
    import os

    os.mkfifo(work / "pipe.yaml")
    (work / "folder.yaml").mkdir()
    for name, expected in (("pipe.yaml", "guided: ./pipe.yaml is not a regular file"),
                           ("folder.yaml", "guided: ./folder.yaml is a folder, not a script file")):
        result = cli(*command[:1], f"./{name}", *command[1:], cwd=work)
        assert result.returncode == 1
        assert one_line(result).startswith(expected), result.stderr
    assert sorted(p.name for p in work.iterdir()) == ["folder.yaml", "pipe.yaml"]


def test_a_nul_in_a_journey_practice_path_is_one_line(cli, work):
    (work / "j.yaml").write_text('title: J\nweeks:\n  - title: W\n    days:\n'
                                 '      - practice: "a\\0b.yaml"\n')
    for args in (["journey", "check", "j.yaml"], ["check", "j.yaml"]):
        result = cli(*args, cwd=work)
        assert result.returncode == 1
        assert "j.yaml:5:19:" in result.stderr and "cannot read" in result.stderr
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_export_format_mistakes_write_nothing(cli, work):
    result = cli("export", "grounding", "-o", "x.txt", cwd=work)
    assert result.returncode == 1 and "--format" in one_line(result)
    result = cli("export", "--all", cwd=work)
    assert result.returncode == 1 and "-d DIR" in one_line(result)
    assert list(work.iterdir()) == []


@pytest.mark.parametrize("name, fmt", [("x.mp3", "ogg"), ("x.MP3", "wav"), ("x.oga", "flac"),
                                       ("x.vtt", "mp3")])
def test_a_file_name_that_says_another_format_is_refused(cli, work, name, fmt):
    result = cli("export", "grounding", "--format", fmt, "-o", name, "--engine", "test", cwd=work)
    assert result.returncode == 1
    assert one_line(result) == (f"guided: {name} ends in .{name.split('.')[1]} but --format is {fmt}; "
                                f"name the file .{fmt}, or leave out --format")
    assert list(work.iterdir()) == []


@pytest.mark.parametrize("name", ["tiny", "tiny.OGA", "tiny.ogg"])
def test_format_with_no_or_the_same_extension_is_written(cli, work, name):
    write(work, "tiny.yaml", "title: Tiny\nsteps:\n  - say: Hello.\n")
    result = cli("export", "tiny.yaml", "--format", "ogg", "-o", name, "--engine", "test", cwd=work)
    assert result.returncode == 0, result.stderr
    assert (work / name).read_bytes()[:4] == b"OggS"


# --- a mistake in a script: the same one line from every command that reads it ------------


BAD = "title: T\nsteps:\n  - say: Hello.\n  - pasue: 3s\n"
WHERE = "bad.yaml:4:5: error: unknown step 'pasue' (did you mean 'pause'?)"


@pytest.mark.parametrize("args", [
    ["check", "bad.yaml"],
    ["preview", "bad.yaml"],
    ["export", "bad.yaml", "-o", "bad.wav", "--engine", "test"],
    ["bundle", "bad.yaml", "-o", "out", "--engine", "test"],
], ids=lambda a: a[0])
def test_a_script_mistake_is_the_same_line_everywhere(cli, work, args):
    write(work, "bad.yaml", BAD)
    result = cli(*args, cwd=work)
    assert result.returncode == 1
    line = one_line(result)
    assert line == WHERE, line  # with the same "error:" label as `guided check` gives it
    assert result.stdout == ""
    assert [p.name for p in work.iterdir()] == ["bad.yaml"]


def test_a_variable_without_a_value_names_its_place(cli, work):
    write(work, "v.yaml", "title: V\nsteps:\n  - say: Hello, {name}.\n")
    result = cli("export", "v.yaml", "-o", "v.wav", "--engine", "test", cwd=work)
    assert result.returncode == 1
    assert one_line(result).startswith("v.yaml:3:5: error: variable 'name' has no value")


# --- the test engine ----------------------------------------------------------------------


def tones(text: str, rate: int = 140, voice: str | None = None) -> np.ndarray:
    pcm, rate_hz = tone_engine.create(cache_dir()).synthesize(text, voice, rate)
    assert rate_hz == SAMPLE_RATE and pcm.dtype == np.float32
    return pcm


def test_test_engine_is_deterministic_and_follows_text_voice_and_rate():
    line = "Notice your feet on the floor, and rest."
    assert tones(line).tobytes() == tones(line).tobytes()
    assert len(tones(line + " Then breathe out slowly.")) > len(tones(line))
    assert tones(line, voice="high").tobytes() != tones(line).tobytes()
    assert len(tones(line, rate=280)) < 0.6 * len(tones(line, rate=140))


def test_test_engine_rate_is_roughly_words_per_minute():
    words = " ".join(["calm"] * 20 + ["gently"] * 10 + ["breathing"] * 10)  # 1, 2 and 2 syllables
    seconds = len(tones(words, rate=120)) / SAMPLE_RATE
    assert 40 * 60 / 120 * 0.8 < seconds < 40 * 60 / 120 * 1.3


def test_test_engine_clips_are_trimmed_like_speech(tmp_path):
    with Speaker(SpeechSettings(engine="test"), cache_dir=tmp_path) as speaker:
        clip = speaker.clip("Hello there.")
        again = speaker.clip("Hello there.")
        assert speaker.stats.synthesized == 1 and speaker.stats.hits == 1
    raw = tones("Hello there.")
    pad = int(tone_engine.PAD_SECONDS * SAMPLE_RATE)
    assert len(clip) <= len(raw) - 2 * pad  # the engine's padding (and the final gap) cut off
    ms10 = SAMPLE_RATE // 100
    assert np.abs(clip[:ms10]).max() > 0.01 and np.abs(clip[-ms10:]).max() > 0.01  # sound at both ends
    assert clip.tobytes() == again.tobytes()


def test_test_engine_is_never_offered_as_a_voice(cli):
    assert "test" in engines.ENGINES and "test" in choice.ACCEPTED_ENGINES  # --engine test works
    assert "test" not in choice.ENGINE_CHOICES  # not offered: settings, messages
    assert "test" not in choice.ENGINE_NAMES  # so auto, voice ids and `guided voices` skip it
    assert "test" not in choice.NATURAL
    help_text = cli("play", "--help").stdout
    assert "test" not in help_text.split("--engine", 1)[1].split("--voice", 1)[0]
    assert cli("voices", "--engine", "test").returncode == 2


def test_the_test_engine_speaks_the_scripts_language():
    ask = choice.VoiceChoice(engine="test")
    assert choice.settle(ask, language="en").voice == "low"
    assert choice.settle(ask, language="de-at").voice == "tief"
    assert choice.settle(choice.VoiceChoice(engine="test", voice="high"), language="en").voice == "high"


def test_say_with_the_test_engine_writes_its_clip(cli, tmp_path):
    result = cli("say", "Let your shoulders soften.", "--engine", "test", "--rate", "130",
                 "-o", "phrase.wav", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with wave.open(str(tmp_path / "phrase.wav")) as w:
        assert w.getframerate() == SAMPLE_RATE
        seconds = w.getnframes() / w.getframerate()
    assert 0.8 * 4 * 60 / 130 < seconds < 2.5 * 4 * 60 / 130  # four words, trimmed


@pytest.mark.parametrize("fmt", ["wav", "mp3"])
def test_chapter_frames_are_stored_in_time_order(cli, work, fmt):
    """ffprobe and simple players list chapters in the order the CHAP frames are stored;
    mutagen sorts frames by size unless told otherwise (it did for WAV)."""
    from mutagen.id3 import ID3
    from mutagen.wave import WAVE

    titles = ["A much longer first section title", "Two", "Third one, middling", "4", "Five five"]
    steps = "".join(f"  - section: {t}\n  - say: Hello.\n" for t in titles)
    write(work, "c.yaml", f"title: C\nsteps:\n{steps}")
    result = cli("export", "c.yaml", "-o", f"c.{fmt}", "--engine", "test", cwd=work)
    assert result.returncode == 0, result.stderr
    path = work / f"c.{fmt}"
    tags = ID3(path) if fmt == "mp3" else WAVE(path).tags
    stored = [frame.element_id for frame in tags.getall("CHAP")]  # in the order read from the file
    assert stored == [f"chp{i}" for i in range(len(titles))]  # one per section, in time order
    starts = [frame.start_time for frame in tags.getall("CHAP")]
    assert starts == sorted(starts)
