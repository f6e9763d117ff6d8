"""Start-up stays quick by construction (issue 19, item 7; issue 21: first sound ≤ 0.4 s).

Timing a start on a shared machine proves little, so these tests guard the structure
that makes a start quick instead: what is imported before the first sound, and the
facts about hibari kept so that a start with cached clips (or a bell first) never
imports hibari and onnxruntime (``guided.speech.hibari_facts``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from guided.speech import hibari_engine, hibari_facts
from tests.audio_devices import alsa_file_sink  # noqa: F401 - a fixture

REPO = Path(__file__).resolve().parent.parent

# Never needed before the first sound of `guided play`: each costs from a few to
# hundreds of milliseconds, and each came in once by an eager import somewhere.
NOT_BEFORE_FIRST_SOUND = (
    "hibari", "onnxruntime", "markdown_it", "mdit_py_plugins", "babel", "icalendar",
    "mutagen", "soundfile", "scipy", "faster_whisper", "piper", "importlib.metadata",
    "email", "http.client", "urllib.request", "ssl", "guided.practice.journeys",
    "guided.outputs.bundle", "guided.outputs.export", "guided.outputs.mp3",
)
# `guided --help` lists the commands: none of the heavy libraries a command uses.
NOT_FOR_HELP = ("hibari", "onnxruntime", "markdown_it", "mdit_py_plugins", "babel", "icalendar",
                "mutagen", "soundfile", "sounddevice", "scipy", "sqlite3", "importlib.metadata")

STOP_AT_FIRST_SOUND = textwrap.dedent("""\
    import json, os, sys
    import guided.outputs.player.playback as playback
    real = playback.Playback._stream
    def first(self, method, *args):
        if method == "write":  # the first block reaches the device: what is loaded now?
            with open(os.environ["MODULES_OUT"], "w") as out:
                json.dump(sorted(sys.modules), out)
            sys.stdout.flush()
            os._exit(0)
        return real(self, method, *args)
    playback.Playback._stream = first
    from guided.cli import main
    main(sys.argv[1:])
