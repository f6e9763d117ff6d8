"""Choosing who speaks, for real: voice ids that pick their engine, a script's own
`voice:`, a German script spoken by a German voice, the one-line announcement (on a
terminal only, once, never in preview or before an error), and byte-identical cold
exports for every engine."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from guided.errors import GuidedError
from guided.practice.prepare import speech_settings
from guided.script.loader import load_script
from guided.speech import piper
from guided.speech.choice import VoiceChoice, settle

PHRASE = "Let your shoulders soften."
needs_piper = pytest.mark.skipif(not piper.available(), reason="the guided[neural] extra is not installed")


@pytest.fixture(autouse=True)
def use_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GUIDED_ENGINE", raising=False)  # conftest pins espeak-ng


def _script(tmp_path: Path, name: str, head: str, says: tuple[str, ...] = (PHRASE,)) -> Path:
    path = tmp_path / f"{name}.yaml"
    steps = "".join(f"  - say: {text}\n  - pause: 1s\n" for text in says)
    path.write_text(f"title: {name}\n{head}steps:\n{steps}")
    return path


def _on_terminal(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Run guided with standard error on a pseudo-terminal; (exit code, what it showed)."""
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "guided", *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=terminal, env=env, cwd=cwd)
    os.close(terminal)
    shown = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 120)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the command is done
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    return proc.wait(timeout=60), shown.decode("utf-8", "replace")


@pytest.mark.parametrize("voice, engine", [("heart", "hibari"), ("gmw/en-us", "pyttsx3"),
                                           pytest.param("joe", "piper", marks=needs_piper)])
def test_a_voice_id_alone_picks_its_engine(guided, tmp_path: Path, voice: str, engine: str) -> None:
    alone, named = tmp_path / "alone.wav", tmp_path / "named.wav"
    result = guided("say", PHRASE, "--voice", voice, "-o", str(alone))
    assert result.returncode == 0, result.stderr
    assert guided("say", PHRASE, "--engine", engine, "--voice", voice,
                  "-o", str(named)).returncode == 0
    assert alone.read_bytes() == named.read_bytes()
    assert settle(VoiceChoice(voice=voice)).engine == engine


def test_an_ambiguous_voice_is_one_line_listing_the_choices(guided) -> None:
    result = guided("say", PHRASE, "--voice", "en", "-o", "x.wav")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "could be any of" in lines[0] and "gmw/en (pyttsx3)" in lines[0]
    assert "--engine" in lines[0]
    result = guided("say", PHRASE, "--voice", "nobody-at-all", "-o", "x.wav")
    assert result.returncode == 1 and "no voice 'nobody-at-all'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.speech  # lists espeak-ng's voices through a worker
def test_default_is_hibari_heart_and_a_script_may_name_its_voice(tmp_path: Path) -> None:
    plain = load_script(_script(tmp_path, "plain", ""))
    assert speech_settings(plain, voice=VoiceChoice()).voice == "heart"
    named = load_script(_script(tmp_path, "named", "voice: gmw/en-us\n"))
    assert named.voice == "gmw/en-us"
    chosen = speech_settings(named, voice=VoiceChoice())
    assert (chosen.engine, chosen.voice) == ("pyttsx3", "gmw/en-us")
    chosen = speech_settings(named, voice=VoiceChoice(voice="heart"))  # --voice wins
    assert (chosen.engine, chosen.voice) == ("hibari", "heart")
    # --engine wins over a script's voice of another engine: that engine's own voice
    chosen = speech_settings(named, voice=VoiceChoice(engine="hibari"))
    assert (chosen.engine, chosen.voice) == ("hibari", "heart")
    with pytest.raises(GuidedError, match="no voice 'nobody'"):
        speech_settings(named, voice=VoiceChoice(voice="nobody"))


def test_an_empty_voice_key_is_a_located_error(cli, tmp_path: Path) -> None:
    path = _script(tmp_path, "empty", "voice: ''\n")
    result = cli("check", str(path))
    assert result.returncode == 1
    assert f"{path}:2:8:" in result.stdout + result.stderr
    assert "'voice' is empty" in result.stdout + result.stderr


