"""`guided settings` (issue 11, point 9): see and set voice, rate, pace, output device,
ratings and streaks; unknown settings get a suggestion; settings.yaml stays hand-editable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from guided.cli import cli
from guided.errors import GuidedError
from guided.practice import logstats
from guided.preferences import Preferences, load_preferences
from guided.speech.choice import VoiceChoice, settle
from tests.audio_devices import alsa_file_sink  # noqa: F401 - fixture
from tests.helpers import one_line_error, write


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def voices_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """A known set of voices, one per engine, listed without starting espeak-ng."""
    from guided.speech import choice
    from guided.speech.base import Voice

    here = {"hibari": [Voice("heart", "heart (American English, hibari)", "en-us", "female", "hibari")],
            "piper": [Voice("en_US-joe-medium", "joe (en-us, medium)", "en-us", "", "piper")],
            "pyttsx3": [Voice("gmw/en-us", "English (America)", "en-us", "male", "pyttsx3")]}
    monkeypatch.setattr(choice, "voices_of", lambda engine: here.get(engine, []))


def test_show_lists_every_setting_with_its_default():
    result = run("settings")
    assert result.exit_code == 0, result.output
    for key in ("engine", "voice", "rate", "pace", "device", "ratings", "streaks"):
        assert f"  {key} " in result.output
    assert "(the script's)" in result.output and "not written yet" in result.output


def test_set_keeps_the_file_hand_editable(isolated_home: Path, voices_here):
    path = isolated_home / "settings.yaml"
    path.write_text("# mine, written by hand\nengine: pyttsx3   # the quick voice\n")
    for key, value in (("rate", "130"), ("pace", "1.5"), ("device", "USB: headset"),
                       ("ratings", "off"), ("streaks", "no"), ("voice", "en-us")):
        result = run("settings", "set", key, value)
        assert result.exit_code == 0, result.output
    assert run("settings", "set", "rate", "150").exit_code == 0  # replaced, not added twice
    text = path.read_text()
    assert text.startswith("# mine, written by hand\nengine: pyttsx3   # the quick voice\n")
    assert text.count("rate:") == 1
    assert load_preferences() == Preferences(rate=150, pace=1.5, device="USB: headset",
                                             ratings=False, streaks=False)
    shown = run("settings").output
    assert re.search(r"\n  rate +150 ", shown) and re.search(r"\n  ratings +off ", shown)
    assert "en-us" in shown
    assert run("settings", "unset", "pace").exit_code == 0
    assert load_preferences().pace is None and "pace" not in path.read_text()


@pytest.mark.parametrize(("args", "expected"), [
    (("set", "raet", "120"), "unknown setting 'raet' (did you mean 'rate'?)"),
    (("set", "streak", "off"), "(did you mean 'streaks'?)"),
    (("set", "rate", "fast"), "rate should be a whole number of words per minute from 80 to 300"),
    (("set", "pace", "9"), "pace should be a number from 0.25 to 4"),
    (("set", "ratings", "maybe"), "ratings should be on or off"),
    (("unset", "devise"), "(did you mean 'device'?)"),
])
def test_mistakes_are_one_line_and_leave_the_file_alone(cli, isolated_home: Path, args, expected):
    path = isolated_home / "settings.yaml"
    path.write_text("rate: 120\n")
    result = cli("settings", *args)
    assert result.returncode == 1
    assert expected in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert path.read_text() == "rate: 120\n"


def test_a_hand_written_mistake_points_at_its_line(cli, isolated_home: Path):
    (isolated_home / "settings.yaml").write_text("rate: 120\nratngs: off\n")
    result = cli("settings")
    assert result.returncode == 1
    assert "settings.yaml:2:1: error: unknown setting 'ratngs' (did you mean 'ratings'?)" in result.stderr
    (isolated_home / "settings.yaml").write_text("pace: 12\n")
    result = cli("play", "grounding", "--no-prompt")
    assert result.returncode == 1 and "settings.yaml:1:7: error: pace should be a number" in result.stderr


def test_streaks_setting_is_the_same_switch_as_log_streak():
    assert run("settings", "set", "streaks", "off").exit_code == 0
    assert not logstats.streak_enabled()
    assert "in a row" not in run("log", "stats").output
    assert run("log", "streak", "on").exit_code == 0
    assert load_preferences().streaks and logstats.streak_enabled()


def test_pace_and_rate_settings_are_the_defaults_for_the_options(guided):
    plain = guided("preview", "grounding")
    assert run("settings", "set", "pace", "2").exit_code == 0
    slower = guided("preview", "grounding")
    given = guided("preview", "grounding", "--pace", "1")
    assert plain.returncode == slower.returncode == given.returncode == 0, slower.stderr
    assert slower.stdout != plain.stdout and given.stdout == plain.stdout  # an option wins


@pytest.mark.audio
def test_the_device_setting_is_where_play_plays(guided, tmp_path, alsa_file_sink):  # noqa: F811
    script = tmp_path / "tiny.yaml"
    script.write_text("title: Tiny\nsteps:\n  - say: Hello.\n")
    assert run("settings", "set", "device", alsa_file_sink.device).exit_code == 0
    result = guided("play", str(script), "--no-prompt", env=alsa_file_sink.merged())
    assert result.returncode == 0, result.stderr
    assert alsa_file_sink.output.stat().st_size > 22050  # half a second and more reached the sink


@pytest.mark.parametrize(("text", "where", "expected"), [
    ("rate: 130\nrate: 140\n", "2:1", "'rate' appears twice here; keep one"),
    ("rate: &a 130\npace: *a\n", "2:7", "pace should be a number"),  # the alias, not the anchor
])
def test_a_repeated_key_or_an_alias_is_blamed_where_it_is_written(cli, isolated_home: Path,
                                                                    text, where, expected):
    path = write(isolated_home, "settings.yaml", text)
    for args in (("settings",), ("preview", "grounding")):
        result = cli(*args)
        one_line_error(result, f"settings.yaml:{where}: error: {expected}")
    one_line_error(cli("settings", "set", "ratings", "off"),
                   f"settings.yaml:{where}: error: {expected}")
    assert path.read_text() == text


def test_a_folder_called_settings_yaml_is_one_plain_line(cli, isolated_home: Path):
    (isolated_home / "settings.yaml").mkdir()
    for args in (("settings",), ("settings", "set", "rate", "130"), ("settings", "unset", "rate")):
        result = cli(*args)
        one_line_error(result, "settings.yaml: error: is a folder, not a settings file")
        assert "file file" not in result.stderr and "Errno" not in result.stderr


@pytest.mark.parametrize(("voice", "expected"), [
    ("nosuch", "there is no voice 'nosuch' on this computer; `guided voices` lists the ones"),
    ("hear", "there is no voice 'hear' on this computer; did you mean 'heart'?"),
])
def test_a_voice_that_is_not_here_is_refused_when_it_is_set(cli, isolated_home: Path, voices_here,
                                                             voice, expected):
    path = write(isolated_home, "settings.yaml", "rate: 120\n")
    one_line_error(cli("settings", "set", "voice", voice), expected)
    assert path.read_text() == "rate: 120\n"
    with pytest.raises(GuidedError) as given:  # what --voice says: the same words and hint
        settle(VoiceChoice(voice=voice))
    assert expected.replace("computer;", "computer (--voice);") in str(given.value)
    for known in ("heart", "joe", "en-us"):
        assert cli("settings", "set", "voice", known).returncode == 0


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "nan"])
def test_a_pace_that_is_not_a_number_is_refused_in_settings(cli, isolated_home: Path, value):
    (isolated_home / "settings.yaml").write_text(f"pace: {value}\n")
    result = cli("export", "grounding", "--engine", "test", "-o", str(isolated_home / "x.wav"))
    one_line_error(result, "settings.yaml:1:7: error: pace should be a number")
    assert cli("settings", "set", "pace", "--", value.lstrip(".")).returncode == 1


def test_set_refuses_a_voice_the_set_engine_cannot_speak(cli, isolated_home: Path, voices_here):
    path = write(isolated_home, "settings.yaml", "engine: pyttsx3\n")
    one_line_error(cli("settings", "set", "voice", "heart"),
                   "guided: 'heart' is a hibari voice, and your settings' engine is pyttsx3 "
                   "(espeak-ng), which cannot speak it: set the engine first (`guided settings "
                   "set engine hibari`)")
    assert path.read_text() == "engine: pyttsx3\n"
    assert cli("settings", "set", "voice", "gmw/en-us").returncode == 0
    # and the other way round: an engine that cannot speak the voice already set
    one_line_error(cli("settings", "set", "engine", "hibari"),
                   "guided: your settings' voice 'gmw/en-us' is an espeak-ng voice, which hibari "
                   "cannot speak")
    assert path.read_text() == "engine: pyttsx3\nvoice: gmw/en-us\n"
    assert cli("settings", "set", "engine", "auto").returncode == 0  # auto speaks any voice
    assert cli("settings", "unset", "voice").returncode == 0
    assert cli("settings", "set", "engine", "hibari").returncode == 0
    assert cli("settings", "set", "voice", "heart").returncode == 0


def test_a_settings_voice_the_chosen_engine_cannot_speak_is_said(cli, isolated_home: Path,
                                                                 voices_here, monkeypatch):
    from guided.speech import choice
    from guided.speech.base import Voice

    listed = choice.voices_of
    tones = [Voice("low", "Low tone", "en", "", "test"), Voice("high", "High tone", "en", "", "test")]
    monkeypatch.setattr(choice, "voices_of", lambda engine: tones if engine == "test" else listed(engine))
    write(isolated_home, "settings.yaml", "voice: heart\n")
    result = cli("export", "grounding", "--engine", "test", "-o", str(isolated_home / "x.wav"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ("your settings' voice 'heart' is a hibari voice, which the test engine "
                             "(the engine chosen) cannot speak, so the test engine's low voice speaks "
                             "instead; `guided settings` shows your engine and voice (--engine and "
                             "GUIDED_ENGINE win over them)\n")
    said: list[str] = []  # a script's own voice wins over the settings': nothing to say then
    chosen = settle(VoiceChoice(engine="test", settings_voice="heart", warn=said.append),
                    script_voice="high")
    assert (chosen.voice, said) == ("high", [])


# --- two commands changing the settings at once --------------------------------------------


@pytest.mark.subprocess
def test_two_settings_set_at_once_keep_both(tmp_path):
    import os
    import subprocess
    import sys

    env = dict(os.environ, GUIDED_HOME=str(tmp_path / "home"))
    settings = tmp_path / "home" / "settings.yaml"
    for _ in range(4):
        settings.unlink(missing_ok=True)
        procs = [subprocess.Popen([sys.executable, "-m", "guided", "settings", "set", key, value],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for key, value in (("pace", "1.2"), ("ratings", "off"))]
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
        assert sorted(settings.read_text().splitlines()) == ["pace: 1.2", "ratings: off"]


def test_settings_set_waits_for_another_change_then_says_one_line(cli, monkeypatch, tmp_path):
    import functools

    from guided import portable
    from guided.atomic import lock_file
    from guided.paths import settings_file

    monkeypatch.setattr(portable, "locked", functools.partial(portable.locked, timeout=0.2))
    with portable.locked(lock_file(settings_file())):  # another guided in the middle of a change
        result = cli("settings", "set", "pace", "1.2")
    one_line_error(result, "another guided is changing your settings", str(settings_file()))
    assert not settings_file().exists()
    assert cli("settings", "set", "pace", "1.2").returncode == 0  # once it is done, it goes through


def _refuse_replacing(monkeypatch, name: str) -> None:
    """os.replace onto ``name`` fails as on a file the system will not let us change."""
    import errno
    import os

    from guided import atomic

    real_replace = os.replace

    def replace(src, dst):
        if Path(dst).name == name:
            raise PermissionError(errno.EPERM, "Operation not permitted", str(src), None, str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)


def test_a_settings_file_that_cannot_be_changed_is_named_not_the_temporary_file(cli, monkeypatch):
    from guided.paths import settings_file

    assert cli("settings", "set", "pace", "1.2").returncode == 0
    _refuse_replacing(monkeypatch, "settings.yaml")
    result = cli("settings", "set", "rate", "130")
    one_line_error(result, f"guided: cannot change {settings_file()}: operation not permitted")
    assert ".part" not in result.stderr
    assert settings_file().read_text() == "pace: 1.2\n"
    assert sorted(p.name for p in settings_file().parent.iterdir()
                  if p.name.startswith(".settings")) == [".settings.yaml.lock"]  # no temporary left


def test_a_full_disk_while_writing_names_the_users_file(cli, monkeypatch):
    import errno

    from guided.practice import journeys

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_text", full)
    result = cli("journey", "start", "six-weeks")
    one_line_error(result, f"guided: cannot write {journeys.progress_file()}: the disk is full")
    assert ".part" not in result.stderr


@pytest.mark.audio
def test_a_device_number_that_is_not_here_is_refused(guided, alsa_file_sink, isolated_home):  # noqa: F811
    """A tester's find: `settings set device 5` was taken with two devices."""
    env = alsa_file_sink.merged()
    listed = guided("devices", env=env).stdout
    result = guided("settings", "set", "device", "57", env=env)
    assert result.returncode == 1, (listed, result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and "no output device number 57 here" in result.stderr
    assert not (isolated_home / "settings.yaml").exists()
    later = guided("settings", "set", "device", "Headphones not plugged in", env=env)
    assert later.returncode == 0 and "it is kept" in later.stderr  # a name may come later