""")


def _loaded(found: list[str], names: tuple[str, ...]) -> list[str]:
    return sorted({name for name in names for module in found
                   if module == name or module.startswith(name + ".")})


@pytest.mark.subprocess
def test_help_loads_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    out = tmp_path / "modules.json"
    code = ("import json, sys\nfrom guided.cli import main\ntry:\n    main(['--help'])\n"
            "except SystemExit:\n    pass\n"
            f"json.dump(sorted(sys.modules), open({str(out)!r}, 'w'))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "guided play grounding" in done.stdout
    assert _loaded(json.loads(out.read_text()), NOT_FOR_HELP) == []


@pytest.mark.subprocess
@pytest.mark.parametrize("script", ["grounding", "scripts/de/erdung.yaml"])
def test_check_loads_no_audio_library(tmp_path: Path, script: str) -> None:
    """`guided check` reads and times a script, and asks which voices speak its
    language: none of that needs numpy or an engine's audio code (it is started often,
    by authors and by the tests)."""
    out = tmp_path / "modules.json"
    code = ("import json, sys\nfrom guided.cli import main\ntry:\n"
            f"    main(['check', {script!r}])\nexcept SystemExit as exc:\n    assert not exc.code\n"
            f"json.dump(sorted(sys.modules), open({str(out)!r}, 'w'))\n")
    cache = tmp_path / "cache"
    (cache / "hibari").mkdir(parents=True)  # as after any use of the default voice
    env = {**os.environ, "GUIDED_CACHE_DIR": str(cache)}
    for _start in range(2):  # the first start asks hibari which voices it has, and keeps that
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=60, cwd=REPO, env=env)
        assert done.returncode == 0, done.stderr
        assert ": ok" in done.stdout
    assert _loaded(json.loads(out.read_text()), ("numpy", "sounddevice", "soundfile", "onnxruntime",
                                                  "hibari", "piper")) == []


def _play_until_first_sound(sink, cache: Path, tmp_path: Path, script: str) -> list[str]:
    out = tmp_path / "modules.json"
    out.unlink(missing_ok=True)
    env = {**sink.merged(), "GUIDED_ENGINE": "hibari", "GUIDED_CACHE_DIR": str(cache),
           "MODULES_OUT": str(out), "XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    done = subprocess.run([sys.executable, "-c", STOP_AT_FIRST_SOUND, "play", script,
                           "--no-prompt", "--device", sink.device],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.is_file(), "the first block never reached the device"
    return json.loads(out.read_text())


@pytest.mark.audio
@pytest.mark.subprocess
def test_play_with_a_bell_first_imports_no_voice_before_the_first_sound(
        tmp_path: Path, alsa_file_sink) -> None:  # noqa: F811
    cache = tmp_path / "cache"
    cache.mkdir()
    # The very first start on a computer asks hibari itself, and keeps what it said...
    _play_until_first_sound(alsa_file_sink, cache, tmp_path, "grounding")
    assert (cache / "hibari" / hibari_facts.FILE_NAME).is_file()
    # ...so every later one, with no clip cached yet, rings the bell before any voice loads.
    found = _play_until_first_sound(alsa_file_sink, cache, tmp_path, "grounding")
    assert "guided.outputs.player.playback" in found and "numpy" in found
    assert _loaded(found, NOT_BEFORE_FIRST_SOUND) == []


# -- the facts kept about hibari ---------------------------------------------------------

def _facts_file(folder: Path) -> Path:
    return folder / hibari_facts.FILE_NAME


def test_hibaris_facts_are_kept_and_used_without_importing_it(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "hibari"
    (tmp_path / "cache").mkdir()
    first = hibari_engine.voice_files(folder)
    assert "heart" in first and _facts_file(folder).is_file()
    version = hibari_engine.HibariEngine(folder).version()
    code = ("import sys\nfrom pathlib import Path\nfrom guided.speech import hibari_engine\n"
            f"folder = Path({str(folder)!r})\n"
            "files = hibari_engine.voice_files(folder)\n"
            "engine = hibari_engine.HibariEngine(folder)\n"
            "print(sorted(files), engine.version(), engine.voice_version(None, 'en'))\n"
            "print('hibari' in sys.modules, 'onnxruntime' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    assert done.returncode == 0, done.stderr
    names, imported = done.stdout.splitlines()
    assert names.startswith(str(sorted(first))) and version in names
    assert imported == "False False"


def test_the_facts_are_not_used_when_hibari_or_its_voices_change(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cache").mkdir()
    folder = tmp_path / "cache" / "hibari"
    voices = tmp_path / "hibari-voices"
    voices.mkdir()
    monkeypatch.setenv("HIBARI_HOME", str(voices))
    hibari_engine.voice_files(folder)
    assert hibari_facts.kept(folder) is not None
    kept = json.loads(_facts_file(folder).read_text())

    (voices / "new-voice.onnx").write_bytes(b"x")  # a voice added: its folder changed
    assert hibari_facts.kept(folder) is None
    hibari_engine.voice_files(folder)  # asked again, and kept again
    assert hibari_facts.kept(folder) is not None

    monkeypatch.setenv("HIBARI_HOME", str(tmp_path / "elsewhere"))  # hibari looks elsewhere
    assert hibari_facts.kept(folder) is None
    monkeypatch.setenv("HIBARI_HOME", str(voices))

    other = dict(kept, signature=kept["signature"].replace("format", "another format"))
    _facts_file(folder).write_text(json.dumps(other))  # another hibari release
    assert hibari_facts.kept(folder) is None
    gone = dict(kept, voices={"heart": {"path": str(tmp_path / "gone.onnx"), "info": {}}})
    _facts_file(folder).write_text(json.dumps(gone))  # a voice's file removed
    assert hibari_facts.kept(folder) is None


@pytest.mark.parametrize("content", [
    b"", b"\xff\xfe not json", b"[" * 10_000 + b"]" * 10_000, b'{"signature": 1}',
    b'{"signature": "x", "voices": []}', b"{" + b'"a": 1, ' * 300_000 + b'"b": 2}',
])
def test_damaged_facts_mean_asking_hibari_again(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "cache").mkdir()
    folder = tmp_path / "cache" / "hibari"
    folder.mkdir()
    _facts_file(folder).write_bytes(content)
    assert hibari_facts.kept(folder) is None
    assert "heart" in hibari_engine.voice_files(folder)  # hibari asked, the facts written anew
    assert hibari_facts.kept(folder) is not None


def test_something_other_than_a_file_in_the_facts_place_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    folder = tmp_path / "cache" / "hibari"
    folder.mkdir()
    elsewhere = tmp_path / "elsewhere.json"
    hibari_engine.voice_files(tmp_path / "cache" / "other")  # real facts, to link to
    elsewhere.write_bytes(_facts_file(tmp_path / "cache" / "other").read_bytes())
    _facts_file(folder).symlink_to(elsewhere)
    assert hibari_facts.kept(folder) is None  # a link is never followed
    assert "heart" in hibari_engine.voice_files(folder)
    assert _facts_file(folder).is_symlink()  # and never written over
    _facts_file(folder).unlink()
    os.mkfifo(_facts_file(folder))
    assert hibari_facts.kept(folder) is None  # a FIFO is not read (it would block)
    assert "heart" in hibari_engine.voice_files(folder)
    assert not _facts_file(folder).is_file()
    _facts_file(folder).unlink()
    _facts_file(folder).mkdir()
    assert "heart" in hibari_engine.voice_files(folder)  # a folder in its place: asked each time
    assert hibari_facts.kept(folder) is None


def test_no_cache_folder_is_made_for_the_facts_alone(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from guided.commands.environment import apply_environment

    monkeypatch.setenv("GUIDED_CACHE_DIR", str(tmp_path / "no-cache-yet"))
    apply_environment()  # as the command line reads it (the fixture puts the old one back)
    assert "heart" in hibari_engine.voice_files()  # choosing a voice (`guided check`, say)
    assert not (tmp_path / "no-cache-yet").exists()
    (tmp_path / "no-cache-yet").mkdir()
    assert "heart" in hibari_engine.voice_files()
    assert hibari_facts.kept(tmp_path / "no-cache-yet" / "hibari") is not None


@pytest.mark.subprocess
@pytest.mark.speech  # hibari says a word
def test_a_cache_folder_chosen_on_the_command_line_is_the_only_one_used(tmp_path: Path) -> None:
    """`--cache-dir X` with GUIDED_CACHE_DIR pointing elsewhere: what guided keeps about
    hibari goes to X only (it once went to the other folder too, from the voice list)."""
    other, chosen = tmp_path / "other", tmp_path / "chosen"
    (other / "hibari").mkdir(parents=True)  # as it is once the default voice has spoken there
    env = {**os.environ, "GUIDED_CACHE_DIR": str(other), "GUIDED_ENGINE": "auto"}
    done = subprocess.run([sys.executable, "-m", "guided", "say", "Hello there.", "--cache-dir",
                           str(chosen), "-o", str(tmp_path / "hello.wav")],
                          capture_output=True, text=True, timeout=120, env=env, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert _facts_file(chosen / "hibari").is_file()
    assert sorted(p.name for p in other.rglob("*")) == ["hibari"]