def test_a_german_script_is_spoken_by_a_german_voice(guided, tmp_path: Path) -> None:
    path = _script(tmp_path, "ruhe", "language: de\n", ("Atme ruhig ein und langsam wieder aus.",))
    chosen = speech_settings(load_script(path), voice=VoiceChoice())
    assert (chosen.engine, chosen.voice) == ("pico", "pico-de")  # Pico's, not espeak-ng's
    assert chosen.note == "Speaking with Pico's pico-de voice. `guided voices` lists the others."
    out = tmp_path / "ruhe.wav"
    code, shown = _on_terminal(["export", str(path), "-o", str(out), "--format", "wav"],
                               dict(os.environ), tmp_path)
    assert code == 0, shown
    assert "espeak-ng" not in shown
    assert out.stat().st_size > 20_000
    listed = guided("voices", "-l", "de")
    assert listed.returncode == 0 and "gmw/de" in listed.stdout and "pyttsx3" in listed.stdout
    assert "pico-de" in listed.stdout
    assert "A practice in German (de) is spoken by Pico's pico-de voice here." in listed.stdout


@pytest.mark.speech  # espeak-ng's voices are listed by its worker
@pytest.mark.parametrize("written, voice", [
    ("zh", "sit/cmn"), ("zh-TW", "sit/cmn"), ("zh-Hant-HK", "sit/yue"), ("zh_MO", "sit/yue"),
    ("no", "gmq/nb"), ("iw", "sem/he"),
])
def test_language_codes_people_write_find_the_voices_named_otherwise(written: str, voice: str) -> None:
    """`zh` (Chinese) is what people write; espeak-ng names its voices for Mandarin (cmn)
    and Cantonese (yue). Likewise Norwegian (no: the Bokmål voice) and older codes."""
    chosen = settle(VoiceChoice(), language=written)
    assert (chosen.engine, chosen.voice) == ("pyttsx3", voice)


def test_a_chinese_script_checks_and_its_voices_are_listed(guided, tmp_path: Path) -> None:
    path = _script(tmp_path, "jing", "language: zh\n", ("慢慢地吸气，再慢慢地呼气。",))
    result = guided("check", str(path))
    assert result.returncode == 0, result.stderr
    listed = guided("voices", "-l", "zh")
    assert listed.returncode == 0 and "sit/cmn" in listed.stdout


def test_a_language_no_engine_speaks_is_a_check_error(guided, tmp_path: Path) -> None:
    path = _script(tmp_path, "nowhere", "language: xq\n")
    result = guided("check", str(path))
    assert result.returncode == 1
    assert "no voice on this computer speaks the language 'xq'" in result.stdout + result.stderr
    assert "such as 'en'" in result.stdout + result.stderr


def test_the_voice_is_announced_once_on_a_terminal_only(guided, tmp_path: Path) -> None:
    env = dict(os.environ)
    out = tmp_path / "g.wav"
    code, shown = _on_terminal(["export", "grounding", "-o", str(out), "--format", "wav"], env, tmp_path)
    assert code == 0, shown
    assert shown.count("Speaking with hibari's heart voice") == 1
    # on its own line: the line is cleared first and ended after
    assert "\r\x1b[KSpeaking with hibari's heart voice." in shown
    code, shown = _on_terminal(["preview", "grounding"], env, tmp_path)
    assert code == 0 and "Speaking with" not in shown
    bad = _script(tmp_path, "bad", "", ("Hello {nobody}.",))
    code, shown = _on_terminal(["export", str(bad), "-o", str(tmp_path / "b.wav")], env, tmp_path)
    assert code == 1 and "Speaking with" not in shown and "nobody" in shown
    code, shown = _on_terminal(["export", "grounding", "--voice", "nobody", "-o",
                                str(tmp_path / "n.wav")], env, tmp_path)
    assert code == 1 and "Speaking with" not in shown
    piped = guided("export", "grounding", "-o", str(tmp_path / "p.wav"), "--format", "wav")
    assert piped.returncode == 0 and "Speaking with" not in piped.stderr


@pytest.mark.parametrize("engine", ["hibari", "pyttsx3", pytest.param("piper", marks=needs_piper)])
def test_two_cold_exports_are_byte_identical(guided, tmp_path: Path, engine: str) -> None:
    path = _script(tmp_path, "short", "", (
        PHRASE, "Breathe in slowly, and notice the air. Then let it go.", "Rest here a moment."))
    outputs = []
    for attempt in ("one", "two"):
        out = tmp_path / f"{attempt}.wav"
        cache = tmp_path / f"cache-{attempt}"  # empty each time
        result = guided("export", str(path), "-o", str(out), "--format", "wav", "--engine", engine,
                        "--cache-dir", str(cache))
        assert result.returncode == 0, result.stderr
        outputs.append(out.read_bytes())
        if engine == "piper":  # Piper's optimized model and voice ids follow --cache-dir
            assert list((cache / "piper").glob("*.onnx")) and (cache / "piper" / "voice-ids.json").is_file()
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 100_000


@pytest.mark.speech  # espeak-ng's voices are listed by its worker
def test_a_mistyped_voice_gets_a_suggestion_and_another_engines_voice_names_its_engine() -> None:
    with pytest.raises(GuidedError, match=r"no voice 'hart' .*did you mean 'heart'\?"):
        settle(VoiceChoice(voice="hart"))
    with pytest.raises(GuidedError, match=r"did you mean 'gmw/en-us'\?"):
        settle(VoiceChoice(voice="gmw/en-uss"))
    with pytest.raises(GuidedError, match=r"'heart' is a hibari voice, so leave out --engine"):
        settle(VoiceChoice(engine="pyttsx3", voice="heart"))
    with pytest.raises(GuidedError, match=r"no voice 'qqzz' .*; `guided voices` lists"):
        settle(VoiceChoice(voice="qqzz"))


def test_check_suggests_the_voice_a_script_meant(guided, tmp_path: Path) -> None:
    result = guided("check", str(_script(tmp_path, "typo", "voice: hart\n")))
    assert result.returncode == 0  # a warning: the usual voice speaks instead
    assert ("warning: there is no voice 'hart' on this computer, so the usual voice for the "
            "script's language speaks instead; did you mean 'heart'?") in result.stderr


@pytest.fixture
def two_voices(monkeypatch: pytest.MonkeyPatch) -> None:
    """hibari's heart and espeak-ng's gmw/en-us, listed without starting espeak-ng."""
    from guided.speech import choice
    from guided.speech.base import Voice

    here = {"hibari": [Voice("heart", "heart (American English, hibari)", "en-us", "female", "hibari")],
            "pyttsx3": [Voice("gmw/en-us", "English (America)", "en-us", "male", "pyttsx3")]}
    monkeypatch.setattr(choice, "voices_of", lambda engine: here.get(engine, []))


def test_a_scripts_voice_not_here_falls_back_with_one_line(cli, tmp_path: Path, two_voices) -> None:
    """The script format's promise: a `voice:` not installed here falls back to the
    default voice with one line saying so; only `check --strict` makes it an error."""
    path = _script(tmp_path, "typo", "voice: hart\n")
    said: list[str] = []
    chosen = speech_settings(load_script(path), voice=VoiceChoice(warn=said.append))
    assert (chosen.engine, chosen.voice) == ("hibari", "heart")
    assert said == [f"{path}:2:8: warning: there is no voice 'hart' on this computer, so hibari's "
                    "heart voice speaks instead; did you mean 'heart'? (`guided voices` lists the "
                    "ones you can use)"]
    with pytest.raises(GuidedError, match="no voice 'hart'"):  # asked for with --voice: an error
        speech_settings(load_script(path), voice=VoiceChoice(voice="hart"))
    result = cli("check", "typo.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("typo.yaml:2:8: warning: there is no voice 'hart'")
    assert result.stderr.count("\n") == 1
    result = cli("check", "--strict", "typo.yaml", cwd=tmp_path)
    assert result.returncode == 1 and "typo.yaml:2:8: warning: there is no voice" in result.stderr


@pytest.mark.speech  # hibari speaks
def test_export_of_a_script_whose_voice_is_not_here_uses_the_default(cli, tmp_path: Path) -> None:
    _script(tmp_path, "gone", "voice: nobody-here\n")
    result = cli("export", "gone.yaml", "-o", "gone.wav", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ("gone.yaml:2:8: warning: there is no voice 'nobody-here' on this computer, "
                             "so hibari's heart voice speaks instead; `guided voices` lists the ones "
                             "you can use\n")
    assert (tmp_path / "gone.wav").stat().st_size > 10_000


def test_a_piper_voice_is_found_by_a_whole_part_of_its_id_not_by_any_letters() -> None:
    from guided.speech.base import Voice
    from guided.speech.choice import _loose_match

    joe = Voice("en_US-joe-medium", "joe (en-us, medium)", "en-us", "", "piper")
    for part in ("joe", "en_us-joe", "joe-medium", "en", "medium"):
        assert _loose_match("piper", joe, part), part
    for letters in ("me", "jo", "m", "oe-med"):  # "--voice me" once played joe
        assert not _loose_match("piper", joe, letters), letters


@pytest.mark.speech  # espeak-ng's voices are listed by its worker
def test_a_mandarin_natural_voice_never_speaks_for_hong_kong(monkeypatch: pytest.MonkeyPatch) -> None:
    """zh-HK is Cantonese: even where a natural Mandarin voice is installed (a stand-in
    Piper voice here), it goes to the Cantonese voice; zh-CN goes to the natural one."""
    from guided.speech import choice
    from guided.speech.base import Voice

    real = choice.voices_of
    mandarin = Voice(id="zh_CN-huayan-medium", name="huayan (Chinese, Piper)", language="zh-CN",
                     gender="female", engine="piper")
    monkeypatch.setattr(choice, "voices_of",
                        lambda engine: [mandarin] if engine == "piper" else real(engine))
    assert settle(VoiceChoice(), language="zh-HK").voice == "sit/yue"
    assert settle(VoiceChoice(), language="zh-CN").voice == "zh_CN-huayan-medium"
    assert settle(VoiceChoice(), language="zh").voice == "zh_CN-huayan-medium"


@pytest.mark.speech  # espeak-ng's languages are listed by its worker
def test_check_points_at_the_language_and_the_voice_written(cli, tmp_path: Path) -> None:
    """A language no voice speaks and a voice not here are reported where they are
    written, not at the top of the file."""
    (tmp_path / "far.yaml").write_text(
        "title: Far\nsteps:\n  - say: Hello.\nlanguage: xx\nvoice: nosuch\n")
    result = cli("check", "far.yaml", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    assert lines[0].startswith("far.yaml:4:11: error: no voice on this computer speaks the "
                               "language 'xx'")
    assert lines[1].startswith("far.yaml:5:8: warning: there is no voice 'nosuch' on this computer")


def test_check_voice_takes_any_voice_play_and_export_take(cli, tmp_path: Path, two_voices) -> None:
    _script(tmp_path, "plain", "")
    for voice in ("heart", "gmw/en-us"):
        result = cli("check", "plain.yaml", "--voice", voice, cwd=tmp_path)
        assert result.returncode == 0 and result.stderr == "", result.stderr
        assert "plain.yaml: ok" in result.stdout
    # a voice no engine has, or one the chosen engine cannot speak: export's own line
    for env, voice in (({}, "hart"), ({"GUIDED_ENGINE": "pyttsx3"}, "hart"),
                       ({"GUIDED_ENGINE": "pyttsx3"}, "heart")):
        checked = cli("check", "plain.yaml", "--voice", voice, cwd=tmp_path, env=env)
        exported = cli("export", "plain.yaml", "--voice", voice, "-o", "x.wav", cwd=tmp_path, env=env)
        assert checked.returncode == exported.returncode == 1, checked.stderr
        assert checked.stderr == exported.stderr and checked.stderr.count("\n") == 1
        assert f"no voice {voice!r}" in checked.stderr and "(--voice)" in checked.stderr
    wrong = cli("check", "plain.yaml", "--voice", "heart", cwd=tmp_path, env={"GUIDED_ENGINE": "bogus"})
    assert wrong.returncode == 1 and wrong.stderr.startswith("guided: GUIDED_ENGINE is 'bogus'")


def test_check_voice_of_an_engine_leaves_the_scripts_recorded_voice_alone(cli, tmp_path: Path,
                                                                           two_voices) -> None:
    from guided.speech.recorded.store import VoiceStore

    says = ("Breathing in.", "Breathing out.")
    rate = 22050
    VoiceStore("anna").keep(says[0], np.sin(np.arange(rate) / 9).astype(np.float32) * 0.3, rate)
    _script(tmp_path, "own", "voice: anna\n", says)
    own = cli("check", "own.yaml", cwd=tmp_path)  # the script's voice: its missing line is named
    assert own.returncode == 0 and own.stderr.count("no recording") == 1, own.stderr
    other = cli("check", "own.yaml", "--voice", "heart", "--strict", cwd=tmp_path)  # heart speaks all
    assert other.returncode == 0 and other.stderr == "", other.stderr
